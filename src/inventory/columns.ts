import { INVENTORY_STATUSES, type InventoryRow, type InventoryStatus } from './scan.js';

/** What every report format shares: the columns, the totals, and the writer contract. */
export type InventoryTotals = Record<InventoryStatus, number> & { total: number };

export interface ReportMeta {
  prefixes: readonly string[];
  generatedAt: string;
  expiringWithinDays: number;
  checkBinding: boolean;
  /** Who produced the report: the tool and version, the user and the host it ran as. */
  producedBy?: string;
  /** The issuers whose certificates were trusted, and where their keys came from. */
  trust?: readonly string[];
  /** What was asked of the issuers' transparency logs, when anything was. */
  log?: string;
}

export interface ReportWriter {
  begin(): string;
  row(row: InventoryRow): string;
  end(totals: InventoryTotals): string;
}

export function emptyTotals(): InventoryTotals {
  const totals = { total: 0 } as InventoryTotals;
  for (const status of INVENTORY_STATUSES) totals[status] = 0;
  return totals;
}

/** The columns of the tabular formats, in order. */
export const COLUMNS: ReadonlyArray<{ key: keyof InventoryRow; title: string }> = [
  { key: 'store', title: 'Store' },
  { key: 'status', title: 'Status' },
  { key: 'standard', title: 'Standard' },
  { key: 'expires_at', title: 'Expires' },
  { key: 'label', title: 'Label (client-asserted)' },
  { key: 'cert_url', title: 'Certificate' },
  { key: 'cert_id', title: 'Certificate id' },
  { key: 'generated_at', title: 'Generated (client-asserted)' },
  { key: 'binding', title: 'Binding' },
  { key: 'detail', title: 'Detail' },
  // last, so spreadsheets and scripts reading the earlier columns by position keep working
  { key: 'workflow', title: 'Workflow' },
  // appended for the same reason
  { key: 'target', title: 'Target' },
  // the transparency log index, when the log was checked (appended for the same reason)
  { key: 'leaf_index', title: 'Log index' },
];

export function cellText(row: InventoryRow, key: keyof InventoryRow): string {
  const value = row[key];
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(' ') : String(value);
}

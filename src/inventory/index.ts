import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { emptyTotals, type InventoryTotals } from './columns.js';
import { createWriter, type InventoryFormat } from './formats.js';
import { scanInventory, type InventoryOptions, type InventoryRow } from './scan.js';
import { describeLogRequirement } from '../trust/transparency.js';

/**
 * `passgeni inventory` as a function: scan, format and write, streaming end to end. Returns the
 * totals per status once the report is complete.
 */
export { scanInventory, trustRequired, INVENTORY_STATUSES } from './scan.js';
export type { InventoryOptions, InventoryRow } from './scan.js';
export { INVENTORY_FORMATS, csvCell, markdownCell, markdownCode } from './formats.js';
export type { InventoryFormat } from './formats.js';
export type { InventoryTotals } from './columns.js';
export { remindersCalendar, reminderUid, type ReminderRow } from './ics.js';

export interface RunInventoryOptions extends InventoryOptions {
  format: InventoryFormat;
  out: Writable;
  /**
   * Also writes the JSON report of the same rows here (the HTML report's twin, whose SHA-256 the
   * HTML shows, so an auditor can tell the two describe one run).
   */
  jsonTwin?: Writable;
  onRow?: (row: InventoryRow, totals: InventoryTotals) => void;
  producedBy?: string;
  trust?: readonly string[];
}

export async function runInventory(options: RunInventoryOptions): Promise<InventoryTotals> {
  const { format, out, jsonTwin, onRow, producedBy, trust, ...scan } = options;
  const meta = {
    prefixes: scan.prefixes,
    generatedAt: new Date((scan.now ?? Date.now)()).toISOString(),
    expiringWithinDays: scan.expiringWithinDays ?? 30,
    checkBinding: scan.checkBinding === true,
    ...(producedBy !== undefined && { producedBy }),
    ...(trust !== undefined && { trust }),
    ...(scan.log !== undefined && { log: describeLogRequirement(scan.log) }),
  };
  const writer = createWriter(format, meta);
  const twin = jsonTwin && { out: jsonTwin, writer: createWriter('json', meta) };
  const totals = emptyTotals();
  // The header is written only once the first row (or the end) is known, so a bad prefix fails
  // before any output and leaves no half report behind.
  let begun = false;
  for await (const row of scanInventory(scan)) {
    if (!begun) {
      await write(out, writer.begin());
      if (twin) await write(twin.out, twin.writer.begin());
      begun = true;
    }
    totals[row.status]++;
    totals.total++;
    await write(out, writer.row(row));
    if (twin) await write(twin.out, twin.writer.row(row));
    onRow?.(row, totals);
  }
  if (!begun) {
    await write(out, writer.begin());
    if (twin) await write(twin.out, twin.writer.begin());
  }
  await write(out, writer.end(totals));
  if (twin) await write(twin.out, twin.writer.end(totals));
  return totals;
}

/** Honours back-pressure: a slow pipe or disk slows the scan instead of buffering the report. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (chunk === '') return;
  if (!out.write(chunk)) await once(out, 'drain');
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { emptyTotals, type InventoryTotals } from './columns.js';
import { createWriter, type InventoryFormat } from './formats.js';
import { scanInventory, type InventoryOptions, type InventoryRow } from './scan.js';

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
  onRow?: (row: InventoryRow, totals: InventoryTotals) => void;
}

export async function runInventory(options: RunInventoryOptions): Promise<InventoryTotals> {
  const { format, out, onRow, ...scan } = options;
  const writer = createWriter(format, {
    prefixes: scan.prefixes,
    generatedAt: new Date((scan.now ?? Date.now)()).toISOString(),
    expiringWithinDays: scan.expiringWithinDays ?? 30,
    checkBinding: scan.checkBinding === true,
  });
  const totals = emptyTotals();
  // The header is written only once the first row (or the end) is known, so a bad prefix fails
  // before any output and leaves no half report behind.
  let begun = false;
  for await (const row of scanInventory(scan)) {
    if (!begun) {
      await write(out, writer.begin());
      begun = true;
    }
    totals[row.status]++;
    totals.total++;
    await write(out, writer.row(row));
    onRow?.(row, totals);
  }
  if (!begun) await write(out, writer.begin());
  await write(out, writer.end(totals));
  return totals;
}

/** Honours back-pressure: a slow pipe or disk slows the scan instead of buffering the report. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (chunk === '') return;
  if (!out.write(chunk)) await once(out, 'drain');
}

import type { ReportMeta, ReportWriter } from './columns.js';
import { calendarBegin, calendarEnd, reminderEvents, type ReminderRow } from './ics.js';
import type { InventoryRow, InventoryStatus } from './scan.js';

/**
 * Statuses whose dates are worth a reminder. A revoked certificate has nothing left to expire, and
 * the dates of one that does not verify (invalid, unknown) cannot be trusted.
 */
const REMINDED: ReadonlySet<InventoryStatus> = new Set([
  'valid',
  'expiring',
  'overdue',
  'expired',
  'pending',
  'binding-mismatch',
]);

/**
 * `inventory --format ics`. One certificate may be stored in several places (one certify, several
 * stores), and a calendar must hold it once, so rows are gathered by certificate and the events
 * written at the end; what is held is a few short strings per certificate.
 */
export function icsWriter(meta: ReportMeta): ReportWriter {
  const certificates = new Map<string, ReminderRow & { stores: string[]; targets: string[] }>();
  return {
    begin: () => calendarBegin(),
    row: (row: InventoryRow) => {
      if (!REMINDED.has(row.status) || !row.cert_id || !row.cert_url || !row.expires_at) return '';
      const known = certificates.get(row.cert_id);
      if (known) {
        known.stores.push(row.store);
        if (row.target !== null && !known.targets.includes(row.target)) known.targets.push(row.target);
        return '';
      }
      certificates.set(row.cert_id, {
        id: row.cert_id,
        certUrl: row.cert_url,
        expiresAt: row.expires_at,
        rotateBy: row.rotate_by ?? undefined,
        label: row.label ?? undefined,
        standard: row.standard ?? undefined,
        stores: [row.store],
        targets: row.target === null ? [] : [row.target],
      });
      return '';
    },
    end: () => {
      const stamp = new Date(meta.generatedAt);
      let text = '';
      for (const { stores, targets, ...certificate } of certificates.values()) {
        text += reminderEvents({ ...certificate, store: stores, target: targets }, stamp);
      }
      return text + calendarEnd();
    },
  };
}

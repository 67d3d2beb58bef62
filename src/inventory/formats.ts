import { INVENTORY_STATUSES } from './scan.js';
import { COLUMNS, cellText, type ReportMeta, type ReportWriter } from './columns.js';
import { htmlWriter } from './html.js';
import { jsonWriter } from './json-report.js';
import { icsWriter } from './ics-report.js';

/**
 * Report formats. Each writer turns the stream of rows into text chunks as they come — a header,
 * one chunk per row, and a footer that may carry the totals — so no format needs the whole
 * inventory in memory.
 */
export const INVENTORY_FORMATS = ['json', 'jsonl', 'csv', 'md', 'html', 'ics'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export function createWriter(format: InventoryFormat, meta: ReportMeta): ReportWriter {
  switch (format) {
    case 'json':
      return jsonWriter();
    case 'jsonl':
      return { begin: () => '', row: (row) => `${JSON.stringify(row)}\n`, end: () => '' };
    case 'csv':
      return csvWriter();
    case 'md':
      return markdownWriter(meta);
    case 'html':
      return htmlWriter(meta);
    case 'ics':
      return icsWriter(meta);
  }
}

/**
 * RFC 4180, with spreadsheet formula injection defused: labels and store names are chosen by
 * whoever wrote the secret, and an auditor opens this in a spreadsheet. A cell that a
 * spreadsheet would evaluate (= + - @, tab, carriage return) is prefixed with an apostrophe.
 */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvWriter(): ReportWriter {
  return {
    begin: () => `${COLUMNS.map((c) => csvCell(c.key)).join(',')}\r\n`,
    row: (row) => `${COLUMNS.map((c) => csvCell(cellText(row, c.key))).join(',')}\r\n`,
    end: () => '',
  };
}

/** Escapes what Markdown (GitHub-flavoured tables) or the inline HTML it allows would interpret. */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Store URIs and certificate URLs read best as code, where Markdown leaves `#`, `_` and `<`
 * alone; only the table's own `|` still needs escaping there.
 */
export function markdownCode(text: string): string {
  if (text === '') return '';
  if (/[`\r\n]/.test(text)) return markdownCell(text);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

const CODE_COLUMNS = new Set(['store', 'cert_url', 'cert_id', 'target']);

function markdownWriter(meta: ReportMeta): ReportWriter {
  return {
    begin: () =>
      [
        '# Certificate registry',
        '',
        `Generated ${meta.generatedAt} from ${meta.prefixes.map((p) => `\`${p.replace(/`/g, '')}\``).join(', ')}; "expiring" means within ${meta.expiringWithinDays} days${meta.checkBinding ? '; credentials checked against their certificate bindings' : ''}${meta.log ? `; transparency log ${markdownCell(meta.log)}` : ''}.`,
        '',
        `| ${COLUMNS.map((c) => c.title).join(' | ')} |`,
        `|${COLUMNS.map(() => ' --- |').join('')}`,
        '',
      ].join('\n'),
    row: (row) =>
      `| ${COLUMNS.map((c) => (CODE_COLUMNS.has(c.key) ? markdownCode : markdownCell)(cellText(row, c.key))).join(' | ')} |\n`,
    end: (totals) =>
      [
        '',
        '## Totals',
        '',
        '| Status | Count |',
        '| --- | ---: |',
        ...INVENTORY_STATUSES.map((s) => `| ${s} | ${totals[s]} |`),
        `| **total** | **${totals.total}** |`,
        '',
      ].join('\n'),
  };
}

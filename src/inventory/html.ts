import { createHash } from 'node:crypto';
import { escapeHtml } from '../lib/html.js';
import { INVENTORY_STATUSES, type InventoryRow, type InventoryStatus } from './scan.js';
import { COLUMNS, cellText, type ReportMeta, type ReportWriter } from './columns.js';
import { jsonWriter } from './json-report.js';

/**
 * The registry as ONE self-contained HTML page an auditor can open from a file share or an email:
 * no external resources at all, everything escaped, and a Content-Security-Policy that allows
 * exactly the inline style and script below (by hash) and nothing else — so even a label crafted
 * to break out of its cell could neither run script nor load anything.
 *
 * Rows are streamed as they come; the totals are known only at the end, so they are written
 * after the table and shown above it with CSS (flex `order`), which needs no buffering.
 */

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #6e7781; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; }
main { display: flex; flex-direction: column; gap: 1rem; padding: 1.5rem; max-width: 100%; }
header { order: -3; }
#provenance { order: -2; }
#totals { order: -1; }
#provenance dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; margin: 0; }
#provenance dt { font-weight: 600; }
#provenance dd { margin: 0; overflow-wrap: anywhere; }
#provenance code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.scroll { overflow-x: auto; max-width: 100%; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p.meta { color: var(--muted); margin: 0; }
table { border-collapse: collapse; }
#totals table td, #totals table th { padding: .25rem .75rem; border: 1px solid #d0d7de; text-align: left; }
#totals td { text-align: right; font-variant-numeric: tabular-nums; }
#registry { width: 100%; }
#registry th, #registry td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
#registry thead th { position: sticky; top: 0; background: Canvas; }
#registry th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
#registry th[aria-sort="ascending"] button::after { content: " \\25B2"; }
#registry th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.store, td.url { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
td.store { min-width: 12rem; }
td.url { min-width: 14rem; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; white-space: nowrap; }
.s-valid .status { color: var(--ok); }
.s-expiring .status, .s-missing .status, .s-unknown .status { color: var(--warn); }
.s-expired .status, .s-overdue .status, .s-revoked .status, .s-pending .status, .s-invalid .status, .s-binding-mismatch .status { color: var(--bad); }
td.detail { color: var(--muted); }
/* after the screen rules, so that print wins over them */
@page { size: A4 landscape; margin: 12mm; }
@media print {
  main { padding: 0; }
  .scroll { overflow: visible; }
  #registry { font-size: 9px; width: 100%; table-layout: fixed; }
  #registry th, #registry td { padding: .2rem .3rem; overflow-wrap: anywhere; }
  td.date { white-space: normal; }
  #registry thead { display: table-header-group; }
  #registry tr { break-inside: avoid; }
  #registry th button::after { content: none; }
  td.store, td.url { font-size: 9px; min-width: 0; }
  a { color: inherit; text-decoration: none; }
}
`;

const SCRIPT = `
(function () {
  var table = document.getElementById('registry');
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  function key(row, col) {
    var cell = row.cells[col];
    var sort = cell.getAttribute('data-sort');
    return sort !== null ? sort : cell.textContent;
  }
  Array.prototype.forEach.call(headers, function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(headers, function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var order = key(a, col).localeCompare(key(b, col), undefined, { numeric: true });
        return ascending ? order : -order;
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
    });
  });
})();
`;

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const HTML_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(STYLE)}`,
  `script-src ${cspHash(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Worst first when the Status column is sorted ascending. */
const STATUS_RANK: readonly InventoryStatus[] = [
  'revoked',
  'pending',
  'invalid',
  'binding-mismatch',
  'expired',
  'overdue',
  'missing',
  'unknown',
  'expiring',
  'valid',
];

// The tabular columns but the id, which the page shows as the certificate link.
const HTML_COLUMNS = COLUMNS.filter((c) => c.key !== 'cert_id');
const CLASS_NAMES: Partial<Record<keyof InventoryRow, string>> = {
  store: 'store',
  status: 'status',
  expires_at: 'date',
  cert_url: 'url',
  generated_at: 'date',
  detail: 'detail',
  target: 'url',
};

function cell(row: InventoryRow, column: (typeof HTML_COLUMNS)[number]): string {
  const text = cellText(row, column.key);
  const cls = CLASS_NAMES[column.key] ? ` class="${CLASS_NAMES[column.key]}"` : '';
  if (column.key === 'status')
    return `<td${cls} data-sort="${STATUS_RANK.indexOf(row.status)}">${escapeHtml(text)}</td>`;
  // Only http(s) links: a store can hold any string, and `javascript:` must never become a link.
  if (column.key === 'cert_url' && /^https?:\/\//i.test(text)) {
    return `<td${cls}><a href="${escapeHtml(text)}" rel="noopener noreferrer">${escapeHtml(text)}</a></td>`;
  }
  return `<td${cls}>${escapeHtml(text)}</td>`;
}

function provenance(meta: ReportMeta, twinSha256: string): string {
  const rows: Array<[string, string]> = [
    ['Produced by', escapeHtml(meta.producedBy ?? 'passgeni inventory')],
    ['Produced at', escapeHtml(meta.generatedAt)],
    ['Stores scanned', meta.prefixes.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')],
    [
      'Issuers trusted',
      meta.trust === undefined || meta.trust.length === 0
        ? 'not recorded'
        : meta.trust.map((t) => escapeHtml(t)).join('<br>'),
    ],
    ...(meta.log === undefined ? [] : [['Transparency log', escapeHtml(meta.log)] as [string, string]]),
    [
      'SHA-256 of the JSON report',
      `<code>${twinSha256}</code> (the same rows as <code>passgeni inventory --format json</code> writes them; <code>--out</code> writes that twin beside this file)`,
    ],
  ];
  return [
    '<section id="provenance" aria-label="Provenance">',
    `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`,
    '</section>',
  ].join('\n');
}

export function htmlWriter(meta: ReportMeta): ReportWriter {
  // The JSON rendering of the same rows, hashed as it streams: known only at the end, so the
  // provenance block is written after the table and shown above it (CSS order), like the totals.
  const json = jsonWriter();
  const twin = createHash('sha256');
  return {
    begin: () => {
      twin.update(json.begin());
      return [
        '<!doctype html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">`,
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>PassGeni certificate registry</title>',
        `<style>${STYLE}</style>`,
        '</head>',
        '<body>',
        '<main>',
        '<header>',
        '<h1>Certificate registry</h1>',
        `<p class="meta">Generated ${escapeHtml(meta.generatedAt)} from ${meta.prefixes.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}. "expiring" means within ${meta.expiringWithinDays} days.${meta.checkBinding ? ' Stored credentials were checked against their certificate bindings.' : ''} Click a column heading to sort.</p>`,
        '</header>',
        '<div class="scroll">',
        '<table id="registry">',
        `<thead><tr>${HTML_COLUMNS.map((c) => `<th scope="col" aria-sort="none"><button type="button">${c.title}</button></th>`).join('')}</tr></thead>`,
        '<tbody>',
        '',
      ].join('\n');
    },
    row: (row) => {
      twin.update(json.row(row));
      return `<tr class="s-${row.status}">${HTML_COLUMNS.map((c) => cell(row, c)).join('')}</tr>\n`;
    },
    end: (totals) => {
      twin.update(json.end(totals));
      return [
        '</tbody>',
        '</table>',
        '</div>',
        provenance(meta, twin.digest('hex')),
        '<section id="totals" aria-label="Totals">',
        '<table>',
        `<thead><tr><th scope="col">Status</th><th scope="col">Count</th></tr></thead>`,
        '<tbody>',
        ...INVENTORY_STATUSES.map(
          (s) =>
            `<tr class="s-${s}"><th scope="row" class="status">${s}</th><td data-total="${s}">${totals[s]}</td></tr>`,
        ),
        `<tr><th scope="row">total</th><td data-total="total">${totals.total}</td></tr>`,
        '</tbody>',
        '</table>',
        '</section>',
        '</main>',
        `<script>${SCRIPT}</script>`,
        '</body>',
        '</html>',
        '',
      ].join('\n');
    },
  };
}

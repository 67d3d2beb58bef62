/**
 * Job summary fragments. GitHub renders the summary as Markdown with HTML allowed; tables are
 * written as HTML so a value holding `|` or a line break cannot break the layout, and every value
 * is escaped, since store URIs, labels and issuer messages come from users or servers.
 * A summary never holds a credential, a token or an API key: callers pass only public values.
 */
import { escapeHtml } from '../lib/html.js';

export type Cell = string | { text: string; href?: string; code?: boolean };

export function renderCell(cell: Cell): string {
  if (typeof cell === 'string') return escapeHtml(cell);
  const text = cell.code ? `<code>${escapeHtml(cell.text)}</code>` : escapeHtml(cell.text);
  // Only http(s) links: a javascript: URL from a hostile issuer must not become clickable.
  return cell.href && /^https?:\/\//i.test(cell.href)
    ? `<a href="${escapeHtml(cell.href)}">${text}</a>`
    : text;
}

export function heading(text: string, level = 3): string {
  return `<h${level}>${escapeHtml(text)}</h${level}>\n`;
}

export function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>\n`;
}

/** A two-column table of labelled rows; a row with several cells renders them one a line. */
export function table(rows: ReadonlyArray<readonly [string, Cell | readonly Cell[]]>): string {
  const body = rows
    .map(([label, value]) => {
      const cells = Array.isArray(value) ? (value as readonly Cell[]) : [value as Cell];
      return `<tr><th align="left">${escapeHtml(label)}</th><td>${cells.map(renderCell).join('<br>')}</td></tr>`;
    })
    .join('\n');
  return `<table>\n${body}\n</table>\n\n`;
}

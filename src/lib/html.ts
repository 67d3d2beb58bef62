/**
 * Text for HTML, as element content or a quoted attribute value: the five characters that could
 * end either are replaced by their named (or, for the apostrophe, numeric) references.
 */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

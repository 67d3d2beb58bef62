import type { ReportWriter } from './columns.js';

/** A JSON array written element by element: valid JSON once complete, never built in memory. */
export function jsonWriter(): ReportWriter {
  let first = true;
  return {
    begin: () => '[',
    row: (row) => {
      const chunk = `${first ? '\n' : ',\n'}  ${JSON.stringify(row)}`;
      first = false;
      return chunk;
    },
    end: () => (first ? ']\n' : '\n]\n'),
  };
}

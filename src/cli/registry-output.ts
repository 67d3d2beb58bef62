import { InputError } from '../errors.js';
import {
  IssuerError,
  openIssuerClient,
  type IssuerClient,
  type IssuerRegistry,
} from '../issuer-client/index.js';
import { VERSION } from '../version.js';
import { issuerSelection, type IssuerCliOptions } from './issuer-options.js';
import { csvCell, markdownCell } from '../inventory/index.js';
import { printNotice, printText, textTable } from './output.js';

/**
 * Output of the registry commands (`certificates list`, `events`): every page the issuer returns,
 * written as it arrives, in the format asked for. JSON holds the API's own objects unchanged, so
 * a script reads what the API returned; CSV is RFC 4180 with formula injection defused (labels,
 * reasons and event details are chosen by API users, and an auditor opens this in a spreadsheet).
 */
export const REGISTRY_FORMATS = ['text', 'json', 'csv', 'md'] as const;
export type RegistryFormat = (typeof REGISTRY_FORMATS)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

/** Reads pages from `next(cursor)` until the issuer says there are no more. */
export async function* everyPage<T>(
  next: (cursor: string | undefined) => Promise<{ rows: T[]; cursor: string | null }>,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await next(cursor);
    yield page.rows;
    // an issuer that hands back the cursor it was given would keep this loop going for ever
    if (page.cursor !== null && page.cursor === cursor) {
      throw new IssuerError(
        'ISSUER_RESPONSE_INVALID',
        'The issuer returned the same page cursor twice; stopped rather than read it for ever. Check that the issuer is up to date.',
      );
    }
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
}

/** Writes every row; returns how many there were. */
export async function writeRows<T>(
  format: RegistryFormat,
  columns: Array<Column<T>>,
  pages: AsyncIterable<T[]>,
): Promise<number> {
  const out = (text: string) => process.stdout.write(text);
  let count = 0;
  if (format === 'text') {
    const rows: string[][] = [];
    for await (const page of pages) for (const row of page) rows.push(columns.map((c) => c.value(row)));
    if (rows.length > 0)
      printText(
        textTable(
          columns.map((c) => c.header.toUpperCase()),
          rows,
        ),
      );
    return rows.length;
  }
  // the header waits for the first page, so a refused request prints nothing on stdout
  let begun = false;
  const begin = () => {
    begun = true;
    if (format === 'csv') out(`${columns.map((c) => csvCell(c.header)).join(',')}\r\n`);
    if (format === 'md') {
      out(`| ${columns.map((c) => markdownCell(c.header)).join(' | ')} |\n`);
      out(`|${columns.map(() => ' --- |').join('')}\n`);
    }
    if (format === 'json') out('[');
  };
  for await (const page of pages) {
    if (!begun) begin();
    for (const row of page) {
      if (format === 'json') out(`${count === 0 ? '\n' : ',\n'}  ${JSON.stringify(row)}`);
      else if (format === 'csv') out(`${columns.map((c) => csvCell(c.value(row))).join(',')}\r\n`);
      else out(`| ${columns.map((c) => markdownCell(c.value(row))).join(' | ')} |\n`);
      count += 1;
    }
  }
  if (!begun) begin();
  if (format === 'json') out(count === 0 ? ']\n' : '\n]\n');
  return count;
}

/**
 * A registry command's whole run: open the issuer the options name (never creating a local one),
 * read every page with `page(issuer, cursor)`, write the rows, and say so when there were none.
 */
export async function printListing<T>(
  options: IssuerCliOptions & { json?: boolean; format: RegistryFormat },
  what: string,
  columns: Array<Column<T>>,
  page: (
    issuer: IssuerClient & IssuerRegistry,
    cursor: string | undefined,
  ) => Promise<{ rows: T[]; cursor: string | null }>,
): Promise<number> {
  const issuer = await openIssuerClient({
    ...issuerSelection(options),
    userAgent: `passgeni-cli/${VERSION}`,
    existingOnly: true,
  });
  try {
    const format = options.json ? 'json' : options.format;
    const count = await writeRows(
      format,
      columns,
      everyPage((cursor) => page(issuer, cursor)),
    );
    if (count === 0 && format === 'text') printNotice(`No ${what} at ${issuer.description}.`);
    return 0;
  } finally {
    await issuer.close();
  }
}

/** `--page-size`: how many rows each request asks the issuer for (it allows 1-200). */
export function parsePageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 200)) {
    throw new InputError(
      'INVALID_PAGE_SIZE',
      `--page-size must be a whole number from 1 to 200, not "${value.slice(0, 20)}".`,
    );
  }
  return n;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

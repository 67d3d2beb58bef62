import { isPassgeniError, errorMessage } from '../errors.js';
import { cliErrorMessage } from './hints.js';

/**
 * The one place the CLI writes results and errors, so `--json` behaves the same on every
 * command: results as JSON on stdout, errors as `{ error, code, ... }` on stderr.
 */
export interface OutputOptions {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** JSON Lines: one compact object per line, for streams such as `generate --count`. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Status lines that are not the result (progress, notices) go to stderr so pipes stay clean. */
export function printNotice(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Columns aligned with two spaces, widths in code points (key names may hold any text); `rule`
 * underlines the header with dashes.
 */
export function textTable(header: string[], rows: string[][], { rule = true } = {}): string {
  const width = (text: string): number => [...text].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c)))
      .join('  ')
      .trimEnd();
  const underline = rule ? [line(widths.map((w) => '-'.repeat(w)))] : [];
  return [line(header), ...underline, ...rows.map(line)].join('\n');
}

/** Prints an error in the requested format and returns the exit code it maps to. */
export function reportError(error: unknown, options: OutputOptions): number {
  const exitCode = isPassgeniError(error) ? error.exitCode : 3;
  if (options.json) {
    const body = isPassgeniError(error)
      ? { ...error.toJSON(), error: cliErrorMessage(error) }
      : { error: errorMessage(error), code: 'INTERNAL' };
    process.stderr.write(`${JSON.stringify(body)}\n`);
  } else {
    const code = isPassgeniError(error) ? ` [${error.code}]` : '';
    process.stderr.write(`passgeni: ${cliErrorMessage(error)}${code}\n`);
    if (process.env.PASSGENI_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
  }
  return exitCode;
}

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { IssuerSelection } from '../issuer-client/index.js';
import { DEFAULT_DATA_DIR } from '../issuer-client/local.js';

/** What the flags below set; each falls back to its environment variable. */
export type IssuerCliOptions = Omit<IssuerSelection, 'userAgent'>;

/** The issuer flags shared by certify, verify, revoke and rotate. */
export function addIssuerOptions(command: Command): Command {
  return command
    .option(
      '--issuer-url <url>',
      'issuer to use (env PASSGENI_ISSUER_URL); default: the local issuer in --data-dir',
    )
    .option(
      '--api-key <key>',
      'API key for the issuer; "-" reads it from stdin (env PASSGENI_API_KEY; either keeps it out of shell history and ps)',
    )
    .option('--data-dir <dir>', 'data directory of the local issuer (env PASSGENI_DATA_DIR)', undefined)
    .option(
      '--public-url <url>',
      'public URL of the local issuer (env PASSGENI_PUBLIC_URL; default http://127.0.0.1:8787)',
    );
}

export function issuerSelection(
  options: IssuerCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): IssuerSelection {
  // an empty variable (VAR= in a workflow or a shell) is unset, not "the current directory"
  const issuerUrl = options.issuerUrl ?? nonEmpty(env.PASSGENI_ISSUER_URL);
  const apiKey =
    options.apiKey === '-' ? readKeyFromStdin() : (options.apiKey ?? nonEmpty(env.PASSGENI_API_KEY));
  const dataDir = options.dataDir ?? nonEmpty(env.PASSGENI_DATA_DIR);
  const publicUrl = options.publicUrl ?? nonEmpty(env.PASSGENI_PUBLIC_URL);
  return {
    ...(issuerUrl !== undefined && { issuerUrl }),
    ...(apiKey !== undefined && { apiKey }),
    ...(dataDir !== undefined && { dataDir }),
    ...(publicUrl !== undefined && { publicUrl }),
  };
}

/**
 * Where `serve` and `api-key` find the issuer's database: PostgreSQL (--database-url or
 * DATABASE_URL), else the embedded one in the data directory.
 */
export function issuerStorage(
  options: { dataDir?: string; databaseUrl?: string },
  env: NodeJS.ProcessEnv = process.env,
): { databaseUrl: string | undefined; dataDir: string } {
  return {
    databaseUrl: options.databaseUrl ?? nonEmpty(env.DATABASE_URL),
    dataDir: options.dataDir ?? nonEmpty(env.PASSGENI_DATA_DIR) ?? DEFAULT_DATA_DIR,
  };
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `--api-key -`: the key on stdin (a pipe or a file), so it is never on argv. */
function readKeyFromStdin(): string {
  let key: string;
  try {
    key = readFileSync(0, 'utf8').trim();
  } catch {
    key = '';
  }
  if (key === '' || /\s/.test(key)) {
    throw new InputError(
      'API_KEY_STDIN_INVALID',
      '--api-key - reads the API key from stdin, which held no single key. Pipe exactly the key in, e.g. `passgeni … --api-key - < key.txt`.',
    );
  }
  return key;
}

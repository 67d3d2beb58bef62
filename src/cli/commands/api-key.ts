import type { Command } from 'commander';
import type { ApiKeyInfo, Database } from '../../issuer/core.js';
import { issuerStorage } from '../issuer-options.js';
import { printJson, printNotice, printText, textTable } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import { runCommand } from '../run-command.js';

interface StorageOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

interface CreateOptions extends StorageOptions {
  team: string;
  name?: string;
  perMinute?: number;
  burst?: number;
  admin?: boolean;
}

interface ListOptions extends StorageOptions {
  team?: string;
}

/**
 * `passgeni api-key create|list|revoke`: manages the issuer's API keys directly in its database
 * (the data directory's embedded database, or DATABASE_URL), so no admin endpoint exists to attack.
 */
export function register(program: Command): void {
  const apiKey = program
    .command('api-key')
    .description("Manage the issuer's API keys (directly in its database: --data-dir or DATABASE_URL).");

  withStorage(
    apiKey
      .command('create')
      .description('Create an API key for a team (the team is created if new). The key is printed once.')
      .requiredOption(
        '--team <name>',
        'team name (letters, digits, . _ -); certificates carry only its opaque id',
      )
      .option('--name <text>', 'what the key is for, e.g. "github-actions prod"')
      .option(
        '--per-minute <n>',
        "this key's requests per minute, also its steady rate (n/60 a second); default: the issuer's (60)",
        parsePositiveInt,
      )
      .option(
        '--burst <n>',
        "this key's requests at once before the steady rate applies; default: the issuer's (5)",
        parsePositiveInt,
      )
      .option(
        '--admin',
        "an admin key: may also read every team's certificates and audit events (for auditors and operators)",
      )
      .addHelpText(
        'after',
        `
A certificate takes three requests (session, certificate, activation), so a key allows
per-minute / 3 certificates a minute: 20 at the default 60. Requests with a valid key are never limited by
address. Raise the limit for a key that rotates many credentials, e.g. --per-minute 600.
See docs/operations.md, "Abuse controls".`,
      ),
  ).action(runCommand((options: CreateOptions) => create(options)));

  withStorage(
    apiKey
      .command('list')
      .description('List API keys (never the keys themselves).')
      .option('--team <name>', 'only this team'),
  ).action(runCommand((options: ListOptions) => list(options)));

  withStorage(
    apiKey
      .command('revoke')
      .description(
        'Revoke an API key by id (see `passgeni api-key list`); it stops working on every replica at once.',
      )
      .argument('<id>', 'key id, e.g. key_0123456789abcdef'),
  ).action(runCommand((id: string, options: StorageOptions) => revoke(id, options)));
}

function withStorage(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'issuer data directory (env PASSGENI_DATA_DIR; default ./.passgeni)')
    .option('--database-url <url>', "the issuer's PostgreSQL (env DATABASE_URL)")
    .option('--json', 'print JSON');
}

async function withDatabase<T>(options: StorageOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../../issuer/core.js');
  const { databaseUrl, dataDir } = issuerStorage(options);
  const { db } = await openDatabase(databaseUrl !== undefined ? { databaseUrl, poolSize: 2 } : { dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function create(options: CreateOptions): Promise<number> {
  const { createApiKey } = await import('../../issuer/core.js');
  const created = await withDatabase(options, (db) =>
    createApiKey(db, {
      team: options.team,
      now: new Date(),
      ...(options.name !== undefined && { name: options.name }),
      ...(options.perMinute !== undefined && { perMinute: options.perMinute }),
      ...(options.burst !== undefined && { burst: options.burst }),
      ...(options.admin === true && { admin: true }),
    }),
  );
  if (options.json) {
    printJson(created);
    return 0;
  }
  printText(created.key);
  printNotice(
    `Created ${created.admin ? 'admin ' : ''}API key ${created.id} for team ${created.team_name} (team id ${created.team_id}); limits: ${limitsText(created)}.\n` +
      'Store it now (e.g. as the PASSGENI_API_KEY secret): it is shown only once; the issuer keeps only its SHA-256.',
  );
  return 0;
}

async function list(options: ListOptions): Promise<number> {
  const { listApiKeys } = await import('../../issuer/core.js');
  const keys = await withDatabase(options, (db) =>
    listApiKeys(db, options.team !== undefined ? { team: options.team } : {}),
  );
  if (options.json) {
    printJson({ keys });
    return 0;
  }
  if (keys.length === 0) {
    printNotice('No API keys. Create one with `passgeni api-key create --team NAME`.');
    return 0;
  }
  printText(
    textTable(
      ['ID', 'TEAM', 'KEY', 'NAME', 'LIMITS', 'CREATED', 'LAST USED', 'STATUS'],
      keys.map((k) => [
        k.id,
        k.team_name,
        k.hint,
        k.name ?? '',
        limitsText(k),
        k.created_at.slice(0, 19).replace('T', ' '),
        k.last_used_at ? k.last_used_at.slice(0, 16).replace('T', ' ') : 'never',
        k.revoked_at ? `revoked ${k.revoked_at.slice(0, 10)}` : k.admin ? 'active (admin)' : 'active',
      ]),
      { rule: false },
    ),
  );
  return 0;
}

/** A key's limits as the table shows them; "default" is whatever the issuer is configured with. */
function limitsText(key: ApiKeyInfo): string {
  return `${key.per_minute ?? 'default'}/min, burst ${key.burst ?? 'default'}`;
}

async function revoke(id: string, options: StorageOptions): Promise<number> {
  const { revokeApiKey } = await import('../../issuer/core.js');
  const key = await withDatabase(options, (db) => revokeApiKey(db, id, new Date()));
  if (options.json) printJson(key);
  else printText(`Revoked ${key.id} (team ${key.team_name}) at ${key.revoked_at ?? ''}.`);
  return 0;
}

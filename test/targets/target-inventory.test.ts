import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { openTarget, targetDisplay } from '../../adapters/targets/index.js';
import type { InventoryRow } from '../../src/inventory/index.js';
import { runCli } from '../support/cli.js';
import { certifyInto } from './support/certify.js';
import { useTestIssuer } from '../support/hooks.js';
import { SHARED, canLogin, query, scratch } from './support/postgres.js';

/**
 * Issue 18, "the inventory shows the target": `certify --target` against the real PostgreSQL
 * records the target's display form beside the certificate URL, `inventory` shows it in every
 * format, and nothing secret in the target URI (the admin's password and name, query parameters)
 * is recorded or shown. A later write without a target clears it.
 */

const issuer = useTestIssuer();
let dir: string;
let cleanup: Array<() => Promise<void>>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-target-inventory-'));
  cleanup = [];
  return async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  };
});

const ADMIN_PASSWORD = 'Adm1n-pw-SENTINEL-7f3a';
const CA_FILE = 'ca-SENTINEL-path.pem';

function certify(extra: string[], env: NodeJS.ProcessEnv = {}) {
  return certifyInto(issuer, dir, 'DB_PASSWORD', extra, env);
}

async function inventory(format: string) {
  return runCli(
    ['inventory', '--store-prefix', 'file://app.env', '--format', format, '--trust', issuer.trustLine],
    {
      cwd: dir,
    },
  );
}

function sidecar(): Record<string, { target?: string }> {
  return JSON.parse(readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8')) as Record<
    string,
    { target?: string }
  >;
}

/** The store's metadata (its sidecar) and every report format, as one text. */
async function everythingRecordedAndShown(): Promise<string> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.passgeni.json'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const reports = [];
  for (const format of ['json', 'csv', 'md', 'html', 'ics']) {
    const run = await inventory(format);
    expect(run.code, run.stderr).toBe(0);
    reports.push(run.stdout, run.stderr);
  }
  return [...files, ...reports].join('\n');
}

describe('the inventory shows the target (PostgreSQL)', () => {
  it('records the display form only: no admin password, admin user or query parameter', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const app = db.role('app');
    const rotator = db.role('rotator');
    await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
    await query(SHARED, `CREATE ROLE ${rotator} LOGIN CREATEROLE PASSWORD '${ADMIN_PASSWORD}'`);
    await query(SHARED, `GRANT ${app} TO ${rotator} WITH ADMIN OPTION`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
    // sslrootcert names a file path, which says something about the host it runs on: not recorded
    writeFileSync(join(dir, CA_FILE), 'not a certificate\n');
    const target = `postgresql://${rotator}:${ADMIN_PASSWORD}@127.0.0.1:5432/${db.database}?sslmode=disable&sslrootcert=${join(dir, CA_FILE)}#${app}`;

    const result = await certify(['--target', target]);
    expect(result.code, result.stderr).toBe(0);
    const password = dotenv.parse(readFileSync(join(dir, 'app.env'), 'utf8')).DB_PASSWORD!;
    expect(await canLogin(SHARED, db.database, app, password)).toBe(true);

    const display = `postgresql://127.0.0.1:5432/${db.database}#${app}`;
    expect(sidecar().DB_PASSWORD?.target).toBe(display);

    const json = await inventory('json');
    const [row] = JSON.parse(json.stdout) as InventoryRow[];
    expect(row).toMatchObject({ store: 'file://app.env#DB_PASSWORD', status: 'valid', target: display });

    // CSV: Target is appended after Workflow (then the log index), so earlier positions are unchanged
    const csv = (await inventory('csv')).stdout.split('\r\n');
    expect(csv[0]!.split(',').slice(-3)).toEqual(['workflow', 'target', 'leaf_index']);
    expect(csv[1]!.endsWith(`,${display},`)).toBe(true);
    expect((await inventory('md')).stdout).toContain(`| \`${display}\` |`);
    expect((await inventory('html')).stdout).toContain(`<td class="url">${display}</td>`);
    // the reminder says which system to rotate the credential on (RFC 5545 folds long lines)
    const ics = (await inventory('ics')).stdout.replace(/\r\n[ \t]/g, '');
    expect(ics).toContain(`Rotated on: ${display}`);

    const everything = await everythingRecordedAndShown();
    expect(everything).toContain(display);
    for (const secret of [ADMIN_PASSWORD, 'SENTINEL', rotator, 'sslrootcert', 'sslmode', password]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('a later write without a target clears the recorded one', async () => {
    const db = await scratch();
    cleanup.push(db.drop);
    const app = db.role('app');
    await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old-password\n');
    const first = await certify(
      ['--target', `postgresql://passgeni@127.0.0.1:5432/${db.database}?sslmode=disable#${app}`],
      { PGPASSWORD: 'passgeni' },
    );
    expect(first.code, first.stderr).toBe(0);
    expect(sidecar().DB_PASSWORD?.target).toBe(`postgresql://127.0.0.1:5432/${db.database}#${app}`);

    // the target was dropped from the manifest (or the command line): the secret no longer claims one
    const second = await certify([]);
    expect(second.code, second.stderr).toBe(0);
    expect(sidecar().DB_PASSWORD).not.toHaveProperty('target');
    const [row] = JSON.parse((await inventory('json')).stdout) as InventoryRow[];
    expect(row).toMatchObject({ status: 'valid', target: null });
    expect((await inventory('csv')).stdout.split('\r\n')[1]!.endsWith(',')).toBe(true);
  });
});

describe('the display form of a target', () => {
  async function displayOf(uri: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
    const target = await openTarget(uri, { env });
    return targetDisplay(target.location, [target.account]);
  }

  it('keeps scheme, host, port, database and account, with defaults filled in, and nothing else', async () => {
    expect(
      await displayOf(
        'postgres://rotator:pw@db.internal/app?sslmode=verify-full&sslrootcert=/etc/ca.pem#app_user',
      ),
    ).toBe('postgresql://db.internal:5432/app#app_user');
    // no database: libpq connects to the admin's name, and so does the target
    expect(await displayOf('postgresql://rotator@[::1]:6432#app')).toBe(
      'postgresql://[::1]:6432/rotator#app',
    );
    expect(await displayOf('mysql://rotator:pw@db.internal?ssl-mode=REQUIRED#app@%')).toBe(
      'mysql://db.internal:3306#app@%',
    );
    expect(await displayOf('mysql://rotator@db.internal:3307#app')).toBe('mysql://db.internal:3307#app@%');
    expect(await displayOf('rediss://admin:pw@cache.internal#worker')).toBe(
      'rediss://cache.internal:6379#worker',
    );
  });

  it('replaces control characters and shortens an over-long form to fit every store', () => {
    expect(targetDisplay('redis://cache:6379', ['a\nb'])).toBe('redis://cache:6379#a?b');
    const long = targetDisplay(`postgresql://${'h'.repeat(300)}:5432/app`, ['app']);
    expect([...long]).toHaveLength(256);
    expect(long.endsWith('…')).toBe(true);
    const wide = targetDisplay('postgresql://db:5432/app', ['é'.repeat(300)]);
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(512);
    expect(wide.endsWith('…')).toBe(true);
    const astral = targetDisplay('postgresql://db:5432/app', ['🔑'.repeat(200)]);
    expect(astral.length).toBeLessThanOrEqual(256);
    expect(astral).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/index.js';
import { certifyAndStore, type CertifyStoreError } from '../src/engine.js';
import { HttpIssuerClient } from '../src/issuer-client/index.js';
import { scanInventory, type InventoryRow } from '../src/inventory/index.js';
import { runCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { startTestIssuer, type TestIssuer } from './support/issuer-server.js';
import { trustOf } from './inventory/fixtures.js';

/**
 * A certificate whose run stored the credential but could not activate it: verify, inventory and
 * the certificate page all say pending, not valid, until `passgeni activate` makes it valid.
 */
describe('a pending certificate is not valid anywhere until activated', () => {
  let issuer: TestIssuer;
  let proxy: FaultProxy;
  let dir: string;
  let failure: CertifyStoreError;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    proxy = await startFaultProxy(issuer.url, [
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'refuse' },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'passgeni-pending-'));
    writeFileSync(join(dir, 'app.env'), 'DB_PASSWORD=old\n', { mode: 0o600 });
    failure = (await certifyAndStore(
      { standard: 'HIPAA', stores: ['file://app.env#DB_PASSWORD'] },
      {
        issuer: new HttpIssuerClient({
          url: proxy.url,
          apiKey: issuer.apiKey,
          baseDelayMs: 1,
          maxAttempts: 2,
        }),
        openStore: (uri) => openStore(uri, { baseDir: dir }),
      },
    ).catch((e: unknown) => e)) as CertifyStoreError;
  });

  afterAll(async () => {
    await proxy?.close();
    await issuer?.close();
  });

  async function inventory(): Promise<InventoryRow[]> {
    const rows: InventoryRow[] = [];
    for await (const row of scanInventory({
      prefixes: ['file://.'],
      storeOptions: { baseDir: dir },
      lookup: { trust: trustOf([issuer]) },
    })) {
      rows.push(row);
    }
    return rows;
  }

  it('verify says pending with the PENDING reason and exits 1; inventory lists it as pending', async () => {
    expect(failure.code).toBe('ACTIVATION_FAILED');
    const verified = await runCli(['verify', failure.certUrl, '--json']);
    expect(verified.code).toBe(1);
    const report = JSON.parse(verified.stdout) as {
      valid: boolean;
      status: string;
      reasons: Array<{ code: string; message: string }>;
    };
    expect(report.valid).toBe(false);
    expect(report.status).toBe('pending');
    expect(report.reasons.map((r) => r.code)).toEqual(['PENDING']);
    expect(report.reasons[0]?.message).toMatch(
      /not been told that any store holds this credential.*activated by \d{4}-/,
    );
    const text = await runCli(['verify', failure.certUrl]);
    expect(text.code).toBe(1);
    expect(`${text.stdout}${text.stderr}`).toMatch(/pending/i);

    const rows = await inventory();
    expect(rows.map((r) => [r.store, r.status])).toEqual([['file://app.env#DB_PASSWORD', 'pending']]);
    expect(rows[0]?.detail).toContain('not been told that any store holds this credential');
  });

  it('rotate finds it due for the reason pending (a dry run changes nothing)', async () => {
    writeFileSync(
      join(dir, 'passgeni.yml'),
      'version: 1\ncredentials:\n  - { id: db, standard: HIPAA, stores: ["file://./app.env#DB_PASSWORD"] }\n',
    );
    const dry = await runCli(
      ['rotate', '--dry-run', '--json', '--issuer-url', issuer.url, '--api-key', issuer.apiKey],
      { cwd: dir },
    );
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      rotated: Array<{ id: string; reason: string; detail: string }>;
    };
    expect(report.rotated.map((r) => [r.id, r.reason])).toEqual([['db', 'pending']]);
    expect(report.rotated[0]?.detail).toContain('not been told that any store holds this credential');
  });

  it('after `passgeni activate`, verify and inventory say valid', async () => {
    const activated = await runCli([
      'activate',
      failure.certId,
      '--issuer-url',
      issuer.url,
      '--api-key',
      issuer.apiKey,
    ]);
    expect(activated.code).toBe(0);
    expect(activated.stdout).toContain(`Certificate ${failure.certId} is valid.`);
    const verified = await runCli(['verify', failure.certUrl, '--json']);
    expect(verified.code).toBe(0);
    expect((await inventory()).map((r) => r.status)).toEqual(['valid']);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { scanInventory, type InventoryRow } from '../../src/inventory/index.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { parseTrustPair, TrustStore } from '../../src/trust/index.js';
import { LogCheckCache, logRequirement } from '../../src/trust/transparency.js';
import { startEvidenceIssuer, type EvidenceIssuer } from '../log/support/evidence.js';
import { runCli } from '../support/cli.js';

/**
 * The inventory's witness and timestamp options mean what `verify`'s do: against an issuer whose
 * checkpoints are cosigned by a real witness and timestamped by a real `openssl ts` TSA, every row
 * is proven with the cosignature and the TSA time, and the checkpoint (signature, cosignature,
 * RFC 3161 token) is verified once for the whole run.
 */
let e: EvidenceIssuer;
let dir: string;

beforeAll(async () => {
  e = await startEvidenceIssuer('https://issuer.test/inventory-evidence');
  dir = mkdtempSync(join(tmpdir(), 'passgeni-inventory-evidence-'));
  writeFileSync(join(dir, 'app.env'), 'A=x\nB=x\nC=x\n');
  const issuer = new HttpIssuerClient({ url: e.t.url, apiKey: e.key });
  for (const key of ['A', 'B', 'C']) {
    await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://app.env#${key}`] },
      { issuer, openStore: (uri) => openStore(uri, { baseDir: dir }) },
    );
  }
  await e.t.issuer.log.sequence();
}, 120_000);

afterAll(async () => {
  await e?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('inventory with witnesses and trusted timestamps', () => {
  it('proves every row with the cosignature and the timestamp, verifying the checkpoint once', async () => {
    const cache = new LogCheckCache();
    const log = logRequirement(
      {
        witnesses: [e.witness.verifierKey],
        requireWitnesses: 1,
        requireTimestamp: true,
        tsaCertificate: readFileSync(e.tsa.certFile, 'utf8'),
      },
      cache,
    );
    const rows: InventoryRow[] = [];
    for await (const row of scanInventory({
      prefixes: ['file://app.env'],
      storeOptions: { baseDir: dir },
      lookup: { trust: new TrustStore([parseTrustPair(e.trustLine, 'test')]) },
      log,
    })) {
      rows.push(row);
    }
    expect(rows.map((r) => [r.status, r.leaf_index])).toEqual([
      ['valid', 0],
      ['valid', 1],
      ['valid', 2],
    ]);
    expect(cache.checkpointsVerified).toBe(1);
  });

  it('passgeni inventory: a timestamp from another TSA than the pinned one makes every row invalid', async () => {
    const ok = await runCli(
      [
        'inventory',
        '-p',
        'file://app.env',
        '--json',
        '--witness',
        e.witness.verifierKey,
        '--require-witnesses',
        '1',
        '--require-timestamp',
        '--tsa-cert',
        e.tsa.certFile,
        '--trust',
        e.trustLine,
      ],
      { cwd: dir },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as InventoryRow[]).map((r) => r.leaf_index)).toEqual([0, 1, 2]);

    const refused = await runCli(
      [
        'inventory',
        '-p',
        'file://app.env',
        '--json',
        '--tsa-cert',
        e.otherTsa.certFile,
        '--require-timestamp',
        '--trust',
        e.trustLine,
      ],
      { cwd: dir },
    );
    expect(refused.code).toBe(1);
    const rows = JSON.parse(refused.stdout) as InventoryRow[];
    expect(rows.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(rows[0]?.detail).toMatch(
      /trusted timestamp is refused.*\[TIMESTAMP_(UNTRUSTED_TSA|SIGNATURE_INVALID)\]/,
    );
    expect(rows[0]?.leaf_index).toBeNull();
  });
});

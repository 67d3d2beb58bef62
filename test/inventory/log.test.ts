import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { scanInventory, type InventoryRow } from '../../src/inventory/index.js';
import { LogCheckCache, type LogRequirement } from '../../src/trust/transparency.js';
import { runCli } from '../support/cli.js';
import { startTestIssuer, testClient, type TestIssuer } from '../support/issuer-server.js';
import { trustArgs, trustOf } from './fixtures.js';

/**
 * The inventory checks each certificate's inclusion in its issuer's transparency log the way
 * `verify` does (issue 19, deliverable 4): every row records its `leaf_index`; with --require-log a
 * certificate the log does not prove included is an `invalid` row, without it a note in the
 * detail; each issuer's log key is fetched and each checkpoint verified once per run.
 *
 *   app.env     A, B logged by `main`; C issued by `main` after its last checkpoint (not logged)
 *   other.env   D, E logged by `other`
 */
let main: TestIssuer;
let other: TestIssuer;
let dir: string;
const urls: Record<string, string> = {};

beforeAll(async () => {
  main = await startTestIssuer({ logSequenceMs: 0 });
  other = await startTestIssuer({ logSequenceMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-inventory-log-'));
  writeFileSync(join(dir, 'app.env'), 'A=x\nB=x\nC=x\n');
  writeFileSync(join(dir, 'other.env'), 'D=x\nE=x\n');
  const certify = async (issuer: TestIssuer, store: string) =>
    (
      await certifyAndStore(
        { standard: 'HIPAA', exclude: '`', stores: [store] },
        { issuer: testClient(issuer), openStore: (uri) => openStore(uri, { baseDir: dir }) },
      )
    ).cert_url;
  urls.A = await certify(main, 'file://app.env#A');
  urls.B = await certify(main, 'file://app.env#B');
  urls.D = await certify(other, 'file://other.env#D');
  urls.E = await certify(other, 'file://other.env#E');
  await main.issuer.log.sequence();
  await other.issuer.log.sequence();
  urls.C = await certify(main, 'file://app.env#C');
}, 120_000);

afterAll(async () => {
  await main?.close();
  await other?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every request the look-ups make, by path. */
function countingFetch(paths: string[]): typeof fetch {
  return (input, init) => {
    paths.push(new URL(String(input)).pathname);
    return fetch(input, init);
  };
}

async function scan(log: LogRequirement, fetched: string[] = []): Promise<Record<string, InventoryRow>> {
  const rows: InventoryRow[] = [];
  const fetch = countingFetch(fetched);
  for await (const row of scanInventory({
    prefixes: ['file://.'],
    storeOptions: { baseDir: dir },
    lookup: { trust: trustOf([main, other], fetch), fetch },
    log,
    concurrency: 4,
  })) {
    rows.push(row);
  }
  return Object.fromEntries(rows.map((r) => [r.store.split('#')[1] ?? r.store, r]));
}

describe('inventory and the transparency log', () => {
  it('records each leaf index, verifying each checkpoint once per issuer, and fails what is not logged under require', async () => {
    const cache = new LogCheckCache();
    const fetched: string[] = [];
    const rows = await scan({ require: true, cache }, fetched);
    expect(rows.A).toMatchObject({
      status: 'valid',
      leaf_index: 0,
      detail: expect.not.stringContaining('log'),
    });
    expect(rows.B).toMatchObject({ status: 'valid', leaf_index: 1 });
    expect(rows.D).toMatchObject({ status: 'valid', leaf_index: 0 });
    expect(rows.E).toMatchObject({ status: 'valid', leaf_index: 1 });
    expect(rows.C).toMatchObject({ status: 'invalid', leaf_index: null, cert_url: urls.C });
    expect(rows.C?.detail).toMatch(
      /^Transparency log: not proven: The certificate is not in the transparency log yet/,
    );
    expect(rows.C?.detail).toContain('[LOG_PROOF_MISSING]');
    // the claims are still shown: the certificate itself is sound, only the log requirement failed
    expect(rows.C?.standard).toBe('HIPAA');

    // one identity document (the log key) per issuer, one checkpoint verification per issuer,
    // one inclusion proof per certificate
    expect(fetched.filter((p) => p === '/.well-known/passgeni-issuer')).toHaveLength(2);
    expect(cache.checkpointsVerified).toBe(2);
    expect(fetched.filter((p) => p.endsWith('/inclusion'))).toHaveLength(5);
  });

  it('only notes a missing proof when the log is checked but not required', async () => {
    const rows = await scan({ require: false, verifierKey: main.issuer.log.verifierKey });
    expect(rows.C).toMatchObject({ status: 'valid', leaf_index: null });
    expect(rows.C?.detail).toContain('[LOG_PROOF_MISSING]');
    expect(rows.A).toMatchObject({ status: 'valid', leaf_index: 0 });
    // the other issuer's checkpoints are not signed by the pinned key: reported, not failed
    expect(rows.D).toMatchObject({ status: 'valid', leaf_index: null });
    expect(rows.D?.detail).toMatch(
      /INVALID PROOF: The log checkpoint does not verify.*\[LOG_PROOF_INVALID\]/,
    );
  });

  it('passgeni inventory takes the same log options as verify, and appends the leaf_index column', async () => {
    const csv = await runCli(
      ['inventory', '-p', 'file://.', '--format', 'csv', '--require-log', ...trustArgs(main, other)],
      { cwd: dir },
    );
    expect(csv.code, csv.stderr).toBe(1);
    const [header, ...lines] = csv.stdout.trim().split('\r\n');
    expect(header?.split(',').at(-1)).toBe('leaf_index');
    const byKey = Object.fromEntries(lines.map((l) => [/#(\w)/.exec(l)?.[1], l]));
    expect(byKey.A?.endsWith(',0')).toBe(true);
    expect(byKey.C).toMatch(/^file:\/\/app\.env#C,invalid,/);
    expect(byKey.C?.endsWith(',')).toBe(true);
    expect(csv.stderr).toContain('4 valid, 1 invalid');

    const json = await runCli(
      [
        'inventory',
        '-p',
        'file://other.env',
        '--json',
        '--log-key',
        other.issuer.log.verifierKey,
        ...trustArgs(other),
      ],
      { cwd: dir },
    );
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as InventoryRow[];
    expect(rows.map((r) => r.leaf_index)).toEqual([0, 1]);

    const md = await runCli(['inventory', '-p', 'file://app.env', '--format', 'md', ...trustArgs(main)], {
      cwd: dir,
    });
    // without any log option the log is not asked about, and the header says nothing of it
    expect(md.stdout).toContain('| Log index |');
    expect(md.stdout).not.toContain('transparency log');
    expect(md.code).toBe(0);

    // the report says what was asked of the log, beside what it found
    const pinned = await runCli(
      [
        'inventory',
        '-p',
        'file://other.env',
        '--format',
        'md',
        '--log-key',
        other.issuer.log.verifierKey,
        ...trustArgs(other),
      ],
      { cwd: dir },
    );
    expect(pinned.code, pinned.stderr).toBe(0);
    const keyName = other.issuer.log.verifierKey.split('+').slice(0, 2).join('+');
    expect(pinned.stdout).toContain(
      `; transparency log checked, not required: each certificate's inclusion proof against a checkpoint signed by the pinned log key ${keyName.replace(/_/g, '\\_')}.`,
    );
    const html = await runCli(
      ['inventory', '-p', 'file://app.env', '--format', 'html', '--require-log', ...trustArgs(main)],
      { cwd: dir },
    );
    expect(html.stdout).toContain(
      '<dt>Transparency log</dt><dd>required: each certificate&#39;s inclusion proof against a checkpoint signed by each issuer&#39;s published log key</dd>',
    );
  });

  it('refuses unusable log options before listing anything (exit 2)', async () => {
    const tooMany = await runCli(
      ['inventory', '-p', 'file://.', '--require-witnesses', '1', '--out', 'r.csv', ...trustArgs(main)],
      { cwd: dir },
    );
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('WITNESSES_REQUIRED');
    expect(tooMany.stderr).toContain('--witness');
    const noTsa = await runCli(['inventory', '-p', 'file://.', '--require-timestamp', ...trustArgs(main)], {
      cwd: dir,
    });
    expect(noTsa.code).toBe(2);
    expect(noTsa.stderr).toContain('TSA_CERT_REQUIRED');
    expect(noTsa.stdout).toBe('');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore, type CertifyReport } from '../../src/engine.js';
import { runCli } from '../support/cli.js';
import { freePort, startTestIssuer, testClient, type TestIssuer } from '../support/issuer-server.js';

/**
 * The file store's sidecar records where the certificate is in its issuer's transparency log
 * (issue 19, deliverable 4). The index exists only once the issuer has logged the certificate:
 * the local issuer logs on demand, so its index is recorded at once; a remote issuer's is waited
 * for only with waitForLog (--wait-for-log), and a log that does not answer in time is a warning,
 * never a failed certify.
 */
interface SidecarRecord {
  cert_id: string;
  leaf_index?: number;
  tree_size?: number;
}

let sequenced: TestIssuer;
let manual: TestIssuer;
let dir: string;

beforeAll(async () => {
  // the issuer's own sequencer, on its default interval
  sequenced = await startTestIssuer();
  // a sequencer that never runs by itself: the certificate is never logged
  manual = await startTestIssuer({ logSequenceMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-sidecar-index-'));
  writeFileSync(join(dir, 'app.env'), 'A=x\nB=x\nC=x\n');
});

afterAll(async () => {
  await sequenced?.close();
  await manual?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sidecar(file = 'app.env'): Record<string, SidecarRecord> {
  return JSON.parse(readFileSync(join(dir, `${file}.passgeni.json`), 'utf8')) as Record<
    string,
    SidecarRecord
  >;
}

function certify(issuer: TestIssuer, store: string, waitForLog?: boolean): Promise<CertifyReport> {
  return certifyAndStore(
    { standard: 'HIPAA', stores: [store], ...(waitForLog !== undefined && { waitForLog }) },
    { issuer: testClient(issuer), openStore: (uri) => openStore(uri, { baseDir: dir }) },
  );
}

describe('the file sidecar records the log index', () => {
  it('with waitForLog, waits for the remote issuer to log it and records the proven index and size', async () => {
    const report = await certify(sequenced, 'file://app.env#A', true);
    expect(report.warnings).toBeUndefined();
    expect(report.log).toEqual({ leaf_index: expect.any(Number), tree_size: expect.any(Number) });
    const proof = (await (
      await fetch(`${sequenced.url}/api/v1/certificates/${report.cert_id}/inclusion`)
    ).json()) as {
      leaf_index: number;
    };
    expect(report.log?.leaf_index).toBe(proof.leaf_index);
    expect(sidecar().A).toMatchObject({
      cert_id: report.cert_id,
      leaf_index: proof.leaf_index,
      tree_size: report.log?.tree_size,
    });
  });

  it('does not wait for a remote issuer unless asked: no index, no warning', async () => {
    const report = await certify(sequenced, 'file://app.env#B');
    expect(report.log).toBeUndefined();
    expect(report.warnings).toBeUndefined();
    expect(sidecar().B?.cert_id).toBe(report.cert_id);
    expect(sidecar().B?.leaf_index).toBeUndefined();
  });

  it('a log that does not answer in time is a warning; the certificate and the store are done', async () => {
    const started = Date.now();
    const report = await certify(manual, 'file://app.env#C', true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.log).toBeUndefined();
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings?.[0]).toMatch(
      /place in the issuer's transparency log was not recorded in file:\/\/app\.env#C: the issuer had not logged it within 3 s/,
    );
    expect(sidecar().C).toMatchObject({ cert_id: report.cert_id });
    expect(sidecar().C?.leaf_index).toBeUndefined();
    const status = (await (
      await fetch(report.cert_url, { headers: { accept: 'application/json' } })
    ).json()) as {
      status: string;
    };
    expect(status.status).toBe('valid');
  });

  it('passgeni certify with the local issuer records the index at once, and says it', async () => {
    const publicUrl = `http://127.0.0.1:${await freePort()}`;
    const env = { PASSGENI_PUBLIC_URL: publicUrl, PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };
    writeFileSync(join(dir, 'local.env'), 'L=x\nM=x\n');
    const first = await runCli(
      ['certify', '--standard', 'HIPAA', '--store', 'file://./local.env#L', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as CertifyReport;
    expect(report.log).toEqual({ leaf_index: 0, tree_size: 1 });
    expect(sidecar('local.env').L).toMatchObject({ cert_id: report.cert_id, leaf_index: 0, tree_size: 1 });

    const second = await runCli(['certify', '--standard', 'HIPAA', '--store', 'file://./local.env#M'], {
      cwd: dir,
      env,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("logged at     index 1 of the issuer's log (checkpoint of size 2)");
    expect(sidecar('local.env').M).toMatchObject({ leaf_index: 1, tree_size: 2 });
    // the first record is left as it was
    expect(sidecar('local.env').L).toMatchObject({ cert_id: report.cert_id, leaf_index: 0 });
  });

  it('verify and inventory prove a local certificate included in-process, with nothing served at its URL', async () => {
    const env = {
      PASSGENI_PUBLIC_URL: `http://127.0.0.1:${await freePort()}`,
      PASSGENI_ISSUER_URL: '',
      PASSGENI_API_KEY: '',
    };
    writeFileSync(join(dir, 'own.env'), 'K=x\n');
    const certified = await runCli(
      ['certify', '--standard', 'HIPAA', '--store', 'file://./own.env#K', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(certified.code, certified.stderr).toBe(0);
    const { cert_id, log } = JSON.parse(certified.stdout) as CertifyReport;

    const verified = await runCli(['verify', cert_id, '--data-dir', '.passgeni', '--require-log', '--json'], {
      cwd: dir,
      env,
    });
    expect(verified.code, verified.stderr).toBe(0);
    expect((JSON.parse(verified.stdout) as { log: unknown }).log).toMatchObject({
      status: 'included',
      leaf_index: log!.leaf_index,
      tree_size: expect.any(Number) as number,
    });

    const inventory = await runCli(
      [
        'inventory',
        '--store-prefix',
        'file://./own.env',
        '--data-dir',
        '.passgeni',
        '--require-log',
        '--format',
        'json',
      ],
      { cwd: dir, env },
    );
    expect(inventory.code, inventory.stderr).toBe(0);
    expect(JSON.parse(inventory.stdout)).toMatchObject([
      { store: 'file://./own.env#K', status: 'valid', cert_id, leaf_index: log!.leaf_index },
    ]);
  });
});

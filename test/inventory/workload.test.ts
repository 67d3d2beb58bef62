import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { runCli } from '../support/cli.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { startOidcProvider, type OidcProvider } from '../support/oidc-provider.js';
import { trustArgs } from './fixtures.js';

/**
 * The inventory's Workflow column: which CI workflow requested each certificate (its
 * issuer-verified workload), empty for certificates requested with an API key.
 */
let provider: OidcProvider;
let issuer: TestIssuer;
let dir: string;

beforeAll(async () => {
  provider = await startOidcProvider();
  issuer = await startTestIssuer({
    oidc: { trust: [provider.issuer], policies: ['repository_owner=acme:platform'] },
  });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-inventory-workload-'));
  writeFileSync(join(dir, 'ci.env'), 'KEYLESS=x\nWITH_KEY=x\n');
  const open = (uri: string) => openStore(uri, { baseDir: dir });
  const token = await provider.mint({ audience: issuer.issuer.issuerId });
  for (const [store, bearer] of [
    ['file://ci.env#KEYLESS', token],
    ['file://ci.env#WITH_KEY', issuer.apiKey],
  ] as const) {
    await certifyAndStore(
      { standard: 'HIPAA', stores: [store], exclude: '`' },
      { issuer: new HttpIssuerClient({ url: issuer.url, apiKey: bearer }), openStore: open },
    );
  }
});
afterAll(async () => {
  await issuer?.close();
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('inventory: the workflow that requested each certificate', () => {
  it('names the workflow of a keyless certificate and leaves it empty for an API-key one', async () => {
    const run = await runCli(
      ['inventory', '--store-prefix', 'file://.', '--format', 'json', ...trustArgs(issuer)],
      {
        cwd: dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ store: string; workflow: string | null; status: string }>;
    const byStore = Object.fromEntries(rows.map((r) => [r.store.split('#')[1], r]));
    expect(byStore.KEYLESS?.status).toBe('valid');
    expect(byStore.KEYLESS?.workflow).toBe('acme/infra/.github/workflows/rotate.yml@refs/heads/main');
    expect(byStore.WITH_KEY?.workflow).toBeNull();
    const csv = await runCli(
      ['inventory', '--store-prefix', 'file://.', '--format', 'csv', ...trustArgs(issuer)],
      {
        cwd: dir,
      },
    );
    expect(csv.stdout.split('\r\n')[0]).toMatch(/,detail,workflow,target,leaf_index$/);
  });
});

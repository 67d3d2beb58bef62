import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, parse as parsePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { copyActions, runAction } from './support/run-action.js';

/**
 * The runner checks out the action's repository and runs `node dist/action/<name>.js`; there is no
 * node_modules. These tests copy only what a checkout of the action holds (the action.yml files
 * and dist/action) to a directory with no node_modules above it and run the actions from there.
 */
let copy: string;
let issuer: TestIssuer;
let refusing: Server;
let refusingUrl: string;

beforeAll(async () => {
  copy = copyActions();
  issuer = await startTestIssuer({
    limits: { ipCertificatesPerHour: 0, keyRequestsPerMinute: 0, keyBurst: 0 },
  });
  // An issuer that refuses every request at once: runs reach it only after opening every store
  // and generating, so the adapter chunks and their SDKs have all been loaded by then.
  refusing = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Unknown API key', code: 'UNAUTHORIZED' }));
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const address = refusing.address();
  refusingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await issuer?.close();
  await new Promise((resolve) => refusing?.close(resolve));
});

/**
 * The files of dist/action that a certify run storing to `store` loads (recorded by a resolve hook
 * preloaded into the run); the issuer refuses at once, after every store has been opened.
 */
async function filesLoadedBy(store: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-loaded-'));
  const log = join(dir, 'loaded.txt');
  const probe = join(dir, 'probe.mjs');
  writeFileSync(log, '');
  writeFileSync(
    probe,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ resolve(specifier, context, next) {
  const result = next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
} });`,
  );
  const result = await runAction(join(copy, 'action.yml'), {
    with: { standard: 'HIPAA', store, 'issuer-url': refusingUrl, 'api-key': 'pgk_refused_0123456789' },
    env: { NODE_OPTIONS: `--import ${probe}`, AWS_REGION: 'us-east-1' },
  });
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const urls = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
  return [...urls]
    .map((url) => fileURLToPath(url))
    .filter((file) => file.startsWith(join(copy, 'dist', 'action')));
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    out.push(d);
    if (d === parsePath(d).root) return out;
  }
}

describe('bundled actions are self-contained', () => {
  it('the copy has no node_modules anywhere above it', () => {
    for (const dir of ancestors(copy)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
  });

  it('certify and verify run from the copy against a real issuer', async () => {
    const certified = await runAction(join(copy, 'action.yml'), {
      with: {
        standard: 'ISO-27001',
        store: 'file://./app.json#SECRET',
        'issuer-url': issuer.url,
        'api-key': issuer.apiKey,
      },
    });
    expect(certified.code, certified.stdout + certified.stderr).toBe(0);
    const verified = await runAction(join(copy, 'actions', 'verify', 'action.yml'), {
      with: { certificate: certified.outputs['cert-url'] ?? '', 'require-standard': 'ISO-27001' },
    });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.outputs.status).toBe('valid');
  });

  it('a credential short enough to collide with a common password is checked against the bundled list', async () => {
    // At 12 characters every class mix of the default pool occurs on the list, so the generator
    // must load it; from the copy that works only if the list is inside the bundle.
    const certified = await runAction(join(copy, 'action.yml'), {
      with: {
        standard: 'PCI-DSS',
        length: '12',
        store: 'file://./app.json#SECRET',
        'issuer-url': issuer.url,
        'api-key': issuer.apiKey,
      },
    });
    expect(certified.code, certified.stdout + certified.stderr).toBe(0);
    expect(certified.stderr).toBe('');
  });

  it('every store adapter and its SDK load from the copy (all eight stores checked in one run)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'passgeni-home-'));
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: test, cluster: {server: "https://127.0.0.1:6443"}}]',
        'users: [{name: test, user: {token: kube-token-0123456789}}]',
        'contexts: [{name: test, context: {cluster: test, user: test}}]',
        'current-context: test',
      ].join('\n'),
    );
    const result = await runAction(join(copy, 'action.yml'), {
      with: {
        standard: 'HIPAA',
        store: [
          'aws-sm://prod/db#password',
          'vault://secret/app/db#password',
          'doppler://app/prd/DB_PASSWORD',
          'k8s://default/db#password',
          'file://./db.env#DB_PASSWORD',
          'gh://acme/api/DB_PASSWORD',
          'gcp-sm://acme-prod/db-password',
          'azure-kv://127.0.0.1/db-password',
        ].join('\n'),
        'issuer-url': refusingUrl,
        'api-key': 'pgk_refused_0123456789',
      },
      env: {
        HOME: home,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000',
        AWS_SECRET_ACCESS_KEY: 'secret-access-key-example-0123456789',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        VAULT_ADDR: 'http://127.0.0.1:1',
        VAULT_TOKEN: 'hvs.example-token-0123456789',
        DOPPLER_TOKEN: 'dp.st.example-token-0123456789',
        DOPPLER_API_HOST: 'http://127.0.0.1:1',
        KUBECONFIG: kubeconfig,
        PASSGENI_GITHUB_TOKEN: 'ghs_example0123456789',
        GITHUB_API_URL: 'http://127.0.0.1:1',
        // no Google credentials anywhere, and no metadata server to ask
        METADATA_SERVER_DETECTION: 'none',
        GCE_METADATA_HOST: '127.0.0.1:1',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    // Each adapter ran its own pre-flight check (so its chunk and SDK loaded) and failed with its
    // own code; the file store passed. Nothing reached the issuer.
    for (const store of [
      'aws-sm://prod/db#password',
      'vault://secret/app/db#password',
      'doppler://app/prd/DB_PASSWORD',
      'k8s://default/db#password',
      'gh://acme/api/DB_PASSWORD',
      'gcp-sm://acme-prod/db-password',
      'azure-kv://127.0.0.1/db-password',
    ]) {
      expect(result.summary).toMatch(new RegExp(`${store.replace(/[/.#]/g, '\\$&')}: STORE_[A-Z_]+`));
    }
    expect(result.summary).not.toContain('file://./db.env');
    expect(result.stdout).not.toContain('Policy: HIPAA');
  });

  it('an error thrown in a lazily loaded store adapter keeps its code across the chunk boundary', async () => {
    // The Vault adapter is its own chunk, loaded on use; the engine that catches its StoreError
    // is on the start path. Both must share one StoreError class, or the engine would report the
    // generic STORE_WRITE_FAILED instead of the adapter's code.
    const vault = 'vault://secret/app/db#password';
    const result = await runAction(join(copy, 'action.yml'), {
      with: {
        standard: 'HIPAA',
        store: ['file://./app.json#SECRET', vault].join('\n'),
        'issuer-url': issuer.url,
        'api-key': issuer.apiKey,
      },
      env: { VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: 'hvs.example-token-0123456789' },
    });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.summary).toContain(`${vault}: STORE_UNAVAILABLE`);
    expect(result.summary).toContain('nothing was certified');
    expect(result.stdout).toContain('Could not reach Vault at http://127.0.0.1:1');
  });

  it('every action resolves with nothing but dist/action and Node built-ins; each chunk loads on its own', async () => {
    const dir = join(copy, 'dist', 'action');
    const entries = ['certify', 'verify', 'revoke', 'rotate'].map((name) => join(dir, `${name}.js`));
    // Re-bundling the copy resolves every import and require() statically: with no node_modules
    // in reach, a dependency left outside the bundle fails to resolve here.
    const rebuilt = await build({
      entryPoints: entries,
      absWorkingDir: copy,
      bundle: true,
      write: false,
      outdir: join(copy, 'rebuilt'),
      splitting: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(rebuilt.metafile.inputs);
    expect(inputs.filter((f) => !f.startsWith('dist/action/'))).toEqual([]);
    // Each chunk an action reaches, even through import(), loads on its own in a fresh process.
    const reached = inputs.filter((f) => f.startsWith('dist/action/chunks/')).map((f) => join(copy, f));
    expect(reached.length).toBeGreaterThan(0);
    const script = `for (const f of ${JSON.stringify(reached)}) await import(f);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: copy,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  });

  it('a run loads a store SDK only when one of its stores needs it', async () => {
    const sdks = (files: string[]): string[] =>
      Object.entries({ aws: 'aws-sdk-js', kubernetes: 'CoreV1Api' })
        .filter(([, marker]) => files.some((f) => readFileSync(f, 'utf8').includes(marker)))
        .map(([name]) => name);
    const fileOnly = await filesLoadedBy('file://./app.env#SECRET');
    expect(fileOnly.length).toBeGreaterThan(0);
    expect(sdks(fileOnly)).toEqual([]);
    const withAws = await filesLoadedBy('aws-sm://prod/db#password');
    expect(sdks(withAws)).toEqual(['aws']);
  });

  it('ships no source maps, and the licences of the bundled packages', () => {
    const all = readdirSync(join(copy, 'dist'), { recursive: true }) as string[];
    expect(all.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(copy, 'dist', 'action', 'licenses.txt'), 'utf8')).toContain('zod@');
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, parse as parsePath } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { ROOT, copyActions, runAction } from './support/run-action.js';

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

  it('every store adapter and its SDK load from the copy (all five stores opened in one run)', async () => {
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
        ].join('\n'),
        'issuer-url': refusingUrl,
        'api-key': 'pgk_refused_0123456789',
      },
      env: {
        HOME: home,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000',
        AWS_SECRET_ACCESS_KEY: 'secret-access-key-example-0123456789',
        VAULT_ADDR: 'http://127.0.0.1:1',
        VAULT_TOKEN: 'hvs.example-token-0123456789',
        DOPPLER_TOKEN: 'dp.st.example-token-0123456789',
        KUBECONFIG: kubeconfig,
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toEqual([expect.stringContaining(`The issuer at ${refusingUrl} refused the request`)]);
    expect(result.stdout).toContain('Policy: HIPAA');
  });

  it('an error thrown in a lazily loaded store adapter keeps its code across the chunk boundary', async () => {
    // The Vault adapter is its own chunk; the engine that catches its StoreError is in the entry.
    // Both must share one StoreError class (chunks/kernel.js), or the engine would report the
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
    expect(result.stdout).toContain('Could not reach Vault at http://127.0.0.1:1');
  });

  it('every output resolves with nothing but its sibling chunks and Node built-ins; each chunk loads on its own', async () => {
    const dir = join(copy, 'dist', 'action');
    const chunks = readdirSync(join(dir, 'chunks')).map((f) => join(dir, 'chunks', f));
    // Re-bundling the copy resolves every import and require() statically: with no node_modules
    // in reach, a dependency left outside the bundle fails to resolve here.
    const rebuilt = await build({
      entryPoints: ['certify.js', 'verify.js', 'revoke.js', 'rotate.js'].map((f) => join(dir, f)),
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
    // Every chunk some output names was reached. (esbuild can leave a chunk no output names, when
    // the dynamic import that created it was tree-shaken away; it is dead weight, never loaded.)
    const text = ['certify.js', 'verify.js', 'revoke.js', 'rotate.js']
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .concat(chunks.map((f) => readFileSync(f, 'utf8')))
      .join('\n');
    for (const chunk of chunks) {
      const name = chunk.slice(chunk.lastIndexOf('/') + 1);
      if (text.includes(`/${name}"`)) expect(inputs, name).toContain(`dist/action/chunks/${name}`);
    }

    const script = `for (const f of ${JSON.stringify(chunks)}) await import(f);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: copy,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
  });

  it('certify reaches its issuer without loading what its start does not need', async () => {
    // Node modules that cost every start milliseconds and that the first request needs none of:
    // undici (Node's fetch), the promise file API (a file store writes only once a certificate
    // exists) and readline, which the promise file API loads. Recorded by a preload at the moment
    // the first request leaves, so the run itself goes on unchanged.
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-start-'));
    const probe = join(dir, 'probe.cjs');
    const loaded = join(dir, 'loaded.json');
    writeFileSync(
      probe,
      `const fs = process.getBuiltinModule('node:fs');
let done = false;
process.getBuiltinModule('node:diagnostics_channel').subscribe('http.client.request.start', () => {
  if (!done) fs.writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList));
  done = true;
});`,
    );
    const result = await runAction(join(copy, 'action.yml'), {
      with: {
        standard: 'HIPAA',
        store: 'file://./app.env#SECRET',
        'issuer-url': refusingUrl,
        'api-key': 'pgk_x',
      },
      env: { NODE_OPTIONS: `--require ${probe}` },
    });
    expect(result.code, result.stderr).toBe(1);
    const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    expect(modules).toContain('NativeModule http');
    expect(modules.filter((m) => /undici|internal\/fs\/promises|readline/.test(m))).toEqual([]);
  });

  it('the certify entry stays within its size budget; no source maps are shipped', () => {
    expect(statSync(join(copy, 'dist', 'action', 'certify.js')).size).toBeLessThanOrEqual(500 * 1024);
    const all = readdirSync(join(ROOT, 'dist'), { recursive: true }) as string[];
    expect(all.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(copy, 'dist', 'action', 'licenses.txt'), 'utf8')).toContain('zod@');
  });

  it('carries zod/mini only: classic zod costs every start ~40 ms building its method tables', () => {
    const dir = join(copy, 'dist', 'action');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    // classic's classes are named "ZodString", "ZodObject" …, mini's "ZodMiniString" …
    const classic = files.filter((f) => /"Zod(?!Mini)[A-Z]\w*"/.test(readFileSync(join(dir, f), 'utf8')));
    expect(classic).toEqual([]);
  });
});

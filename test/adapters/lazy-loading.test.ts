import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'passgeni-lazy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs a fresh Node process that opens one store and reports which SDKs were resolved, so the
 * module cache of this test process cannot hide an eager import.
 */
async function loadedFor(uri: string, options: Record<string, unknown>): Promise<string[]> {
  const probe = path.join(dir, 'probe.mjs');
  await writeFile(
    probe,
    `import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
const { openStore } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'adapters/index.ts')).href)});
await openStore(${JSON.stringify(uri)}, ${JSON.stringify(options)});
const sdks = { aws: 'client-secrets-manager', k8s: '@kubernetes/client-node', doppler: '@dopplerhq', vault: 'node-vault' };
process.stdout.write(JSON.stringify(Object.keys(sdks).filter((k) => [...seen].some((u) => u.includes(sdks[k])))));
`,
  );
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('openStore loads adapters lazily', () => {
  it('a file store loads no cloud SDK; an AWS store loads only the AWS SDK', async () => {
    expect(await loadedFor('file://x.env#A', { baseDir: dir })).toEqual([]);
    expect(await loadedFor('vault://secret/app#k', { env: { VAULT_TOKEN: 't' } })).toEqual([]);
    expect(await loadedFor('aws-sm://app', { env: { AWS_REGION: 'us-east-1' } })).toEqual(['aws']);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// DESIGN §2's import rules as `npm run lint` checks them: the real config, the real CLI.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.mjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** The depcruise step of `npm run lint`, in `cwd`: its exit status and what it printed. */
function depcruise(cwd: string, ...extra: string[]) {
  return spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, ...extra, 'src', 'adapters'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

function violations(cwd: string): Violation[] {
  const run = depcruise(cwd, '--output-type', 'json');
  if (!run.stdout) throw new Error(`depcruise printed nothing: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

const byRuleThenFrom = (a: Violation, b: Violation) =>
  `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`);

/**
 * A small tree laid out like the project, so the rules are exercised without depending on where
 * today's real modules happen to live. Files named `planted…` (and adapters/doppler.ts) break a rule; the rest
 * are imports the design allows, which must stay quiet.
 */
const FIXTURE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true },
    include: ['src', 'adapters'],
  }),
  // Allowed: the layers as §2 draws them.
  'src/errors.ts': 'export class PassgeniError extends Error {}\n',
  'src/lib/http.ts': "import { request } from 'node:https';\nexport const http = request;\n",
  'src/policy/standards.ts':
    "import { PassgeniError } from '../errors.js';\nexport const E = PassgeniError;\n",
  'src/generate/generator.ts':
    "import { E } from '../policy/standards.js';\nexport const generate = () => E;\n",
  'src/certificate/sign.ts':
    "import { E } from '../policy/standards.js';\nimport { http } from '../lib/http.js';\nexport const sign = [E, http];\n",
  'src/issuer/service.ts': "import { sign } from '../certificate/sign.js';\nexport const service = sign;\n",
  'src/issuer-client/local.ts': "export const open = () => import('../issuer/service.js');\n",
  'src/engine.ts':
    "import { generate } from './generate/generator.js';\nimport type { SecretStore } from '../adapters/store.js';\nexport const certify = (s: SecretStore) => [generate, s];\n",
  'src/rotation/due.ts': "import { certify } from '../engine.js';\nexport const due = certify;\n",
  'src/cli/main.ts': "import { certify } from '../engine.js';\nexport const main = certify;\n",
  'src/action/certify.ts': "import { certify } from '../engine.js';\nexport const run = certify;\n",
  // A cycle closed by `import type` is gone at run time (a schema and the types inferred from it).
  'src/certificate/schema.ts':
    "import { VERSION } from './types.js';\nexport const schema = { v: VERSION };\n",
  'src/certificate/types.ts':
    "import type { schema } from './schema.js';\nexport const VERSION = 1;\nexport type Schema = typeof schema;\n",
  'adapters/store.ts':
    "import { PassgeniError } from '../src/errors.js';\nexport interface SecretStore { e: PassgeniError }\n",
  'adapters/index.ts':
    "export const stores = [() => import('./vault/store.js'), () => import('./doppler.js')];\n",
  'adapters/vault/client.ts': "import { http } from '../../src/lib/http.js';\nexport const client = http;\n",
  'adapters/vault/store.ts':
    "import type { SecretStore } from '../store.js';\nimport { client } from './client.js';\nexport const vault = (s: SecretStore) => [s, client];\n",
  'adapters/targets/postgres.ts':
    "import { http } from '../../src/lib/http.js';\nimport { PassgeniError } from '../../src/errors.js';\nexport const pg = [http, PassgeniError];\n",

  // Planted violations, one or more per rule.
  'src/issuer/planted-static.ts':
    "import { generate } from '../generate/generator.js';\nexport const leak = generate;\n",
  'src/issuer/planted-dynamic.ts':
    "export const leak = async () => (await import('../generate/generator.js')).generate;\n",
  'src/issuer-client/planted.ts':
    "import type { SecretStore } from '../../adapters/store.js';\nexport type S = SecretStore;\n",
  'adapters/vault/planted.ts': "import { certify } from '../../src/engine.js';\nexport const up = certify;\n",
  'adapters/targets/planted.ts': "import { vault } from '../vault/store.js';\nexport const cross = vault;\n",
  // A store adapter reaching into another (one-file layout into folder layout).
  'adapters/doppler.ts': "import { client } from './vault/client.js';\nexport const doppler = client;\n",
  'src/engine/planted.ts': "import { due } from '../rotation/due.js';\nexport const up = due;\n",
  'src/lib/planted.ts': "import { E } from '../policy/standards.js';\nexport const notLeaf = E;\n",
  'src/certificate/planted.ts':
    "import type { SecretStore } from '../../adapters/store.js';\nexport type Up = SecretStore;\n",
  'src/policy/planted.ts': "export const up = () => import('../cli/main.js');\n",
  'src/generate/planted.ts': "import { certify } from '../engine.js';\nexport const up = certify;\n",
  'src/action/planted.ts': "import { main } from '../cli/main.js';\nexport const sideways = main;\n",
  // A cycle at run time, one of its imports dynamic.
  'src/planted-cycle-a.ts': "import { b } from './planted-cycle-b.js';\nexport const a = () => b;\n",
  'src/planted-cycle-b.ts': "export const b = () => import('./planted-cycle-a.js');\n",
};

describe('DESIGN §2 import rules (dependency-cruiser, as run by npm run lint)', () => {
  let tree: string;

  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'passgeni-architecture-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
  });

  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('fails on planted violations, static, dynamic and type-only, and on nothing the design allows', () => {
    const lint = depcruise(tree);
    expect(lint.status, lint.stdout).not.toBe(0);
    const expected: Violation[] = [
      {
        rule: 'issuer-cannot-touch-a-credential',
        from: 'src/issuer/planted-static.ts',
        to: 'src/generate/generator.ts',
      },
      {
        rule: 'issuer-cannot-touch-a-credential',
        from: 'src/issuer/planted-dynamic.ts',
        to: 'src/generate/generator.ts',
      },
      {
        rule: 'issuer-cannot-touch-a-credential',
        from: 'src/issuer-client/planted.ts',
        to: 'adapters/store.ts',
      },
      {
        rule: 'adapters-import-only-store-errors-lib',
        from: 'adapters/vault/planted.ts',
        to: 'src/engine.ts',
      },
      { rule: 'adapter-knows-only-its-store', from: 'adapters/doppler.ts', to: 'adapters/vault/client.ts' },
      {
        rule: 'target-knows-only-its-system',
        from: 'adapters/targets/planted.ts',
        to: 'adapters/vault/store.ts',
      },
      { rule: 'lib-is-a-leaf', from: 'src/lib/planted.ts', to: 'src/policy/standards.ts' },
      { rule: 'core-imports-no-outer-layer', from: 'src/certificate/planted.ts', to: 'adapters/store.ts' },
      { rule: 'core-imports-no-outer-layer', from: 'src/policy/planted.ts', to: 'src/cli/main.ts' },
      { rule: 'core-imports-no-outer-layer', from: 'src/generate/planted.ts', to: 'src/engine.ts' },
      { rule: 'engine-imports-no-front-end', from: 'src/engine/planted.ts', to: 'src/rotation/due.ts' },
      { rule: 'action-and-cli-apart', from: 'src/action/planted.ts', to: 'src/cli/main.ts' },
      // depcruise reports a cycle once, at its first edge.
      { rule: 'no-circular', from: 'src/planted-cycle-a.ts', to: 'src/planted-cycle-b.ts' },
    ];
    expect(violations(tree).sort(byRuleThenFrom)).toEqual([...expected].sort(byRuleThenFrom));
  });

  it('passes on the real tree', () => {
    const lint = depcruise(ROOT);
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toContain('no dependency violations found');
  });
});

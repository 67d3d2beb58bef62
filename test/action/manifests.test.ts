import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, readManifest, type ActionManifest } from './support/run-action.js';

/**
 * The YAML the runner reads: the action.yml files, the CI workflows and the examples. Every
 * file must parse, and the actions must match what their entries read and write.
 */
const ACTIONS: Array<{ yml: string; source: string; more?: string[] }> = [
  { yml: 'action.yml', source: 'src/action/certify.ts' },
  { yml: 'actions/verify/action.yml', source: 'src/action/verify.ts', more: ['src/action/verify-issues.ts'] },
  { yml: 'actions/revoke/action.yml', source: 'src/action/revoke.ts' },
  { yml: 'actions/rotate/action.yml', source: 'src/action/rotate.ts' },
];
const SHARED_SOURCES = ['src/action/store-access.ts'];

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => join(dir, f));
}

/** Names a source passes to the typed input readers and to setOutput, as string literals. */
function namesIn(sources: string[], pattern: RegExp): Set<string> {
  const names = new Set<string>();
  for (const file of sources) {
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(pattern))
      names.add(match[1] as string);
  }
  return names;
}

describe.each(ACTIONS)('$yml', ({ yml, source, more = [] }) => {
  const manifest: ActionManifest = readManifest(join(ROOT, yml));

  it('runs on node24 from a bundled entry that exists in dist/action', () => {
    expect(manifest.runs.using).toBe('node24');
    const main = resolve(dirname(join(ROOT, yml)), manifest.runs.main);
    expect(main.startsWith(join(ROOT, 'dist', 'action'))).toBe(true);
    expect(existsSync(main)).toBe(true);
    expect(manifest.runs.post).toBeUndefined();
  });

  it('has a name, a description, and kebab-case inputs and outputs, each described', () => {
    expect(manifest.name).toMatch(/\S/);
    expect(manifest.description.length).toBeGreaterThan(40);
    for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(typeof spec.description, name).toBe('string');
      expect((spec.description ?? '').trim().length, name).toBeGreaterThan(15);
      expect(typeof spec.required, name).toBe('boolean');
      // A required input with a default is never required; a default must be a string the runner passes as is.
      if (spec.required) expect(spec.default, name).toBeUndefined();
      if (spec.default !== undefined) expect(typeof spec.default, name).toBe('string');
      if (spec.default === 'true' || spec.default === 'false')
        expect(spec.description, name).toMatch(/Defaults to (true|false)\./);
      if (!spec.required && spec.default === undefined)
        expect(spec.description, name).toMatch(/Defaults? |\(required with/);
    }
    expect(Object.keys(manifest.outputs ?? {}).length).toBeGreaterThan(0);
    for (const [name, spec] of Object.entries(manifest.outputs ?? {})) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect((spec.description ?? '').trim().length, name).toBeGreaterThan(10);
    }
  });

  it('holds no ${{ }} expression, which the runner would evaluate while loading it and fail', () => {
    // Even in a description: GitHub evaluates templates in action metadata, where contexts such
    // as matrix or secrets do not exist ("Unrecognized named-value"), and the step never starts.
    // The one exception is the documented input default `${{ github.token }}`: the github context
    // exists there, and it is how an action gets the job's token without the user passing it.
    const text = readFileSync(join(ROOT, yml), 'utf8').replace(
      /^ {4}default: '\$\{\{ github\.token \}\}'$/gm,
      '',
    );
    expect(text).not.toContain('${{');
  });

  it('declares exactly the inputs its entry reads and the outputs it sets', () => {
    const sources = [source, ...more, ...(yml === 'actions/revoke/action.yml' ? [] : SHARED_SOURCES)];
    const read = namesIn(sources, /inputs\.(?:string|required|boolean|integer|choice|lines)\('([a-z-]+)'/g);
    const set = namesIn(sources, /setOutput\(\s*'([a-z-]+)'/g);
    expect([...read].sort()).toEqual(Object.keys(manifest.inputs ?? {}).sort());
    expect([...set].sort()).toEqual(Object.keys(manifest.outputs ?? {}).sort());
  });
});

describe('workflows', () => {
  const ci = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as {
    permissions: Record<string, string>;
    jobs: Record<
      string,
      {
        steps: Array<Record<string, unknown>>;
        services?: Record<string, unknown>;
        env?: Record<string, string>;
      }
    >;
  };

  it.each([...yamlFiles('.github/workflows'), ...yamlFiles('examples/workflows')])(
    '%s parses, has triggers, jobs and top-level permissions',
    (file) => {
      const workflow = parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
      expect(workflow.name).toEqual(expect.any(String));
      expect(workflow.on).toBeDefined();
      expect(Object.keys(workflow.jobs as object).length).toBeGreaterThan(0);
      expect(workflow.permissions).toEqual({ contents: 'read' });
    },
  );

  it.each(yamlFiles('.github/workflows'))('%s pins every third-party action to a full commit SHA', (file) => {
    const uses = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map(
      (m) => m[1] as string,
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) {
      if (ref.startsWith('./')) continue;
      expect(ref, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });

  it.each(yamlFiles('examples/workflows'))(
    '%s refers to the PassGeni actions by release and pins the rest',
    (file) => {
      const uses = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^\s*-?\s*uses:\s*(\S+)/gm)].map(
        (m) => m[1] as string,
      );
      expect(uses.some((u) => u.startsWith('<owner>/passgeni'))).toBe(true);
      for (const ref of uses) {
        if (ref.startsWith('<owner>/passgeni'))
          expect(ref).toMatch(/^<owner>\/passgeni(\/actions\/(verify|revoke|rotate))?@v1$/);
        else expect(ref).toMatch(/@[0-9a-f]{40}$/);
      }
    },
  );

  it('ci.yml runs lint, typecheck, test (with PostgreSQL), check-dist, and the actions themselves', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(ci.jobs).sort()).toEqual([
      'action',
      'check-dist',
      'lint',
      'package',
      'test',
      'typecheck',
    ]);
    const setupNode = Object.values(ci.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => String(s.uses).startsWith('actions/setup-node@'));
    expect(setupNode.length).toBe(6);
    for (const step of setupNode) expect((step.with as Record<string, unknown>)['node-version']).toBe(24);

    const test = ci.jobs.test!;
    expect(test.services?.postgres).toBeDefined();
    expect(test.env?.PASSGENI_TEST_DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(JSON.stringify(test.steps)).toContain('chromium');

    expect(JSON.stringify(ci.jobs['check-dist']!.steps)).toContain('npm run check-dist');

    const action = ci.jobs.action!;
    const text = JSON.stringify(action.steps);
    expect(text).toContain('dist/cli.js serve');
    expect(text).toContain('api-key create --team ci --json');
    const local = action.steps
      .filter((s) => typeof s.uses === 'string' && s.uses.startsWith('./'))
      .map((s) => s.uses);
    expect(local).toEqual(['./', './actions/verify', './actions/revoke', './actions/verify']);
    // Outputs are checked in a later step, through env (never expanded into the script itself).
    const certifyIndex = action.steps.findIndex((s) => s.uses === './');
    const check = action.steps[certifyIndex + 1] as { env?: Record<string, string>; run?: string };
    expect(check.env?.CERT_URL).toBe('${{ steps.certify.outputs.cert-url }}');
    expect(check.run).not.toContain('${{');
  });

  it('CodeQL ignores the generated dist/', () => {
    const config = parse(readFileSync(join(ROOT, '.github/codeql/codeql-config.yml'), 'utf8')) as {
      'paths-ignore': string[];
    };
    expect(config['paths-ignore']).toContain('dist');
    const codeql = readFileSync(join(ROOT, '.github/workflows/codeql.yml'), 'utf8');
    expect(codeql).toContain('config-file: ./.github/codeql/codeql-config.yml');
    expect(codeql).toContain('security-events: write');
  });
});

/**
 * Cold start of the certify action (dist/action/certify.js) under Node 24, against `node -e 0`.
 * Goal: at most 1.7x `node -e 0`, and an entry file of at most 500 KB.
 *
 * Method. The bench process runs a stand-in issuer on loopback that answers every request with
 * 401 and notes when the first request arrives. The action is spawned as the runner spawns it
 * (`node certify.js`, inputs as INPUT_* variables, stdout and stderr as pipes, a file store in a
 * temporary workspace), so it loads everything the happy path loads — the entry, the kernel chunk,
 * the policy and the generator — generates a credential, and then contacts the issuer.
 * "to first issuer request" is the wall time from spawn to that request: the start-up cost a user
 * pays before any network work. The 401 ends the run at once, without retries, so "to exit" is
 * measured too. Subjects are interleaved round by round, so load from other processes hits every
 * subject alike; each figure is the median of ROUNDS runs.
 *
 * Besides the shipped bundle, the actions are rebuilt here (by scripts/action-build.mjs, as
 * scripts/build.mjs builds them) in variants that undo one start-up decision each, to measure it:
 * issuer requests through Node's built-in fetch instead of node:http (src/issuer-client/node-fetch.ts),
 * @actions/core imported at start instead of the runner-protocol module (src/action/runtime.ts),
 * the file adapter imported when a file URI is opened instead of with the store router
 * (adapters/index.ts), the file adapter reading Node's `fs.promises` (a getter that loads the
 * promise file API and readline) when it loads instead of when it writes (adapters/file.ts), and
 * the start path split into esbuild's shared chunks instead of one file.
 * For scale: the entry's static imports alone (a run with no inputs, which fails right after
 * loading), the "engine floor" (engine + issuer client + store router, bundled alike, evaluated
 * and nothing else: what any front end must load), and @actions/core alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import {
  ACTION_ENTRIES,
  actionBaseOptions,
  buildActions,
  builtinsOnUse,
  lazyCommonPasswords,
  // @ts-expect-error -- plain JavaScript build script without type declarations
} from '../scripts/action-build.mjs';
import { median, record } from './harness.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ACTION_DIR = join(ROOT, 'dist', 'action');
const ENTRY = join(ACTION_DIR, 'certify.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 3;
const GOAL = 1.7;
const ENTRY_BUDGET = 500 * 1024;

/** CPU pressure (share of time some task waited for a CPU), so a loaded machine shows in the record. */
function cpuPressure(): string {
  try {
    return (
      /some avg10=(\S+) avg60=(\S+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.slice(1).join('/') ??
      'n/a'
    );
  } catch {
    return 'n/a';
  }
}
const pressureBefore = cpuPressure();

// ---------------------------------------------------------------------------------------------
// Sizes: the entry file, what it imports statically (loaded on every start), and the rest.
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  // Static imports only (`from"./x.js"` / `import"./x.js"`), not `import("./x.js")`.
  for (const match of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g)) {
    staticClosure(join(file, '..', match[1] as string), seen);
  }
  return seen;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const allFiles = readdirSync(ACTION_DIR, { recursive: true })
  .map((f) => join(ACTION_DIR, String(f)))
  .filter((f) => f.endsWith('.js'));
const entryBytes = statSync(ENTRY).size;
const closure = [...staticClosure(ENTRY)];
const closureBytes = closure.reduce((sum, f) => sum + statSync(f).size, 0);
const totalBytes = allFiles.reduce((sum, f) => sum + statSync(f).size, 0);
const budget = entryBytes <= ENTRY_BUDGET ? 'MET' : 'NOT MET';
console.log(
  `entry dist/action/certify.js          ${kb(entryBytes)} (budget ${kb(ENTRY_BUDGET)}: ${budget})`,
);
console.log(`loaded at start (entry + ${closure.length - 1} chunks)   ${kb(closureBytes)}`);
console.log(
  `all of dist/action (${allFiles.length} files)       ${kb(totalBytes)} (SDKs load only when a URI needs them)`,
);

// ---------------------------------------------------------------------------------------------
// Variants, built like the action (these settings mirror the action build in scripts/build.mjs).
/** Replaces one source module of the action with other contents. */
function replaceModule(name: string, pattern: RegExp, contents: (original: string) => string): Plugin {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: pattern }, (args) => ({
        contents: contents(readFileSync(args.path, 'utf8')),
        loader: 'ts',
      }));
    },
  };
}

/** Replaces passages of a source module; a passage that is gone fails the bench, not the variant. */
function replacePassages(name: string, pattern: RegExp, passages: [from: string, to: string][]): Plugin {
  return replaceModule(name, pattern, (original) =>
    passages.reduce((text, [from, to]) => {
      if (!text.includes(from)) throw new Error(`${name}: "${from}" is no longer in the source`);
      return text.replace(from, to);
    }, original),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'passgeni-bench-'));
// As beside the shipped bundles (the repository's package.json): without a "type", Node would parse
// each variant as CommonJS first, fail, and parse it again as an ES module.
writeFileSync(join(scratch, 'package.json'), '{"type":"module"}\n');
const define = { __PASSGENI_VERSION__: '"bench"' };
/** A variant built exactly as scripts/build.mjs builds the actions, with `plugins` first. */
async function buildVariant(
  outdir: string,
  plugins: Plugin[],
  entryPoints?: Record<string, string>,
): Promise<void> {
  await buildActions({
    root: ROOT,
    outdir: join(scratch, outdir),
    define,
    plugins,
    ...(entryPoints && { entryPoints }),
  });
}

await buildVariant('with-fetch', [
  replaceModule(
    'built-in-fetch',
    /src[\\/]issuer-client[\\/]node-fetch\.ts$/,
    () => 'export const nodeFetch = globalThis.fetch;',
  ),
]);
await buildVariant('with-core', [
  replaceModule(
    'eager-actions-core',
    /src[\\/]action[\\/]runtime\.ts$/,
    (original) => `import '@actions/core';\n${original}`,
  ),
]);
await buildVariant('with-lazy-file-adapter', [
  replacePassages('lazy-file-adapter', /adapters[\\/]index\.ts$/, [
    ["import { openFileLister, openFileStore } from './file.js';", ''],
    [
      'return openFileStore(parsed, context);',
      "return (await import('./file.js')).openFileStore(parsed, context);",
    ],
    [
      'return openFileLister(parsed, context);',
      "return (await import('./file.js')).openFileLister(parsed, context);",
    ],
  ]),
]);
await buildVariant('with-eager-fs-promises', [
  replacePassages('eager-fs-promises', /adapters[\\/]file\.ts$/, [
    // Read at evaluation, as `import { promises } from 'node:fs'` did.
    [
      "import fs, { constants } from 'node:fs';",
      "import fs, { constants } from 'node:fs';\nvoid fs.promises;",
    ],
  ]),
]);
// The start path as it shipped before: one esbuild build of all four entries with code splitting,
// which spread certify's start path over the entry and eleven shared chunks, and every built-in
// in the CommonJS form.
await build({
  ...(actionBaseOptions as BuildOptions),
  absWorkingDir: ROOT,
  define,
  entryPoints: ACTION_ENTRIES as Record<string, string>,
  outdir: join(scratch, 'split'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [lazyCommonPasswords as Plugin, builtinsOnUse({ named: false }) as Plugin],
});
const engineFloor = join(scratch, 'engine-floor.ts');
writeFileSync(
  engineFloor,
  [
    `import { certifyAndStore } from ${JSON.stringify(join(ROOT, 'src/engine.ts'))};`,
    `import { HttpIssuerClient } from ${JSON.stringify(join(ROOT, 'src/issuer-client/http.ts'))};`,
    `import { openStore } from ${JSON.stringify(join(ROOT, 'adapters/index.ts'))};`,
    'if (process.argv.length > 5) console.log(certifyAndStore, HttpIssuerClient, openStore);',
  ].join('\n'),
);
await buildVariant('engine', [], { engine: engineFloor });
await build({
  ...(actionBaseOptions as BuildOptions),
  absWorkingDir: ROOT,
  stdin: {
    contents: "import * as core from '@actions/core'; core.setOutput('x', '1');",
    resolveDir: ROOT,
    loader: 'js',
    sourcefile: 'core.js',
  },
  outfile: join(scratch, 'core', 'core.js'),
});

// ---------------------------------------------------------------------------------------------
let firstRequest: (() => void) | undefined;
const issuer = createServer((_req, res) => {
  firstRequest?.();
  res.writeHead(401, { 'content-type': 'application/json' });
  res.end('{"error":"Unknown API key","code":"UNAUTHORIZED"}');
});
await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
const address = issuer.address();
const issuerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

interface Sample {
  exit: number;
  contact?: number;
  code: number | null;
}

function runOnce(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let contact: number | undefined;
    firstRequest = () => {
      contact ??= performance.now() - t0;
    };
    // stdout and stderr are pipes, as on the runner: Node's cost of writing to one differs from a
    // file's or /dev/null's.
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      firstRequest = undefined;
      resolve({ exit: performance.now() - t0, code, ...(contact !== undefined && { contact }) });
    });
  });
}

const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
const workspace = mkdtempSync(join(tmpdir(), 'passgeni-bench-ws-'));
function actionEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...baseEnv,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(scratch, 'output'),
    GITHUB_STEP_SUMMARY: join(scratch, 'summary'),
    RUNNER_TEMP: scratch,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
}
const certifyEnv = actionEnv({
  standard: 'HIPAA',
  store: 'file://./secrets.json#DB_PASSWORD',
  'issuer-url': issuerUrl,
  'api-key': 'passgeni_benchmark_key_not_valid_0000000000',
  'show-summary': 'true',
  'output-credential': 'false',
  'bind-credential': 'false',
  'require-fips-mode': 'false',
});

/**
 * The floor: the least any action doing this job can do before its first request, written as
 * plainly as possible (built-ins through process.getBuiltinModule, 32 random bytes, one file
 * write, one POST). What separates the certify action from it is the action's own cost.
 */
const FLOOR = join(scratch, 'floor.mjs');
writeFileSync(
  FLOOR,
  [
    "const http = process.getBuiltinModule('node:http');",
    "const { getRandomValues } = process.getBuiltinModule('node:crypto');",
    "const { writeFileSync } = process.getBuiltinModule('node:fs');",
    'const bytes = getRandomValues(new Uint8Array(32));',
    "writeFileSync('floor-secret.json', JSON.stringify({ DB_PASSWORD: Buffer.from(bytes).toString('base64') }));",
    "const req = http.request(process.env['INPUT_ISSUER-URL'] + '/api/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); res.on('end', () => process.exit(1)); });",
    "req.end(JSON.stringify({ standard: 'HIPAA' }));",
  ].join('\n'),
);

interface Subject {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  contact: boolean;
  /** Every run must end so, or the subject measured something else (e.g. a missing file). */
  exitCode: number;
}
/** A rebuilt certify action, run and judged like the shipped one. */
const variant = (name: string, dir: string): Subject => ({
  name: `variant   certify.js ${name}`,
  args: [join(scratch, dir, 'certify.js')],
  env: certifyEnv,
  contact: true,
  exitCode: 1,
});
const subjects: Subject[] = [
  { name: 'baseline  node -e 0', args: ['-e', '0'], env: baseEnv, contact: false, exitCode: 0 },
  { name: 'candidate certify.js (shipped)', args: [ENTRY], env: certifyEnv, contact: true, exitCode: 1 },
  variant('with built-in fetch', 'with-fetch'),
  variant('with @actions/core', 'with-core'),
  variant('importing the file adapter on use', 'with-lazy-file-adapter'),
  variant('reading fs.promises when it loads', 'with-eager-fs-promises'),
  variant('with its start path in shared chunks', 'split'),
  { name: 'floor     minimal script, same job', args: [FLOOR], env: certifyEnv, contact: true, exitCode: 1 },
  {
    name: 'info      certify.js static imports only',
    args: [ENTRY],
    env: actionEnv({}),
    contact: false,
    exitCode: 1,
  },
  {
    name: 'info      engine floor, static imports only',
    args: [join(scratch, 'engine', 'engine.js')],
    env: baseEnv,
    contact: false,
    exitCode: 0,
  },
  {
    name: 'info      @actions/core bundle alone',
    args: [join(scratch, 'core', 'core.js')],
    env: { ...baseEnv, GITHUB_OUTPUT: join(scratch, 'core-output') },
    contact: false,
    exitCode: 0,
  },
];

writeFileSync(join(scratch, 'core-output'), '');
const samples: Sample[][] = subjects.map(() => []);
for (let i = 0; i < WARMUP; i++) for (const s of subjects) await runOnce(s.args, s.env, workspace);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, s] of subjects.entries()) samples[i]?.push(await runOnce(s.args, s.env, workspace));
}
issuer.close();
const pressureAfter = cpuPressure();

subjects.forEach((s, i) => {
  if ((samples[i] ?? []).some((x) => x.code !== s.exitCode || (s.contact && x.contact === undefined))) {
    throw new Error(
      `${s.name}: a run ended otherwise than expected (exit code, or no request to the stand-in issuer); the measurement is void`,
    );
  }
});
const base = median((samples[0] ?? []).map((x) => x.exit));
const figures = subjects.map((s, i) => {
  const runs = samples[i] ?? [];
  return {
    name: s.name,
    exitMs: median(runs.map((x) => x.exit)),
    ...(s.contact && { contactMs: median(runs.map((x) => x.contact as number)) }),
  };
});

console.log(
  `\nNode ${process.version}, ${ROUNDS} interleaved rounds, medians; CPU pressure avg10/avg60 ${pressureBefore} % before, ${pressureAfter} % after`,
);
console.log(`${''.padEnd(56)}  to 1st issuer request   to exit`);
for (const f of figures) {
  const contact =
    f.contactMs !== undefined
      ? `${f.contactMs.toFixed(1).padStart(7)} ms ${(f.contactMs / base).toFixed(2)}x`
      : ''.padEnd(16);
  console.log(
    `${f.name.padEnd(56)}  ${contact.padEnd(22)} ${f.exitMs.toFixed(1).padStart(7)} ms ${(f.exitMs / base).toFixed(2)}x`,
  );
}
const contact = figures[1]?.contactMs as number;
const ratio = contact / base;
const perRound = (samples[1] ?? []).map(
  (x, i) => (x.contact as number) / (samples[0]?.[i]?.exit ?? Number.NaN),
);
console.log(
  `ratio ${ratio.toFixed(2)}x (goal <= ${GOAL}x: ${ratio <= GOAL ? 'MET' : 'NOT MET'}); median of per-round ratios ${median(perRound).toFixed(2)}x`,
);

record('action-startup', {
  rounds: ROUNDS,
  cpuPressure: { before: pressureBefore, after: pressureAfter },
  baselineMs: base,
  figures,
  ratio,
  perRoundMedianRatio: median(perRound),
  goal: GOAL,
  sizes: { entryBytes, closureBytes, closureFiles: closure.length, totalBytes, files: allFiles.length },
});
rmSync(scratch, { recursive: true, force: true });
rmSync(workspace, { recursive: true, force: true });

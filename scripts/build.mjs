#!/usr/bin/env node
// Builds dist/ from a clean slate: the GitHub Actions (dist/action/<name>.js, what each action.yml
// runs) and the CLI (dist/cli.js). CI rebuilds and compares with the committed dist/
// (`npm run check-dist`), so the output must not depend on the machine or the Node version that
// builds it: esbuild's output is deterministic, and the licence file below is sorted.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync('dist', { recursive: true, force: true });

// What PGlite loads from disk at run time (its extensions, e.g. pgcrypto, are never used here).
const PGLITE_ASSETS = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];
// Packages the CLI does not bundle: optional native add-ons its drivers probe for with require()
// and fall back without.
const CLI_EXTERNAL = ['pg-native'];

// Code reached through `import()` (each store adapter and its SDK, the common-password list)
// lands in chunks of its own, loaded only when a run needs it.
const common = {
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  define: { __PASSGENI_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins, and some
  // (google-gax) read __dirname at load time.
  banner: {
    js: [
      'import { createRequire as __passgeniCreateRequire } from "node:module";',
      'import { fileURLToPath as __passgeniFileURLToPath } from "node:url";',
      'import { dirname as __passgeniDirname } from "node:path";',
      'const require = __passgeniCreateRequire(import.meta.url);',
      'const __filename = __passgeniFileURLToPath(import.meta.url);',
      'const __dirname = __passgeniDirname(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
};

// The runner runs an action from a checkout with no node_modules, so every dependency is bundled.
// The actions are built apart from the CLI: chunks shared with it would carry the CLI's share of
// the shared modules into every action start (+8 files, +40 KB, ~0.4x `node -e 0`).
const actions = await build({
  ...common,
  entryPoints: ['certify', 'verify', 'revoke', 'rotate'].map((name) => `src/action/entries/${name}.ts`),
  outdir: 'dist/action',
  // Several SDKs ship both ESM ("module") and CommonJS ("main"); ESM keeps a split chunk's named
  // exports intact.
  mainFields: ['module', 'main'],
  minify: true,
  metafile: true,
});
writeFileSync('dist/action/licenses.txt', thirdPartyLicenses(actions.metafile));

// The CLI is bundled the same way, so installing the package installs nothing else (the issue's
// goal: <= 25 MB, <= 5 packages; measured in docs/performance.md). Store SDKs and PGlite stay behind `import()`, so
// `passgeni --help` loads none of them.
const cli = await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  mainFields: ['module', 'main'],
  external: CLI_EXTERNAL,
  minify: true,
  metafile: true,
});

// The AWS Secrets Manager rotation function (docs/rotation.md): one file, every dependency bundled
// (a Lambda deployment package has no node_modules), drivers included since the function runs
// against the database the secret names.
await build({
  ...common,
  splitting: false,
  entryPoints: { 'lambda/rotate': 'src/lambda/rotate.ts' },
  outdir: 'dist',
  mainFields: ['module', 'main'],
  minify: true,
});
chmodSync('dist/cli.js', 0o755);
writeFileSync('dist/licenses.txt', thirdPartyLicenses(cli.metafile));
writePgliteAssets(cli.metafile);

/**
 * PGlite's WebAssembly and initial file system, gzipped (15 MB → 5.5 MB installed), beside the
 * chunks: src/issuer/db/pglite.ts inflates them and hands them to PGlite, which otherwise looks
 * for them next to its own module (`new URL('pglite.wasm', import.meta.url)`). Build outputs, not
 * committed (.gitignore): the actions never load PGlite, and 5 MB of binaries in every checkout of
 * the action would slow every workflow that uses it. Level 9 and zlib's fixed header keep the
 * bytes the same from build to build.
 */
function writePgliteAssets({ outputs }) {
  const chunks = Object.keys(outputs).filter((out) => out.endsWith('.js'));
  const dirs = new Set(
    chunks
      .filter((chunk) => readFileSync(chunk, 'utf8').includes('pglite.data'))
      .map((chunk) => dirname(chunk)),
  );
  if (dirs.size === 0)
    throw new Error("build: no chunk loads PGlite's assets; has src/issuer/db/pglite.ts changed?");
  for (const asset of PGLITE_ASSETS) {
    const gzipped = gzipSync(readFileSync(`node_modules/@electric-sql/pglite/dist/${asset}`), { level: 9 });
    for (const dir of dirs) writeFileSync(join(dir, `${asset}.gz`), gzipped);
  }
}

/**
 * The licences of every package bundled (MIT and friends require the notice to travel with the
 * code), one per package, sorted so that two builds write the same bytes.
 */
function thirdPartyLicenses({ inputs }) {
  const notices = new Map();
  for (const input of Object.keys(inputs)) {
    const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (dir === undefined) continue;
    const { name, version, license } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
    const file = readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying)/i.test(f))
      .sort()[0];
    const text = file ? readFileSync(`${dir}/${file}`, 'utf8').trim() : '(no licence file in the package)';
    const id = `${name}@${version}`;
    notices.set(id, `${id} (${typeof license === 'string' ? license : 'see below'})\n\n${text}\n`);
  }
  return [...notices.keys()]
    .sort()
    .map((id) => notices.get(id))
    .join(`\n${'-'.repeat(72)}\n\n`);
}

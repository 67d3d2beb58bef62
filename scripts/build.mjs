#!/usr/bin/env node
// Builds dist/ from a clean slate: the CLI (dist/cli.js) and the GitHub Actions
// (dist/action/<name>.js, what each action.yml runs), in one esbuild build. CI rebuilds and
// compares with the committed dist/ (`npm run check-dist`), so the output must not depend on the
// machine or the Node version that builds it: esbuild's own output is deterministic, and the
// licence file below is sorted.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

process.chdir(new URL('..', import.meta.url).pathname);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync('dist', { recursive: true, force: true });

const { metafile } = await build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    'action/certify': 'src/action/entries/certify.ts',
    'action/verify': 'src/action/entries/verify.ts',
    'action/revoke': 'src/action/entries/revoke.ts',
    'action/rotate': 'src/action/entries/rotate.ts',
  },
  outdir: 'dist',
  // The runner runs an action from a checkout with no node_modules, so every dependency is
  // bundled. The code an entry reaches through `import()` (each store adapter and its SDK) lands
  // in chunks of its own, loaded only when a run needs it.
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Only the CLI's issuer (`passgeni serve`, `passgeni api-key`) uses these, from an npm install:
  // PGlite loads its WebAssembly from beside its own files, which a bundle would not carry.
  external: ['@electric-sql/pglite', 'pg', 'fastify'],
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Several SDKs ship both ESM ("module") and CommonJS ("main"); ESM keeps a split chunk's named
  // exports intact.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);',
  },
  define: { __PASSGENI_VERSION__: JSON.stringify(pkg.version) },
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
writeFileSync('dist/licenses.txt', thirdPartyLicenses(metafile));

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
    notices.set(`${name}@${version}`, `${name}@${version} (${license ?? 'see below'})\n\n${text}\n`);
  }
  return [...notices.keys()]
    .sort()
    .map((id) => notices.get(id))
    .join(`\n${'-'.repeat(72)}\n\n`);
}

#!/usr/bin/env node
// Builds everything under dist/ from a clean slate, so a committed dist/ that differs from a
// fresh build means someone forgot to rebuild (CI checks it with `npm run check-dist`).
import { build } from 'esbuild';
import { buildActions } from './action-build.mjs';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Paths below are relative to the repository, wherever the build is started from.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const define = { __PASSGENI_VERSION__: JSON.stringify(pkg.version) };

rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });

// The CLI keeps its dependencies external: `npx passgeni` installs them from package.json.
await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  splitting: true,
  chunkNames: 'chunks/cli-[name]-[hash]',
  banner: { js: '#!/usr/bin/env node' },
  define,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);

// ---------------------------------------------------------------------------------------------
// The GitHub Actions (action.yml, actions/verify, actions/revoke, actions/rotate), run by the
// runner as `node dist/action/<name>.js` from a checkout that has no node_modules, so every
// dependency is bundled. How, and why so: scripts/action-build.mjs.
const ACTION_OUT = 'dist/action';

const commonPasswords = await build({
  absWorkingDir: ROOT,
  entryPoints: ['node_modules/@zxcvbn-ts/language-common/dist/passwords.json.cjs'],
  outfile: join(ACTION_OUT, 'common-passwords.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

const action = await buildActions({
  root: ROOT,
  outdir: ACTION_OUT,
  define,
});
const inputs = Object.assign({}, commonPasswords.metafile.inputs, ...action.metafiles.map((m) => m.inputs));
writeFileSync(join(ACTION_OUT, 'licenses.txt'), thirdPartyLicenses({ inputs }));

/**
 * The licences of every package bundled into the actions (MIT and friends require the notice to
 * travel with the code), sorted so two builds write the same bytes.
 */
function thirdPartyLicenses(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (input.startsWith('builtin-on-use:')) continue; // a built-in's one-line wrapper, no package
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match || packages.has(match[1])) continue;
    const pkg = JSON.parse(readFileSync(join(match[1], 'package.json'), 'utf8'));
    const licenseFile = readdirSync(match[1])
      .filter((f) => /^(licen[cs]e|copying)/i.test(f))
      .sort()[0];
    packages.set(match[1], {
      id: `${pkg.name}@${pkg.version}`,
      license: typeof pkg.license === 'string' ? pkg.license : 'see below',
      text: licenseFile
        ? readFileSync(join(match[1], licenseFile), 'utf8').trim()
        : '(no licence file in the package)',
    });
  }
  const unique = new Map([...packages.values()].map((p) => [p.id, p]));
  return [...unique.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => `${p.id} (${p.license})\n\n${p.text}\n`)
    .join(`\n${'-'.repeat(72)}\n\n`);
}

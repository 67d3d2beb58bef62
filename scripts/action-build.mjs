// How the GitHub Actions are bundled, shared by scripts/build.mjs and the start-up benchmark, so
// that what is measured is built the way it ships.
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, extname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * src/generate/common-passwords.ts loads the common-password list with createRequire, which finds
 * node_modules at run time; the runner has none. The list goes into its own file,
 * dist/action/common-passwords.cjs, required on first need: inside a chunk, its ~380 KB string
 * would be scanned on every start (~3-7 ms) though most runs never consult it. The loader may
 * land in an entry file or in chunks/, so it finds the file from either.
 */
export const lazyCommonPasswords = {
  name: 'lazy-common-passwords',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]generate[\\/]common-passwords\.ts$/ }, () => ({
      contents: [
        'export function loadCommonPasswords() {',
        '  const inChunks = new URL(".", import.meta.url).pathname.endsWith("/chunks/");',
        '  const file = inChunks ? "../common-passwords.cjs" : "./common-passwords.cjs";',
        '  return require(process.getBuiltinModule("node:url").fileURLToPath(new URL(file, import.meta.url)));',
        '}',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Node built-ins reached through `import` become modules of our own around
 * process.getBuiltinModule. An ESM import of a built-in makes Node build a namespace from every
 * export, which reads every lazy getter: `node:http`'s WebSocket loads undici and `node:crypto`'s
 * webcrypto sets up Web Crypto, ~40 ms of a ~60 ms start-up budget before the action does
 * anything.
 * - For our own modules, the built-in's module exports just the names the importer's `import`
 *   statements name (read from its source, so the output does not depend on which Node builds
 *   it), each read when the module is evaluated. (The CommonJS form below costs every start ~1 ms
 *   and 110 KB of heap: esbuild's __toESM defines a getter for each export of each built-in.)
 * - Otherwise the module is CommonJS, and esbuild reads each export where it is used: for
 *   dependencies, for `import()` and for `import * as crypto`, which take the whole namespace
 *   and so, in the first form, would read every export, deprecated ones (crypto.fips) included.
 * The runner's node24 has process.getBuiltinModule.
 */
export function builtinsOnUse({ named }) {
  return {
    name: 'builtins-on-use',
    setup(b) {
      // One module per importer, not one per built-in: in the code-split lazy modules, a module
      // shared by several chunks would become a chunk of its own, one more file to load.
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
        (args.kind === 'import-statement' || args.kind === 'dynamic-import') && isBuiltin(args.path)
          ? {
              path: `${relative(process.cwd(), args.importer)}>${args.path}${args.kind === 'dynamic-import' ? ' (import())' : ''}`,
              namespace: 'builtin-on-use',
              pluginData: {
                builtin: args.path.startsWith('node:') ? args.path : `node:${args.path}`,
                names:
                  named && args.kind === 'import-statement' && !args.importer.includes('node_modules')
                    ? namedImports(args.importer, args.path)
                    : undefined,
              },
            }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'builtin-on-use' }, ({ pluginData: { builtin, names } }) => {
        const load = `process.getBuiltinModule(${JSON.stringify(builtin)})`;
        return {
          contents:
            names === undefined
              ? `module.exports = ${load};`
              : `const builtin = ${load};\nexport default builtin;\nexport const { ${names.join(', ')} } = builtin;`,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * The names `importer` imports from `specifier`, or undefined when it takes the whole namespace
 * (`import * as x from '…'`). Type-only imports name nothing that exists at run time.
 */
function namedImports(importer, specifier) {
  const names = new Set();
  const statement = new RegExp(`^\\s*import\\s+(?!type\\s)([^'"]*?)\\s*from\\s*['"]${specifier}['"]`, 'gm');
  for (const [, clause] of readFileSync(importer, 'utf8').matchAll(statement)) {
    if (clause.includes('*')) return undefined;
    for (const binding of /\{([^}]*)\}/.exec(clause)?.[1].split(',') ?? []) {
      const name = binding.trim().split(/\s+as\s+/)[0];
      if (name && !name.startsWith('type ')) names.add(name);
    }
  }
  return [...names].sort();
}

/** esbuild settings every action output shares. */
export const actionBaseOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // The SDKs ship ESM under "module" and CJS under "main"; a CJS copy inside a split chunk hands
  // back undefined named exports once the lazy branch runs (shared/research/perf-anchors.md §4).
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins. Reached
  // through process.getBuiltinModule, not `import … from "node:module"`, for the reason
  // builtinsOnUse gives.
  banner: {
    js: 'const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);',
  },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** The action entries, by output name: dist/action/<name>.js is what each action.yml runs. */
export const ACTION_ENTRIES = {
  certify: 'src/action/entries/certify.ts',
  verify: 'src/action/entries/verify.ts',
  revoke: 'src/action/entries/revoke.ts',
  rotate: 'src/action/entries/rotate.ts',
};

/**
 * Modules whose classes must keep one identity on both sides of a lazy import: a store adapter
 * throws StoreError and the engine recognises it with `instanceof`; the response schemas throw
 * IssuerError for the HTTP client. They are bundled once, into chunks/kernel.js, which the entries
 * and the lazy modules import. buildActions fails when another module that declares a class ends
 * up on both sides.
 */
const KERNEL = [
  'src/errors.ts',
  'adapters/store.ts',
  'src/issuer-client/errors.ts',
  'adapters/internal/json-text.ts',
];

/**
 * Resolves imports of kernel modules to the built kernel, `specifier` away from the importer.
 * Paths are compared without extension: the sources import `./errors.js` for `errors.ts`.
 */
function kernelExternal(root, specifier) {
  const kernel = new Set(KERNEL.map((file) => withoutExtension(join(root, file))));
  return {
    name: 'kernel-external',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.kind !== 'entry-point' && kernel.has(withoutExtension(resolve(args.resolveDir, args.path)))
          ? { path: specifier, external: true }
          : undefined,
      );
    },
  };
}

const withoutExtension = (path) => path.slice(0, path.length - extname(path).length);

/**
 * Turns every `import()` in the start bundles into an import of a lazy module built apart, and
 * records it in `lazy` (output name → source file) for the lazy build.
 */
function lazyExternal(lazy) {
  return {
    name: 'lazy-external',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || isBuiltin(args.path) || args.pluginData === lazy)
          return undefined;
        const resolved = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: lazy,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const name = args.path.startsWith('.')
          ? basename(resolved.path, extname(resolved.path))
          : args.path.replace(/^@/, '').replaceAll('/', '-');
        const known = lazy.get(name);
        if (known !== undefined && known !== resolved.path) {
          throw new Error(`two lazy modules would both be chunks/${name}.js: ${known} and ${resolved.path}`);
        }
        lazy.set(name, resolved.path);
        return { path: `./chunks/${name}.js`, external: true };
      });
    },
  };
}

/**
 * Builds the actions into `outdir`:
 * - each entry in one file, with everything it imports statically (the start path), because each
 *   extra ES module file a start loads costs about a millisecond, and the shared chunks esbuild
 *   splits a start path into came to eleven;
 * - every module the entries reach through `import()` (a store adapter and its SDK, the response
 *   schemas, the credential binding, @actions/core) in chunks/, built together with code splitting,
 *   so a run loads a store's SDK only when a store URI needs it;
 * - the kernel (KERNEL above) once, in chunks/kernel.js.
 * `entryPoints` and `plugins` let the benchmark build variants the same way.
 */
export async function buildActions({ root, outdir, define, entryPoints = ACTION_ENTRIES, plugins = [] }) {
  const common = { ...actionBaseOptions, absWorkingDir: root, define, metafile: true };
  // Variant plugins go first, so they can replace a source module before any other plugin sees it.
  const start = [...plugins, lazyCommonPasswords, builtinsOnUse({ named: true })];
  const lazyPlugins = [...plugins, lazyCommonPasswords, builtinsOnUse({ named: false })];
  const kernel = await build({
    ...common,
    stdin: {
      contents: KERNEL.map((file) => `export * from ${JSON.stringify(`./${file}`)};`).join('\n'),
      resolveDir: root,
      sourcefile: 'kernel.js',
      loader: 'js',
    },
    outfile: join(outdir, 'chunks', 'kernel.js'),
    plugins: start,
  });
  const lazy = new Map();
  const entries = await build({
    ...common,
    entryPoints,
    outdir,
    plugins: [kernelExternal(root, './chunks/kernel.js'), lazyExternal(lazy), ...start],
  });
  if (lazy.size === 0) return { metafiles: [kernel.metafile, entries.metafile] };
  const lazyModules = await build({
    ...common,
    entryPoints: Object.fromEntries(lazy),
    outdir: join(outdir, 'chunks'),
    splitting: true,
    chunkNames: '[name]-[hash]',
    plugins: [kernelExternal(root, './kernel.js'), ...lazyPlugins],
  });
  checkKernel(root, entries.metafile, lazyModules.metafile);
  return { metafiles: [kernel.metafile, entries.metafile, lazyModules.metafile] };
}

/**
 * A first-party module bundled both into an entry and into a lazy module exists twice at run
 * time; a class it declares would fail `instanceof` across the two copies.
 */
function checkKernel(root, entries, lazyModules) {
  const firstParty = (metafile) =>
    new Set(
      Object.keys(metafile.inputs).filter(
        (input) => !input.includes('node_modules/') && !input.includes(':') && input !== 'kernel.js',
      ),
    );
  const lazy = firstParty(lazyModules);
  const twice = [...firstParty(entries)].filter((input) => lazy.has(input));
  const declaresClass = /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+\w/m;
  const classes = twice.filter((input) => declaresClass.test(readFileSync(join(root, input), 'utf8')));
  if (classes.length > 0) {
    throw new Error(
      `${classes.join(', ')} declare classes and are bundled both into an action entry and into a lazy module; add them to KERNEL in scripts/action-build.mjs`,
    );
  }
}

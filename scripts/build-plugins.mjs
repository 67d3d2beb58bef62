// esbuild settings and plugins shared by scripts/build.mjs and the start-up benchmark, so that
// what is measured is built the way it ships.
import { isBuiltin } from 'node:module';
import { relative } from 'node:path';

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
 * Node built-ins reached through `import` become CommonJS lookups. An ESM import of a built-in
 * makes Node build a namespace from every export, which reads every lazy getter: `node:http`'s
 * WebSocket loads undici and `node:crypto`'s webcrypto sets up Web Crypto, ~40 ms of a ~60 ms
 * start-up budget before the action does anything. As a CommonJS module, esbuild reads each
 * export where it is used, so only what runs is loaded. The runner's node24 has
 * process.getBuiltinModule.
 */
export const builtinsOnUse = {
  name: 'builtins-on-use',
  setup(b) {
    // One one-line module per importer, not one per built-in: a module shared by several chunks
    // becomes a chunk of its own, and each such file costs ~0.5 ms of ES module loading at start.
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      (args.kind === 'import-statement' || args.kind === 'dynamic-import') && isBuiltin(args.path)
        ? {
            path: `${relative(process.cwd(), args.importer)}>${args.path}`,
            namespace: 'builtin-on-use',
            pluginData: args.path.startsWith('node:') ? args.path : `node:${args.path}`,
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-use' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.pluginData)});`,
      loader: 'js',
    }));
  },
};

/**
 * How every action bundle is built (the entries, output place and version come from the caller).
 * The runner has no node_modules, so everything is bundled; code splitting puts each store
 * adapter (and its SDK) in chunks imported only when a store URI of that kind is opened.
 */
export const actionBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // The SDKs ship ESM under "module" and CJS under "main"; a CJS copy inside a split chunk hands
  // back undefined named exports once the lazy branch runs (shared/research/perf-anchors.md §4).
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);',
  },
  minify: true,
  legalComments: 'none',
  plugins: [lazyCommonPasswords, builtinsOnUse],
  logLevel: 'warning',
};

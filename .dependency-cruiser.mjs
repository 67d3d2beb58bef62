/**
 * The import rules of DESIGN.md §2, checked by `npm run lint` (static imports, dynamic
 * `await import()` and type-only imports alike). One rule per sentence of the design; each
 * rule's comment is that sentence. Rules are written by path pattern so they keep holding as
 * modules move into folders (adapters/vault/, src/engine/ …).
 */

// The front ends, per §2: "Front ends (action, CLI, rotation) only translate inputs and outputs".
const FRONT_END = '^src/(cli|action|rotation)/';
// §2 lists the issuer's HTTP client as part of the issuer; it lives in src/issuer-client/.
const ISSUER = '^src/issuer(-client)?/';
const ADAPTERS = '^adapters/';
const ENGINE = '^src/engine([.]ts$|/)';
// The pipelines built on the core, like the engine: verification (certificate + issuer status +
// store binding), the trust anchors it checks against, and inventory (a scan over the stores).
const ABOVE_CORE = '^src/(verification[.]ts$|trust/|inventory/)';
const GENERATOR = '^src/generate/';
const LIB = '^src/lib/';
const ERRORS = '^src/errors([.]ts$|/)';
// The project's own code, as opposed to Node built-ins and packages.
const PROJECT = '^(src|adapters|test|bench|scripts)/';
// Each store adapter, whether one file (adapters/doppler.ts) or a folder (adapters/vault/).
// A new store adapter is added here.
const STORE_ADAPTER = '^adapters/(aws-secrets-manager|doppler|file|kubernetes|vault)([.]ts$|/)';
const TARGETS = '^adapters/targets/';

/** A module matching `from` must not import one matching `to`. */
function forbid(name, sentence, from, to) {
  return { name, comment: sentence, severity: 'error', from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    forbid(
      'core-imports-no-outer-layer',
      '`src/policy`, `src/generate`, `src/certificate` import no front end, no adapter, no issuer code. ' +
        '(Nor the engine or the other pipelines built on them: data flows one way.)',
      { path: '^src/(policy|generate|certificate)/' },
      { path: [FRONT_END, ADAPTERS, ISSUER, ENGINE, ABOVE_CORE] },
    ),
    forbid(
      'issuer-cannot-touch-a-credential',
      '`src/issuer` never imports `src/generate` or `adapters/`: the authority cannot touch a credential.',
      { path: ISSUER },
      { path: [GENERATOR, ADAPTERS] },
    ),
    forbid(
      'adapters-import-only-store-errors-lib',
      '`adapters/` import nothing of the project but the `SecretStore` interface, shared error types and ' +
        'the leaf plumbing module (`src/lib/`). (Targets, in adapters/targets/, follow the same rule.)',
      { path: ADAPTERS },
      { path: PROJECT, pathNot: [ADAPTERS, LIB, ERRORS] },
    ),
    forbid(
      'adapter-knows-only-its-store',
      'Adapters know their secrets manager and nothing else.',
      { path: STORE_ADAPTER },
      // $1 is the adapter's own name, from the `from` path: its own files are its business.
      { path: [STORE_ADAPTER, TARGETS], pathNot: '^adapters/$1([.]ts$|/)' },
    ),
    forbid(
      'target-knows-only-its-system',
      'Targets (`adapters/targets/`, the systems that must accept a new credential) follow the same rule ' +
        'as adapters: each knows its system and nothing else.',
      { path: TARGETS },
      { path: STORE_ADAPTER },
    ),
    forbid(
      'lib-is-a-leaf',
      '`src/lib/` imports nothing of the project.',
      { path: LIB },
      { path: PROJECT, pathNot: LIB },
    ),
    forbid(
      'engine-imports-no-front-end',
      '`src/engine.ts` imports no front end.',
      { path: ENGINE },
      { path: FRONT_END },
    ),
    forbid(
      'action-and-cli-apart',
      '`src/action/` and `src/cli/` import the engine, never each other.',
      { path: '^src/(action|cli)/' },
      { path: '^src/(action|cli)/', pathNot: '^src/$1/' },
    ),
    forbid(
      'no-circular',
      'Imports only point one way, so no module can reach itself again. ' +
        '(A cycle closed by an `import type` is left alone: it is gone at run time.)',
      {},
      { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
  },
};

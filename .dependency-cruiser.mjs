/**
 * The import rules of DESIGN.md §2, checked by `npm run lint` (static imports, dynamic
 * `await import()` and type-only imports alike). One rule per sentence of the design; each
 * rule's comment is that sentence. Rules are written by path pattern so they keep holding as
 * modules move into folders (adapters/vault/, src/engine/ …).
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

// The front ends, per §2: "Front ends (action, CLI, rotation) only translate inputs and outputs".
const FRONT_END = '^src/(cli|action|rotation)/';
// §2 lists the issuer's HTTP client as part of the issuer; it lives in src/issuer-client/.
const ISSUER = '^src/issuer(-client)?/';
const ADAPTERS = '^adapters/';
const ENGINE = '^src/engine([.]ts$|/)';
// The pipelines built on the core, like the engine: verification (certificate + issuer status +
// store binding) and inventory (a scan over the stores).
const ABOVE_CORE = '^src/(verification[.]ts$|inventory/)';
const GENERATOR = '^src/generate/';
const LIB = '^src/lib/';
const ERRORS = '^src/errors([.]ts$|/)';
// The project's own code, as opposed to Node built-ins and packages.
const PROJECT = '^(src|adapters|test|bench|scripts)/';
// Each store adapter, whether one file (adapters/doppler.ts) or a folder (adapters/vault/).
// A new store adapter is added here.
const STORE_ADAPTER = '^adapters/(aws-secrets-manager|doppler|file|kubernetes|vault)([.]ts$|/)';
const TARGETS = '^adapters/targets/';

export default {
  forbidden: [
    {
      name: 'core-imports-no-outer-layer',
      comment:
        '`src/policy`, `src/generate`, `src/certificate` import no front end, no adapter, no issuer code. ' +
        '(Nor the engine or the other pipelines built on them: data flows one way.)',
      severity: 'error',
      from: { path: '^src/(policy|generate|certificate)/' },
      to: { path: [FRONT_END, ADAPTERS, ISSUER, ENGINE, ABOVE_CORE] },
    },
    {
      name: 'issuer-cannot-touch-a-credential',
      comment:
        '`src/issuer` never imports `src/generate` or `adapters/`: the authority cannot touch a credential.',
      severity: 'error',
      from: { path: ISSUER },
      to: { path: [GENERATOR, ADAPTERS] },
    },
    {
      name: 'adapters-import-only-store-errors-lib',
      comment:
        '`adapters/` import nothing of the project but the `SecretStore` interface, shared error types and ' +
        'the leaf plumbing module (`src/lib/`). (Targets, in adapters/targets/, follow the same rule.)',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: PROJECT, pathNot: [ADAPTERS, LIB, ERRORS] },
    },
    {
      name: 'adapter-knows-only-its-store',
      comment: 'Adapters know their secrets manager and nothing else.',
      severity: 'error',
      from: { path: STORE_ADAPTER },
      to: { path: [STORE_ADAPTER, TARGETS], pathNot: '^adapters/$1([.]ts$|/)' },
    },
    {
      name: 'target-knows-only-its-system',
      comment:
        'Targets (`adapters/targets/`, the systems that must accept a new credential) follow the same rule ' +
        'as adapters: each knows its system and nothing else.',
      severity: 'error',
      from: { path: TARGETS },
      to: { path: STORE_ADAPTER },
    },
    {
      name: 'lib-is-a-leaf',
      comment: '`src/lib/` imports nothing of the project.',
      severity: 'error',
      from: { path: LIB },
      to: { path: PROJECT, pathNot: LIB },
    },
    {
      name: 'engine-imports-no-front-end',
      comment: '`src/engine.ts` imports no front end.',
      severity: 'error',
      from: { path: ENGINE },
      to: { path: FRONT_END },
    },
    {
      name: 'action-and-cli-apart',
      comment: '`src/action/` and `src/cli/` import the engine, never each other.',
      severity: 'error',
      from: { path: '^src/(action|cli)/' },
      to: { path: '^src/(action|cli)/', pathNot: '^src/$1/' },
    },
    {
      name: 'no-circular',
      comment:
        'Imports only point one way, so no module can reach itself again. ' +
        '(A cycle closed by an `import type` is left alone: it is gone at run time.)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
  },
};

import { createRequire } from 'node:module';

/**
 * The common-password list shipped with zxcvbn-ts (49,233 entries), loaded on first call.
 *
 * The package decodes its compressed list when the module is evaluated (~50 ms), so importing it
 * statically would charge that to every start, even though a generator of the usual lengths and
 * class mixes never consults the list (see COMMON_PASSWORD_KINDS). A synchronous require keeps the
 * generator synchronous. The action bundles cannot resolve packages at run time (the runner has no
 * node_modules), so scripts/build.mjs swaps this module for one that requires the list from its
 * own file beside the bundles: same behaviour, still paid only on first call.
 */
export function loadCommonPasswords(): readonly string[] {
  const require = createRequire(import.meta.url);
  return require('@zxcvbn-ts/language-common/dist/passwords.json.cjs') as string[];
}

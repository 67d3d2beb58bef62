import { errorMessage, isPassgeniError } from '../errors.js';
import type { ActionRuntime } from './runtime.js';

/**
 * The step's single failure message. The project's errors already say what to do; messages
 * written for the CLI name flags, so those are reworded into the action's input names. Foreign
 * errors (a bug, a library) keep their message — every secret the step knows is masked by then —
 * with a prefix that says it was unexpected.
 */
const CLI_TO_INPUT: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /\(--api-key \/ PASSGENI_API_KEY\)/g,
    '(the api-key input; create one with `passgeni api-key create --team NAME` on the issuer and keep it in a secret)',
  ],
  [/pass --api-key or set PASSGENI_API_KEY/g, 'set the api-key input'],
  [
    /pass --issuer-url(?: \(or give the certificate URL instead of its id\))?/g,
    'set the issuer-url input (or give the certificate URL instead of its id)',
  ],
  [
    /pass --jwks FILE\|URL, or --issuer-url/g,
    'set the jwks input (a URL, a file or inline JSON) or the issuer-url input',
  ],
  [/certify with --bind/g, 'certify with bind-credential: true'],
  [/drop the require-fips-mode option/g, 'set require-fips-mode: false'],
];

export function actionWording(message: string): string {
  return CLI_TO_INPUT.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

export function failureMessage(error: unknown): string {
  if (isPassgeniError(error)) return actionWording(error.message);
  return `Unexpected error: ${errorMessage(error)}`;
}

/** Reports the failure once, with the error code for scripts and the stack only in debug logs. */
export function fail(runtime: ActionRuntime, error: unknown): void {
  if (isPassgeniError(error)) runtime.debug(`error code ${error.code}`);
  else if (error instanceof Error && error.stack) runtime.debug(error.stack);
  runtime.setFailed(failureMessage(error));
}

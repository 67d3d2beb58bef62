import { errorMessage, isPassgeniError } from '../errors.js';
import { checkHttpLimitEnv, useProxyFromEnv } from '../lib/http.js';
import { withActionHint } from './hints.js';
import { Inputs } from './inputs.js';
import { createRuntime, type ActionRuntime } from './runtime.js';

/**
 * What the four actions share around their own work: secrets masked before anything can print,
 * inputs read, and one failure path (an error annotation worded for workflow authors, exit 1).
 */

/** Inputs that hold secrets in any of the actions; masked before reading them could fail. */
const SECRET_INPUTS = ['api-key', 'doppler-token'];

export interface Failed {
  ok: false;
  error: unknown;
}

/**
 * The step's failure message. The project's errors already say what to do, with their hint worded
 * as an input; foreign errors (a bug, a library) keep their message — every secret the step knows
 * is masked by then — with a prefix that says it was unexpected.
 */
export function failureMessage(error: unknown): string {
  if (isPassgeniError(error)) return withActionHint(error.message, error.hint);
  return `Unexpected error: ${errorMessage(error)}`;
}

/** Reports the failure once, with the error code for scripts and the stack only in debug logs. */
export function fail(runtime: ActionRuntime, error: unknown): void {
  if (isPassgeniError(error)) runtime.debug(`error code ${error.code}`);
  else if (error instanceof Error && error.stack) runtime.debug(error.stack);
  runtime.setFailed(failureMessage(error));
}

/**
 * Runs an action's work: `secrets` are masked first, and an error is reported once (after
 * `onError`, which may add outputs or a summary) and returned as an outcome instead of thrown.
 */
export async function runStep<T>(
  runtime: ActionRuntime,
  secrets: ReadonlyArray<string | undefined>,
  work: () => Promise<T>,
  onError?: (error: unknown) => void,
): Promise<T | Failed> {
  for (const secret of secrets) runtime.mask(secret);
  try {
    return await work();
  } catch (error) {
    onError?.(error);
    fail(runtime, error);
    return { ok: false, error };
  }
}

/** An action's entry point: mask the secret inputs, read the inputs, run. */
export function actionMain<I>(
  read: (env: NodeJS.ProcessEnv) => I,
  run: (inputs: I, deps: { runtime: ActionRuntime }) => Promise<unknown>,
): (runtime?: ActionRuntime) => Promise<void> {
  return async (runtime = createRuntime()) => {
    for (const name of SECRET_INPUTS) runtime.mask(runtime.env[Inputs.envName(name)]);
    let inputs: I;
    try {
      checkHttpLimitEnv();
      if (useProxyFromEnv(runtime.env) === 'unsupported') {
        runtime.warning(
          `HTTPS_PROXY/HTTP_PROXY are set but Node.js ${process.version} cannot route requests through them; run the action on node24.`,
        );
      }
      inputs = read(runtime.env);
    } catch (error) {
      fail(runtime, error);
      return;
    }
    await run(inputs, { runtime });
  };
}

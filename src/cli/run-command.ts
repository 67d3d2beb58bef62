import { reportError, type OutputOptions } from './output.js';

/**
 * Wraps a command's action so every command shares one failure path: the error is printed once
 * in the format the user asked for and the documented exit code is set (0 ok, 1 check failed,
 * 2 usage or input error, 3 runtime failure). The action returns the exit code it wants.
 */
export function runCommand<A extends unknown[]>(
  action: (...args: A) => Promise<number | void> | number | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // commander passes (...positionals, options, command)
    const options = (args[args.length - 2] ?? {}) as OutputOptions;
    try {
      const code = await action(...args);
      process.exitCode = code ?? 0;
    } catch (error) {
      process.exitCode = reportError(error, options);
    }
  };
}

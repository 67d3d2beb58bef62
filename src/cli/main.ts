#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { VERSION } from '../version.js';
import { errorMessage } from '../errors.js';
import { checkHttpLimitEnv, useProxyFromEnv } from '../lib/http.js';

/**
 * `passgeni`: every subcommand lives in its own file under commands/ and registers itself.
 * Usage errors exit 2, like input errors, so scripts can tell them from a failed check (1).
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  // A reader that stops early (`passgeni standards | head -1`) closes the pipe: that ends the
  // output, not in an error, so the process ends quietly with the code it had.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
  const program = new Command('passgeni')
    .description('Generate, certify and store compliance-grade credentials.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  try {
    checkHttpLimitEnv();
  } catch (error) {
    process.stderr.write(`passgeni: ${errorMessage(error)}\n`);
    process.exitCode = 2;
    return;
  }
  if (useProxyFromEnv() === 'unsupported') {
    process.stderr.write(
      `passgeni: HTTPS_PROXY/HTTP_PROXY are set but Node.js ${process.version} cannot route requests through them; use Node.js 24 or later.\n`,
    );
  }
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; anything else commander rejects is a usage error
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}

await main();

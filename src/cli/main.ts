#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { VERSION } from '../version.js';

/**
 * `passgeni`: every subcommand lives in its own file under commands/ and registers itself.
 * Usage errors exit 2, like input errors, so scripts can tell them from a failed check (1).
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = new Command('passgeni')
    .description('Generate, certify and store compliance-grade credentials.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
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

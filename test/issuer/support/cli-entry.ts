/**
 * Runs `passgeni serve` / `passgeni api-key` from source in a child process (via
 * `node --import tsx`), exactly as the CLI registers them, for tests that need real processes:
 * two replicas on one PostgreSQL, signals, the api-key command on a data directory.
 */
import { Command, CommanderError } from 'commander';
import { register as registerApiKey } from '../../../src/cli/commands/api-key.js';
import { register as registerServe } from '../../../src/cli/commands/serve.js';

const program = new Command('passgeni').exitOverride();
registerServe(program);
registerApiKey(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else throw error;
}

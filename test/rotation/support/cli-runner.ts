import { Command, CommanderError } from 'commander';
import { register as registerInventory } from '../../../src/cli/commands/inventory.js';
import { register as registerRotate } from '../../../src/cli/commands/rotate.js';

/**
 * `passgeni` with just the rotate and inventory commands, run from source, with the exit-code
 * handling of src/cli/main.ts (commander usage errors exit 2).
 */
const program = new Command('passgeni').exitOverride();
registerRotate(program);
registerInventory(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}

import type { Command } from 'commander';

/**
 * Each command file exports `register(program)`. The list is explicit so the bundle contains
 * exactly these commands, in the order `--help` shows them.
 */
const registrations: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}

import type { Command } from 'commander';
import { register as certify } from './certify.js';
import { register as verify } from './verify.js';
import { register as revoke } from './revoke.js';
import { register as activate } from './activate.js';
import { register as rotate } from './rotate.js';
import { register as inventory } from './inventory.js';
import { register as trust } from './trust.js';
import { register as generate } from './generate.js';
import { register as standards } from './standards.js';
import { register as policy } from './policy.js';
import { register as serve } from './serve.js';
import { register as keygen } from './keygen.js';
import { register as apiKey } from './api-key.js';
import { register as certificates } from './certificates.js';
import { register as events } from './events.js';
import { register as log } from './log.js';
import { register as witness } from './witness.js';

/**
 * Each command file exports `register(program)`. The list is explicit so the bundle contains
 * exactly these commands, in the order `--help` shows them.
 */
const registrations: Array<(program: Command) => void> = [
  certify,
  verify,
  revoke,
  activate,
  rotate,
  inventory,
  certificates,
  events,
  trust,
  generate,
  standards,
  policy,
  serve,
  keygen,
  apiKey,
  log,
  witness,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}

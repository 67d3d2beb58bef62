import type { Command } from 'commander';
import {
  logRequirement,
  readTsaCertificateFile,
  type LogCheckCache,
  type LogRequirement,
} from '../trust/transparency.js';
import { collect, parseNonNegativeInt } from './parse.js';

/**
 * The transparency-log flags, one definition for every command that checks the log (`verify`,
 * `inventory`), so they cannot drift apart in name or meaning (docs/transparency.md).
 */
export interface LogCliOptions {
  requireLog?: boolean;
  logKey?: string;
  witness: string[];
  requireWitnesses?: number;
  requireTimestamp?: boolean;
  tsaCert?: string;
}

export function addLogOptions(command: Command): Command {
  return command
    .option(
      '--require-log',
      "require a verifying inclusion proof in the issuer's transparency log (a missing or bad one fails)",
    )
    .option(
      '--log-key <vkey>',
      "pin the log's verifier key (name+hexkeyid+base64key; default: the one the issuer publishes); checks the log",
    )
    .option('--witness <vkey>', 'a trusted log witness, by its verifier key; repeat for several', collect, [])
    .option(
      '--require-witnesses <n>',
      'require the log checkpoint to be cosigned by at least n of the --witness keys (implies --require-log)',
      parseNonNegativeInt,
    )
    .option(
      '--require-timestamp',
      'require the log checkpoint that proves inclusion to carry an RFC 3161 timestamp that verifies with --tsa-cert (implies --require-log)',
    )
    .option(
      '--tsa-cert <file>',
      "pin the time-stamping authority's certificate (PEM): the checkpoint's timestamp, when present, must verify with it",
    );
}

/** Read (the TSA certificate file) and checked before anything is fetched: a usage error exits 2. */
export function logRequirementOf(options: LogCliOptions, cache?: LogCheckCache): LogRequirement | undefined {
  return logRequirement(
    {
      requireLog: options.requireLog,
      logKey: options.logKey,
      witnesses: options.witness,
      requireWitnesses: options.requireWitnesses,
      requireTimestamp: options.requireTimestamp,
      tsaCertificate:
        options.tsaCert === undefined ? undefined : readTsaCertificateFile(options.tsaCert, '--tsa-cert'),
    },
    cache,
  );
}

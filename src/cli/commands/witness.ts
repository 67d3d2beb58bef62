import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadEd25519PrivateKey, parseVerifierKey } from '../../certificate/transparency/note.js';
import { InputError } from '../../errors.js';
import { Witness, witnessServer } from '../../trust/witness.js';
import { collect, parseNonNegativeInt } from '../parse.js';
import { printJsonLine, printNotice } from '../output.js';
import { runCommand } from '../run-command.js';

interface WitnessCliOptions {
  name: string;
  keyFile: string;
  log: string[];
  state: string;
  port: number;
  host: string;
}

export function register(program: Command): void {
  program
    .command('witness')
    .description(
      "Run a transparency log witness (C2SP tlog-witness): it cosigns a log's checkpoints (C2SP tlog-cosignature) only when each is consistent with the last one it saw.",
    )
    .requiredOption('--name <name>', 'the witness key name, e.g. witness.example.com/w1')
    .requiredOption(
      '--key-file <file>',
      'its Ed25519 private key (PKCS#8 PEM), generated there (mode 0600) if missing',
    )
    .requiredOption(
      '--log <vkey>',
      'a log to witness, by its verifier key (name+hexkeyid+base64key); repeat for several',
      collect,
      [],
    )
    .requiredOption('--state <file>', 'where the latest cosigned checkpoint per log is kept')
    .option('--port <n>', 'port (0: any free one)', parseNonNegativeInt, 7380)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addHelpText(
      'after',
      `
Logs submit checkpoints with POST <url>/add-checkpoint. On start it prints one JSON line with its
URL and its verifier key (name+hexkeyid+base64key, signature type 0x04), for the logs and the
verifiers that rely on it. SIGINT/SIGTERM stop it.`,
    )
    .action(runCommand((options: WitnessCliOptions) => run(options)));
}

async function run(options: WitnessCliOptions): Promise<number> {
  if (options.log.length === 0)
    throw new InputError('WITNESS_LOG_REQUIRED', 'Name at least one log with --log <vkey>.');
  const logs = options.log.map((vkey) => parseVerifierKey(vkey));
  if (!existsSync(options.keyFile)) {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    writeFileSync(options.keyFile, pem, { mode: 0o600, flag: 'wx' });
    printNotice(`passgeni: generated the witness key in ${options.keyFile} (mode 0600); back it up.`);
  }
  let privateKey;
  try {
    privateKey = loadEd25519PrivateKey(readFileSync(options.keyFile, 'utf8'));
  } catch {
    throw new InputError(
      'WITNESS_KEY_INVALID',
      `${options.keyFile} is not an Ed25519 private key in PKCS#8 PEM.`,
    );
  }
  const witness = new Witness({ name: options.name, privateKey, logs, statePath: options.state });
  const server = witnessServer(witness);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  printJsonLine({
    url: `http://${options.host}:${port}`,
    name: witness.name,
    verifier_key: witness.verifierKey,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
  return 0;
}

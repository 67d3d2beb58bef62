import type { Command } from 'commander';
import { Option } from 'commander';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { exportSigningKey, generateSigningKey } from '../../certificate/index.js';
import { InputError } from '../../errors.js';
import { printJson, printNotice, printText } from '../output.js';
import { runCommand } from '../run-command.js';

interface KeygenOptions {
  out?: string;
  format: 'jwk' | 'pem';
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('keygen')
    .description('Create an ES256 (P-256) signing key for an issuer.')
    .option('-o, --out <file>', 'write the private key to this file (mode 0600) instead of stdout')
    .addOption(
      new Option('-f, --format <format>', 'private key format').choices(['jwk', 'pem']).default('jwk'),
    )
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print { kid, public_jwk, file } (and the private key when no --out) as JSON')
    .addHelpText(
      'after',
      '\nUse the key with `passgeni serve --key-file FILE` or the PASSGENI_SIGNING_KEY environment variable.',
    )
    .action(runCommand((options: KeygenOptions) => keygen(options)));
}

function keygen(options: KeygenOptions): number {
  const key = generateSigningKey();
  const privateKey = exportSigningKey(key, options.format);
  if (options.out) writePrivateFile(options.out, privateKey, options.force === true);
  if (options.json) {
    printJson({
      kid: key.kid,
      public_jwk: key.publicJwk,
      ...(options.out ? { file: options.out } : { private_key: privateKey }),
    });
  } else if (options.out) {
    printText(`Wrote the private key to ${options.out} (mode 0600). kid: ${key.kid}`);
  } else {
    printText(privateKey.trimEnd());
    printNotice(`kid: ${key.kid} (keep the private key secret; store it in your secrets manager)`);
  }
  return 0;
}

/** Created with 0600 in the same call, so the key is never readable by others, not even briefly. */
function writePrivateFile(path: string, content: string, force: boolean): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | (force ? constants.O_TRUNC : constants.O_EXCL);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new InputError(
        'KEY_FILE_EXISTS',
        `${path} already exists. Choose another --out, or pass --force to replace it.`,
      );
    }
    throw error;
  }
  try {
    writeSync(fd, content.endsWith('\n') ? content : `${content}\n`);
  } finally {
    closeSync(fd);
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { loadEd25519PrivateKey } from '../../certificate/transparency/note.js';
import { InputError } from '../../errors.js';
import { ensureDataDir } from '../data-dir.js';
import type { Queryable } from '../db/types.js';

/** The log key in PKCS#8 PEM (an Ed25519 key of its own, never the certificate-signing key). */
export const LOG_KEY_ENV = 'PASSGENI_LOG_KEY';
export const DATA_DIR_LOG_KEY_FILE = 'log-key.pem';

export interface LogKeySource {
  logKey?: KeyObject;
  logKeyFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The embedded issuer keeps it beside its signing key, generated on first start. */
  dataDir?: string;
  onNotice?: (message: string) => void;
}

export type LogKeyOrigin = 'option' | 'key-file' | 'env' | 'data-dir' | 'generated' | 'database';

function parse(pem: string, where: string): KeyObject {
  try {
    return loadEd25519PrivateKey(pem);
  } catch {
    throw new InputError(
      'LOG_KEY_INVALID',
      `${where} is not an Ed25519 private key in PKCS#8 PEM. Create one with \`openssl genpkey -algorithm ed25519\`.`,
    );
  }
}

function newKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * The log key, in this order: given, --log-key-file, PASSGENI_LOG_KEY, the data directory's
 * (generated there on first start). Without any of them (PostgreSQL, in-memory) the first replica
 * to start generates one into the database and every replica signs with that one: configure
 * PASSGENI_LOG_KEY to keep it out of the database. Its private half is never served.
 */
export async function resolveLogKey(
  source: LogKeySource,
  db: Queryable,
): Promise<{ key: KeyObject; origin: LogKeyOrigin }> {
  if (source.logKey) return { key: source.logKey, origin: 'option' };
  if (source.logKeyFile !== undefined && source.logKeyFile !== '') {
    let pem: string;
    try {
      pem = readFileSync(source.logKeyFile, 'utf8');
    } catch {
      throw new InputError('LOG_KEY_UNREADABLE', `Cannot read the log key file ${source.logKeyFile}.`);
    }
    return { key: parse(pem, `The log key file ${source.logKeyFile}`), origin: 'key-file' };
  }
  const fromEnv = (source.env ?? process.env)[LOG_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: parse(fromEnv.replace(/\\n/g, '\n'), LOG_KEY_ENV), origin: 'env' };
  }
  if (source.dataDir !== undefined) {
    const path = join(source.dataDir, DATA_DIR_LOG_KEY_FILE);
    if (existsSync(path)) return { key: parse(readFileSync(path, 'utf8'), path), origin: 'data-dir' };
    ensureDataDir(source.dataDir);
    const pem = newKeyPem();
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, pem);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    source.onNotice?.(
      `passgeni: generated the transparency log's Ed25519 key in ${path} (mode 0600). Back it up: checkpoints are signed with it.`,
    );
    return { key: parse(pem, path), origin: 'generated' };
  }
  // first writer wins: replicas starting together all end up with the same key
  const [row] = await db.query<{ private_key: string }>(
    `UPDATE log_state SET private_key = COALESCE(private_key, $1) WHERE id = 1 RETURNING private_key`,
    [newKeyPem()],
  );
  if (!row) throw new Error('the log_state row is missing');
  return { key: parse(row.private_key, 'The log key kept in the database'), origin: 'database' };
}

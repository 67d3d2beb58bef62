import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ensureDataDir } from './data-dir.js';
import {
  buildJwks,
  exportSigningKey,
  generateSigningKey,
  loadSigningKeyFile,
  loadSigningKeyFromEnv,
  SIGNING_KEY_ENV,
} from '../certificate/index.js';
import type { SigningKey } from '../certificate/index.js';
import { InputError } from '../errors.js';
import type { Queryable } from './db/types.js';

/** Where the embedded default keeps its key: `<dataDir>/signing-key.jwk`, mode 0600. */
export const DATA_DIR_KEY_FILE = 'signing-key.jwk';

export interface SigningKeySource {
  /** An already-loaded key (tests, embedding). */
  signingKey?: SigningKey;
  /** `--key-file`: a JWK or PEM file, mode 0600. */
  keyFile?: string;
  /** Read for PASSGENI_SIGNING_KEY. */
  env?: NodeJS.ProcessEnv;
  /** The embedded default: load `<dataDir>/signing-key.jwk`, or create it on first start. */
  dataDir?: string;
  /** Create the data-dir key when it is missing (default true). */
  generate?: boolean;
  /** Told (on stderr, by the CLI) when a key is generated. */
  onNotice?: (message: string) => void;
}

export interface ResolvedSigningKey {
  key: SigningKey;
  source: 'option' | 'key-file' | 'env' | 'data-dir' | 'generated';
  /** The file the key came from or was written to. */
  path?: string;
}

/**
 * Picks the signing key: an explicit key, then --key-file, then PASSGENI_SIGNING_KEY, then the
 * data directory's key (generated there on first start). The private key is never logged or
 * returned by any API; only its kid and public half are published.
 */
export function resolveSigningKey(source: SigningKeySource): ResolvedSigningKey {
  if (source.signingKey) return { key: source.signingKey, source: 'option' };
  if (source.keyFile !== undefined && source.keyFile !== '') {
    return { key: loadSigningKeyFile(source.keyFile), source: 'key-file', path: source.keyFile };
  }
  const fromEnv = loadSigningKeyFromEnv(source.env ?? process.env);
  if (fromEnv) return { key: fromEnv, source: 'env' };
  if (source.dataDir === undefined) {
    throw new InputError(
      'SIGNING_KEY_REQUIRED',
      `No signing key: set ${SIGNING_KEY_ENV} or pass --key-file (create one with \`passgeni keygen\`). With DATABASE_URL every replica must sign with a key you provide, so that restarts do not mint new keys.`,
    );
  }
  const path = join(source.dataDir, DATA_DIR_KEY_FILE);
  if (existsSync(path)) return { key: loadSigningKeyFile(path), source: 'data-dir', path };
  if (source.generate === false) {
    throw new InputError('SIGNING_KEY_REQUIRED', `No signing key at ${path}.`);
  }
  const key = generateSigningKey();
  ensureDataDir(source.dataDir);
  writeKeyFile(path, key, { exclusive: true });
  source.onNotice?.(
    `passgeni: generated a new ES256 signing key (kid ${key.kid}) in ${path} (mode 0600). ` +
      "Back it up and keep it private: whoever holds it can issue certificates in this issuer's name.",
  );
  return { key, source: 'generated', path };
}

/**
 * Writes a private key file readable by its owner only. `exclusive` refuses to overwrite (two
 * processes starting on a fresh data dir must not each write a different key).
 */
export function writeKeyFile(path: string, key: SigningKey, options: { exclusive?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, options.exclusive ? 'wx' : 'w', 0o600);
  try {
    writeSync(fd, `${exportSigningKey(key, 'jwk')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface RotatedKey {
  previous: SigningKey | undefined;
  current: SigningKey;
  /** Where the previous private key was moved (delete it once the rotation is settled). */
  archivedPath: string | undefined;
}

/**
 * Replaces the key in `path` with a new one. The new key is written next to it first and renamed
 * over it, so a crash leaves either the old key or the new one, never half a file. The old
 * private key is kept beside it (mode 0600) rather than deleted: the operator decides when it goes.
 */
export function rotateKeyFile(path: string): RotatedKey {
  const previous = existsSync(path) ? loadSigningKeyFile(path) : undefined;
  const current = generateSigningKey();
  const staging = `${path}.new`;
  rmSync(staging, { force: true });
  writeKeyFile(staging, current, { exclusive: true });
  let archivedPath: string | undefined;
  if (previous) {
    archivedPath = `${path}.retired-${previous.kid.slice(0, 12)}`;
    renameSync(path, archivedPath);
  }
  renameSync(staging, path);
  return { previous, current, archivedPath };
}

/**
 * Publishes a key's public half in the database, so every replica serves it in its JWKS. A key
 * withdrawn by the operator (compromised) is refused.
 */
export async function registerSigningKey(db: Queryable, key: SigningKey, now: Date): Promise<void> {
  const rows = await db.query<{ withdrawn_at: Date | null }>(
    `INSERT INTO signing_keys (kid, public_jwk, first_seen_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (kid) DO UPDATE SET retired_at = NULL
     RETURNING withdrawn_at`,
    [key.kid, JSON.stringify(buildJwks([key]).keys[0]), now],
  );
  if (rows[0]?.withdrawn_at) {
    throw new InputError(
      'SIGNING_KEY_WITHDRAWN',
      `The signing key ${key.kid} was withdrawn from the JWKS (it is marked compromised); sign with a new key.`,
    );
  }
}

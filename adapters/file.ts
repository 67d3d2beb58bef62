import { createHash, randomBytes } from 'node:crypto';
// `fs.promises` is read where it is used, not imported by name: it is a getter that loads Node's
// promise file API (and readline with it) when first read. An action start reads its imports when
// it loads, so a named import cost every run ~3-4 ms before the issuer is contacted, though nothing
// is written until a certificate exists (docs/performance.md, "Action start-up").
import fs, { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { StoreError } from './store.js';
import type {
  ListableStore,
  SecretStore,
  StoreErrorCode,
  StoredSecretRef,
  StoreWriteRequest,
  StoreWriteResult,
} from './store.js';
import type { AdapterContext } from './options.js';
import type { ParsedFileUri, ParsedStorePrefix } from './uri.js';
import { encodeUriComponentLoose, parseStorePrefix } from './uri.js';
import { JsonTextError, parseObjectText, spliceMember } from './internal/json-text.js';
import { DotenvValueError, parseDotenv, setDotenvValue } from './internal/dotenv-text.js';

/** Certificate records live next to the secrets file, never inside it (the file is the app's). */
export const SIDECAR_SUFFIX = '.passgeni.json';
/** The file as it was before our last write: the previous credential stays recoverable. */
export const BACKUP_SUFFIX = '.passgeni.bak';
export const LOCK_SUFFIX = '.passgeni.lock';

const FILE_MODE = 0o600;

interface SidecarRecord {
  cert_url: string;
  cert_id: string;
  updated_at: string;
}

type FsError = NodeJS.ErrnoException;

function fsError(store: string, error: unknown, doing: string, credentialWritten = false): StoreError {
  const code = (error as FsError).code;
  let storeCode: StoreErrorCode = 'STORE_WRITE_FAILED';
  if (code === 'ENOENT' || code === 'ENOTDIR') storeCode = 'STORE_NOT_FOUND';
  else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') storeCode = 'STORE_ACCESS_DENIED';
  if (credentialWritten) storeCode = 'STORE_METADATA_FAILED';
  return new StoreError(storeCode, `Could not ${doing}${code ? ` (${code})` : ''}.`, {
    store,
    credentialWritten,
  });
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    if ((error as FsError).code === 'ENOENT') return undefined;
    throw error;
  }
}

function digest(content: Buffer | undefined): string {
  return content === undefined ? 'absent' : createHash('sha256').update(content).digest('hex');
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a sibling temp file (created 0600 and exclusive, so it never exists with wider
 * permissions or clobbers anything), flushes it, and returns its path for the caller to rename.
 */
async function writeTemp(target: string, content: string | Buffer): Promise<string> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await fs.promises.open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    FILE_MODE,
  );
  try {
    await handle.writeFile(content);
    // The creation mode is reduced by the umask but never widened; chmod makes it exact.
    await handle.chmod(FILE_MODE);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

async function atomicWrite(target: string, content: string | Buffer): Promise<void> {
  const temp = await writeTemp(target, content);
  try {
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/** Follows a symlinked secrets file so the link is kept and its target replaced. */
async function resolveTarget(file: string): Promise<string> {
  try {
    return await fs.promises.realpath(file);
  } catch (error) {
    if ((error as FsError).code !== 'ENOENT') throw error;
    return path.join(await fs.promises.realpath(path.dirname(file)), path.basename(file));
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as FsError).code === 'ESRCH';
  }
}

/**
 * An exclusive lock file serialises passgeni writers on one file. A lock left by a crashed
 * process on this host is taken over; any other live lock is a concurrent writer (STORE_CONFLICT).
 */
async function acquireLock(target: string, store: string): Promise<() => Promise<void>> {
  const lockPath = target + LOCK_SUFFIX;
  const body = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.promises.open(lockPath, 'wx', FILE_MODE);
      await handle.writeFile(body);
      await handle.close();
      return async () => {
        await fs.promises.rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as FsError).code !== 'EEXIST') throw error;
      let holder: { pid?: unknown; host?: unknown } = {};
      try {
        holder = JSON.parse(await fs.promises.readFile(lockPath, 'utf8')) as typeof holder;
      } catch {
        // An unreadable or half-written lock is treated as held.
      }
      const stale = holder.host === hostname() && typeof holder.pid === 'number' && processIsGone(holder.pid);
      if (attempt === 0 && stale) {
        await fs.promises.rm(lockPath, { force: true });
        continue;
      }
      const who = typeof holder.pid === 'number' ? ` (pid ${holder.pid} on ${String(holder.host)})` : '';
      throw new StoreError(
        'STORE_CONFLICT',
        `Another writer${who} is updating this file: ${lockPath} exists. Nothing was written. If no passgeni process is running, delete the lock file and retry.`,
        { store },
      );
    }
  }
}

function renderJson(before: string | undefined, key: string, credential: string, store: string): string {
  const value = JSON.stringify(credential);
  const bom = before?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = before === undefined ? '' : before.slice(bom.length);
  if (body.trim() === '') return `${bom}{\n  ${JSON.stringify(key)}: ${value}\n}\n`;
  try {
    return bom + spliceMember(body, key, value);
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'the file could not be read as JSON';
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot set "${key}" in this JSON file: ${reason}. Nothing was written.`,
      {
        store,
      },
    );
  }
}

function renderDotenv(before: string | undefined, key: string, credential: string, store: string): string {
  try {
    return setDotenvValue(before ?? '', key, credential);
  } catch (error) {
    const reason = error instanceof DotenvValueError ? error.message : 'the file could not be parsed';
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `Cannot write "${key}" to this dotenv file: ${reason}. Nothing was written.`,
      {
        store,
      },
    );
  }
}

function readValue(
  text: string,
  format: ParsedFileUri['format'],
  key: string,
  store: string,
): string | undefined {
  if (format === 'dotenv') return parseDotenv(text).get(key);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return undefined;
  let value: Record<string, unknown>;
  try {
    value = parseObjectText(body).value;
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : 'invalid JSON';
    throw new StoreError('STORE_INVALID_VALUE', `The JSON file cannot be read: ${reason}.`, { store });
  }
  if (!Object.hasOwn(value, key)) return undefined;
  const found = value[key];
  if (typeof found !== 'string') {
    throw new StoreError('STORE_INVALID_VALUE', `"${key}" in the JSON file is not a string.`, { store });
  }
  return found;
}

async function readSidecar(target: string): Promise<Record<string, SidecarRecord>> {
  const raw = await readIfExists(target + SIDECAR_SUFFIX);
  if (raw === undefined) return {};
  const parsed = JSON.parse(raw.toString('utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SyntaxError('sidecar is not a JSON object');
  }
  return parsed as Record<string, SidecarRecord>;
}

export class FileStore implements SecretStore, ListableStore {
  readonly kind = 'file' as const;
  readonly uri: string;
  private readonly parsed: ParsedFileUri;
  private readonly baseDir: string;
  private readonly filePath: string;

  /**
   * dotenv has no escape that works inside every quote style, so a value holding ', " and `
   * together cannot be written back exactly; without ` it always can (in backticks).
   */
  readonly unsupportedCharacters: string;

  constructor(parsed: ParsedFileUri, baseDir: string) {
    this.parsed = parsed;
    this.unsupportedCharacters = parsed.format === 'dotenv' ? '`' : '';
    this.uri = parsed.uri;
    this.baseDir = baseDir;
    this.filePath = path.resolve(baseDir, parsed.path);
  }

  list(prefixUri: string): AsyncIterable<StoredSecretRef> {
    return new FileLister(this.baseDir).list(prefixUri);
  }

  /** Where reads go: the file itself or, for a symlink, its target (where writes go too). */
  private async readTarget(): Promise<string> {
    try {
      return await resolveTarget(this.filePath);
    } catch {
      return this.filePath;
    }
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    const store = this.uri;
    const { key, format } = this.parsed;
    let target: string;
    try {
      target = await resolveTarget(this.filePath);
    } catch (error) {
      throw fsError(store, error, `find the directory of ${this.filePath}`);
    }
    let release: () => Promise<void>;
    try {
      release = await acquireLock(target, store);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw fsError(store, error, `create a lock file next to ${target}`);
    }
    try {
      let before: Buffer | undefined;
      try {
        before = await readIfExists(target);
      } catch (error) {
        throw fsError(store, error, `read ${target}`);
      }
      const beforeText = before?.toString('utf8');
      const next =
        format === 'json'
          ? renderJson(beforeText, key, request.credential, store)
          : renderDotenv(beforeText, key, request.credential, store);

      let temp: string | undefined;
      try {
        temp = await writeTemp(target, next);
        if (before !== undefined) await atomicWrite(target + BACKUP_SUFFIX, before);
        // The lock keeps other passgeni runs out; this catches editors and other tools that
        // changed the file since we read it, immediately before the swap.
        const current = await readIfExists(target);
        if (digest(current) !== digest(before)) {
          throw new StoreError(
            'STORE_CONFLICT',
            `${target} changed while the new value was being prepared; nothing was written. Re-run to write on top of the current file.`,
            { store },
          );
        }
        await fs.promises.rename(temp, target);
        temp = undefined;
        await syncDirectory(path.dirname(target));
      } catch (error) {
        if (temp !== undefined) await fs.promises.rm(temp, { force: true });
        if (error instanceof StoreError) throw error;
        throw fsError(store, error, `replace ${target}`);
      }

      try {
        const records = await readSidecar(target);
        records[key] = {
          cert_url: request.certUrl,
          cert_id: request.certId,
          updated_at: new Date().toISOString(),
        };
        await atomicWrite(target + SIDECAR_SUFFIX, `${JSON.stringify(records, null, 2)}\n`);
      } catch (error) {
        const reason =
          error instanceof SyntaxError
            ? 'it is not valid JSON; fix or delete it'
            : `(${(error as FsError).code ?? 'error'})`;
        throw new StoreError(
          'STORE_METADATA_FAILED',
          `The credential was written to ${target}, but the certificate record ${target + SIDECAR_SUFFIX} could not be updated: ${reason}.`,
          { store, credentialWritten: true },
        );
      }
      return { store };
    } finally {
      await release();
    }
  }

  async readCredential(): Promise<string | undefined> {
    const target = await this.readTarget();
    let raw: Buffer | undefined;
    try {
      raw = await readIfExists(target);
    } catch (error) {
      throw fsError(this.uri, error, `read ${target}`);
    }
    if (raw === undefined) return undefined;
    return readValue(raw.toString('utf8'), this.parsed.format, this.parsed.key, this.uri);
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const target = await this.readTarget();
    let records: Record<string, SidecarRecord>;
    try {
      records = await readSidecar(target);
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new StoreError('STORE_INVALID_VALUE', `${target + SIDECAR_SUFFIX} is not valid JSON.`, {
          store: this.uri,
        });
      }
      throw fsError(this.uri, error, `read ${target + SIDECAR_SUFFIX}`);
    }
    const record = Object.hasOwn(records, this.parsed.key) ? records[this.parsed.key] : undefined;
    return typeof record?.cert_url === 'string' ? record.cert_url : undefined;
  }
}

export function openFileStore(parsed: ParsedFileUri, context: AdapterContext): FileStore {
  return new FileStore(parsed, context.baseDir);
}

const OWN_SUFFIXES = [SIDECAR_SUFFIX, BACKUP_SUFFIX, LOCK_SUFFIX, '.tmp'];
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist'];

function looksLikeDotenv(name: string): boolean {
  if (TEMPLATE_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

class FileLister implements ListableStore {
  private readonly baseDir: string;
  constructor(baseDir: string) {
    this.baseDir = baseDir;
  }

  async *list(prefixUri: string): AsyncIterable<StoredSecretRef> {
    const prefix = parseStorePrefix(prefixUri);
    if (prefix.kind !== 'file') {
      throw new StoreError('STORE_URI_INVALID', `A file lister cannot list ${prefixUri}.`, {
        store: prefixUri,
      });
    }
    const absolute = path.resolve(this.baseDir, prefix.path);
    let stat;
    try {
      stat = await fs.promises.stat(absolute);
    } catch (error) {
      throw fsError(prefixUri, error, `read ${absolute}`);
    }
    const files: { shown: string; absolute: string }[] = [];
    if (stat.isDirectory()) {
      const names = (await fs.promises.readdir(absolute)).sort();
      const present = new Set(names);
      for (const name of names) {
        if (OWN_SUFFIXES.some((s) => name.endsWith(s))) continue;
        if (looksLikeDotenv(name) || present.has(name + SIDECAR_SUFFIX)) {
          files.push({ shown: path.posix.join(prefix.path, name), absolute: path.join(absolute, name) });
        }
      }
    } else {
      files.push({ shown: prefix.path, absolute });
    }
    for (const file of files) {
      const format = file.absolute.toLowerCase().endsWith('.json') ? 'json' : 'dotenv';
      const text = (await fs.promises.readFile(file.absolute)).toString('utf8');
      let keys: string[];
      if (format === 'dotenv') {
        keys = [...parseDotenv(text).keys()];
      } else {
        const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
        try {
          const value = parseObjectText(body).value;
          keys = Object.keys(value).filter((k) => typeof value[k] === 'string');
        } catch {
          continue;
        }
      }
      let records: Record<string, SidecarRecord> = {};
      try {
        records = await readSidecar(file.absolute);
      } catch {
        // An unreadable sidecar lists the keys as having no certificate.
      }
      for (const key of keys) {
        const record = Object.hasOwn(records, key) ? records[key] : undefined;
        yield {
          uri: `file://${encodeUriComponentLoose(file.shown)}#${encodeUriComponentLoose(key)}`,
          certUrl: typeof record?.cert_url === 'string' ? record.cert_url : undefined,
        };
      }
    }
  }
}

export function openFileLister(
  _prefix: Extract<ParsedStorePrefix, { kind: 'file' }>,
  context: AdapterContext,
): ListableStore {
  return new FileLister(context.baseDir);
}

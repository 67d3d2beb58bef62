import { constants } from 'node:fs';
import { access, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../store.js';
import type { LogEntryRecord, SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { ParsedFileUri } from '../uri.js';
import {
  atomicWrite,
  BACKUP_SUFFIX,
  digest,
  FILE_MODE,
  isSymlink,
  permissions,
  readIfExists,
  resolveTarget,
  syncDirectory,
  writeTemp,
} from './atomic.js';
import { fsError, fsStep } from './errors.js';
import { readValue, render } from './formats.js';
import { acquireLock } from './lock.js';
import { readSidecar, SIDECAR_SUFFIX } from './sidecar.js';
import type { SidecarRecord } from './sidecar.js';

/**
 * One key of a dotenv or JSON file: replaced atomically under a lock file, the previous file kept
 * as a backup, and the certificate URL recorded in a sidecar file next to it.
 */
export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly uri: string;
  private readonly filePath: string;

  /**
   * dotenv has no escape that works inside every quote style, so a value holding ', " and `
   * together cannot be written back exactly; without ` it always can (in backticks). A value
   * ending in \ is written fine but leaves its closing quote looking escaped to dotenv's parser,
   * so a later value with that quote on another line would change how the file reads: without \
   * that cannot happen either.
   */
  readonly unsupportedCharacters: string;

  constructor(
    private readonly parsed: ParsedFileUri,
    baseDir: string,
  ) {
    this.unsupportedCharacters = parsed.format === 'dotenv' ? '`\\' : '';
    this.uri = parsed.uri;
    this.filePath = path.resolve(baseDir, parsed.path);
  }

  /** Where reads go: the file itself or, for a symlink, its target (reading one is harmless). */
  private async readTarget(): Promise<string> {
    try {
      return await realpath(this.filePath);
    } catch {
      return this.filePath;
    }
  }

  /**
   * A link planted at the file, its backup or its sidecar would make us write the credential (or
   * its previous value) wherever the link points, so all three must be plain files or absent.
   */
  private async refuseSymlinks(target: string): Promise<void> {
    for (const file of [target, target + BACKUP_SUFFIX, target + SIDECAR_SUFFIX]) {
      if (await fsStep(this.uri, `inspect ${file}`, () => isSymlink(file)))
        throw symlinkRefused(this.uri, file);
    }
  }

  async preflight(): Promise<void> {
    const store = this.uri;
    const dir = path.dirname(this.filePath);
    const target = await fsStep(store, `find the directory ${dir}`, () => resolveTarget(this.filePath)).catch(
      (error: unknown) => {
        if (error instanceof StoreError && error.code === 'STORE_NOT_FOUND') {
          throw new StoreError(
            'STORE_NOT_FOUND',
            `The directory ${dir} does not exist. Create it (mkdir -p ${JSON.stringify(dir)}) or fix the path in the store URI.`,
            { store },
          );
        }
        throw error;
      },
    );
    await this.refuseSymlinks(target);
    await fsStep(store, `create files in ${path.dirname(target)}`, () =>
      access(path.dirname(target), constants.W_OK | constants.X_OK),
    );
    const before = await readTargetFile(store, target);
    if (before !== undefined) {
      await fsStep(store, `write ${target}`, () => access(target, constants.R_OK | constants.W_OK));
      // a file the format cannot be written into fails here, not after the certificate exists
      render(this.parsed.format, before.toString('utf8'), this.parsed.key, '', store);
    }
    await this.readCertificateUrl();
  }

  /** Runs `step` on the resolved file, with symlinks refused and the file's lock held. */
  private async locked<T>(step: (target: string) => Promise<T>): Promise<T> {
    const store = this.uri;
    const target = await fsStep(store, `find the directory of ${this.filePath}`, () =>
      resolveTarget(this.filePath),
    );
    await this.refuseSymlinks(target);
    const release = await fsStep(store, `create a lock file next to ${target}`, () =>
      acquireLock(target, store),
    );
    try {
      return await step(target);
    } finally {
      await release();
    }
  }

  write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    const store = this.uri;
    const { key, format } = this.parsed;
    return this.locked(async (target) => {
      const before = await readTargetFile(store, target);
      const next = render(format, before?.toString('utf8'), key, request.credential, store);
      // A mode already at least as strict as 0600 (0400, 0600) is the owner's choice and is kept;
      // anything readable or writable by others is tightened, and the user is told.
      const previousMode = await fsStep(store, `inspect ${target}`, () => permissions(target));
      const keepMode = previousMode !== undefined && (previousMode & 0o177) === 0;
      const mode = keepMode ? previousMode : FILE_MODE;
      const notice =
        previousMode !== undefined && !keepMode
          ? `${target} was mode ${octal(previousMode)} (readable or writable by others); it is now ${octal(FILE_MODE)}.`
          : undefined;

      let temp: string | undefined;
      try {
        await this.refuseSymlinks(target);
        temp = await writeTemp(target, next, mode);
        if (before !== undefined) await atomicWrite(target + BACKUP_SUFFIX, before);
        // The lock keeps other passgeni runs out; this catches editors and other tools that
        // changed the file since we read it, immediately before the swap.
        const current = await readIfExists(target, true);
        if (digest(current) !== digest(before)) {
          throw new StoreError(
            'STORE_CONFLICT',
            `${target} changed while the new value was being prepared; nothing was written. Re-run to write on top of the current file.`,
            { store },
          );
        }
        await rename(temp, target);
        temp = undefined;
        await syncDirectory(path.dirname(target));
      } catch (error) {
        if (temp !== undefined) await rm(temp, { force: true });
        if (error instanceof StoreError) throw error;
        throw fsError(store, error, `replace ${target}`);
      }

      try {
        const records = await readSidecar(target);
        records[key] = {
          cert_url: request.certUrl,
          cert_id: request.certId,
          ...(request.attestationUrl !== undefined && { attestation_url: request.attestationUrl }),
          ...(request.target !== undefined && { target: request.target }),
          updated_at: new Date().toISOString(),
        };
        await atomicWrite(target + SIDECAR_SUFFIX, `${JSON.stringify(records, null, 2)}\n`);
      } catch (error) {
        const reason =
          error instanceof SyntaxError
            ? 'it is not valid JSON; fix or delete it'
            : `(${(error as NodeJS.ErrnoException).code ?? 'error'})`;
        throw new StoreError(
          'STORE_METADATA_FAILED',
          `The credential was written to ${target}, but the certificate record ${target + SIDECAR_SUFFIX} could not be updated: ${reason}.`,
          { store, credentialWritten: true },
        );
      }
      return { store, ...(notice !== undefined && { notice }) };
    });
  }

  recordLogEntry(entry: LogEntryRecord): Promise<void> {
    const store = this.uri;
    return this.locked(async (target) => {
      try {
        const records = await readSidecar(target);
        const key = this.parsed.key;
        const record = Object.hasOwn(records, key) ? records[key] : undefined;
        // a later run may have replaced the credential (and its record) meanwhile
        if (record?.cert_id !== entry.certId) return;
        records[key] = { ...record, leaf_index: entry.leafIndex, tree_size: entry.treeSize };
        await atomicWrite(target + SIDECAR_SUFFIX, `${JSON.stringify(records, null, 2)}\n`);
      } catch (error) {
        if (error instanceof StoreError) throw error;
        throw new StoreError(
          'STORE_METADATA_FAILED',
          `The log index could not be recorded in ${target + SIDECAR_SUFFIX}: ${error instanceof SyntaxError ? 'it is not valid JSON' : ((error as NodeJS.ErrnoException).code ?? 'error')}.`,
          { store, credentialWritten: true },
        );
      }
    });
  }

  async readCredential(): Promise<string | undefined> {
    const target = await this.readTarget();
    const raw = await fsStep(this.uri, `read ${target}`, () => readIfExists(target));
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

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

function symlinkRefused(store: string, file: string): StoreError {
  return new StoreError(
    'STORE_SYMLINK_REFUSED',
    `${file} is a symbolic link; passgeni writes only plain files, so that a planted link cannot redirect the credential. Nothing was written. Point the store URI at the real file, or remove the link.`,
    { store },
  );
}

async function readTargetFile(store: string, target: string): Promise<Buffer | undefined> {
  try {
    return await readIfExists(target, true);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(store, target);
    throw fsError(store, error, `read ${target}`);
  }
}

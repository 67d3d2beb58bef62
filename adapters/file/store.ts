import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../store.js';
import type { ParsedFileUri } from '../uri.js';
import {
  atomicWrite,
  BACKUP_SUFFIX,
  digest,
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
   * together cannot be written back exactly; without ` it always can (in backticks).
   */
  readonly unsupportedCharacters: string;

  constructor(
    private readonly parsed: ParsedFileUri,
    baseDir: string,
  ) {
    this.unsupportedCharacters = parsed.format === 'dotenv' ? '`' : '';
    this.uri = parsed.uri;
    this.filePath = path.resolve(baseDir, parsed.path);
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
    const target = await fsStep(store, `find the directory of ${this.filePath}`, () =>
      resolveTarget(this.filePath),
    );
    const release = await fsStep(store, `create a lock file next to ${target}`, () =>
      acquireLock(target, store),
    );
    try {
      const before = await fsStep(store, `read ${target}`, () => readIfExists(target));
      const next = render(format, before?.toString('utf8'), key, request.credential, store);

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
      return { store };
    } finally {
      await release();
    }
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

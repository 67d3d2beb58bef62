import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDotenv } from '../internal/dotenv-text.js';
import { parseObjectText } from '../internal/json-text.js';
import { StoreError } from '../store.js';
import type { ListableStore, StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose, parseStorePrefix } from '../uri.js';
import { BACKUP_SUFFIX } from './atomic.js';
import { fsError } from './errors.js';
import { LOCK_SUFFIX } from './lock.js';
import { readSidecar, SIDECAR_SUFFIX } from './sidecar.js';
import type { SidecarRecord } from './sidecar.js';

const OWN_SUFFIXES = [SIDECAR_SUFFIX, BACKUP_SUFFIX, LOCK_SUFFIX, '.tmp'];
const TEMPLATE_SUFFIXES = ['.example', '.sample', '.template', '.dist'];

function looksLikeDotenv(name: string): boolean {
  if (TEMPLATE_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

/** The keys of a file, or of the dotenv files (and files with a sidecar) in a directory. */
export class FileLister implements ListableStore {
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
    let found;
    try {
      found = await stat(absolute);
    } catch (error) {
      throw fsError(prefixUri, error, `read ${absolute}`);
    }
    const files: { shown: string; absolute: string }[] = [];
    if (found.isDirectory()) {
      const names = (await readdir(absolute)).sort();
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
      const text = (await readFile(file.absolute)).toString('utf8');
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

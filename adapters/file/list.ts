import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDotenv } from '../internal/dotenv-text.js';
import type { StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose } from '../uri.js';
import type { ParsedStorePrefix } from '../uri.js';
import { BACKUP_SUFFIX } from './atomic.js';
import { fsError } from './errors.js';
import { jsonObject } from './formats.js';
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
export async function* listFiles(
  baseDir: string,
  prefix: Extract<ParsedStorePrefix, { kind: 'file' }>,
): AsyncIterable<StoredSecretRef> {
  const absolute = path.resolve(baseDir, prefix.path);
  let found;
  try {
    found = await stat(absolute);
  } catch (error) {
    throw fsError(prefix.uri, error, `read ${absolute}`);
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
    const text = (await readFile(file.absolute)).toString('utf8');
    let keys: string[];
    if (!file.absolute.toLowerCase().endsWith('.json')) {
      keys = [...parseDotenv(text).keys()];
    } else {
      try {
        const value = jsonObject(text);
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
        ...(typeof record?.target === 'string' && record.target !== '' && { target: record.target }),
      };
    }
  }
}

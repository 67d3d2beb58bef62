import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IssuerServiceError } from '../errors.js';

/**
 * One process at a time may open an embedded (PGlite) data directory: PGlite is a single-user
 * PostgreSQL, and two processes writing the same files would corrupt them. The lock file holds
 * the owner's pid; a lock left by a process that no longer runs is taken over.
 */
export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'issuer.lock';

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const { pid: owner, url } = readLock(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        // the usual case is `passgeni serve` holding it: say how to work with it rather than around it
        const how = url
          ? `It is \`passgeni serve\` at ${url}: certify, verify and revoke through it (--issuer-url ${url} with an API key). To create or revoke API keys, stop it first, or run the issuer on PostgreSQL (DATABASE_URL), where both work while it serves.`
          : 'Stop that process (or talk to it over HTTP with --issuer-url), or use PostgreSQL (DATABASE_URL) to run several.';
        throw new IssuerServiceError(
          'DATA_DIR_IN_USE',
          503,
          `The data directory ${dataDir} is in use by another passgeni process (pid ${owner}); the embedded database allows one process at a time. ${how}`,
          { details: { pid: owner, ...(url !== undefined && { url }) } },
        );
      }
      if (owner === process.pid) {
        throw new IssuerServiceError(
          'DATA_DIR_IN_USE',
          503,
          `The data directory ${dataDir} is already open in this process; close the other issuer first.`,
        );
      }
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        if (readOwner(path) === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new IssuerServiceError('DATA_DIR_IN_USE', 503, `Could not lock the data directory ${dataDir}.`);
}

/** The lock's owner, and the URL it serves on when it is `passgeni serve` (second line). */
function readLock(path: string): { pid: number | undefined; url: string | undefined } {
  try {
    const [first = '', second = ''] = readFileSync(path, 'utf8').split('\n');
    const pid = Number.parseInt(first.trim(), 10);
    const url = /^https?:\/\/[\x21-\x7e]{1,200}$/.test(second.trim()) ? second.trim() : undefined;
    return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined, url };
  } catch {
    return { pid: undefined, url: undefined };
  }
}

function readOwner(path: string): number | undefined {
  return readLock(path).pid;
}

/**
 * Notes in this process's lock where it serves, so another command that finds the data directory
 * busy can say where to send its requests instead.
 */
export function recordServingUrl(dataDir: string, url: string): void {
  const path = join(dataDir, LOCK_FILE);
  if (readOwner(path) === process.pid) writeFileSync(path, `${process.pid}\n${url}\n`, { mode: 0o600 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
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
      const owner = readOwner(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new IssuerServiceError(
          'DATA_DIR_IN_USE',
          503,
          `The data directory ${dataDir} is in use by another passgeni process (pid ${owner}). The embedded database allows one process at a time: stop that process (or talk to it over HTTP with --issuer-url), or use PostgreSQL (DATABASE_URL) to run several.`,
          { details: { pid: owner } },
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

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
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

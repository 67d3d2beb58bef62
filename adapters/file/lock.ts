import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreError } from '../store.js';
import { FILE_MODE } from './atomic.js';

export const LOCK_SUFFIX = '.passgeni.lock';

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * An exclusive lock file serialises passgeni writers on one file. A lock left by a crashed
 * process on this host is taken over; any other live lock is a concurrent writer (STORE_CONFLICT).
 */
export async function acquireLock(target: string, store: string): Promise<() => Promise<void>> {
  const lockPath = target + LOCK_SUFFIX;
  const body = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', FILE_MODE);
      await handle.writeFile(body);
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: unknown; host?: unknown } = {};
      try {
        holder = JSON.parse(await readFile(lockPath, 'utf8')) as typeof holder;
      } catch {
        // An unreadable or half-written lock is treated as held.
      }
      const stale = holder.host === hostname() && typeof holder.pid === 'number' && processIsGone(holder.pid);
      if (attempt === 0 && stale) {
        await rm(lockPath, { force: true });
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

import { writeFileSync } from 'node:fs';

/**
 * Makes writes to a file store fail after its pre-flight check passes: a lock file held by a
 * passgeni process on another host is a concurrent writer (STORE_CONFLICT), found only when the
 * write takes the lock. `file` is the path of the store's file.
 */
export function holdLockElsewhere(file: string): void {
  writeFileSync(
    `${file}.passgeni.lock`,
    JSON.stringify({ pid: 4242, host: 'another-runner', since: new Date().toISOString() }),
  );
}

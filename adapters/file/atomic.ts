import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/*
 * Safe file replacement: a reader sees the old or the new content, never a mix, and no file we
 * write is ever readable beyond its owner.
 */
export const FILE_MODE = 0o600;
/** The file as it was before our last write: the previous credential stays recoverable. */
export const BACKUP_SUFFIX = '.passgeni.bak';

/**
 * `noFollow` opens with O_NOFOLLOW, so a link planted between our check and the read fails (ELOOP)
 * instead of handing us some other file's content to copy into the backup.
 */
export async function readIfExists(file: string, noFollow = false): Promise<Buffer | undefined> {
  try {
    if (!noFollow) return await readFile(file);
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether `file` is itself a symbolic link (a missing file is not). */
export async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The permission bits of `file`, or undefined when it does not exist (never follows a link). */
export async function permissions(file: string): Promise<number | undefined> {
  try {
    return (await lstat(file)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function digest(content: Buffer | undefined): string {
  return content === undefined ? 'absent' : createHash('sha256').update(content).digest('hex');
}

export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
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
export async function writeTemp(
  target: string,
  content: string | Buffer,
  mode: number = FILE_MODE,
): Promise<string> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(content);
    // The creation mode is reduced by the umask but never widened; chmod makes it exact.
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

export async function atomicWrite(target: string, content: string | Buffer): Promise<void> {
  const temp = await writeTemp(target, content);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/**
 * The file's path with its directory resolved. The file itself is not followed: writes refuse a
 * symlinked file (a planted link must not redirect the credential), reads go through readTarget.
 */
export async function resolveTarget(file: string): Promise<string> {
  return path.join(await realpath(path.dirname(file)), path.basename(file));
}

import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';

/** A StoreError for a failed file operation: our words and the error code, never the OS message. */
export function fsError(store: string, error: unknown, doing: string, credentialWritten = false): StoreError {
  const code = (error as NodeJS.ErrnoException).code;
  let storeCode: StoreErrorCode = 'STORE_WRITE_FAILED';
  if (code === 'ENOENT' || code === 'ENOTDIR') storeCode = 'STORE_NOT_FOUND';
  else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') storeCode = 'STORE_ACCESS_DENIED';
  if (credentialWritten) storeCode = 'STORE_METADATA_FAILED';
  return new StoreError(storeCode, `Could not ${doing}${code ? ` (${code})` : ''}.`, {
    store,
    credentialWritten,
  });
}

/** Runs one file operation; an OS failure becomes fsError, a StoreError passes as it is. */
export async function fsStep<T>(store: string, doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw fsError(store, error, doing);
  }
}

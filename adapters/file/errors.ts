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

import type { AdapterContext } from '../options.js';
import type { ListableStore } from '../store.js';
import type { ParsedFileUri, ParsedStorePrefix } from '../uri.js';
import { FileLister } from './list.js';
import { FileStore } from './store.js';

export { BACKUP_SUFFIX } from './atomic.js';
export { FileStore } from './store.js';
export { LOCK_SUFFIX } from './lock.js';
export { SIDECAR_SUFFIX } from './sidecar.js';

export function openFileStore(parsed: ParsedFileUri, context: AdapterContext): FileStore {
  return new FileStore(parsed, context.baseDir);
}

export function openFileLister(
  _prefix: Extract<ParsedStorePrefix, { kind: 'file' }>,
  context: AdapterContext,
): ListableStore {
  return new FileLister(context.baseDir);
}

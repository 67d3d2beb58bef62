export { BACKUP_SUFFIX } from './atomic.js';
export { listFiles } from './list.js';
export { FileStore } from './store.js';
export { LOCK_SUFFIX } from './lock.js';
export { SIDECAR_SUFFIX } from './sidecar.js';

export { GcpSecretManagerStore, openGcpStore } from './store.js';
export { createGcpClient } from './client.js';
export { listGcpSecrets } from './list.js';

export { AzureKeyVaultStore, openAzureStore } from './store.js';
export { createSecretClient } from './client.js';
export { listAzureSecrets } from './list.js';

export { GitHubSecretStore, openGitHubStore } from './store.js';
export { createGitHubClient } from './client.js';
export { listGitHubSecrets } from './list.js';

export { createClient } from './client.js';
export { listSecrets } from './list.js';
export { requestToken } from './request-token.js';
export { AwsSecretsManagerStore, PENDING_STAGE } from './store.js';
export { ATTESTATION_URL_TAG, CERT_KEY_TAG, CERT_URL_TAG, TARGET_TAG } from './tags.js';

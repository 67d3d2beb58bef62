import type { AdapterContext } from '../options.js';
import { VaultClient } from './client.js';
import { resolveConnection } from './config.js';

export { listVault } from './list.js';
export {
  ATTESTATION_URL_METADATA,
  CERT_KEY_METADATA,
  CERT_URL_METADATA,
  TARGET_METADATA,
} from './metadata.js';
export { VaultStore } from './store.js';

/** The client for a store or prefix URI; settings are checked here, without a network call. */
export async function openClient(context: AdapterContext, uri: string): Promise<VaultClient> {
  return new VaultClient(await resolveConnection(context, uri), uri);
}

import type { AdapterContext } from '../options.js';
import type { ListableStore } from '../store.js';
import type { ParsedStorePrefix, ParsedVaultUri } from '../uri.js';
import { VaultClient } from './client.js';
import { resolveConnection } from './config.js';
import { listVault } from './list.js';
import { VaultStore } from './store.js';

export { CERT_KEY_METADATA, CERT_URL_METADATA } from './metadata.js';
export { VaultStore } from './store.js';

export async function openVaultStore(parsed: ParsedVaultUri, context: AdapterContext): Promise<VaultStore> {
  const connection = await resolveConnection(context, parsed.uri);
  return new VaultStore(parsed, new VaultClient(connection, parsed.uri));
}

export async function openVaultLister(
  prefix: Extract<ParsedStorePrefix, { kind: 'vault' }>,
  context: AdapterContext,
): Promise<ListableStore> {
  const client = new VaultClient(await resolveConnection(context, prefix.uri), prefix.uri);
  return { list: () => listVault(client, prefix) };
}

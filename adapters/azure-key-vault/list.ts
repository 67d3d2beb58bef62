import type { SecretClient } from '@azure/keyvault-secrets';
import type { StoredSecretRef } from '../store.js';
import type { ParsedStorePrefix } from '../uri.js';
import { mapAzureError } from './client.js';
import { CERT_URL_TAG, TARGET_TAG } from './tags.js';

type AzurePrefix = Extract<ParsedStorePrefix, { kind: 'azure-kv' }>;

/** Every secret of the vault (whose name starts with the prefix), with its URL tag; values are not read. */
export async function* listAzureSecrets(
  client: SecretClient,
  prefix: AzurePrefix,
): AsyncIterable<StoredSecretRef> {
  const iterator = client.listPropertiesOfSecrets()[Symbol.asyncIterator]();
  for (;;) {
    let next;
    try {
      next = await iterator.next();
    } catch (error) {
      throw mapAzureError(prefix.uri, `list the secrets of vault ${prefix.vault}`, error, []);
    }
    if (next.done) return;
    const properties = next.value;
    if (properties.managed === true || !properties.name.startsWith(prefix.namePrefix)) continue;
    const url = properties.tags?.[CERT_URL_TAG];
    const target = properties.tags?.[TARGET_TAG];
    yield {
      uri: `azure-kv://${prefix.vault}/${properties.name}`,
      certUrl: url === undefined || url === '' ? undefined : url,
      ...(target !== undefined && target !== '' && { target }),
    };
  }
}

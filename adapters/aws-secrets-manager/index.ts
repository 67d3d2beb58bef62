import type { ListableStore } from '../store.js';
import type { AdapterContext } from '../options.js';
import type { ParsedAwsUri, ParsedStorePrefix } from '../uri.js';
import { createClient } from './client.js';
import { listSecrets } from './list.js';
import { AwsSecretsManagerStore } from './store.js';

export { requestToken } from './request-token.js';
export { AwsSecretsManagerStore, PENDING_STAGE } from './store.js';
export { CERT_KEY_TAG, CERT_URL_TAG } from './tags.js';

export function openAwsStore(parsed: ParsedAwsUri, context: AdapterContext): AwsSecretsManagerStore {
  return new AwsSecretsManagerStore(parsed, context);
}

export function openAwsLister(
  prefix: Extract<ParsedStorePrefix, { kind: 'aws-sm' }>,
  context: AdapterContext,
): ListableStore {
  const client = createClient(context, prefix.arnRegion);
  return { list: (prefixUri: string) => listSecrets(client, prefixUri) };
}

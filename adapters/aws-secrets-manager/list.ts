import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { StoreError } from '../store.js';
import type { StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose, parseStorePrefix } from '../uri.js';
import { mapAwsError } from './errors.js';
import { CERT_KEY_TAG, certUrlFromTags } from './tags.js';

/** Every secret whose name starts with the prefix, with its certificate URL tag. */
export async function* listSecrets(
  client: SecretsManagerClient,
  prefixUri: string,
): AsyncIterable<StoredSecretRef> {
  const prefix = parseStorePrefix(prefixUri);
  if (prefix.kind !== 'aws-sm') {
    throw new StoreError('STORE_URI_INVALID', `An AWS lister cannot list ${prefixUri}.`, {
      store: prefixUri,
    });
  }
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListSecretsCommand({
          ...(prefix.namePrefix !== '' && { Filters: [{ Key: 'name', Values: [prefix.namePrefix] }] }),
          ...(nextToken !== undefined && { NextToken: nextToken }),
        }),
      );
    } catch (error) {
      throw mapAwsError(prefixUri, prefix.namePrefix || '*', 'ListSecrets', error);
    }
    for (const entry of page.SecretList ?? []) {
      if (!entry.Name) continue;
      const key = entry.Tags?.find((t) => t.Key === CERT_KEY_TAG)?.Value ?? '';
      yield {
        uri: `aws-sm://${entry.Name}${key ? `#${encodeUriComponentLoose(key)}` : ''}`,
        certUrl: certUrlFromTags(entry.Tags, key),
      };
    }
    nextToken = page.NextToken;
  } while (nextToken);
}

import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose } from '../uri.js';
import type { ParsedStorePrefix } from '../uri.js';
import { mapAwsError } from './errors.js';
import { CERT_KEY_TAG, certUrlFromTags, targetFromTags } from './tags.js';

/** Every secret whose name starts with the prefix, with its certificate URL tag. */
export async function* listSecrets(
  client: SecretsManagerClient,
  prefix: Extract<ParsedStorePrefix, { kind: 'aws-sm' }>,
): AsyncIterable<StoredSecretRef> {
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
      throw mapAwsError(prefix.uri, prefix.namePrefix || '*', 'ListSecrets', error);
    }
    for (const entry of page.SecretList ?? []) {
      if (!entry.Name) continue;
      const key = entry.Tags?.find((t) => t.Key === CERT_KEY_TAG)?.Value ?? '';
      const target = targetFromTags(entry.Tags);
      yield {
        uri: `aws-sm://${entry.Name}${key ? `#${encodeUriComponentLoose(key)}` : ''}`,
        certUrl: certUrlFromTags(entry.Tags, key),
        ...(target !== undefined && { target }),
      };
    }
    nextToken = page.NextToken;
  } while (nextToken);
}

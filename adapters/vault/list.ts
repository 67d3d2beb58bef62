import { jsonBody } from '../../src/lib/http.js';
import type { StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose } from '../uri.js';
import type { ParsedStorePrefix } from '../uri.js';
import { encodePath } from './client.js';
import type { VaultClient } from './client.js';
import { CERT_KEY_METADATA, CERT_URL_METADATA, TARGET_METADATA, readCustomMetadata } from './metadata.js';

/** Walks the KV v2 metadata tree under a prefix: every secret, with the certificate URL it carries. */
export async function* listVault(
  client: VaultClient,
  prefix: Extract<ParsedStorePrefix, { kind: 'vault' }>,
): AsyncIterable<StoredSecretRef> {
  const mount = encodePath(prefix.mount);
  const shownMount = encodeUriComponentLoose(prefix.mount).replace(/\//g, '%2F');
  const pending: string[] = [prefix.pathPrefix];
  while (pending.length > 0) {
    const folder = pending.shift() as string;
    const folderPath = folder === '' ? '' : `${encodePath(folder)}/`;
    const response = await client.send('GET', `${mount}/metadata/${folderPath}?list=true`);
    if (response.status === 404) {
      // Not a folder: the prefix may name one secret.
      if (folder === prefix.pathPrefix && folder !== '') {
        const metadata = await readCustomMetadata(client, `${mount}/metadata/${encodePath(folder)}`, folder);
        if (metadata !== undefined) yield refFor(shownMount, folder, metadata);
      }
      continue;
    }
    if (response.status !== 200) {
      throw client.failure(response, `list ${prefix.mount}/metadata/${folder}`, {
        hint: `Listing needs the "list" and "read" capabilities on "${prefix.mount}/metadata/${folder}*".`,
      });
    }
    const keys = (jsonBody(response) as { data?: { keys?: unknown } } | undefined)?.data?.keys;
    for (const entry of Array.isArray(keys) ? keys : []) {
      if (typeof entry !== 'string') continue;
      const child = folder === '' ? entry : `${folder}/${entry}`;
      if (entry.endsWith('/')) {
        pending.push(child.replace(/\/$/, ''));
        continue;
      }
      const metadata = await readCustomMetadata(client, `${mount}/metadata/${encodePath(child)}`, child);
      yield refFor(shownMount, child, metadata);
    }
  }
}

function refFor(
  shownMount: string,
  path: string,
  metadata: Record<string, unknown> | undefined,
): StoredSecretRef {
  const key = metadata?.[CERT_KEY_METADATA];
  const url = metadata?.[CERT_URL_METADATA];
  const target = metadata?.[TARGET_METADATA];
  return {
    uri: `vault://${shownMount}/${encodeUriComponentLoose(path)}${typeof key === 'string' ? `#${encodeUriComponentLoose(key)}` : ''}`,
    certUrl: typeof url === 'string' ? url : undefined,
    ...(typeof target === 'string' && target !== '' && { target }),
  };
}

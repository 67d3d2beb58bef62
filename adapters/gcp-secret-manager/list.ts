import type { StoredSecretRef } from '../store.js';
import { encodeUriComponentLoose } from '../uri.js';
import type { ParsedStorePrefix } from '../uri.js';
import type { GcpClient } from './client.js';
import { CERT_KEY_ANNOTATION, CERT_URL_ANNOTATION, TARGET_ANNOTATION } from './metadata.js';
import { urlForKey } from '../store.js';

type GcpPrefix = Extract<ParsedStorePrefix, { kind: 'gcp-sm' }>;

/** Every secret of the project (whose id starts with the prefix), with its certificate annotation. */
export async function* listGcpSecrets(client: GcpClient, prefix: GcpPrefix): AsyncIterable<StoredSecretRef> {
  await client.ready(`list the secrets of project ${prefix.project}`);
  const iterable = client.sdk.listSecretsAsync(
    { parent: `projects/${prefix.project}`, pageSize: 250 },
    client.callOptions,
  );
  const iterator = iterable[Symbol.asyncIterator]();
  for (;;) {
    const next = await client.run(`list the secrets of project ${prefix.project}`, 'retry', () =>
      iterator.next(),
    );
    if (next.done) return;
    const secret = next.value;
    const id = (secret.name ?? '').split('/').pop() ?? '';
    if (id === '' || !id.startsWith(prefix.idPrefix)) continue;
    const key = secret.annotations?.[CERT_KEY_ANNOTATION] ?? '';
    const target = secret.annotations?.[TARGET_ANNOTATION];
    yield {
      uri: `gcp-sm://${prefix.project}/${id}${key ? `#${encodeUriComponentLoose(key)}` : ''}`,
      certUrl: urlForKey(secret.annotations?.[CERT_URL_ANNOTATION], key, key),
      ...(target !== undefined && target !== '' && { target }),
    };
  }
}

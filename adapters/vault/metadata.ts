import { jsonBody } from '../../src/lib/http.js';
import type { VaultClient } from './client.js';

/** Custom metadata on the secret: the certificate URL, and which key of the secret it is for. */
export const CERT_URL_METADATA = 'passgeni-cert-url';
export const CERT_KEY_METADATA = 'passgeni-cert-key';
/** The certificate's Sigstore attestation, when the run attested it (else removed by the merge patch). */
export const ATTESTATION_URL_METADATA = 'passgeni-attestation-url';
/** The target the secret is rotated on (display form); removed by a write without one. */
export const TARGET_METADATA = 'passgeni-target';

/** The secret's custom metadata; undefined when the secret does not exist. */
export async function readCustomMetadata(
  client: VaultClient,
  metadataPath: string,
  where: string,
): Promise<Record<string, unknown> | undefined> {
  const response = await client.send('GET', metadataPath);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw client.failure(response, `read the metadata of ${where}`);
  const custom = (jsonBody(response) as { data?: { custom_metadata?: unknown } } | undefined)?.data
    ?.custom_metadata;
  return custom !== null && typeof custom === 'object' ? (custom as Record<string, unknown>) : undefined;
}

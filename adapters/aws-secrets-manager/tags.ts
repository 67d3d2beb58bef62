import type { Tag } from '@aws-sdk/client-secrets-manager';
import { urlForKey } from '../store.js';

/** The certificate URL, attached to the secret as a tag. */
export const CERT_URL_TAG = 'passgeni-cert-url';
/** Which `#json-key` the URL tag describes ('' = the whole secret), so two keys never share a URL. */
export const CERT_KEY_TAG = 'passgeni-cert-key';

/**
 * The certificate's Sigstore attestation URL. Written on every run, empty when the run did not
 * attest, so it never names the attestation of an earlier certificate.
 */
export const ATTESTATION_URL_TAG = 'passgeni-attestation-url';

export function certUrlFromTags(tags: Tag[] | undefined, key: string): string | undefined {
  const tag = (name: string): string | undefined => tags?.find((t) => t.Key === name)?.Value;
  return urlForKey(tag(CERT_URL_TAG), tag(CERT_KEY_TAG), key);
}

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

/**
 * The target the secret is rotated on (display form, docs/rotation.md). Set empty by a write
 * without one, so a secret whose target was dropped never keeps claiming it.
 */
export const TARGET_TAG = 'passgeni-target';

export function certUrlFromTags(tags: Tag[] | undefined, key: string): string | undefined {
  const tag = (name: string): string | undefined => tags?.find((t) => t.Key === name)?.Value;
  return urlForKey(tag(CERT_URL_TAG), tag(CERT_KEY_TAG), key);
}

export function targetFromTags(tags: Tag[] | undefined): string | undefined {
  const value = tags?.find((t) => t.Key === TARGET_TAG)?.Value;
  return value === undefined || value === '' ? undefined : value;
}

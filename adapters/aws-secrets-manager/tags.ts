import type { Tag } from '@aws-sdk/client-secrets-manager';

/** The certificate URL, attached to the secret as a tag. */
export const CERT_URL_TAG = 'passgeni-cert-url';
/** Which `#json-key` the URL tag describes ('' = the whole secret), so two keys never share a URL. */
export const CERT_KEY_TAG = 'passgeni-cert-key';

/** The URL tag, unless the key tag says it belongs to another key of the same secret. */
export function certUrlFromTags(tags: Tag[] | undefined, key: string): string | undefined {
  const url = tags?.find((t) => t.Key === CERT_URL_TAG)?.Value;
  const taggedKey = tags?.find((t) => t.Key === CERT_KEY_TAG)?.Value;
  if (taggedKey !== undefined && taggedKey !== key) return undefined;
  return url === '' ? undefined : url;
}

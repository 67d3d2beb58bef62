import { StoreError } from '../store.js';

export const CERT_URL_TAG = 'passgeni-cert-url';
export const CERT_ID_TAG = 'passgeni-cert-id';
/** The certificate's Sigstore attestation; empty when the run did not attest, so it never names an earlier one. */
export const ATTESTATION_URL_TAG = 'passgeni-attestation-url';
/**
 * The target the secret is rotated on (display form). Left off a version written without one,
 * rather than set empty, since Key Vault allows only 15 tags per version.
 */
export const TARGET_TAG = 'passgeni-target';

/** Key Vault's limits: 15 tags per secret version, names up to 512 and values up to 256 characters. */
const MAX_TAGS = 15;
const TAG_VALUE_MAX = 256;

/** Checked before anything is written, so a URL that does not fit cannot leave a version without it. */
export function checkTags(uri: string, tags: Record<string, string>): void {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    throw new StoreError(
      'STORE_INVALID_VALUE',
      `The new version would carry ${count} tags (the current version's plus passgeni's own); Key Vault allows ${MAX_TAGS}. Remove a tag from the secret, then re-run. Nothing was written.`,
      { store: uri },
    );
  }
  for (const [name, value] of Object.entries(tags)) {
    if (value.length > TAG_VALUE_MAX) {
      throw new StoreError(
        'STORE_INVALID_VALUE',
        `The ${name} tag would be ${value.length} characters; Key Vault allows ${TAG_VALUE_MAX}. Nothing was written.`,
        { store: uri },
      );
    }
  }
}

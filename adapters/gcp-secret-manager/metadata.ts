/** Where the certificate goes on a secret: a label for filtering, annotations for the URL itself. */
export const CERT_URL_ANNOTATION = 'passgeni-cert-url';
export const CERT_KEY_ANNOTATION = 'passgeni-cert-key';
/** The certificate's Sigstore attestation; empty when the run did not attest, so it never names an earlier one. */
export const ATTESTATION_URL_ANNOTATION = 'passgeni-attestation-url';
/** The target the secret is rotated on (display form); empty when the write named none. */
export const TARGET_ANNOTATION = 'passgeni-target';
/** Label values are at most 63 lower-case letters, digits, `_` and `-`: a URL does not fit, an id does. */
export const CERT_ID_LABEL = 'passgeni-cert-id';

export function labelSafe(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 63);
}

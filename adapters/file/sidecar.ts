import { readIfExists } from './atomic.js';

/** Certificate records live next to the secrets file, never inside it (the file is the app's). */
export const SIDECAR_SUFFIX = '.passgeni.json';

export interface SidecarRecord {
  cert_url: string;
  cert_id: string;
  /** The certificate's Sigstore attestation, when the run attested it. */
  attestation_url?: string;
  /** The target the key is rotated on (display form), when the write named one. */
  target?: string;
  /**
   * Where the certificate is in its issuer's transparency log, as the issuer's inclusion proof
   * said right after the write (docs/stores.md); absent when the run could not learn it.
   */
  leaf_index?: number;
  /** The size of the signed checkpoint that proof was against. */
  tree_size?: number;
  updated_at: string;
}

export async function readSidecar(target: string): Promise<Record<string, SidecarRecord>> {
  const raw = await readIfExists(target + SIDECAR_SUFFIX);
  if (raw === undefined) return {};
  const parsed = JSON.parse(raw.toString('utf8')) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SyntaxError('sidecar is not a JSON object');
  }
  return parsed as Record<string, SidecarRecord>;
}

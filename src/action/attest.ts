import { ATTESTATION_PREDICATE_TYPE, attestationPredicate, certificateDigest } from '../attestation.js';
import { decodeCertificate, parseClaims } from '../certificate/index.js';
import { PassgeniError } from '../errors.js';
import type { ActionRuntime } from './runtime.js';

export interface CertificateAttestation {
  /** The attestation on GitHub (…/attestations/<id>), where `gh attestation verify` finds it too. */
  url: string;
  id: string;
  /** The Sigstore bundle, for `passgeni verify --attestation FILE`. */
  bundle: unknown;
}

/**
 * `attest: true`: a GitHub artifact attestation of a certificate, signed with the job's identity
 * by Sigstore and logged in Rekor (@actions/attest). Needs `permissions: id-token: write,
 * attestations: write`. Imported only when asked for, so other runs never load Sigstore.
 */
export async function attestCertificate(
  certificate: { jwt: string; certUrl: string },
  githubToken: string | undefined,
  runtime: ActionRuntime,
): Promise<CertificateAttestation> {
  const token = checkCanAttest(githubToken, runtime);
  return attestNow(parseClaims(decodeCertificate(certificate.jwt).claims), certificate, token, runtime);
}

/**
 * What attesting needs from the job (a token for the attestations API, an OIDC identity), checked
 * before anything is certified, so a missing permission costs nothing.
 */
export function checkCanAttest(githubToken: string | undefined, runtime: ActionRuntime): string {
  if (!githubToken) {
    throw new PassgeniError(
      'ATTEST_TOKEN_MISSING',
      'attest: true stores the attestation with the GitHub API: leave github-token at its default (${{ github.token }}) and give the job `permissions: { id-token: write, attestations: write }`.',
      { exitCode: 2 },
    );
  }
  if (!runtime.env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new PassgeniError(
      'OIDC_PERMISSION_MISSING',
      "attest: true signs with the job's OIDC identity: add `permissions: { id-token: write, attestations: write }` to the job.",
      { exitCode: 2 },
    );
  }
  return githubToken;
}

/** Continued from checkCanAttest: the attestation itself. */
async function attestNow(
  claims: ReturnType<typeof parseClaims>,
  certificate: { jwt: string; certUrl: string },
  githubToken: string,
  runtime: ActionRuntime,
): Promise<CertificateAttestation> {
  const { attest } = await import('@actions/attest');
  let attestation;
  try {
    attestation = await attest({
      subjects: [
        {
          name: `passgeni-certificate-${claims.jti}.jwt`,
          digest: { sha256: certificateDigest(certificate.jwt) },
        },
      ],
      predicateType: ATTESTATION_PREDICATE_TYPE,
      predicate: attestationPredicate(claims, certificate.certUrl),
      token: githubToken,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 300) : String(error);
    throw new PassgeniError(
      'ATTESTATION_FAILED',
      `Attesting certificate ${claims.jti} with Sigstore failed: ${reason}. Check the job's permissions (id-token: write, attestations: write).`,
    );
  }
  const server = (runtime.env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = runtime.env.GITHUB_REPOSITORY ?? '';
  const id = attestation.attestationID ?? '';
  return { url: `${server}/${repository}/attestations/${id}`, id, bundle: attestation.bundle };
}

import { createHash } from 'node:crypto';
import { assertedClaims } from './certificate/claims.js';
import type { CertificateClaims } from './certificate/index.js';
import { InputError } from './errors.js';
import { commonJsExports } from './lib/cjs.js';

/**
 * Sigstore attestations of certificates (docs/certificate.md, "Attestation"). A certify or rotate
 * job can sign an in-toto statement whose subject is the certificate (its JWT's SHA-256) with its
 * own workload identity, logged in Rekor: a third-party, timestamped record that this certificate
 * existed then and came from that workflow, which holds even if the issuer is not trusted.
 */
export const ATTESTATION_PREDICATE_TYPE = 'https://passgeni.ai/attestation/certificate/v1';

/** The subject digest: SHA-256 of the certificate JWT exactly as issued (ASCII). */
export function certificateDigest(jwt: string): string {
  return createHash('sha256').update(jwt.trim(), 'ascii').digest('hex');
}

/** The predicate: the certificate's public claims an auditor reads without the JWT. */
export function attestationPredicate(claims: CertificateClaims, certUrl: string): Record<string, unknown> {
  return {
    cert_url: certUrl,
    cert_id: claims.jti,
    iss: claims.iss,
    compliance_standard: claims.compliance_standard,
    standards_met: claims.standards_met,
    entropy_bits: claims.entropy_bits,
    generated_at: assertedClaims(claims).generated_at,
    iat: claims.iat,
    exp: claims.exp,
    ...(claims.cert_version === 2 && claims.workload !== undefined && { workload: claims.workload }),
  };
}

export interface AttestationCheck {
  valid: boolean;
  reasons: Array<{ code: string; message: string }>;
  /** The signing identity the bundle's certificate names, once the signature verified. */
  signer?: { subject_alternative_name?: string; issuer?: string };
  /** Where the statement is logged, and when (the log's integrated time). */
  tlog?: { log_index: string; integrated_time?: string };
  /** Where the bundle was fetched (`--attestation auto`). */
  source?: string;
}

/**
 * Verifies a Sigstore bundle against a trusted root (Sigstore's trusted_root.json, e.g. from `gh
 * attestation trusted-root`): signature, certificate chain, Rekor inclusion, and that it attests
 * to this very certificate, with our predicate type, signed by the workflow its workload claim
 * names (Fulcio's subject https://github.com/<job_workflow_ref>, issued for its OIDC provider).
 */
export async function verifyAttestation(input: {
  jwt: string;
  claims: CertificateClaims;
  bundle: unknown;
  trustedRoot: unknown;
}): Promise<AttestationCheck> {
  const refuse = (code: string, message: string): AttestationCheck => ({
    valid: false,
    reasons: [{ code, message }],
  });
  const workload = input.claims.cert_version === 2 ? input.claims.workload : undefined;
  const signedBy = workload?.job_workflow_ref ?? workload?.workflow_ref;
  if (workload === undefined || signedBy === undefined) {
    return refuse(
      'ATTESTATION_IDENTITY_UNKNOWN',
      'The certificate records no workflow (no workload claim), so there is no identity to hold the attestation to.',
    );
  }
  const [{ bundleFromJSON }, { Verifier, toSignedEntity, toTrustMaterial }] = await Promise.all([
    import('@sigstore/bundle').then(commonJsExports),
    import('@sigstore/verify').then(commonJsExports),
  ]);
  let bundle;
  try {
    bundle = bundleFromJSON(input.bundle);
  } catch (error) {
    return refuse(
      'ATTESTATION_MALFORMED',
      `The attestation is not a Sigstore bundle: ${(error as Error).message}`,
    );
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return refuse(
      'ATTESTATION_MALFORMED',
      'The attestation bundle holds no DSSE envelope (an in-toto statement).',
    );
  }
  const statement = parseStatement(bundle.content.dsseEnvelope.payload);
  const digest = certificateDigest(input.jwt);
  if (statement === undefined || statement.predicateType !== ATTESTATION_PREDICATE_TYPE) {
    return refuse(
      'ATTESTATION_WRONG_TYPE',
      `The attestation is not a PassGeni certificate attestation (predicate type ${ATTESTATION_PREDICATE_TYPE}).`,
    );
  }
  if (!statement.subject.some((s) => s.digest?.sha256 === digest)) {
    return refuse(
      'ATTESTATION_SUBJECT_MISMATCH',
      `The attestation is for another certificate: none of its subjects has this certificate's SHA-256 (${digest}).`,
    );
  }
  const verifier = new Verifier(toTrustMaterial(trustedRootFromJson(input.trustedRoot) as never), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    timestampThreshold: 1,
  });
  const expected = `https://github.com/${signedBy}`;
  let signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle), {
      subjectAlternativeName: expected,
      extensions: { issuer: workload.issuer },
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    const identity = /POLICY|UNTRUSTED_SIGNER/.test(code) || (error as Error).name === 'PolicyError';
    return refuse(
      identity ? 'ATTESTATION_WRONG_SIGNER' : 'ATTESTATION_INVALID',
      identity
        ? `The attestation was not signed by the workflow that requested the certificate (${expected}, via ${workload.issuer}): ${(error as Error).message}`
        : `The attestation does not verify against the trusted root (${code}): ${(error as Error).message}`,
    );
  }
  const entry = bundle.verificationMaterial.tlogEntries[0];
  return {
    valid: true,
    reasons: [],
    signer: {
      ...(signer.identity?.subjectAlternativeName !== undefined && {
        subject_alternative_name: signer.identity.subjectAlternativeName,
      }),
      ...(signer.identity?.extensions?.issuer !== undefined && { issuer: signer.identity.extensions.issuer }),
    },
    ...(entry !== undefined && {
      tlog: {
        log_index: entry.logIndex,
        ...(entry.integratedTime !== '0' && {
          integrated_time: new Date(Number(entry.integratedTime) * 1000).toISOString(),
        }),
      },
    }),
  };
}

interface Statement {
  predicateType: string;
  subject: Array<{ digest?: { sha256?: string } }>;
}

function parseStatement(payload: Buffer): Statement | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as Partial<Statement>;
    if (typeof parsed.predicateType !== 'string' || !Array.isArray(parsed.subject)) return undefined;
    return parsed as Statement;
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(String(value ?? ''), 'base64');
const validity = (v: unknown) => {
  const { start, end } = (v ?? {}) as { start?: string; end?: string };
  return { ...(start && { start: new Date(start) }), ...(end && { end: new Date(end) }) };
};
const PUBLIC_KEY_DETAILS: Record<string, number> = {
  PKCS1_RSA_PKCS1V5: 1,
  PKIX_RSA_PKCS1V5: 3,
  PKIX_ECDSA_P256_SHA_256: 5,
  PKIX_ED25519: 7,
  PKIX_RSA_PKCS1V15_2048_SHA256: 9,
  PKIX_RSA_PKCS1V15_3072_SHA256: 10,
  PKIX_RSA_PKCS1V15_4096_SHA256: 11,
  PKIX_ECDSA_P384_SHA_384: 12,
  PKIX_ECDSA_P521_SHA_512: 13,
};

/**
 * Sigstore's trusted_root.json (its protobuf JSON form) as the objects @sigstore/verify reads:
 * base64 to bytes, times to dates. Done here rather than through the protobuf library, which is
 * not a dependency of this package.
 */
export function trustedRootFromJson(json: unknown): Json {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as Json).tlogs)) {
    throw new InputError(
      'INVALID_TRUSTED_ROOT',
      'The trusted root is not a Sigstore trusted_root.json (get it with `gh attestation trusted-root`).',
    );
  }
  const root = json as Json;
  const list = (name: string) => (Array.isArray(root[name]) ? (root[name] as Json[]) : []);
  const ca = (c: Json) => ({
    certChain: {
      certificates: (((c.certChain as Json | undefined)?.certificates as Json[] | undefined) ?? []).map(
        (x) => ({
          rawBytes: bytes(x.rawBytes),
        }),
      ),
    },
    validFor: validity(c.validFor),
  });
  const log = (l: Json) => {
    const key = (l.publicKey ?? {}) as Json;
    return {
      baseUrl: l.baseUrl,
      publicKey: {
        rawBytes: bytes(key.rawBytes),
        keyDetails: PUBLIC_KEY_DETAILS[String(key.keyDetails)] ?? 0,
        validFor: validity(key.validFor),
      },
      logId: { keyId: bytes((l.logId as Json | undefined)?.keyId) },
    };
  };
  return {
    certificateAuthorities: list('certificateAuthorities').map(ca),
    timestampAuthorities: list('timestampAuthorities').map(ca),
    tlogs: list('tlogs').map(log),
    ctlogs: list('ctlogs').map(log),
  };
}

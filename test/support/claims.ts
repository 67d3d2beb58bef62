import { randomUUID } from 'node:crypto';
import type { CertificateClaimsV1, CertificateClaimsV2 } from '../../src/certificate/types.js';
import type { GenerationParams } from '../../src/policy/types.js';

/** The issuer id every fixture certificate names. */
export const ISSUER = 'https://issuer.test';
export const DAY = 86_400;
/** A fixed clock, so expiry tests never depend on when they run: 2026-06-01T00:00:00Z. */
export const NOW_SEC = 1_780_272_000;
export const NOW_MS = NOW_SEC * 1000;

/** The parameters of a 20-character credential from all four default classes (130.92 bits). */
export function strongParams(overrides: Partial<GenerationParams> = {}): GenerationParams {
  return {
    length: 20,
    has_upper: true,
    has_lower: true,
    has_numbers: true,
    has_special: true,
    char_pool_size: 94,
    excluded_characters: 0,
    class_sizes: { upper: 26, lower: 26, digit: 10, special: 32 },
    ...overrides,
  };
}

/**
 * A complete, valid claim set issued at `iat` (default: now) for a year; tests override what they
 * are about. Tests with an injected clock pass NOW_SEC.
 */
export function sampleClaims(
  overrides: Partial<CertificateClaimsV1> = {},
  iat = Math.floor(Date.now() / 1000),
): CertificateClaimsV1 {
  return {
    jti: randomUUID(),
    iss: ISSUER,
    sub: 'team_3f1c2a9e',
    iat,
    exp: iat + 365 * DAY,
    cert_version: 1,
    compliance_standard: 'PCI-DSS',
    standards_met: ['NIST-800-63B', 'HIPAA', 'PCI-DSS', 'SOC2', 'ISO-27001', 'CMMC-L2'],
    generation_params: strongParams({ length: 24 }),
    entropy_bits: 157.1,
    entropy_source: {
      api: 'crypto.getRandomValues',
      runtime: 'node v24.0.0',
      openssl: '3.5.0',
      fips_mode: false,
    },
    generation_session_id: randomUUID(),
    // an overridden iat moves generated_at with it: a verifier refuses generation after issue
    generated_at: new Date((overrides.iat ?? iat) * 1000 - 1500).toISOString(),
    rotate_by: new Date((iat + 90 * DAY) * 1000).toISOString(),
    ...overrides,
  };
}

/**
 * The same certificate in the current claim set (version 2): what the issuer verified at the top,
 * what the client asserted under `asserted`.
 */
export function sampleClaimsV2(
  overrides: Partial<CertificateClaimsV2> = {},
  iat = Math.floor(Date.now() / 1000),
): CertificateClaimsV2 {
  const { entropy_source, generated_at, credential_binding, label, cert_version, ...verified } = sampleClaims(
    { iat: overrides.iat ?? iat },
    iat,
  );
  void cert_version;
  return {
    ...verified,
    cert_version: 2,
    credential_kind: 'user',
    rotation_basis: 'clause',
    asserted: {
      entropy_source,
      generated_at,
      ...(credential_binding !== undefined && { credential_binding }),
      ...(label !== undefined && { label }),
    },
    ...overrides,
  };
}

/** base64url of a JSON value, for hand-built tokens. */
export function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Replaces one segment of a compact JWT. */
export function withSegment(jwt: string, index: 0 | 1 | 2, segment: string): string {
  const parts = jwt.split('.');
  parts[index] = segment;
  return parts.join('.');
}

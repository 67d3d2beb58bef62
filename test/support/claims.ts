import { randomUUID } from 'node:crypto';
import type { CertificateClaims } from '../../src/certificate/types.js';

/** A complete, valid claim set for tests; override what a test is about. */
export function sampleClaims(overrides: Partial<CertificateClaims> = {}): CertificateClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    jti: randomUUID(),
    iss: 'https://issuer.test',
    sub: 'team_3f1c2a9e',
    iat: now,
    exp: now + 365 * 86_400,
    cert_version: 1,
    compliance_standard: 'HIPAA',
    standards_met: ['NIST-800-63B', 'HIPAA', 'PCI-DSS', 'SOC2', 'ISO-27001', 'DOD-STIG', 'CMMC-L2'],
    generation_params: {
      length: 20,
      has_upper: true,
      has_lower: true,
      has_numbers: true,
      has_special: true,
      char_pool_size: 94,
      excluded_characters: 0,
      class_sizes: { upper: 26, lower: 26, digit: 10, special: 32 },
    },
    entropy_bits: 130.92,
    entropy_source: {
      api: 'crypto.getRandomValues',
      runtime: process.version,
      openssl: '3.0.0',
      fips_mode: false,
    },
    generation_session_id: randomUUID(),
    generated_at: new Date().toISOString(),
    ...overrides,
  };
}

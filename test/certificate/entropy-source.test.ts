import { getFips } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entropySource } from '../../src/certificate/entropy-source.js';
import { parseFipsProvider } from '../../src/certificate/fips-provider.js';
import { entropySourceSchema } from '../../src/certificate/index.js';

/** `openssl list -providers` of an OpenSSL 3 with the FIPS provider active, as it prints it. */
const WITH_FIPS = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.0.13
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: 3.0.9
    status: active
`;

describe('the entropy source a certificate records', () => {
  it('reads the FIPS provider its own name and version, not libcrypto’s', () => {
    expect(parseFipsProvider(WITH_FIPS)).toEqual({ name: 'OpenSSL FIPS Provider', version: '3.0.9' });
  });

  it('names no provider when none is active or it does not name itself, rather than guess', () => {
    const defaultOnly = `Providers:\n  default\n    name: OpenSSL Default Provider\n    version: 3.0.19\n    status: active\n`;
    expect(parseFipsProvider(defaultOnly)).toBeUndefined();
    const inactive = WITH_FIPS.replace('3.0.9\n    status: active', '3.0.9\n    status: inactive');
    expect(parseFipsProvider(inactive)).toBeUndefined();
    expect(parseFipsProvider(WITH_FIPS.replace('    version: 3.0.9\n', ''))).toBeUndefined();
    expect(parseFipsProvider('')).toBeUndefined();
  });

  it('outside FIPS mode records fips_mode false and never looks for a provider', () => {
    let asked = false;
    const source = entropySource({
      fipsMode: () => false,
      fipsProvider: () => {
        asked = true;
        return { name: 'x', version: '1', source: 'x' };
      },
    });
    expect(asked).toBe(false);
    expect(source).toEqual({
      api: 'crypto.getRandomValues',
      runtime: `node ${process.version}`,
      openssl: process.versions.openssl,
      fips_mode: false,
    });
  });

  it('this runtime reports itself as it is, and the record passes the claims schema', () => {
    const source = entropySource();
    expect(source.fips_mode).toBe(getFips() === 1);
    if (!source.fips_mode) expect(source).not.toHaveProperty('fips_provider');
    expect(entropySourceSchema.parse(source)).toEqual(source);
  });

  it('in FIPS mode records the provider with where it was read', () => {
    const provider = { name: 'OpenSSL FIPS Provider', version: '3.0.9', source: 'test' };
    const source = entropySource({ fipsMode: () => true, fipsProvider: () => provider });
    expect(source).toMatchObject({ fips_mode: true, fips_provider: provider });
    expect(entropySourceSchema.parse(source)).toEqual(source);
  });
});

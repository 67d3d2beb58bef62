import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeCertificate,
  generateSigningKey,
  signCertificate,
  type CertificateClaims,
} from '../../src/certificate/index.js';
import { b64, sampleClaims as claims } from '../support/claims.js';

const key = generateSigningKey();

describe('signCertificate', () => {
  it('writes the header {alg: ES256, typ: JWT, kid} and the claims as given', async () => {
    const c = claims({ label: 'prod/db/admin' });
    const token = await signCertificate(c, key);
    const [h, p] = token.split('.');
    expect(JSON.parse(Buffer.from(h ?? '', 'base64url').toString())).toEqual({
      alg: 'ES256',
      typ: 'JWT',
      kid: key.kid,
    });
    expect(JSON.parse(Buffer.from(p ?? '', 'base64url').toString())).toEqual(c);
  });

  it('signs with a 64-byte IEEE P1363 signature that Node verifies in that encoding', async () => {
    for (let i = 0; i < 50; i++) {
      const token = await signCertificate(claims(), key);
      const dot = token.lastIndexOf('.');
      const sig = Buffer.from(token.slice(dot + 1), 'base64url');
      expect(sig).toHaveLength(64);
      expect(token.slice(dot + 1)).toMatch(/^[A-Za-z0-9_-]{86}$/);
      const ok = verify(
        'sha256',
        Buffer.from(token.slice(0, dot)),
        { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
        sig,
      );
      expect(ok).toBe(true);
    }
  });

  it('validates the claims first: INVALID_CLAIMS (exit 2) lists every issue and nothing is signed', async () => {
    const bad = { ...claims(), jti: 'x', standards_met: ['GDPR'] } as unknown as CertificateClaims;
    await expect(signCertificate(bad, key)).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_CLAIMS',
        exitCode: 2,
        details: {
          issues: expect.arrayContaining([
            expect.objectContaining({ path: 'jti' }),
            expect.objectContaining({ path: 'standards_met.0' }),
          ]),
        },
      }),
    );
  });
});

describe('decodeCertificate', () => {
  it('returns header and claims without verifying anything', async () => {
    const c = claims();
    const forged = `${b64({ alg: 'none' })}.${b64(c)}.`;
    expect(decodeCertificate(forged)).toEqual({ header: { alg: 'none' }, claims: c });
    expect(decodeCertificate(await signCertificate(c, key)).claims).toEqual(c);
  });

  it('is MALFORMED_CERTIFICATE for anything that is not a compact JWT', async () => {
    for (const bad of [
      '',
      'hello',
      'a.b',
      `${b64({})}.${b64({})}`,
      `${b64({})}.${b64([1])}.`,
      `${b64({})}.!!.x`,
      `x.${b64({})}.`,
    ]) {
      expect(() => decodeCertificate(bad)).toThrow(
        expect.objectContaining({ code: 'MALFORMED_CERTIFICATE', exitCode: 2 }),
      );
    }
  });
});

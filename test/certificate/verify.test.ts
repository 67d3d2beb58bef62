import { createHmac, createPublicKey, sign } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  buildJwks,
  createVerifier,
  generateSigningKey,
  signCertificate,
  type CertificateClaimsV1,
  type VerificationResult,
} from '../../src/certificate/index.js';
import { toLowS } from '../../src/certificate/low-s.js';
import { DAY, ISSUER, NOW_MS, NOW_SEC, b64, sampleClaims, withSegment } from '../support/claims.js';

const claims = (overrides: Partial<CertificateClaimsV1> = {}) => sampleClaims(overrides, NOW_SEC);

const key = generateSigningKey();
const jwks = buildJwks([key]);
const verifier = createVerifier({ jwks, issuer: ISSUER, now: () => NOW_MS });

function codes(result: VerificationResult): string[] {
  return result.valid ? [] : result.reasons.map((r) => r.code);
}

/** Signs arbitrary claims with the right key, bypassing signCertificate's schema check. */
function signRaw(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', kid: key.kid },
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  // Node returns either half of s; the verifier accepts only the low one
  return toLowS(`${input}.${sig.toString('base64url')}`);
}

/** s' = n - s: the other signature ECDSA accepts over the same input. */
function highSTwin(token: string): string {
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const sig = Buffer.from(token.split('.')[2] ?? '', 'base64url');
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const twin = Buffer.concat([
    sig.subarray(0, 32),
    Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'),
  ]);
  return withSegment(token, 2, twin.toString('base64url'));
}

function isLowS(token: string): boolean {
  const sig = Buffer.from(token.split('.')[2] ?? '', 'base64url');
  const halfN = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;
  return sig.length === 64 && BigInt(`0x${sig.subarray(32).toString('hex')}`) <= halfN;
}

describe('createVerifier: valid certificates', () => {
  it('accepts a certificate from signCertificate and returns its claims and header', async () => {
    const c = claims();
    const result = await verifier.verify(await signCertificate(c, key));
    expect(result).toEqual({ valid: true, claims: c, header: { alg: 'ES256', typ: 'JWT', kid: key.kid } });
  });

  it('accepts any issuer when none is configured', async () => {
    const anyIssuer = createVerifier({ jwks, now: () => NOW_MS });
    expect(
      (await anyIssuer.verify(await signCertificate(claims({ iss: 'https://elsewhere.test' }), key))).valid,
    ).toBe(true);
  });
});

describe('createVerifier: rejections, each with its reason code', () => {
  it('alg: none (unsigned) → ALG_NOT_ALLOWED', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64(claims())}.`;
    const result = await verifier.verify(token);
    expect(result.valid).toBe(false);
    expect(codes(result)).toContain('ALG_NOT_ALLOWED');
  });

  it('HS256 keyed with the public key (key confusion) → ALG_NOT_ALLOWED, never valid', async () => {
    const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const secret of [publicPem, JSON.stringify(key.publicJwk)]) {
      const token = await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid })
        .sign(new TextEncoder().encode(secret));
      // sanity: the forgery is a correct HMAC over its input under the public key
      const [h, p, s] = token.split('.');
      expect(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')).toBe(s);
      const result = await verifier.verify(token);
      expect(result.valid).toBe(false);
      expect(codes(result)).toContain('ALG_NOT_ALLOWED');
    }
  });

  it('any other alg (RS256, ES384, es256) → ALG_NOT_ALLOWED', async () => {
    for (const alg of ['RS256', 'ES384', 'es256', 'EdDSA']) {
      const token = signRaw({ ...claims() }, { alg, typ: 'JWT', kid: key.kid });
      expect(codes(await verifier.verify(token))).toContain('ALG_NOT_ALLOWED');
    }
  });

  it('tampered payload → BAD_SIGNATURE', async () => {
    const token = await signCertificate(claims(), key);
    const forged = withSegment(
      token,
      1,
      b64({ ...claims(), standards_met: ['FIPS-140-3'], compliance_standard: 'FIPS-140-3' }),
    );
    const result = await verifier.verify(forged);
    expect(codes(result)).toEqual(['BAD_SIGNATURE']);
    // the untrusted claims are still shown, for display
    expect(result.valid === false && result.claims?.compliance_standard).toBe('FIPS-140-3');
  });

  it('tampered signature → BAD_SIGNATURE', async () => {
    const token = await signCertificate(claims(), key);
    const sig = Buffer.from(token.split('.')[2] ?? '', 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    expect(codes(await verifier.verify(withSegment(token, 2, sig.toString('base64url'))))).toEqual([
      'BAD_SIGNATURE',
    ]);
  });

  it('a DER or truncated signature is not ES256 → BAD_SIGNATURE (must be exactly 64 bytes)', async () => {
    const token = await signCertificate(claims(), key);
    const input = token.slice(0, token.lastIndexOf('.'));
    const der = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    expect(codes(await verifier.verify(withSegment(token, 2, der)))).toEqual(['BAD_SIGNATURE']);
    const short = Buffer.from(token.split('.')[2] ?? '', 'base64url')
      .subarray(0, 63)
      .toString('base64url');
    expect(codes(await verifier.verify(withSegment(token, 2, short)))).toEqual(['BAD_SIGNATURE']);
  });

  it('wrong iss → WRONG_ISSUER', async () => {
    const result = await verifier.verify(await signCertificate(claims({ iss: 'https://evil.test' }), key));
    expect(codes(result)).toEqual(['WRONG_ISSUER']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('https://issuer.test');
  });

  it('expired (injected clock) → EXPIRED', async () => {
    const token = await signCertificate(claims(), key);
    const later = createVerifier({ jwks, issuer: ISSUER, now: () => (NOW_SEC + 366 * DAY) * 1000 });
    expect(codes(await later.verify(token))).toEqual(['EXPIRED']);
  });

  it('expiry forgives a minute of clock skew, and no more', async () => {
    // no rotate_by: a year-old certificate is otherwise overdue for rotation long before it expires
    const { rotate_by: _, ...c } = claims();
    const token = await signCertificate(c, key);
    const at = async (sec: number) =>
      (await createVerifier({ jwks, now: () => sec * 1000 }).verify(token)).valid;
    expect(await at(c.exp + 30)).toBe(true);
    expect(await at(c.exp + 61)).toBe(false);
  });

  it('not yet valid (nbf) → NOT_YET_VALID', async () => {
    const token = await signCertificate(claims({ nbf: NOW_SEC + DAY }), key);
    expect(codes(await verifier.verify(token))).toEqual(['NOT_YET_VALID']);
    const tomorrow = createVerifier({ jwks, now: () => (NOW_SEC + DAY) * 1000 });
    expect((await tomorrow.verify(token)).valid).toBe(true);
  });

  it('unknown kid → UNKNOWN_KID (and no kid at all too)', async () => {
    const other = generateSigningKey();
    expect(codes(await verifier.verify(await signCertificate(claims(), other)))).toEqual(['UNKNOWN_KID']);
    const noKid = signRaw({ ...claims() }, { alg: 'ES256', typ: 'JWT' });
    expect(codes(await verifier.verify(noKid))).toEqual(['UNKNOWN_KID']);
  });

  it('a key from the JWKS under another kid is not used: the kid picks the key', async () => {
    const other = generateSigningKey();
    const token = await signCertificate(claims(), other);
    const forgedKid = withSegment(token, 0, b64({ alg: 'ES256', typ: 'JWT', kid: key.kid }));
    expect(codes(await verifier.verify(forgedKid))).toEqual(['BAD_SIGNATURE']);
  });

  it('missing required claims, signed by the right key → MISSING_CLAIMS naming each', async () => {
    const { jti: _jti, entropy_source: _source, ...partial } = claims();
    const result = await verifier.verify(signRaw(partial));
    expect(codes(result)).toEqual(['MISSING_CLAIMS']);
    expect(result.valid === false && result.reasons[0]?.message).toMatch(/jti.*entropy_source/);
  });

  it('wrongly typed claims, signed by the right key → INVALID_CLAIMS', async () => {
    const bad = {
      ...claims(),
      entropy_bits: '128',
      generation_params: { ...claims().generation_params, length: 0 },
    };
    const result = await verifier.verify(signRaw(bad));
    expect(codes(result)).toEqual(['INVALID_CLAIMS']);
    expect(result.valid === false && result.reasons[0]?.message).toMatch(
      /generation_params\.length.*entropy_bits|entropy_bits/,
    );
  });

  it('reports every reason that applies: expired AND wrong issuer AND missing claims', async () => {
    const { sub: _sub, ...partial } = claims({
      iss: 'https://evil.test',
      iat: NOW_SEC - 400 * DAY,
      exp: NOW_SEC - 35 * DAY,
    });
    const result = await verifier.verify(signRaw(partial));
    expect(codes(result)).toEqual(['WRONG_ISSUER', 'EXPIRED', 'MISSING_CLAIMS']);
  });

  it('malformed input → MALFORMED', async () => {
    for (const bad of [
      '',
      'abc',
      'a.b',
      'a.b.c.d',
      '!!!.???.***',
      `${b64([1, 2])}.${b64({})}.x`,
      `${b64({ alg: 'ES256', kid: key.kid })}.bm90IGpzb24.x`,
    ]) {
      expect(codes(await verifier.verify(bad))).toEqual(['MALFORMED']);
    }
    // correctly signed, but the payload is not JSON
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: key.kid })}.bm90IGpzb24`;
    const sig = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(codes(await verifier.verify(`${input}.${sig.toString('base64url')}`))).toEqual(['MALFORMED']);
    expect(codes(await verifier.verify(42 as unknown as string))).toEqual(['MALFORMED']);
    expect(codes(await verifier.verify('a'.repeat(20_000)))).toEqual(['MALFORMED']);
  });

  it('critical header extensions and a foreign typ → MALFORMED, even when correctly signed', async () => {
    const crit = signRaw({ ...claims() }, { alg: 'ES256', kid: key.kid, crit: ['b64'], b64: false });
    expect(codes(await verifier.verify(crit))).toEqual(['MALFORMED']);
    const typ = signRaw({ ...claims() }, { alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
    expect(codes(await verifier.verify(typ))).toEqual(['MALFORMED']);
    const noTyp = signRaw({ ...claims() }, { alg: 'ES256', kid: key.kid });
    expect((await verifier.verify(noTyp)).valid).toBe(true);
  });

  it('a non-ASCII character that Node would decode like its low byte is refused, in any part', async () => {
    const token = await signCertificate(claims(), key);
    for (const i of [3, token.indexOf('.') + 5, token.lastIndexOf('.') + 5]) {
      const twin = String.fromCharCode(0x100 + token.charCodeAt(i)); // "A" → "Ł" (U+0141)
      const altered = token.slice(0, i) + twin + token.slice(i + 1);
      expect(codes(await verifier.verify(altered))).toEqual(['MALFORMED']);
    }
  });

  it('the signature in the standard base64 alphabet ("+", "/") is refused as MALFORMED', async () => {
    let token = await signCertificate(claims(), key);
    while (!/[-_]/.test(token.split('.')[2] ?? '')) token = await signCertificate(claims(), key);
    const sig = (token.split('.')[2] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    expect(Buffer.from(sig, 'base64')).toEqual(Buffer.from(token.split('.')[2] ?? '', 'base64url'));
    expect(codes(await verifier.verify(withSegment(token, 2, sig)))).toEqual(['MALFORMED']);
  });
});

describe('createVerifier: one valid encoding per certificate (low-S)', () => {
  it('the high-S twin of a real certificate → HIGH_S_SIGNATURE; the original verifies', async () => {
    const token = await signCertificate(claims(), key);
    const twin = highSTwin(token);
    // the twin is a mathematically valid ECDSA signature: plain jose accepts it
    const plain = await jwtVerify(twin, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      currentDate: new Date(NOW_MS),
    });
    expect(plain.payload.jti).toBeDefined();
    const result = await verifier.verify(twin);
    expect(codes(result)).toEqual(['HIGH_S_SIGNATURE']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('low-S');
    expect((await verifier.verify(token)).valid).toBe(true);
    // also when a claim fails after the signature held
    const expired = await signCertificate(claims({ exp: NOW_SEC - DAY, iat: NOW_SEC - 10 * DAY }), key);
    expect(codes(await verifier.verify(highSTwin(expired)))).toEqual(['HIGH_S_SIGNATURE']);
  });

  it('1,000 certificates from signCertificate are all low-S', async () => {
    const c = claims();
    for (let i = 0; i < 1000; i++) expect(isLowS(await signCertificate(c, key))).toBe(true);
  });
});

describe('createVerifier: issue time', () => {
  it('iat ten years ahead → ISSUED_IN_FUTURE; within the 60 s tolerance it verifies', async () => {
    const iat = NOW_SEC + 3650 * DAY;
    const result = await verifier.verify(signRaw({ ...claims({ iat, exp: iat + 365 * DAY }) }));
    expect(codes(result)).toEqual(['ISSUED_IN_FUTURE']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('2036');
    const skewed = NOW_SEC + 59;
    expect((await verifier.verify(signRaw({ ...claims({ iat: skewed, exp: skewed + DAY }) }))).valid).toBe(
      true,
    );
    const ahead = NOW_SEC + 61;
    expect(codes(await verifier.verify(signRaw({ ...claims({ iat: ahead, exp: ahead + DAY }) })))).toEqual([
      'ISSUED_IN_FUTURE',
    ]);
  });

  it('generated_at later than iat (beyond the tolerance) → INVALID_CLAIMS', async () => {
    const late = new Date((NOW_SEC + 3600) * 1000).toISOString();
    const result = await verifier.verify(signRaw({ ...claims({ generated_at: late }) }));
    expect(codes(result)).toEqual(['INVALID_CLAIMS']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('later than the issue time');
    const skew = new Date((NOW_SEC + 60) * 1000).toISOString();
    expect((await verifier.verify(signRaw({ ...claims({ generated_at: skew }) }))).valid).toBe(true);
  });
});

describe('createVerifier: caller checks', () => {
  it('requireStandard: passes when listed, STANDARD_NOT_MET otherwise', async () => {
    const token = await signCertificate(claims(), key);
    expect((await verifier.verify(token, { requireStandard: 'PCI-DSS' })).valid).toBe(true);
    const result = await verifier.verify(token, { requireStandard: 'FIPS-140-3' });
    expect(codes(result)).toEqual(['STANDARD_NOT_MET']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('FIPS-140-3');
  });

  it('minDaysRemaining: EXPIRES_SOON when fewer days are left, valid otherwise', async () => {
    const token = await signCertificate(claims({ exp: NOW_SEC + 20 * DAY }), key);
    expect((await verifier.verify(token, { minDaysRemaining: 19 })).valid).toBe(true);
    const result = await verifier.verify(token, { minDaysRemaining: 30 });
    expect(codes(result)).toEqual(['EXPIRES_SOON']);
    expect(result.valid === false && result.reasons[0]?.message).toContain('20.0 days');
  });

  it('past rotate_by (beyond the tolerance) → ROTATION_OVERDUE, with the certificate still unexpired', async () => {
    const rotateBy = new Date((NOW_SEC - 5 * DAY) * 1000).toISOString();
    const token = await signCertificate(claims({ iat: NOW_SEC - 100 * DAY, rotate_by: rotateBy }), key);
    const result = await verifier.verify(token);
    expect(codes(result)).toEqual(['ROTATION_OVERDUE']);
    expect(result.valid === false && result.reasons[0]?.message).toContain(rotateBy);
    const justDue = new Date((NOW_SEC - 30) * 1000).toISOString();
    expect((await verifier.verify(await signCertificate(claims({ rotate_by: justDue }), key))).valid).toBe(
      true,
    );
    // no rotate_by (a standard that changes credentials on compromise only): never overdue
    const { rotate_by: _, ...noPeriod } = claims({ iat: NOW_SEC - 300 * DAY });
    expect((await verifier.verify(await signCertificate(noPeriod, key))).valid).toBe(true);
  });

  it('an expired certificate is EXPIRED, not also EXPIRES_SOON; both checks combine', async () => {
    const token = await signCertificate(claims({ exp: NOW_SEC - DAY, iat: NOW_SEC - 10 * DAY }), key);
    expect(
      codes(await verifier.verify(token, { minDaysRemaining: 30, requireStandard: 'FIPS-140-3' })),
    ).toEqual(['EXPIRED', 'STANDARD_NOT_MET']);
  });
});

describe('interoperability with jose', () => {
  it('a token from signCertificate verifies with jose jwtVerify + createLocalJWKSet(buildJwks)', async () => {
    // jose checks exp/nbf against the real clock, so this one is issued now and has no nbf
    const iat = Math.floor(Date.now() / 1000);
    const c = claims({ iat, exp: iat + DAY });
    const token = await signCertificate(c, key);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(buildJwks([key])), {
      issuer: ISSUER,
      algorithms: ['ES256'],
    });
    expect(payload).toEqual(c);
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
  });

  it('kid equals jose calculateJwkThumbprint', async () => {
    expect(await calculateJwkThumbprint(key.publicJwk, 'sha256')).toBe(key.kid);
  });

  it('a token signed by jose with the same key verifies here', async () => {
    const c = claims();
    const { iss, sub, iat, exp, jti, ...rest } = c;
    const token = await new SignJWT(rest)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
      .setIssuer(iss)
      .setSubject(sub)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(key.privateKey)
      .then(toLowS);
    const result = await verifier.verify(token);
    expect(result.valid).toBe(true);
    expect(result.valid && result.claims).toEqual(c);
  });
});

describe('key rotation', () => {
  it('a JWKS with the old and the new key verifies certificates signed by either', async () => {
    const oldKey = generateSigningKey();
    const newKey = generateSigningKey();
    const rotated = createVerifier({
      jwks: buildJwks([newKey, oldKey.publicJwk]),
      issuer: ISSUER,
      now: () => NOW_MS,
    });
    const fromOld = await signCertificate(claims(), oldKey);
    const fromNew = await signCertificate(claims(), newKey);
    expect((await rotated.verify(fromOld)).valid).toBe(true);
    expect((await rotated.verify(fromNew)).valid).toBe(true);
    // the kid picks the key: the old key's header over the new key's signature does not verify
    expect(codes(await rotated.verify(withSegment(fromNew, 0, fromOld.split('.')[0] ?? '')))).toEqual([
      'BAD_SIGNATURE',
    ]);
    const newOnly = createVerifier({ jwks: buildJwks([newKey]), now: () => NOW_MS });
    expect(codes(await newOnly.verify(fromOld))).toEqual(['UNKNOWN_KID']);
  });

  it('uses the public key exactly as published (a JWKS round-tripped through JSON)', async () => {
    const published = JSON.parse(JSON.stringify(buildJwks([key])));
    const v = createVerifier({ jwks: published, now: () => NOW_MS });
    expect((await v.verify(await signCertificate(claims(), key))).valid).toBe(true);
    expect(createPublicKey({ key: published.keys[0], format: 'jwk' }).equals(key.publicKey)).toBe(true);
  });
});

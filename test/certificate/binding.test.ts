import { scryptSync } from 'node:crypto';
import type * as NodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  checkCredentialBinding,
  claimsSchema,
  computeCredentialBinding,
  type CredentialBinding,
} from '../../src/certificate/index.js';
import { sampleClaims as claims } from '../support/claims.js';

const credential = 'V9#qL2!xR7@mT4$wZ8&kP3*nB6^hJ1%c';

// The real scrypt, watched, so a test can tell that a refused binding never reached it.
const scrypt = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof NodeCrypto>();
  return {
    ...crypto,
    scrypt: (...args: Parameters<typeof crypto.scrypt>) => {
      scrypt.calls += 1;
      return crypto.scrypt(...args);
    },
  };
});

describe('computeCredentialBinding', () => {
  it('produces the DESIGN §5 scrypt parameters, a 16-byte salt and a 32-byte digest', async () => {
    const binding = await computeCredentialBinding(credential);
    expect(binding).toMatchObject({ alg: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
    expect(Buffer.from(binding.salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(binding.digest, 'base64url')).toHaveLength(32);
    // it fits the certificate schema as it is
    expect(claimsSchema.safeParse({ ...claims(), credential_binding: binding }).success).toBe(true);
  });

  it('is scrypt over the UTF-8 credential with the given salt (checked against scryptSync)', async () => {
    const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
    const binding = await computeCredentialBinding(credential, { salt });
    const expected = scryptSync(Buffer.from(credential, 'utf8'), salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    expect(binding.digest).toBe(expected.toString('base64url'));
    expect(binding.salt).toBe('AAECAwQFBgcICQoLDA0ODw');
  });

  it('uses a fresh random salt each time, so equal credentials get unrelated bindings', async () => {
    const [a, b] = await Promise.all([
      computeCredentialBinding(credential),
      computeCredentialBinding(credential),
    ]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.digest).not.toBe(b.digest);
  });

  it('never contains the credential, whole or in part, in any encoding', async () => {
    const binding = await computeCredentialBinding(credential);
    const text = JSON.stringify(binding);
    for (const form of [
      credential,
      credential.slice(0, 8),
      Buffer.from(credential).toString('base64url'),
      Buffer.from(credential).toString('hex'),
    ]) {
      expect(text).not.toContain(form);
    }
    expect(Object.keys(binding).sort()).toEqual(['N', 'alg', 'digest', 'p', 'r', 'salt']);
  });
});

describe('checkCredentialBinding', () => {
  it('round-trips: the same credential matches', async () => {
    const binding = await computeCredentialBinding(credential);
    expect(await checkCredentialBinding(credential, binding)).toBe(true);
  });

  it('a different credential, even one character off, does not match', async () => {
    const binding = await computeCredentialBinding(credential);
    expect(await checkCredentialBinding(`${credential.slice(0, -1)}d`, binding)).toBe(false);
    expect(await checkCredentialBinding(credential.toLowerCase(), binding)).toBe(false);
  });

  it('honours the parameters recorded in the binding (another valid N)', async () => {
    const salt = Buffer.alloc(16, 7);
    const digest = scryptSync(credential, salt, 32, { N: 2 ** 14, r: 8, p: 2 });
    const binding: CredentialBinding = {
      alg: 'scrypt',
      N: 2 ** 14,
      r: 8,
      p: 2,
      salt: salt.toString('base64url'),
      digest: digest.toString('base64url'),
    };
    expect(await checkCredentialBinding(credential, binding)).toBe(true);
  });

  it('rejects out-of-bounds or malformed parameters before running scrypt (INVALID_BINDING)', async () => {
    const good = await computeCredentialBinding(credential);
    const bad: Array<Partial<Record<keyof CredentialBinding, unknown>>> = [
      { N: 2 ** 21 }, // too large
      { N: 2 ** 13 }, // too small
      { N: 40_000 }, // not a power of two
      { N: 2 ** 20, r: 8 }, // 1 GiB of memory
      { N: 2 ** 18, r: 8, p: 16 }, // 2^25 work units
      { r: 0 },
      { r: 33 },
      { p: 0 },
      { p: 17 },
      { r: 1.5 },
      { alg: 'argon2id' },
      { salt: Buffer.alloc(8).toString('base64url') },
      { salt: 'not base64url!!!!!!!!!' },
      { digest: Buffer.alloc(16).toString('base64url') },
    ];
    for (const override of bad) {
      const callsBefore = scrypt.calls;
      await expect(
        checkCredentialBinding(credential, { ...good, ...override } as CredentialBinding),
        JSON.stringify(override),
      ).rejects.toMatchObject({ code: 'INVALID_BINDING', exitCode: 2 });
      expect(scrypt.calls, JSON.stringify(override)).toBe(callsBefore); // refused up front
    }
    // the watch does see scrypt: a good binding runs it
    const callsBefore = scrypt.calls;
    expect(await checkCredentialBinding(credential, good)).toBe(true);
    expect(scrypt.calls).toBe(callsBefore + 1);
  });

  it('the error does not echo the credential', async () => {
    const good = await computeCredentialBinding(credential);
    const error = await checkCredentialBinding(credential, { ...good, N: 2 ** 30 }).catch((e: Error) => e);
    expect(JSON.stringify(error)).not.toContain(credential);
    expect((error as Error).message).not.toContain(credential);
  });
});

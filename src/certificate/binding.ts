import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { InputError } from '../errors.js';
import { credentialBindingSchema } from './claims.js';
import type { CredentialBinding } from './types.js';

/** DESIGN §5: scrypt N=2^15, r=8, p=1 (32 MiB, ~0.1 s), 16-byte salt, 32-byte digest. */
const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const DIGEST_BYTES = 32;

function scryptAsync(
  credential: string,
  salt: Uint8Array,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  // maxmem is an upper bound, not an allocation; Node's 32 MiB default is exactly 128·N·r for the
  // default parameters and OpenSSL needs a little more, so allow twice the nominal size
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 2 * 128 * params.N * params.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(credential, salt, DIGEST_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * A scrypt digest over the credential (its UTF-8 bytes) that lets anyone holding the credential
 * confirm it is the certified one, without the certificate revealing anything usable about it.
 */
export async function computeCredentialBinding(
  credential: string,
  options: { salt?: Uint8Array } = {},
): Promise<CredentialBinding> {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const digest = await scryptAsync(credential, salt, DEFAULTS);
  return {
    alg: 'scrypt',
    N: DEFAULTS.N,
    r: DEFAULTS.r,
    p: DEFAULTS.p,
    salt: Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString('base64url'),
    digest: digest.toString('base64url'),
  };
}

/**
 * True when `credential` is the one the binding was made from. The binding comes from a
 * certificate, i.e. from outside: its cost parameters are bounded before scrypt runs, so a crafted
 * certificate cannot make a verifier burn gigabytes of memory or minutes of CPU.
 */
export async function checkCredentialBinding(
  credential: string,
  binding: CredentialBinding,
): Promise<boolean> {
  const checked = credentialBindingSchema.safeParse(binding);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => ({
      path: ['credential_binding', ...i.path].join('.'),
      message: i.message,
    }));
    throw new InputError(
      'INVALID_BINDING',
      `The certificate's credential binding is unusable: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`,
      { details: { issues } },
    );
  }
  const expected = Buffer.from(binding.digest, 'base64url');
  const actual = await scryptAsync(credential, Buffer.from(binding.salt, 'base64url'), binding);
  return timingSafeEqual(actual, expected);
}

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802 §3, RFC 7677), computed
 * here so that `ALTER ROLE … PASSWORD` carries the verifier and the plaintext never reaches the
 * server, its statement log or pg_stat_statements:
 *
 *   SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations)
 *   StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key")
 *   SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>   (base64)
 *
 * PostgreSQL normalises the password with SASLprep first; for printable ASCII, all this product
 * generates, SASLprep is the identity, and anything else is refused rather than hashed differently
 * from the server.
 */
export function scramSha256Verifier(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): string {
  if (!/^[\x20-\x7e]*$/.test(password)) {
    throw new RangeError('A SCRAM verifier is computed here only for printable ASCII passwords.');
  }
  const salt = options.salt ?? randomBytes(16);
  const iterations = options.iterations ?? 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

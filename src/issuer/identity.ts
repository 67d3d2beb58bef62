import { InputError } from '../errors.js';
import type { Queryable } from './db/types.js';

/**
 * The issuer's identity: the `iss` every certificate carries and verifiers pin. It must name this
 * issuer and no other, and stay the same for as long as its certificates are checked, so it is
 * neither a network address (every local issuer used to sign as http://127.0.0.1:8787, and the
 * name changed with the port) nor anything the operator's next deployment changes by accident.
 *
 * Either the operator names it (`--issuer-id`: an https URL they control, or a URN), or it is
 * derived once from the issuer's first signing key as an RFC 9278 JWK Thumbprint URI. The first
 * key is the oldest row of the shared signing_keys table, which is never deleted (a withdrawn key
 * stays listed as withdrawn), so the identity survives key rotation, restarts and replicas, and two
 * issuers with different keys (two data directories) never share one.
 */
export const JWK_THUMBPRINT_URN_PREFIX = 'urn:ietf:params:oauth:jwk-thumbprint:sha-256:';

const MAX_ISSUER_ID = 256;
/** RFC 8141: `urn:` NID `:` NSS, the NID 2-32 letters, digits and hyphens, not starting or ending with one. */
const URN = /^urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:[^\s]+$/i;

function invalidIssuerId(value: string, why: string): InputError {
  return new InputError(
    'INVALID_ISSUER_ID',
    `The issuer id ${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)} ${why} ` +
      'Use an https URL you control for good (e.g. https://certs.example.com) or a URN (urn:…), or leave it unset: the issuer then derives one from its signing key.',
  );
}

/** Checks an operator-chosen issuer id: an https URL on a real host, or a URN. */
export function validateIssuerId(value: string): string {
  const id = value.trim();
  if (id === '' || id.length > MAX_ISSUER_ID || /[\p{C}\s]/u.test(id)) {
    throw invalidIssuerId(value, `is not 1-${MAX_ISSUER_ID} printable characters without spaces.`);
  }
  if (/^urn:/i.test(id)) {
    if (!URN.test(id)) throw invalidIssuerId(value, 'is not a URN (urn:<namespace>:<name>, RFC 8141).');
    return id;
  }
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    throw invalidIssuerId(value, 'is neither an https URL nor a URN.');
  }
  if (url.protocol !== 'https:') {
    throw invalidIssuerId(value, 'is not https: an http:// name can be answered by anyone on the path.');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalidIssuerId(value, 'must not contain credentials, a query or a fragment.');
  }
  if (isLoopbackHost(url.hostname)) {
    throw invalidIssuerId(value, 'is a loopback address, which names every machine and so no issuer.');
  }
  return id.replace(/\/+$/, '');
}

/** The identity derived from the issuer's first signing key (see above). */
export async function derivedIssuerId(db: Queryable): Promise<string> {
  const rows = await db.query<{ kid: string }>(
    'SELECT kid FROM signing_keys ORDER BY first_seen_at, kid LIMIT 1',
  );
  const kid = rows[0]?.kid;
  // openIssuer registers its key before asking, so the table is never empty here
  if (kid === undefined) throw new Error('no signing key is registered to derive the issuer id from');
  return `${JWK_THUMBPRINT_URN_PREFIX}${kid}`;
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h) || h === '0.0.0.0';
}

import { calculateJwkThumbprint } from 'jose';
import { InputError } from '../errors.js';
import { fetchIssuerIdentity, fetchJwksAt } from '../issuer-client/public.js';
import { IssuerError } from '../issuer-client/errors.js';
import * as z from '../zod.js';
import { baseOf, parseTrustPair, type TrustAnchor } from './anchors.js';

/**
 * The issuer's identity document (`GET /.well-known/passgeni-issuer`): who it is (the `iss` it
 * signs), where its keys and certificates live, and its keys' RFC 7638 thumbprints. It is read
 * from an issuer the user already chose (rotate's issuer, `passgeni trust <url>`), never from a
 * certificate URL, and unknown fields are kept for later additions.
 */
export interface IssuerIdentity {
  issuer: string;
  jwks_uri: string;
  certificate_url_prefix: string;
  api: string;
  keys: Array<{ kid: string; thumbprint: string }>;
}

const httpUrl = z.string().check(
  z.maxLength(2048),
  z.refine((value) => baseOf(value) !== undefined, 'an http(s) URL'),
);

export const issuerIdentitySchema = z.looseObject({
  issuer: z.string().check(z.minLength(1), z.maxLength(256)),
  jwks_uri: httpUrl,
  certificate_url_prefix: httpUrl,
  api: httpUrl,
  keys: z
    .array(
      z.looseObject({
        kid: z.string().check(z.minLength(1), z.maxLength(256)),
        thumbprint: z.string().check(z.regex(/^[\w-]{43}$/)),
      }),
    )
    .check(z.maxLength(100)),
});

/** The identity document of the issuer at `base`; undefined when it publishes none. */
export async function readIssuerIdentity(
  base: string,
  options: { fetch?: typeof fetch } = {},
): Promise<IssuerIdentity | undefined> {
  const body = await fetchIssuerIdentity(base, options);
  if (body === undefined) return undefined;
  const parsed = issuerIdentitySchema.safeParse(body);
  if (!parsed.success) {
    throw new IssuerError(
      'ISSUER_BAD_RESPONSE',
      `The issuer at ${base} answered /.well-known/passgeni-issuer with something that is not an issuer identity document. Check that the URL names a PassGeni issuer.`,
    );
  }
  const { issuer, jwks_uri, certificate_url_prefix, api, keys } = parsed.data;
  return {
    issuer,
    jwks_uri,
    certificate_url_prefix,
    api,
    keys: keys.map(({ kid, thumbprint }) => ({ kid, thumbprint })),
  };
}

/**
 * The issuer a run works with (rotate's --issuer-url) is trusted as it describes itself. An issuer
 * without the document is taken at its default identity: `iss` is its public URL.
 */
export async function remoteIssuerAnchor(
  url: string,
  options: { fetch?: typeof fetch } = {},
): Promise<TrustAnchor> {
  const base = baseOf(url) ?? url.replace(/\/+$/, '');
  const identity = await readIssuerIdentity(base, options);
  const origin = `the issuer at ${base}`;
  if (!identity) {
    return {
      issuer: base,
      keys: { kind: 'url', url: `${base}/.well-known/jwks.json` },
      bases: [base],
      origin,
    };
  }
  const bases = new Set([base]);
  const prefix = baseOf(identity.certificate_url_prefix);
  if (prefix !== undefined) bases.add(prefix.replace(/\/cert$/, ''));
  const jwksBase = baseOf(identity.jwks_uri);
  if (jwksBase?.endsWith('/.well-known/jwks.json'))
    bases.add(jwksBase.slice(0, -'/.well-known/jwks.json'.length));
  return {
    issuer: identity.issuer,
    keys: { kind: 'url', url: identity.jwks_uri },
    bases: [...bases],
    origin,
  };
}

export interface IssuerPin {
  /** The trust-file line: `ISSUER_ID=JWKS_URL`. */
  line: string;
  identity: IssuerIdentity;
  /** Thumbprints computed here from the keys served at `jwks_uri`, not copied from the document. */
  keys: Array<{ kid: string; thumbprint: string }>;
}

/**
 * Trust on first use: read the identity document of the issuer at `url`, fetch the keys it names
 * and check that their thumbprints are the ones it lists (a document and key set that disagree are
 * not pinned). Whoever answers at `url` today is believed, which is why the thumbprints are shown
 * for an out-of-band comparison.
 */
export async function pinIssuer(url: string, options: { fetch?: typeof fetch } = {}): Promise<IssuerPin> {
  const base = baseOf(url);
  if (base === undefined) {
    throw new InputError(
      'TRUST_INVALID',
      `${JSON.stringify(url.slice(0, 100))} is not an issuer URL: give its http(s) base URL, e.g. https://certs.example.com.`,
    );
  }
  const identity = await readIssuerIdentity(base, options);
  if (!identity) {
    throw new IssuerError(
      'ISSUER_IDENTITY_NOT_FOUND',
      `The issuer at ${base} publishes no /.well-known/passgeni-issuer. Check the URL; for an older issuer, pin it by hand with its issuer id and ${base}/.well-known/jwks.json (compare its keys with its operator).`,
      { exitCode: 1 },
    );
  }
  const jwks = await fetchJwksAt(identity.jwks_uri, options);
  const keys = await Promise.all(
    jwks.keys.map(async ({ kid, kty, crv, x, y }) => ({
      kid,
      thumbprint: await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256'),
    })),
  );
  const listed = new Set(identity.keys.map((k) => `${k.kid} ${k.thumbprint}`));
  const served = new Set(keys.map((k) => `${k.kid} ${k.thumbprint}`));
  if (listed.size !== served.size || [...served].some((k) => !listed.has(k))) {
    throw new IssuerError(
      'ISSUER_IDENTITY_MISMATCH',
      `The keys served at ${identity.jwks_uri} are not the ones the issuer at ${base} lists in its identity document; nothing was pinned. Ask the issuer's operator, or retry if it is rotating its key right now.`,
      { exitCode: 1 },
    );
  }
  const line = `${identity.issuer}=${identity.jwks_uri}`;
  // The same parse every trust source goes through: an issuer id it would refuse is not printed.
  parseTrustPair(line, `the identity document of ${base}`);
  return { line, identity, keys };
}

import { fetchIssuerIdentity } from '../issuer-client/public.js';
import { IssuerError } from '../issuer-client/errors.js';
import * as z from '../zod.js';
import { baseOf, type TrustAnchor } from './anchors.js';

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
  return { issuer, jwks_uri, certificate_url_prefix, api, keys: keys.map(({ kid, thumbprint }) => ({ kid, thumbprint })) };
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
    return { issuer: base, keys: { kind: 'url', url: `${base}/.well-known/jwks.json` }, bases: [base], origin };
  }
  const bases = new Set([base]);
  const prefix = baseOf(identity.certificate_url_prefix);
  if (prefix !== undefined) bases.add(prefix.replace(/\/cert$/, ''));
  const jwksBase = baseOf(identity.jwks_uri);
  if (jwksBase?.endsWith('/.well-known/jwks.json')) bases.add(jwksBase.slice(0, -'/.well-known/jwks.json'.length));
  return { issuer: identity.issuer, keys: { kind: 'url', url: identity.jwks_uri }, bases: [...bases], origin };
}

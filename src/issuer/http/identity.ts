import { calculateJwkThumbprint } from 'jose';
import type { Issuer } from '../issuer.js';

/**
 * The issuer's identity document (`GET /.well-known/passgeni-issuer`): the `iss` it signs, where
 * its keys, certificates and API are, and its keys' RFC 7638 thumbprints, so a verifier can pin it
 * on first use (`passgeni trust <url>`) and compare the thumbprints out of band. An object of
 * named members, so later additions (a transparency log key) do not break readers.
 */
export async function identityDocument(issuer: Issuer): Promise<Record<string, unknown>> {
  const keys = await Promise.all(
    issuer.jwks().keys.map(async ({ kid, kty, crv, x, y }) => ({
      kid,
      thumbprint: await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256'),
    })),
  );
  return {
    issuer: issuer.issuerId,
    jwks_uri: issuer.jwksUrl,
    certificate_url_prefix: `${issuer.publicUrl}/cert/`,
    api: `${issuer.publicUrl}/api/v1`,
    // what a keyless CI job requests its OIDC token for (docs/actions.md)
    ...(issuer.oidcAudience !== undefined && { oidc_audience: issuer.oidcAudience }),
    keys,
    // the transparency log: its checkpoints are signed notes by this verifier key (docs/transparency.md)
    log: {
      origin: issuer.log.origin,
      verifier_key: issuer.log.verifierKey,
      checkpoint_url: `${issuer.publicUrl}/log/checkpoint`,
      tiles_url: `${issuer.publicUrl}/log/`,
    },
  };
}

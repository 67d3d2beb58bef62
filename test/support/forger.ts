import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  buildJwks,
  computeCredentialBinding,
  generateSigningKey,
  signCertificate,
  type SigningKey,
} from '../../src/certificate/index.js';
import { sampleClaims } from './claims.js';

/**
 * An attacker's issuer: a plain node:http server publishing a certificate it signed with its own
 * key (for a weak credential, bound to it so --check-binding matches) and that key as its JWKS,
 * claiming whatever `iss` it likes. Every request is recorded, so a test can show that a trusted
 * verifier never even asked it.
 */
export interface Forger {
  url: string;
  key: SigningKey;
  /** The forged certificate's id and URL (`<url>/cert/<id>`). */
  id: string;
  certUrl: string;
  jwt: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startForger(options: {
  /** The issuer id written into the certificate: usually the trusted issuer's. */
  iss: string;
  credential: string;
  /** Sign with a key of this kid (e.g. the trusted issuer's own kid) instead of a fresh one. */
  kid?: string;
  /** Publish an identity document naming this issuer id (default: none). */
  identity?: string;
}): Promise<Forger> {
  const own = generateSigningKey();
  const key: SigningKey = options.kid
    ? { ...own, kid: options.kid, publicJwk: { ...own.publicJwk, kid: options.kid } }
    : own;
  const id = randomUUID();
  const claims = sampleClaims({
    jti: id,
    iss: options.iss,
    credential_binding: await computeCredentialBinding(options.credential),
  });
  const jwt = await signCertificate(claims, key);
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const json = (body: unknown): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === '/.well-known/jwks.json') return json(buildJwks([key]));
    if (path === '/.well-known/passgeni-issuer' && options.identity !== undefined) {
      const base = `http://${request.headers.host ?? ''}`;
      return json({
        issuer: options.identity,
        jwks_uri: `${base}/.well-known/jwks.json`,
        certificate_url_prefix: `${base}/cert/`,
        api: `${base}/api/v1`,
        keys: [],
      });
    }
    if (path === `/cert/${id}`) return json({ status: 'valid', certificate: jwt, claims });
    response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('forger: no address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    key,
    id,
    certUrl: `${url}/cert/${id}`,
    jwt,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

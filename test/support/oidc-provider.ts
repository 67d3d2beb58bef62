import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';

/**
 * A real OIDC provider on loopback, as a CI platform runs one: a discovery document, a JWKS and
 * tokens with GitHub Actions' claim shapes (strings for ids, `sub` as repo:OWNER/NAME:…). It also
 * plays the runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), so an action run as a
 * subprocess gets its tokens from here. Everything is signed with jose; nothing is mocked.
 */
export interface OidcProvider {
  /** The provider's issuer URL (`iss`), also where discovery is served. */
  issuer: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL for a runner that gets its tokens here. */
  tokenRequestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN the token endpoint expects. */
  tokenRequestToken: string;
  /** The claims of a GitHub Actions job (override any, or set one to undefined to drop it). */
  githubClaims(overrides?: Record<string, unknown>): Record<string, unknown>;
  mint(options?: MintOptions): Promise<string>;
  /** The JWKS as served (for the HS256-with-the-JWKS-as-secret attack). */
  jwks(): { keys: JWK[] };
  /** Adds a new signing key and makes it current (a provider's key rotation). */
  rotateKey(): Promise<string>;
  /** Requests the JWKS endpoint has answered. */
  jwksRequests: number;
  /** Audiences the token endpoint was asked for. */
  tokenAudiences: string[];
  /** Claims the token endpoint's tokens for Sigstore carry instead of the defaults (another workload signs). */
  sigstoreOverrides: Record<string, unknown>;
  close(): Promise<void>;
}

export interface MintOptions {
  audience?: string;
  claims?: Record<string, unknown>;
  /** Seconds from now. Default 300. */
  expiresIn?: number;
  /** Seconds from now (negative = past). Default 0. */
  issuedAt?: number;
  notBefore?: number;
  issuer?: string;
  /** Another key, not in the JWKS (an unknown kid). */
  kid?: string;
  signingKey?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

export async function startOidcProvider(options: { audience?: string } = {}): Promise<OidcProvider> {
  const keys: Array<{
    kid: string;
    privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
    publicJwk: JWK;
  }> = [];
  const addKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `k${keys.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
    keys.push({
      kid,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    });
    return kid;
  };
  await addKey();
  const tokenRequestToken = 'runner-request-token-0123456789abcdef';
  const holder: { provider?: OidcProvider } = {};

  const server = createServer((req, res) => {
    const provider = holder.provider;
    if (!provider) return void res.end();
    const url = new URL(req.url ?? '/', provider.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer: provider.issuer,
        jwks_uri: `${provider.issuer}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'repository', 'ref', 'sha'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    } else if (url.pathname === '/.well-known/jwks') {
      provider.jwksRequests += 1;
      json(200, provider.jwks());
    } else if (url.pathname === '/_apis/idtoken') {
      if (req.headers.authorization !== `Bearer ${tokenRequestToken}`)
        return json(401, { message: 'unauthorized' });
      const audience = url.searchParams.get('audience') ?? 'https://github.com/acme';
      provider.tokenAudiences.push(audience);
      const claims = provider.githubClaims(audience === 'sigstore' ? provider.sigstoreOverrides : {});
      // what Fulcio makes the signing certificate's subject of a GitHub token (its SAN)
      if (audience === 'sigstore')
        claims.fulcio_subject = `https://github.com/${String(claims.job_workflow_ref)}`;
      void provider.mint({ audience, claims }).then((value) => json(200, { count: 1, value }));
    } else json(404, { message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const defaultAudience = options.audience ?? 'https://issuer.test';

  const provider: OidcProvider = {
    issuer: base,
    tokenRequestUrl: `${base}/_apis/idtoken?api-version=2.0`,
    tokenRequestToken,
    jwksRequests: 0,
    tokenAudiences: [],
    sigstoreOverrides: {},
    githubClaims(overrides = {}) {
      const claims: Record<string, unknown> = {
        sub: 'repo:acme/infra:environment:prod',
        repository: 'acme/infra',
        repository_id: '123456789',
        repository_owner: 'acme',
        repository_owner_id: '987654',
        repository_visibility: 'private',
        workflow: 'rotate',
        workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
        workflow_sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        job_workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
        job_workflow_sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        ref: 'refs/heads/main',
        ref_type: 'branch',
        sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        run_id: '6012345678',
        run_number: '42',
        run_attempt: '1',
        environment: 'prod',
        event_name: 'schedule',
        runner_environment: 'github-hosted',
        actor: 'octocat',
        actor_id: '583231',
        ...overrides,
      };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      return claims;
    },
    async mint(mint = {}) {
      const current = keys[keys.length - 1];
      if (!current) throw new Error('no key');
      const now = Math.floor(Date.now() / 1000);
      const claims = mint.claims ?? provider.githubClaims();
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: mint.kid ?? current.kid })
        .setIssuer(mint.issuer ?? provider.issuer)
        .setAudience(mint.audience ?? defaultAudience)
        .setIssuedAt(now + (mint.issuedAt ?? 0))
        .setExpirationTime(now + (mint.expiresIn ?? 300))
        .setJti(crypto.randomUUID());
      if (mint.notBefore !== undefined) jwt.setNotBefore(now + mint.notBefore);
      return jwt.sign(mint.signingKey ?? current.privateKey);
    },
    jwks: () => ({ keys: keys.map((k) => k.publicJwk) }),
    rotateKey: addKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  holder.provider = provider;
  return provider;
}

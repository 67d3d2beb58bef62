import { createServer } from 'node:net';
import { generateSigningKey } from '../../src/certificate/index.js';
import { HttpIssuerClient } from '../../src/issuer-client/index.js';
import {
  openIssuer,
  startServer,
  type Issuer,
  type IssuerOptions,
  type RunningServer,
} from '../../src/issuer/index.js';

export interface TestIssuer {
  issuer: Issuer;
  server: RunningServer;
  /** http://127.0.0.1:<port>, also the public URL certificates are published under. */
  url: string;
  apiKey: string;
  /** The `ISSUER_ID=JWKS_URL` line a user pins for it (`passgeni trust` prints the same). */
  trustLine: string;
  close(): Promise<void>;
}

/**
 * A real issuer (in-memory PGlite, real HTTP on loopback) for tests of the things built on it:
 * the engine, the CLI, the actions. The public URL is the listening address, so certificate URLs
 * resolve in the test.
 */
export async function startTestIssuer(options: Partial<IssuerOptions> = {}): Promise<TestIssuer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const issuer = await openIssuer({
    memory: true,
    publicUrl: url,
    signingKey: generateSigningKey(),
    housekeepingSeconds: 0,
    onNotice: () => {},
    // what builds on the issuer is tested here, not its abuse controls (test/issuer covers those)
    limits: {
      ipCertificatesPerHour: 100_000,
      keyRequestsPerMinute: 100_000,
      keyBurst: 10_000,
      keyRefillPerSecond: 10_000,
    },
    ...options,
  });
  const server = await startServer({ issuer, port, host: '127.0.0.1', logger: false });
  const { key } = await issuer.createApiKey({ team: 'engine-tests' });
  return {
    issuer,
    server,
    url,
    apiKey: key,
    trustLine: `${issuer.issuerId}=${url}/.well-known/jwks.json`,
    async close() {
      await server.close();
      await issuer.close();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A client of `issuer` that retries fast, so a test of a failure does not wait for back-off. */
export function testClient(issuer: Pick<TestIssuer, 'url' | 'apiKey'>): HttpIssuerClient {
  return new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey, baseDelayMs: 1, maxAttempts: 3 });
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuerClient } from '../../src/issuer-client/index.js';
import { parseManifest, rotateFromManifest } from '../../src/rotation/index.js';
import { startTestIssuer, testClient, type TestIssuer } from '../support/issuer-server.js';

/**
 * A credential the issuer turned away before issuing anything is tried again from the start: here
 * its certificate request waits (as it would behind a rate limit) until its 1-second session has
 * expired on a real issuer.
 */
describe('rotation when the issuer turns a credential away before issuing', () => {
  let issuer: TestIssuer;
  let dir: string;

  beforeAll(async () => {
    issuer = await startTestIssuer({ sessionTtlSeconds: 1 });
    dir = mkdtempSync(join(tmpdir(), 'passgeni-issuer-retry-'));
  });

  afterAll(async () => {
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The real client, whose first `late` certificate requests are sent after the session expired. */
  function lateClient(late: number): IssuerClient {
    const client = testClient(issuer);
    let delayed = 0;
    return {
      description: client.description,
      createSession: (request) => client.createSession(request),
      issueCertificate: async (request, options) => {
        if (delayed++ < late) await sleep(1500);
        return client.issueCertificate(request, options);
      },
      activateCertificate: (id) => client.activateCertificate(id),
      getCertificate: (id) => client.getCertificate(id),
      revokeCertificate: (id, reason) => client.revokeCertificate(id, reason),
      jwks: () => client.jwks(),
      close: () => client.close(),
    };
  }

  const manifest = (name: string) =>
    parseManifest(
      `version: 1\ndefaults: { standard: HIPAA }\ncredentials:\n  - id: ${name}\n    stores: ["file://./${name}.env#PASSWORD"]\n`,
      { source: 'passgeni.yml', baseDir: dir },
    );

  it('rotates a credential whose session expired while it waited, on the next attempt', async () => {
    const report = await rotateFromManifest(manifest('retried'), { issuer: lateClient(2) });
    expect(report.failed).toEqual([]);
    expect(report.rotated.map((r) => r.id)).toEqual(['retried']);
    expect(readFileSync(join(dir, 'retried.env'), 'utf8')).toMatch(/^PASSWORD=/m);
    const refused = await issuer.issuer.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM usage_events WHERE type = 'certificate.rejected' AND detail->>'code' = 'SESSION_EXPIRED'`,
    );
    expect(refused[0]?.n).toBe(2);
  }, 30_000);

  it('gives up after three attempts, having issued and written nothing', async () => {
    const report = await rotateFromManifest(manifest('abandoned'), { issuer: lateClient(3) });
    expect(report.rotated).toEqual([]);
    expect(report.failed).toEqual([
      expect.objectContaining({ id: 'abandoned', stage: 'certify', code: 'SESSION_EXPIRED' }),
    ]);
    expect(existsSync(join(dir, 'abandoned.env'))).toBe(false);
  }, 30_000);
});

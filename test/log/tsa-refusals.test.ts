import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../issuer/support/backends.js';
import type { TestDatabase } from '../issuer/support/backends.js';
import { uniqueTeam } from '../issuer/support/fixtures.js';
import { api, testServer } from '../issuer/support/server.js';
import type { TestServer } from '../issuer/support/server.js';
import { issueOverHttp } from './support/issue.js';
import { startLocalTsa } from './support/tsa.js';
import type { LocalTsa } from './support/tsa.js';

/**
 * The issuer checks its TSA's answer before keeping it: a token for another request (another
 * nonce, another imprint) or a refusal is not stored, a warning says why, and the checkpoint is
 * published without one.
 */
describe('the issuer keeps only a TSA answer to its own request', () => {
  let database: TestDatabase;
  let t: TestServer;
  let tsa: LocalTsa;
  let key: string;
  const warnings: string[] = [];
  let offset = 0;
  let lastCert = '';

  beforeAll(async () => {
    tsa = await startLocalTsa('tsa');
    database = await freshDatabase('pglite');
    t = await testServer(database.db, {
      logSequenceMs: 0,
      tsaUrl: tsa.url,
      clock: () => new Date(Date.now() + offset),
      logger: {
        info: () => undefined,
        warn: (_: Record<string, unknown>, msg: string) => void warnings.push(msg),
        error: () => undefined,
      },
    });
    key = (await t.issuer.createApiKey({ team: uniqueTeam('tsa-refusals') })).key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await tsa?.close();
  });

  /** Rewrites the query the TSA answers: the issuer's request with `change` applied. */
  function rewrite(change: (request: pkijs.TimeStampReq) => void): (query: Buffer) => Buffer {
    return (query) => {
      const request = pkijs.TimeStampReq.fromBER(query);
      change(request);
      return Buffer.from(request.toSchema().toBER());
    };
  }

  async function logOne(): Promise<{ size: number; timestamp: unknown }> {
    const cert = await issueOverHttp(t.url, key);
    lastCert = cert.cert_id;
    await t.issuer.log.sequence();
    const proof = await api<{ tree_size: number; timestamp?: unknown }>(
      t.url,
      `/api/v1/certificates/${cert.cert_id}/inclusion`,
    );
    expect(proof.status).toBe(200);
    return { size: proof.body.tree_size, timestamp: proof.body.timestamp };
  }

  it('refuses a token carrying another nonce', async () => {
    tsa.rewriteQuery = rewrite((r) => {
      r.nonce = new asn1js.Integer({ value: 12345 });
    });
    const { size, timestamp } = await logOne();
    expect(timestamp).toBeUndefined();
    expect(warnings.at(-1)).toContain(`did not timestamp checkpoint ${size}`);
    expect(warnings.at(-1)).toContain('does not carry the nonce of the request');
  });

  it('refuses a token for another imprint', async () => {
    tsa.rewriteQuery = rewrite((r) => {
      r.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: new Uint8Array(32).fill(7) });
    });
    const { size, timestamp } = await logOne();
    expect(timestamp).toBeUndefined();
    expect(warnings.at(-1)).toContain(`did not timestamp checkpoint ${size}`);
    expect(warnings.at(-1)).toContain('its message imprint is not the SHA-256 of the checkpoint body');
  });

  it("says why when the TSA refuses the request, and keeps the next checkpoint's token", async () => {
    // SHA-1 is not among the digests this TSA accepts: openssl answers status rejection
    tsa.rewriteQuery = rewrite((r) => {
      r.messageImprint = new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.3.14.3.2.26' }),
        hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(20) }),
      });
    });
    const refused = await logOne();
    expect(refused.timestamp).toBeUndefined();
    expect(warnings.at(-1)).toMatch(/the TSA refused the request \(PKIStatus 2/);

    tsa.rewriteQuery = undefined;
    const next = await logOne();
    expect(next.size).toBe(refused.size + 1);
    expect(next.timestamp).toMatchObject({ token: expect.any(String), gen_time: expect.any(String) });
  });

  it('asks again for a checkpoint left without a token while the log is quiet, once a minute', async () => {
    tsa.down = true;
    const before = tsa.requests;
    const { size, timestamp } = await logOne();
    expect(timestamp).toBeUndefined();
    expect(warnings.at(-1)).toContain(`did not timestamp checkpoint ${size}: HTTP 503`);
    tsa.down = false;

    // no new entry, and not a minute yet: the TSA is not asked
    await t.issuer.log.sequence();
    expect(tsa.requests).toBe(before);

    offset += 61_000;
    await t.issuer.log.sequence();
    expect(tsa.requests).toBe(before + 1);
    expect((await t.issuer.log.checkpoint()).size).toBe(size);
    const proof = await api<{ tree_size: number; timestamp?: { gen_time: string } }>(
      t.url,
      `/api/v1/certificates/${lastCert}/inclusion`,
    );
    expect(proof.body.tree_size).toBe(size);
    expect(proof.body.timestamp?.gen_time).toMatch(/^\d{4}-/);

    // stamped: a quiet log asks no more
    offset += 61_000;
    await t.issuer.log.sequence();
    expect(tsa.requests).toBe(before + 1);
  });
});

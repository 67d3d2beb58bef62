import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSigningKey, generateSigningKey } from '../../src/certificate/index.js';
import { createApiKey, openDatabase } from '../../src/issuer/index.js';
import type { Database } from '../../src/issuer/index.js';
import { TEST_DATABASE_URL, createPostgresDatabase } from './support/backends.js';
import { sessionBody, uniqueTeam } from './support/fixtures.js';
import { awayFromWindowEdge } from './support/clock.js';
import { startServe, type ServeProcess } from '../support/cli.js';
import { api } from './support/server.js';
import type { ApiResponse } from './support/server.js';

/**
 * Two real `passgeni serve` processes on one PostgreSQL: the limits live in the database, so a
 * client splitting its requests between replicas gets no more than one replica would allow.
 * PostgreSQL only (an embedded database belongs to one process by design).
 */
const describePg = TEST_DATABASE_URL ? describe : describe.skip;

describePg('two replicas sharing one PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  const replicas: ServeProcess[] = [];
  const signingKey = exportSigningKey(generateSigningKey(), 'jwk');

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // migrate once here; the replicas then start together, as a rolling deploy would
    ({ db } = await openDatabase({ databaseUrl: database.url, poolSize: 2 }));
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop().catch(() => undefined);
    await db?.close();
    await database?.drop();
  });

  async function pair(args: string[]): Promise<[ServeProcess, ServeProcess]> {
    const env = { DATABASE_URL: database.url, PASSGENI_SIGNING_KEY: signingKey };
    const started = await Promise.all([startServe(args, { env }), startServe(args, { env })]);
    replicas.push(...started);
    return started;
  }

  it('enforces 10 attempts without a valid key per address per hour and 60 requests per key per minute across both', async () => {
    const [a, b] = await pair(['--ip-cert-limit', '10', '--key-minute-limit', '60', '--key-burst', '0']);
    expect(a.url).not.toBe(b.url);
    const both = [a.url, b.url];

    // per address: 14 certificate attempts without a valid key from 127.0.0.1, alternating replicas
    await awayFromWindowEdge(15);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await api(both[i % 2] ?? '', '/api/v1/certificates', {
        key: i % 3 ? `passgeni_unknown_${i}` : '',
        body: { generation_session_id: '00000000-0000-4000-8000-000000000000' },
      });
      statuses.push(r.status);
      if (r.status === 429) expect(r.body.limit).toBe('ip-hour');
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);

    // per key: 70 requests with one key, alternating replicas, within one minute
    await awayFromWindowEdge(20);
    const key = await createApiKey(db, { team: uniqueTeam(), now: new Date() });
    // sequential and alternating, so both replicas answer on each side of the limit
    const results: ApiResponse[] = [];
    for (let i = 0; i < 70; i++) {
      const base = both[i % 2] ?? '';
      results.push(
        i % 7 === 0
          ? await api(base, '/api/v1/sessions', { key: key.key, body: sessionBody() })
          : await api(base, '/api/v1/certificates?limit=1', { key: key.key }),
      );
    }
    const ok = results.filter((r) => r.status === 200 || r.status === 201);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(60);
    expect(limited).toHaveLength(10);
    expect(
      limited.every((r) => r.body.limit === 'key-minute' && Number(r.headers.get('retry-after')) >= 1),
    ).toBe(true);
    // both replicas took part on each side of the limit
    const servedBy = (list: typeof results) => new Set(list.map((r) => results.indexOf(r) % 2));
    expect(servedBy(ok).size).toBe(2);
    expect(servedBy(limited).size).toBe(2);
  }, 120_000);

  it('enforces the burst (5, then 1/s) across both, and both publish the same JWKS', async () => {
    const [a, b] = await pair(['--key-burst', '5', '--key-refill', '1']);
    const key = await createApiKey(db, { team: uniqueTeam(), now: new Date() });
    const results: ApiResponse[] = [];
    for (let i = 0; i < 8; i++)
      results.push(await api(i % 2 ? a.url : b.url, '/api/v1/certificates', { key: key.key }));
    const statuses = results.map((r) => r.status);
    // at most one token can have been refilled while the eight requests ran
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(6);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = results.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(limited?.headers.get('x-ratelimit-limit')).toBe('5');

    const jwksA = await (await fetch(`${a.url}/.well-known/jwks.json`)).text();
    const jwksB = await (await fetch(`${b.url}/.well-known/jwks.json`)).text();
    expect(jwksA).toBe(jwksB);
  }, 120_000);

  it('a certificate issued pending on one is activated on the other; a retry with its Idempotency-Key on the other gets it back', async () => {
    const [a, b] = await pair(['--activation-timeout', '5', '--ip-cert-limit', '0']);
    const key = await createApiKey(db, { team: uniqueTeam(), now: new Date() });
    const session = await api<{ generation_session_id: string }>(a.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody(),
    });
    const body = { generation_session_id: session.body.generation_session_id };
    const headers = { 'idempotency-key': randomUUID() };
    const issued = await api<{ cert_id: string; status: string }>(a.url, '/api/v1/certificates', {
      key: key.key,
      body,
      headers,
    });
    expect([issued.status, issued.body.status]).toEqual([201, 'pending']);
    const replay = await api(b.url, '/api/v1/certificates', { key: key.key, body, headers });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(issued.body);
    const seen = await api<{ status: string }>(b.url, `/cert/${issued.body.cert_id}`);
    expect(seen.body.status).toBe('pending');
    const activated = await api<{ status: string }>(
      b.url,
      `/api/v1/certificates/${issued.body.cert_id}/activate`,
      {
        key: key.key,
        method: 'POST',
      },
    );
    expect([activated.status, activated.body.status]).toEqual([200, 'valid']);
    expect((await api<{ status: string }>(a.url, `/cert/${issued.body.cert_id}`)).body.status).toBe('valid');
  }, 120_000);

  it('shuts down gracefully on SIGTERM', async () => {
    const replica = replicas[0];
    if (!replica) throw new Error('no replica');
    const code = await replica.stop();
    expect(code).toBe(0);
    expect(replica.stdout()).toContain('"msg":"stopped"');
    replicas.shift();
  });
});

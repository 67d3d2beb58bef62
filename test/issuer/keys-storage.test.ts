import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, generateSigningKey } from '../../src/certificate/index.js';
import {
  IssuerServiceError,
  MIGRATIONS,
  migrate,
  openDatabase,
  openIssuer,
  rotateKeyFile,
  SCHEMA_VERSION,
} from '../../src/issuer/index.js';
import { BACKENDS, TEST_DATABASE_URL, createPostgresDatabase, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { NO_LIMITS, countRows, sessionBody } from './support/fixtures.js';
import { testServer } from './support/server.js';

describe.each(BACKENDS)('signing keys and schema on %s', (backend) => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
  });

  afterAll(async () => {
    await tdb?.drop();
  });

  it('migrates once and records it; running again changes nothing', async () => {
    const rows = await tdb.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows.at(-1)?.version).toBe(SCHEMA_VERSION);
    expect(await migrate(tdb.db)).toEqual({ applied: [], databaseVersion: SCHEMA_VERSION });
  });

  it('upgrades a database made by an older version, keeping its rate counters', async () => {
    const own = await freshDatabase(backend);
    const issuer = await openIssuer({
      database: own.db,
      publicUrl: 'https://issuer.test',
      signingKey: generateSigningKey(),
      limits: { keyBurst: 5, keyRefillPerSecond: 1 },
    });
    try {
      const key = await issuer.createApiKey({ team: 'upgrade' });
      for (let i = 0; i < 3; i++) await issuer.createSession({ apiKey: key.key }, sessionBody());
      // back to schema version 1, as a replica of the previous release left it
      await own.db.query('ALTER TABLE key_limits DROP COLUMN granted');
      await own.db.query('DROP INDEX usage_events_aggregate');
      await own.db.query('DROP INDEX usage_events_at');
      await own.db.query('ALTER TABLE usage_events DROP COLUMN count, DROP COLUMN aggregate_key');
      await own.db.query('ALTER TABLE api_keys DROP COLUMN per_minute, DROP COLUMN burst');
      await own.db.query(
        'ALTER TABLE key_limits DROP COLUMN minute_ok, DROP COLUMN per_minute, DROP COLUMN burst, DROP COLUMN refill',
      );
      // version 4 (pending certificates) stays: undoing it is not what this test is about
      await own.db.query('DELETE FROM schema_migrations WHERE version IN (2, 3, 5)');
      expect(await migrate(own.db)).toEqual({ applied: [2, 3, 5], databaseVersion: SCHEMA_VERSION });
      // the bucket carried over: 2 of its 5 tokens are left (plus what refilled meanwhile)
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => issuer.createSession({ apiKey: key.key }, sessionBody())),
      );
      const passed = results.filter((r) => r.status === 'fulfilled').length;
      expect(passed).toBeGreaterThanOrEqual(2);
      expect(passed).toBeLessThanOrEqual(3);
    } finally {
      await issuer.close();
      await own.drop();
    }
  });

  it('rotates keys: a new key signs, retired keys stay in the JWKS, old certificates still verify', async () => {
    const first = generateSigningKey();
    const second = generateSigningKey();
    const a = await testServer(tdb.db, { signingKey: first });
    const team = await a.issuer.ensureTeam('rotation');
    const caller = { teamId: team.id };
    const s1 = await a.issuer.createSession(caller, sessionBody());
    const old = await a.issuer.issueCertificate(caller, { generation_session_id: s1.generation_session_id });
    await a.close();

    // the rotated replica (same database): publishes both keys, signs with the new one
    const b = await testServer(tdb.db, { signingKey: second });
    await b.issuer.retireSigningKey(first.kid);
    const s2 = await b.issuer.createSession(caller, sessionBody());
    const fresh = await b.issuer.issueCertificate(caller, {
      generation_session_id: s2.generation_session_id,
    });
    const jwks = createRemoteJWKSet(new URL(`${b.url}/.well-known/jwks.json`));
    // the identity is derived from the first key and survives its retirement
    expect(b.issuer.issuerId).toBe(a.issuer.issuerId);
    expect(a.issuer.issuerId).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-256:${first.kid}`);
    const issuer = a.issuer.issuerId;
    const oldResult = await jwtVerify(old.certificate, jwks, { issuer, algorithms: ['ES256'] });
    expect(oldResult.protectedHeader.kid).toBe(first.kid);
    const newResult = await jwtVerify(fresh.certificate, jwks, { issuer, algorithms: ['ES256'] });
    expect(newResult.protectedHeader.kid).toBe(second.kid);
    expect(
      b.issuer
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([first.kid, second.kid].sort());
    const retired = await tdb.db.query<{ kid: string; retired: boolean }>(
      'SELECT kid, retired_at IS NOT NULL AS retired FROM signing_keys ORDER BY kid',
    );
    expect(retired).toContainEqual({ kid: first.kid, retired: true });
    expect(retired).toContainEqual({ kid: second.kid, retired: false });

    // a leaked key is withdrawn: its certificates stop verifying, and it can never sign again
    expect(await b.issuer.withdrawSigningKey(first.kid)).toBe(true);
    expect(b.issuer.jwks().keys.map((k) => k.kid)).toEqual([second.kid]);
    const verifier = createVerifier({ jwks: b.issuer.jwks() });
    expect((await verifier.verify(old.certificate)).valid).toBe(false);
    await expect(b.issuer.withdrawSigningKey(second.kid)).rejects.toThrow(/rotate to a new key first/);
    await b.close();
    await expect(
      openIssuer({ database: tdb.db, publicUrl: 'https://x.test', signingKey: first, limits: NO_LIMITS }),
    ).rejects.toMatchObject({ code: 'SIGNING_KEY_WITHDRAWN' });
  });
});

describe('embedded data directory', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-issuer-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a 0600 key on first start with a notice, reuses it, and keeps other processes out', async () => {
    const notices: string[] = [];
    const issuer = await openIssuer({
      dataDir: dir,
      publicUrl: 'http://127.0.0.1:8787',
      onNotice: (m) => notices.push(m),
      env: {},
    });
    // the signing key's notice, then the transparency log key's (docs/transparency.md)
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain(`kid ${issuer.kid}`);
    expect(notices[1]).toContain('log-key.pem');
    expect(statSync(join(dir, 'log-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'signing-key.jwk')).mode & 0o777).toBe(0o600);
    expect(issuer.keySource).toBe('generated');
    const team = await issuer.ensureTeam('local');
    const s = await issuer.createSession({ teamId: team.id }, sessionBody());
    const cert = await issuer.issueCertificate(
      { teamId: team.id },
      { generation_session_id: s.generation_session_id },
    );
    await issuer.activateCertificate({ teamId: team.id }, cert.cert_id);

    // a second issuer on the same directory is refused while the first is open
    const second = await openIssuer({ dataDir: dir, publicUrl: 'http://127.0.0.1:8787', env: {} }).catch(
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(IssuerServiceError);
    expect((second as IssuerServiceError).code).toBe('DATA_DIR_IN_USE');
    await issuer.close();

    // reopened (as `passgeni serve` after `passgeni certify`): same key, same certificates
    const again = await openIssuer({
      dataDir: dir,
      publicUrl: 'http://127.0.0.1:8787',
      onNotice: (m) => notices.push(m),
      env: {},
    });
    expect(again.kid).toBe(issuer.kid);
    expect(again.keySource).toBe('data-dir');
    expect(notices).toHaveLength(2);
    expect((await again.getCertificate(cert.cert_id)).status).toBe('valid');
    await again.close();

    const rotated = rotateKeyFile(join(dir, 'signing-key.jwk'));
    expect(rotated.previous?.kid).toBe(issuer.kid);
    expect(rotated.current.kid).not.toBe(issuer.kid);
    expect(readdirSync(dir).filter((f) => f.includes('retired'))).toHaveLength(1);
    expect(statSync(join(dir, 'signing-key.jwk')).mode & 0o777).toBe(0o600);
    const afterRotation = await openIssuer({ dataDir: dir, publicUrl: 'http://127.0.0.1:8787', env: {} });
    expect(afterRotation.kid).toBe(rotated.current.kid);
    expect(afterRotation.jwks().keys.map((k) => k.kid)).toContain(issuer.kid);
    expect((await createVerifier({ jwks: afterRotation.jwks() }).verify(cert.certificate)).valid).toBe(true);
    await afterRotation.close();
  });

  it('requires an explicit key with PostgreSQL, so replicas never mint their own', async () => {
    await expect(
      openIssuer({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', publicUrl: 'https://x.test', env: {} }),
    ).rejects.toMatchObject({ code: 'SIGNING_KEY_REQUIRED' });
  });
});

const describePg = TEST_DATABASE_URL ? describe : describe.skip;

describePg('PostgreSQL start-up', () => {
  it('lets replicas that start together migrate one at a time (advisory lock)', async () => {
    const database = await createPostgresDatabase();
    try {
      const opened = await Promise.all(
        [0, 1, 2].map(() => openDatabase({ databaseUrl: database.url, poolSize: 2 })),
      );
      const applied = opened.map((o) => o.migrations.applied);
      expect(applied.filter((a) => a.length === MIGRATIONS.length)).toHaveLength(1);
      expect(applied.filter((a) => a.length === 0)).toHaveLength(2);
      expect(await countRows(opened[0]?.db ?? (null as never), 'schema_migrations')).toBe(MIGRATIONS.length);
      for (const o of opened) await o.db.close();
    } finally {
      await database.drop();
    }
  });

  it('reports an unreachable database as DATABASE_UNAVAILABLE without the password', async () => {
    const error = await openDatabase({ databaseUrl: 'postgres://u:secret-pw@127.0.0.1:1/x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
    expect(String((error as Error).message)).not.toContain('secret-pw');
  });
});

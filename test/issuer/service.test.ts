import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, decodeCertificate } from '../../src/certificate/index.js';
import { listApiKeys, revokeApiKey } from '../../src/issuer/index.js';
import type { Issuer, IssuerServiceError } from '../../src/issuer/index.js';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import {
  PUBLIC_URL,
  rejection,
  SOURCE,
  TEST_KEY,
  countRows,
  sessionBody,
  strongParams,
  testClock,
  testIssuer,
  uniqueIp,
  uniqueTeam,
  weakParams,
} from './support/fixtures.js';

const BINDING = {
  alg: 'scrypt',
  N: 32768,
  r: 8,
  p: 1,
  salt: 'A'.repeat(22),
  digest: 'Bw'.repeat(21) + 'A',
} as const;

describe.each(BACKENDS)('issuer service core on %s', (backend) => {
  let tdb: TestDatabase;
  let issuer: Issuer;
  const clock = testClock();

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    issuer = await testIssuer(tdb.db, { clock });
  });

  afterAll(async () => {
    await issuer?.close();
    await tdb?.drop();
  });

  async function newCaller() {
    const key = await issuer.createApiKey({ team: uniqueTeam() });
    return { key, caller: { apiKey: key.key, ip: uniqueIp() } };
  }

  it('issues a certificate whose claims are exactly those of DESIGN §5, signed and verifiable', async () => {
    const { key, caller } = await newCaller();
    // a user password: PCI DSS 8.3.9 sets its 90 days
    const session = await issuer.createSession(caller, {
      ...sessionBody('PCI-DSS'),
      credential_kind: 'user',
    });
    expect(session.entropy_bits).toBe(130.92);
    expect(session.standards_met).toContain('PCI-DSS');
    expect(new Date(session.expires_at).getTime() - clock().getTime()).toBe(60_000);

    const generatedAt = new Date(clock().getTime() - 1234).toISOString();
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
      generated_at: generatedAt,
      label: 'prod/db/admin',
      credential_binding: BINDING,
    });
    expect(cert.cert_url).toBe(`${PUBLIC_URL}/cert/${cert.cert_id}`);
    expect(cert.compliance_standard).toBe('PCI-DSS');

    const { header, claims } = decodeCertificate(cert.certificate);
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: TEST_KEY.kid });
    const iat = Math.floor(clock().getTime() / 1000);
    expect(claims).toEqual({
      jti: cert.cert_id,
      iss: issuer.issuerId,
      sub: key.team_id,
      iat,
      exp: iat + 365 * 86_400,
      cert_version: 2,
      compliance_standard: 'PCI-DSS',
      credential_kind: 'user',
      standards_met: session.standards_met,
      generation_params: strongParams(),
      entropy_bits: 130.92,
      generation_session_id: session.generation_session_id,
      rotate_by: new Date(new Date(generatedAt).getTime() + 90 * 86_400_000).toISOString(),
      rotation_basis: 'clause',
      // what the client said, which the issuer records without being able to check it
      asserted: {
        entropy_source: SOURCE,
        generated_at: generatedAt,
        credential_binding: BINDING,
        label: 'prod/db/admin',
      },
    });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // sub is the opaque team id: neither the team name nor anything like an e-mail address
    expect(JSON.stringify(claims)).not.toContain(key.team_name);
    expect(JSON.stringify(claims)).not.toMatch(/@/);

    const verifier = createVerifier({
      jwks: issuer.jwks(),
      issuer: issuer.issuerId,
      now: () => clock().getTime(),
    });
    const result = await verifier.verify(cert.certificate);
    expect(result.valid).toBe(true);
  });

  it('certifies DOD-STIG only with its run limits: entropy counts them, rotate_by is 60 days', async () => {
    const { caller } = await newCaller();
    const limited = strongParams({ max_repeat: 3, max_class_repeat: 4 });
    const session = await issuer.createSession(caller, {
      ...sessionBody('DOD-STIG', limited),
      credential_kind: 'user',
    });
    expect(session.entropy_bits).toBe(130.8); // not the 130.92 of the same string without the limits
    expect(session.standards_met).toContain('DOD-STIG');
    expect(session.standards_met).toContain('PCI-DSS'); // 60 days keeps PCI DSS's 90 too
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
    });
    const { claims } = decodeCertificate(cert.certificate);
    expect(claims.generation_params).toEqual(limited);
    expect(
      Date.parse(String(claims.rotate_by)) -
        Date.parse(String((claims.asserted as { generated_at: string }).generated_at)),
    ).toBe(60 * 86_400_000);
    // the same limits on a HIPAA user password: HIPAA sets no period, so neither STIG nor PCI DSS
    // (8.3.9) is claimed
    const hipaa = await issuer.createSession(caller, {
      ...sessionBody('HIPAA', limited),
      credential_kind: 'user',
    });
    expect(hipaa.standards_met).not.toContain('DOD-STIG');
    expect(hipaa.standards_met).not.toContain('PCI-DSS');
    // run limits make the count quadratic in the length: bounded
    const long = await rejection(
      issuer.createSession(caller, sessionBody('DOD-STIG', strongParams({ ...limited, length: 257 }))),
    );
    expect(long.code).toBe('INVALID_PARAMS');
  });

  it('omits rotate_by for a standard that changes credentials on compromise only, and defaults generated_at', async () => {
    const { caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody('NIST-800-63B'));
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
    });
    const { claims } = decodeCertificate(cert.certificate);
    expect(claims.rotate_by).toBeUndefined();
    expect(claims.asserted).toEqual({ entropy_source: SOURCE, generated_at: clock().toISOString() });
  });

  it('recomputes entropy and standards_met itself and ignores what the client claims', async () => {
    const { caller } = await newCaller();
    const session = await issuer.createSession(caller, {
      ...sessionBody('HIPAA'),
      entropy_bits: 9999,
      standards_met: ['FIPS-140-3'],
    });
    expect(session.entropy_bits).toBe(130.92);
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
      entropy_bits: 9999,
    } as Record<string, unknown>);
    expect(decodeCertificate(cert.certificate).claims.entropy_bits).toBe(130.92);
    // and a client whose pool size disagrees with its class sizes is refused outright
    const error = await rejection(
      issuer.createSession(caller, sessionBody('HIPAA', strongParams({ char_pool_size: 200 } as never))),
    );
    expect(error.code).toBe('INVALID_PARAMS');
  });

  it('refuses parameters below the standard with 422 and every violation, storing no session', async () => {
    const { key, caller } = await newCaller();
    const error = await rejection(issuer.createSession(caller, sessionBody('HIPAA', weakParams())));
    expect(error.code).toBe('POLICY_VIOLATION');
    const violations = (error.toJSON() as { violations: Array<{ rule: string }> }).violations;
    expect(violations.map((v) => v.rule)).toEqual(
      expect.arrayContaining(['min-length', 'required-class', 'min-entropy']),
    );
    expect(await countRows(issuer.database, 'sessions', 'team_id = $1', [key.team_id])).toBe(0);
    const events = await issuer.database.query<{ type: string; detail: { code: string } }>(
      "SELECT type, detail FROM usage_events WHERE team_id = $1 AND type <> 'api_key.created'",
      [key.team_id],
    );
    expect(events).toEqual([
      { type: 'session.rejected', detail: { op: 'sessions.create', code: 'POLICY_VIOLATION' } },
    ]);
  });

  it('refuses unknown and non-certifiable standards and malformed bodies, storing nothing', async () => {
    const { key, caller } = await newCaller();
    expect((await rejection(issuer.createSession(caller, sessionBody('MADE-UP')))).code).toBe(
      'UNKNOWN_STANDARD',
    );
    expect((await rejection(issuer.createSession(caller, sessionBody('CMMC-L2')))).code).toBe(
      'STANDARD_NOT_CERTIFIABLE',
    );
    // certifiable for a user password only with parameters that carry the RHEL 9 run limits
    const stig = await rejection(
      issuer.createSession(caller, { ...sessionBody('DOD-STIG'), credential_kind: 'user' }),
    );
    expect(stig.code).toBe('POLICY_VIOLATION');
    expect(stig.message).toMatch(/at most 3 identical characters in a row/);
    expect((await rejection(issuer.createSession(caller, null))).code).toBe('INVALID_REQUEST');
    const bad = await rejection(
      issuer.createSession(caller, { ...sessionBody(), entropy_source: { api: 'x' } }),
    );
    expect(bad.code).toBe('INVALID_REQUEST');
    expect(bad.status).toBe(400);
    expect(await countRows(issuer.database, 'sessions', 'team_id = $1', [key.team_id])).toBe(0);
  });

  it('makes sessions single use: a reused session is SESSION_USED (409) and names the certificate', async () => {
    const { key, caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
    });
    const error = await rejection(
      issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id }),
    );
    expect(error.code).toBe('SESSION_USED');
    expect(error.status).toBe(409);
    expect(error.toJSON()).toMatchObject({ cert_id: cert.cert_id });
    expect(await countRows(issuer.database, 'certificates', 'team_id = $1', [key.team_id])).toBe(1);
  });

  it('lets exactly one of many concurrent requests use a session', async () => {
    const { key, caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as IssuerServiceError).code).toBe('SESSION_USED');
    }
    expect(await countRows(issuer.database, 'certificates', 'team_id = $1', [key.team_id])).toBe(1);
  });

  it('expires sessions after 60 s (SESSION_EXPIRED, 410) and stores no certificate', async () => {
    const { key, caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    clock.advance(60_000);
    const error = await rejection(
      issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id }),
    );
    expect(error.code).toBe('SESSION_EXPIRED');
    expect(error.status).toBe(410);
    expect(await countRows(issuer.database, 'certificates', 'team_id = $1', [key.team_id])).toBe(0);
    // the session was not consumed by the failed attempt
    expect(
      await countRows(issuer.database, 'sessions', 'team_id = $1 AND used_at IS NULL', [key.team_id]),
    ).toBe(1);
  });

  it("treats forged ids and other teams' sessions as SESSION_NOT_FOUND (404) and stores nothing", async () => {
    const a = await newCaller();
    const b = await newCaller();
    const session = await issuer.createSession(a.caller, sessionBody());
    const forged = await rejection(
      issuer.issueCertificate(a.caller, { generation_session_id: '6f1c2a9e-1111-4222-8333-444455556666' }),
    );
    expect([forged.code, forged.status]).toEqual(['SESSION_NOT_FOUND', 404]);
    const stolen = await rejection(
      issuer.issueCertificate(b.caller, { generation_session_id: session.generation_session_id }),
    );
    expect([stolen.code, stolen.status]).toEqual(['SESSION_NOT_FOUND', 404]);
    const malformed = await rejection(
      issuer.issueCertificate(a.caller, { generation_session_id: 'not-a-uuid' }),
    );
    expect([malformed.code, malformed.status]).toEqual(['INVALID_REQUEST', 400]);
    expect(
      await countRows(issuer.database, 'certificates', 'team_id IN ($1, $2)', [a.key.team_id, b.key.team_id]),
    ).toBe(0);
    // the victim's session is still usable by its owner
    await issuer.issueCertificate(a.caller, { generation_session_id: session.generation_session_id });
  });

  it('refuses generated_at far from the issuer clock without consuming the session', async () => {
    const { caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    const past = new Date(clock().getTime() - 16 * 60_000).toISOString();
    const error = await rejection(
      issuer.issueCertificate(caller, {
        generation_session_id: session.generation_session_id,
        generated_at: past,
      }),
    );
    expect(error.code).toBe('GENERATED_AT_OUT_OF_RANGE');
    await issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id });
  });

  it('validates binding and label against the certificate schema', async () => {
    const { caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    const id = session.generation_session_id;
    const badBindings = [
      { alg: 'scrypt', N: 1000, r: 8, p: 1, salt: 'A'.repeat(22), digest: 'Bw'.repeat(21) + 'A' },
      { alg: 'scrypt', N: 2 ** 21, r: 8, p: 1, salt: 'A'.repeat(22), digest: 'Bw'.repeat(21) + 'A' },
      { alg: 'scrypt', N: 32768, r: 33, p: 1, salt: 'A'.repeat(22), digest: 'Bw'.repeat(21) + 'A' },
      { alg: 'scrypt', N: 32768, r: 8, p: 17, salt: 'A'.repeat(22), digest: 'Bw'.repeat(21) + 'A' },
      { alg: 'scrypt', N: 32768, r: 8, p: 1, salt: 'A'.repeat(20), digest: 'Bw'.repeat(21) + 'A' },
      { alg: 'argon2', N: 32768, r: 8, p: 1, salt: 'A'.repeat(22), digest: 'Bw'.repeat(21) + 'A' },
    ];
    for (const credential_binding of badBindings) {
      expect(
        (await rejection(issuer.issueCertificate(caller, { generation_session_id: id, credential_binding })))
          .code,
      ).toBe('INVALID_REQUEST');
    }
    for (const label of ['', 'x'.repeat(129), 'bad\nlabel', 'rtl\u202eoverride']) {
      expect(
        (await rejection(issuer.issueCertificate(caller, { generation_session_id: id, label }))).code,
      ).toBe('INVALID_REQUEST');
    }
    await issuer.issueCertificate(caller, { generation_session_id: id, label: 'x'.repeat(128) });
  });

  it('reports valid, expired and revoked status; revocation is owner-only, idempotent and keeps the record', async () => {
    const owner = await newCaller();
    const other = await newCaller();
    const session = await issuer.createSession(owner.caller, sessionBody());
    const cert = await issuer.issueCertificate(owner.caller, {
      generation_session_id: session.generation_session_id,
    });
    expect((await issuer.getCertificate(cert.cert_id)).status).toBe('pending');
    await issuer.activateCertificate(owner.caller, cert.cert_id);
    expect((await issuer.getCertificate(cert.cert_id)).status).toBe('valid');

    const denied = await rejection(
      issuer.revokeCertificate(other.caller, cert.cert_id, { reason: 'key-compromise' }),
    );
    expect([denied.code, denied.status]).toEqual(['CERTIFICATE_NOT_OWNED', 403]);
    expect((await issuer.getCertificate(cert.cert_id)).status).toBe('valid');

    const revoked = await issuer.revokeCertificate(owner.caller, cert.cert_id, { reason: 'not-stored' });
    expect(revoked).toMatchObject({
      status: 'revoked',
      revoked_at: clock().toISOString(),
      revocation_reason: 'not-stored',
    });
    clock.advance(5000);
    const again = await issuer.revokeCertificate(owner.caller, cert.cert_id, { reason: 'superseded' });
    expect(again).toMatchObject({
      status: 'revoked',
      revocation_reason: 'not-stored',
      revoked_at: revoked.revoked_at,
    });
    const view = await issuer.getCertificate(cert.cert_id);
    expect(view).toMatchObject({
      status: 'revoked',
      certificate: cert.certificate,
      revocation_reason: 'not-stored',
    });
    expect(await countRows(issuer.database, 'certificates', 'id = $1', [cert.cert_id])).toBe(1);

    const free = await rejection(
      issuer.revokeCertificate(owner.caller, cert.cert_id, { reason: 'x'.repeat(201) }),
    );
    expect(free.code).toBe('INVALID_REQUEST');
    const unknown = await rejection(
      issuer.revokeCertificate(owner.caller, '6f1c2a9e-1111-4222-8333-444455556666', {
        reason: 'superseded',
      }),
    );
    expect([unknown.code, unknown.status]).toEqual(['CERTIFICATE_NOT_FOUND', 404]);

    const session2 = await issuer.createSession(owner.caller, sessionBody());
    const cert2 = await issuer.issueCertificate(owner.caller, {
      generation_session_id: session2.generation_session_id,
    });
    clock.advance(366 * 86_400_000);
    expect((await issuer.getCertificate(cert2.cert_id)).status).toBe('expired');
    expect((await issuer.getCertificate(cert.cert_id)).status).toBe('revoked');
    clock.advance(-366 * 86_400_000);
    expect((await rejection(issuer.getCertificate('nope'))).code).toBe('CERTIFICATE_NOT_FOUND');
  });

  it("lists only the caller's team's certificates, filtered and paginated with a cursor", async () => {
    const { key, caller } = await newCaller();
    const other = await newCaller();
    const ids: string[] = [];
    const labels = ['prod/db', 'prod/api', 'dev/db', 'prod/db', 'dev/cache'];
    for (const [i, label] of labels.entries()) {
      const standard = i % 2 === 0 ? 'HIPAA' : 'SOC2';
      const s = await issuer.createSession(caller, sessionBody(standard));
      const issued = await issuer.issueCertificate(caller, {
        generation_session_id: s.generation_session_id,
        label,
      });
      await issuer.activateCertificate(caller, issued.cert_id);
      ids.push(issued.cert_id);
      clock.advance(1000);
    }
    const s = await issuer.createSession(other.caller, sessionBody());
    await issuer.issueCertificate(other.caller, { generation_session_id: s.generation_session_id });
    await issuer.revokeCertificate(caller, ids[1] ?? '', { reason: 'superseded' });

    const all = await issuer.listCertificates(caller, {});
    expect(all.certificates.map((c) => c.cert_id)).toEqual([...ids].reverse());
    expect(all.next_cursor).toBeNull();

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await issuer.listCertificates(caller, {
        limit: 2,
        ...(cursor !== undefined && { cursor }),
      });
      expect(page.certificates.length).toBeLessThanOrEqual(2);
      pages.push(...page.certificates.map((c) => c.cert_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual([...ids].reverse());

    expect(
      (await issuer.listCertificates(caller, { status: 'revoked' })).certificates.map((c) => c.cert_id),
    ).toEqual([ids[1]]);
    expect((await issuer.listCertificates(caller, { status: 'valid' })).certificates).toHaveLength(4);
    expect((await issuer.listCertificates(caller, { standard: 'soc 2' })).certificates).toHaveLength(2);
    expect((await issuer.listCertificates(caller, { label: 'prod/db' })).certificates).toHaveLength(2);
    expect((await issuer.listCertificates(caller, { label_prefix: 'dev/' })).certificates).toHaveLength(2);
    expect((await rejection(issuer.listCertificates(caller, { cursor: 'garbage' }))).code).toBe(
      'INVALID_CURSOR',
    );
    expect((await rejection(issuer.listCertificates(caller, { limit: '500' }))).code).toBe('INVALID_REQUEST');
    expect((await rejection(issuer.listCertificates(caller, { status: 'bogus' }))).code).toBe(
      'INVALID_REQUEST',
    );
    expect(key.team_id).not.toBe(other.key.team_id);
  });

  it('authenticates by API key: missing, unknown and revoked keys are 401; keys are stored only as hashes', async () => {
    const { key, caller } = await newCaller();
    expect((await rejection(issuer.createSession({ apiKey: '' }, sessionBody()))).code).toBe('AUTH_REQUIRED');
    expect(
      (await rejection(issuer.createSession({ apiKey: `${key.key.slice(0, -1)}x` }, sessionBody()))).code,
    ).toBe('API_KEY_INVALID');
    await issuer.createSession(caller, sessionBody());
    const listed = await listApiKeys(issuer.database, { team: key.team_name });
    expect(listed).toEqual([expect.objectContaining({ id: key.id, revoked_at: null, hint: key.hint })]);
    expect(JSON.stringify(listed)).not.toContain(key.key);
    const stored = await issuer.database.query<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE id = $1',
      [key.id],
    );
    expect(JSON.stringify(stored)).not.toContain(key.key.slice(9));
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const revoked = await revokeApiKey(issuer.database, key.id, clock());
    expect(revoked.revoked_at).toBe(clock().toISOString());
    const error = await rejection(issuer.createSession(caller, sessionBody()));
    expect([error.code, error.status]).toEqual(['API_KEY_INVALID', 401]);
    expect(key.key).toMatch(/^passgeni_[A-Za-z0-9_-]{43}$/);
  });

  it('acts for a team in-process (the local issuer) without an API key', async () => {
    const team = await issuer.ensureTeam('local');
    expect(await issuer.ensureTeam('local')).toEqual(team);
    const caller = { teamId: team.id };
    const session = await issuer.createSession(caller, sessionBody());
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
    });
    expect(decodeCertificate(cert.certificate).claims.sub).toBe(team.id);
    expect((await rejection(issuer.createSession({ teamId: 'team_missing' }, sessionBody()))).code).toBe(
      'TEAM_NOT_FOUND',
    );
  });

  it('writes one audit event per operation, never containing a key', async () => {
    const { key, caller } = await newCaller();
    const session = await issuer.createSession(caller, sessionBody());
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
    });
    await issuer.getCertificate(cert.cert_id, { ip: '203.0.113.9', via: 'page' });
    await issuer.listCertificates(caller, {});
    await issuer.revokeCertificate(caller, cert.cert_id, { reason: 'superseded' });
    await rejection(issuer.createSession({ apiKey: 'passgeni_wrong', ip: caller.ip }, sessionBody()));
    const events = await issuer.database.query<{ type: string; cert_id: string | null; ip: string | null }>(
      `SELECT type, cert_id, ip FROM usage_events WHERE team_id = $1 OR (team_id IS NULL AND ip = $2) ORDER BY id`,
      [key.team_id, caller.ip],
    );
    expect(events.map((e) => e.type)).toEqual([
      'api_key.created',
      'session.created',
      'certificate.issued',
      'certificate.viewed',
      'certificates.listed',
      'certificate.revoked',
      'auth.failed',
    ]);
    expect(events[2]?.cert_id).toBe(cert.cert_id);
    expect(events[3]).toMatchObject({ cert_id: cert.cert_id, ip: '203.0.113.9' });
    const dump = JSON.stringify(await issuer.database.query('SELECT * FROM usage_events'));
    expect(dump).not.toContain(key.key);
    expect(dump).not.toContain('passgeni_wrong');
  });

  it('answers concurrent look-ups each with its own certificate, and records each view', async () => {
    const { caller } = await newCaller();
    const certs = [];
    for (let i = 0; i < 3; i++) {
      const session = await issuer.createSession(caller, sessionBody());
      certs.push(
        await issuer.issueCertificate(caller, { generation_session_id: session.generation_session_id }),
      );
    }
    const unknown = '6f1c2a9e-1111-4222-8333-444455556666';
    const ip = '203.0.113.77';
    const ids = [...certs.map((c) => c.cert_id), unknown, certs[0]?.cert_id ?? ''];
    const results = await Promise.allSettled(ids.map((id) => issuer.getCertificate(id, { ip, via: 'json' })));
    expect(
      results.map((r) =>
        r.status === 'fulfilled' ? r.value.cert_id : (r.reason as IssuerServiceError).code,
      ),
    ).toEqual([...certs.map((c) => c.cert_id), 'CERTIFICATE_NOT_FOUND', certs[0]?.cert_id]);
    const views = await issuer.database.query<{ cert_id: string | null; found: boolean }>(
      "SELECT cert_id, (detail->>'found')::boolean AS found FROM usage_events WHERE type = 'certificate.viewed' AND ip = $1 ORDER BY cert_id NULLS LAST",
      [ip],
    );
    expect(views).toHaveLength(5);
    expect(views.filter((v) => !v.found)).toEqual([{ cert_id: null, found: false }]);
  });

  // last in this block: it deletes what every test before it left expired
  it('housekeeping deletes sessions and rate counters idle for a day, never certificates or events', async () => {
    const later = testClock(clock().toISOString());
    const own = await testIssuer(tdb.db, { clock: later, limits: { keyBurst: 5, keyRefillPerSecond: 1 } });
    try {
      const key = await own.createApiKey({ team: uniqueTeam() });
      const caller = { apiKey: key.key };
      const used = await own.createSession(caller, sessionBody());
      const cert = await own.issueCertificate(caller, { generation_session_id: used.generation_session_id });
      await own.activateCertificate(caller, cert.cert_id);
      await own.createSession(caller, sessionBody());
      const counts = async () => [
        await countRows(own.database, 'sessions', 'team_id = $1', [key.team_id]),
        await countRows(own.database, 'key_limits', 'key_id = $1', [key.id]),
        await countRows(own.database, 'certificates', 'team_id = $1', [key.team_id]),
        await countRows(own.database, 'usage_events', 'team_id = $1', [key.team_id]),
      ];
      const before = await counts();
      expect(before.slice(0, 3)).toEqual([2, 1, 1]);
      await own.housekeeping();
      expect(await counts()).toEqual(before);
      later.advance(86_400_000 + 61_000);
      await own.housekeeping();
      expect(await counts()).toEqual([0, 0, 1, before[3]]);
    } finally {
      await own.close();
    }
  });
});

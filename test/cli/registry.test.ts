import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIssuer, type Issuer } from '../../src/issuer/index.js';
import type { AuditTrailEvent, CertificateSummary } from '../../src/issuer-client/index.js';
import { sessionBody } from '../issuer/support/fixtures.js';
import { runCli, startServe } from '../support/cli.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';

/**
 * `passgeni certificates list` and `passgeni events` against a real issuer: what they print is
 * what the API returns, over every page, for the teams the key may read.
 */
let t: TestIssuer;
let teamA: { key: string; team: string; id: string };
let teamB: { key: string; team: string; id: string };
let adminKey: string;
const issuedA: string[] = [];
let revokedB: string;
const FORMULA_LABEL = '=HYPERLINK("http://evil.example","x")';

async function issue(issuer: Issuer, caller: { apiKey?: string; teamId?: string }, label?: string) {
  const session = await issuer.createSession(caller, sessionBody());
  const cert = await issuer.issueCertificate(caller, {
    generation_session_id: session.generation_session_id,
    ...(label !== undefined && { label }),
  });
  await issuer.activateCertificate(caller, cert.cert_id);
  return cert.cert_id;
}

/** Every page of an API listing, fetched directly with the key. */
async function apiAll<T>(key: string, path: string, field: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const response = await fetch(`${t.url}${path}${cursor ? `${sep}cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    out.push(...(body[field] as T[]));
    cursor = body.next_cursor as string | null;
  } while (cursor !== null);
  return out;
}

function cli(args: string[], key: string) {
  // the key on stdin, as the docs recommend
  return runCli([...args, '--issuer-url', t.url, '--api-key', '-'], {
    input: key,
    env: { PASSGENI_API_KEY: '' },
  });
}

/** RFC 4180 reader, enough for these files (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

beforeAll(async () => {
  t = await startTestIssuer();
  const a = await t.issuer.createApiKey({ team: 'cli-team-a' });
  const b = await t.issuer.createApiKey({ team: 'cli-team-b' });
  teamA = { key: a.key, team: a.team_name, id: a.id };
  teamB = { key: b.key, team: b.team_name, id: b.id };
  adminKey = (await t.issuer.createApiKey({ team: 'auditors', admin: true })).key;
  issuedA.push(await issue(t.issuer, { apiKey: teamA.key }, 'prod/db'));
  issuedA.push(await issue(t.issuer, { apiKey: teamA.key }, FORMULA_LABEL));
  issuedA.push(await issue(t.issuer, { apiKey: teamA.key }));
  revokedB = await issue(t.issuer, { apiKey: teamB.key }, 'b/only');
  await t.issuer.revokeCertificate({ apiKey: teamB.key }, revokedB, { reason: 'key-compromise' });
});

afterAll(async () => {
  await t?.close();
});

describe('passgeni certificates list', () => {
  it("prints, as JSON, exactly the API's certificates for the key's team, over several pages", async () => {
    const r = await cli(['certificates', 'list', '--format', 'json', '--page-size', '2'], teamA.key);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as CertificateSummary[];
    const api = await apiAll<CertificateSummary>(teamA.key, '/api/v1/certificates?limit=200', 'certificates');
    expect(printed).toEqual(api);
    expect(printed.map((c) => c.cert_id).sort()).toEqual([...issuedA].sort());
    // team B's certificate is not there
    expect(r.stdout).not.toContain(revokedB);
  });

  it('CSV is RFC 4180, formula-safe, and matches the API (admin, one team, filters)', async () => {
    const r = await cli(
      ['certificates', 'list', '--team', teamA.team, '--format', 'csv', '--page-size', '1'],
      adminKey,
    );
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header?.slice(0, 3)).toEqual(['cert_id', 'team', 'status']);
    const api = await apiAll<CertificateSummary>(
      adminKey,
      `/api/v1/certificates?team=${teamA.team}`,
      'certificates',
    );
    expect(rows.map((row) => [row[0], row[1], row[2]])).toEqual(
      api.map((c) => [c.cert_id, c.team, c.status]),
    );
    const labels = rows.map((row) => row[4]);
    expect(labels).toContain(`'${FORMULA_LABEL}`);
    expect(labels).not.toContain(FORMULA_LABEL);

    const revoked = await cli(['certificates', 'list', '--status', 'revoked', '--format', 'csv'], adminKey);
    const revokedRows = parseCsv(revoked.stdout).slice(1);
    expect(revokedRows.map((row) => [row[0], row[1], row[2], row[8]])).toEqual([
      [revokedB, teamB.team, 'revoked', 'key-compromise'],
    ]);
  });

  it('an admin without --team sees every team; Markdown is a table', async () => {
    const r = await cli(['certificates', 'list', '--format', 'md'], adminKey);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\| cert\\_id \| team \| status \|/);
    expect(lines[1]).toMatch(/^\|( --- \|)+$/);
    for (const id of [...issuedA, revokedB]) expect(r.stdout).toContain(id);
    // the engine tests' own team has none, so every row is A's or B's
    expect(lines).toHaveLength(2 + issuedA.length + 1);
  });

  it("refuses another team's registry to a team key (exit 2) and says what to do", async () => {
    const r = await cli(['certificates', 'list', '--team', teamB.team], teamA.key);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/admin key/);
  });

  it.each([
    [['--since', '2025-02-30']],
    [['--since', 'last week']],
    [['--status', 'lost']],
    [['--format', 'xml']],
    [['--page-size', '0']],
  ])('refuses %j with exit 2', async (args) => {
    const r = await cli(['certificates', 'list', ...args], teamA.key);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('exits 3 when the issuer cannot be reached', async () => {
    const r = await runCli(
      ['certificates', 'list', '--issuer-url', 'http://127.0.0.1:9', '--api-key', 'passgeni_x'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(r.code).toBe(3);
  });
});

describe('passgeni events', () => {
  const types = 'certificate.issued,certificate.revoked,certificate.activated';

  it("an admin's trail equals the API's, over pages of one event", async () => {
    const r = await cli(['events', '--type', types, '--format', 'json', '--page-size', '1'], adminKey);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as AuditTrailEvent[];
    const api = await apiAll<AuditTrailEvent>(adminKey, `/api/v1/events?type=${types}`, 'events');
    expect(printed).toEqual(api);
    const issued = printed.filter((e) => e.type === 'certificate.issued').map((e) => e.cert_id);
    expect(issued.sort()).toEqual([...issuedA, revokedB].sort());
    expect(printed.find((e) => e.type === 'certificate.revoked')).toMatchObject({
      cert_id: revokedB,
      team: teamB.team,
      api_key_id: teamB.id,
      count: 1,
    });
  });

  it("a team key sees only its own team's events, with or without --type", async () => {
    const r = await cli(['events', '--format', 'json', '--page-size', '3'], teamA.key);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as AuditTrailEvent[];
    expect(printed.length).toBeGreaterThan(3);
    expect(new Set(printed.map((e) => e.team))).toEqual(new Set([teamA.team]));
    expect(printed.some((e) => e.api_key_id === teamB.id || e.cert_id === revokedB)).toBe(false);
    const denied = await cli(['events', '--team', teamB.team], teamA.key);
    expect(denied.code).toBe(2);
  });

  it('admin --team narrows to that team; repeated --type and CSV counts match the API', async () => {
    const r = await cli(
      [
        'events',
        '--team',
        teamB.team,
        '--type',
        'certificate.issued',
        '--type',
        'certificate.revoked',
        '--format',
        'csv',
      ],
      adminKey,
    );
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header).toEqual(['at', 'type', 'team', 'api_key_id', 'ip', 'cert_id', 'count', 'detail', 'id']);
    const api = await apiAll<AuditTrailEvent>(
      adminKey,
      `/api/v1/events?team=${teamB.team}&type=certificate.issued,certificate.revoked`,
      'events',
    );
    expect(rows.map((row) => [row[8], row[1], row[2], row[5], row[6]])).toEqual(
      api.map((e) => [e.id, e.type, e.team, e.cert_id, String(e.count)]),
    );
    expect(rows.map((row) => row[1])).toEqual(['certificate.revoked', 'certificate.issued']);
  });

  it('filters by time, and refuses bad dates with exit 2', async () => {
    const future = await cli(['events', '--since', '2999-01-01', '--format', 'json'], teamA.key);
    expect(future.code).toBe(0);
    expect(JSON.parse(future.stdout)).toEqual([]);
    for (const args of [
      ['--since', '2025-13-01'],
      ['--until', '1969-01-01'],
      ['--since', '2026-01-02', '--until', '2026-01-01'],
      ['--type', 'NOT A TYPE'],
    ]) {
      // nothing on stdout, not even the start of a JSON array; the error as JSON on stderr
      const r = await cli(['events', ...args, '--json'], teamA.key);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr)).toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });
});

describe('on the local issuer (--data-dir)', () => {
  let dir: string;
  let certId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-registry-'));
    const issuer = await openIssuer({
      dataDir: join(dir, 'issuer'),
      publicUrl: 'http://127.0.0.1:8787',
      housekeepingSeconds: 0,
      onNotice: () => {},
    });
    try {
      const team = await issuer.ensureTeam('local');
      certId = await issue(issuer, { teamId: team.id }, 'local/x');
    } finally {
      await issuer.close();
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the certificates and events of the data directory', async () => {
    const env = { PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };
    const certs = await runCli(
      ['certificates', 'list', '--data-dir', join(dir, 'issuer'), '--format', 'json'],
      { env },
    );
    expect(certs.code).toBe(0);
    expect(
      (JSON.parse(certs.stdout) as CertificateSummary[]).map((c) => [c.cert_id, c.team, c.status]),
    ).toEqual([[certId, 'local', 'valid']]);
    const events = await runCli(
      ['events', '--data-dir', join(dir, 'issuer'), '--type', 'certificate.issued', '--format', 'json'],
      { env },
    );
    expect(events.code).toBe(0);
    expect((JSON.parse(events.stdout) as AuditTrailEvent[]).map((e) => e.cert_id)).toEqual([certId]);
  });

  it('refuses a data directory that does not exist (exit 2) and creates nothing', async () => {
    const missing = join(dir, 'missing');
    const r = await runCli(['events', '--data-dir', missing], { env: { PASSGENI_ISSUER_URL: '' } });
    expect(r.code).toBe(2);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('admin keys from `passgeni api-key create --admin`, against `passgeni serve`', () => {
  let dir: string;
  const env = { DATABASE_URL: '', PASSGENI_SIGNING_KEY: '', PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-admin-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an admin key reads every team's registry and trail; the key list says which keys are admin", async () => {
    const storage = ['--data-dir', dir];
    const admin = await runCli(['api-key', 'create', '--team', 'audit', '--admin', '--json', ...storage], {
      env,
    });
    expect(admin.code).toBe(0);
    const adminKeyInfo = JSON.parse(admin.stdout) as { key: string; admin: boolean };
    expect(adminKeyInfo.admin).toBe(true);
    const team = await runCli(['api-key', 'create', '--team', 'payments', '--json', ...storage], { env });
    const teamKeyInfo = JSON.parse(team.stdout) as { key: string; admin: boolean; id: string };
    expect(teamKeyInfo.admin).toBe(false);
    const listed = await runCli(['api-key', 'list', ...storage], { env });
    expect(listed.stdout).toMatch(/audit .*active \(admin\)$/m);
    expect(listed.stdout).toMatch(/payments .*active$/m);

    const serve = await startServe(storage, { env });
    try {
      const headers = { authorization: `Bearer ${teamKeyInfo.key}`, 'content-type': 'application/json' };
      const session = (await (
        await fetch(`${serve.url}/api/v1/sessions`, {
          method: 'POST',
          headers,
          body: JSON.stringify(sessionBody()),
        })
      ).json()) as { generation_session_id: string };
      const cert = (await (
        await fetch(`${serve.url}/api/v1/certificates`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ generation_session_id: session.generation_session_id }),
        })
      ).json()) as { cert_id: string };

      const run = (args: string[], key: string) =>
        runCli([...args, '--issuer-url', serve.url, '--api-key', '-', '--format', 'json'], {
          env,
          input: key,
        });
      const all = await run(['certificates', 'list'], adminKeyInfo.key);
      expect(all.code).toBe(0);
      expect(
        (JSON.parse(all.stdout) as CertificateSummary[]).map((c) => [c.cert_id, c.team, c.status]),
      ).toEqual([[cert.cert_id, 'payments', 'pending']]);
      const trail = await run(
        ['events', '--team', 'payments', '--type', 'certificate.issued'],
        adminKeyInfo.key,
      );
      expect(trail.code).toBe(0);
      expect(JSON.parse(trail.stdout)).toMatchObject([
        { type: 'certificate.issued', team: 'payments', api_key_id: teamKeyInfo.id, cert_id: cert.cert_id },
      ]);
      // the team key cannot read the auditors' team
      const denied = await run(['events', '--team', 'audit'], teamKeyInfo.key);
      expect(denied.code).toBe(2);
      expect(denied.stderr).toContain('ADMIN_REQUIRED');
    } finally {
      await serve.stop();
    }
  });
});

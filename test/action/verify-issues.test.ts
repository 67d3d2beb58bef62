import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { main } from '../../src/action/verify.js';
import { createRuntime } from '../../src/action/runtime.js';
import { certifyAndStore, type CertifyReport } from '../../src/engine.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { VERIFY_YML, parseOutputFile, runAction } from './support/run-action.js';

/**
 * The verify action's `open-issues: true`, in-process so nock can stand in for api.github.com
 * (the one service that cannot run here), answering in GitHub's REST wire format. The issuer,
 * the engine and the certificates are real. Every GitHub call is asserted: nock refuses any call
 * not set up, and each scope must be done.
 */
const API = 'https://api.github.com';
const REPO_PATH = '/repos/octo-org/app';
const TOKEN = 'ghs_testtoken0123456789abcdefABCDEF';
const NO_LIMITS = { ipCertificatesPerHour: 0, keyRequestsPerMinute: 0, keyBurst: 0 };

let issuer: TestIssuer;
let shortIssuer: TestIssuer;
let workspace: string;
let longLived: CertifyReport;
let shortLived: CertifyReport;
let revoked: CertifyReport;
let pci: CertifyReport;

async function issue(
  on: TestIssuer,
  standard: string,
  store: string,
  label?: string,
): Promise<CertifyReport> {
  // user passwords, so PCI DSS 8.3.9's 90 days give a rotate_by
  return certifyAndStore(
    { standard, kind: 'user', stores: [store], ...(label && { label }) },
    {
      issuer: new HttpIssuerClient({ url: on.url, apiKey: on.apiKey }),
      openStore: (uri) => openStore(uri, { baseDir: workspace }),
    },
  );
}

beforeAll(async () => {
  issuer = await startTestIssuer({ limits: NO_LIMITS });
  shortIssuer = await startTestIssuer({ limits: NO_LIMITS, certificateDays: 10 });
  workspace = mkdtempSync(join(tmpdir(), 'passgeni-verify-issues-'));
  longLived = await issue(issuer, 'HIPAA', 'file://./a.env#DB', 'prod/db @octo-org/security');
  shortLived = await issue(shortIssuer, 'SOC2', 'file://./b.env#API', 'prod/api');
  revoked = await issue(issuer, 'PCI-DSS', 'file://./c.env#PAY');
  pci = await issue(issuer, 'PCI-DSS', 'file://./d.env#CARD', 'payments');
  await new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey }).revokeCertificate(
    revoked.cert_id,
    'compromised',
  );
}, 60_000);
afterAll(async () => {
  await issuer?.close();
  await shortIssuer?.close();
});
beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  vi.useRealTimers();
  process.exitCode = undefined;
  nock.cleanAll();
  nock.enableNetConnect();
});

const trust = (): string => [issuer, shortIssuer].map((i) => i.trustLine).join('\n');

/** The verify action's entry point, with the inputs as the runner passes them. */
async function verify(withInputs: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-verify-issues-run-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const inputs = {
    trust: trust(),
    'open-issues': 'true',
    'github-token': TOKEN,
    'fail-on-invalid': 'true',
    'show-summary': 'true',
    ...withInputs,
  };
  let stdout = '';
  const runtime = createRuntime({
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      ...env,
      ...files,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    },
    write: (text) => (stdout += text),
  });
  await main(runtime);
  return {
    failed: runtime.failed,
    stdout,
    outputs: parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
  };
}

/** An issue as GET /repos/{owner}/{repo}/issues returns it (the fields that matter, and some that do not). */
function issueJson(number: number, body: string, extra: Record<string, unknown> = {}) {
  return {
    url: `${API}${REPO_PATH}/issues/${number}`,
    html_url: `https://github.com/octo-org/app/issues/${number}`,
    id: 1_000_000 + number,
    node_id: `I_kwDO${number}`,
    number,
    title: `Issue ${number}`,
    user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    labels: [],
    state: 'open',
    locked: false,
    comments: 0,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
    closed_at: null,
    author_association: 'NONE',
    body,
    ...extra,
  };
}

function listScope(pages: Array<Array<ReturnType<typeof issueJson>>>) {
  let scope = nock(API, { reqheaders: { authorization: `token ${TOKEN}` } });
  pages.forEach((page, index) => {
    const query: Record<string, string> = {
      state: 'open',
      sort: 'created',
      direction: 'desc',
      per_page: '100',
      ...(index > 0 && { page: String(index + 1) }),
    };
    const next = `<${API}/repositories/1/issues?state=open&sort=created&direction=desc&per_page=100&page=${index + 2}>; rel="next"`;
    // GitHub's Link header names later pages by repository id, as here
    scope = scope
      .get(index === 0 ? `${REPO_PATH}/issues` : '/repositories/1/issues')
      .query(query)
      .reply(200, page, index < pages.length - 1 ? { link: next } : {});
  });
  return scope;
}

const marker = (report: CertifyReport): string => `<!-- passgeni-cert:${report.cert_id} -->`;

describe('verify action: open-issues', () => {
  it('opens one issue for a failing certificate, comments on it on the next run, closes it once the certificate holds', async () => {
    // 1. Fails min-days-remaining: no issue yet (an unrelated issue and a PR on the page), so one is opened.
    let created: { title?: string; body?: string } = {};
    const first = listScope([
      [
        issueJson(7, 'Unrelated'),
        issueJson(8, `${marker(longLived)} (a pull request quoting the marker)`, {
          pull_request: { url: `${API}${REPO_PATH}/pulls/8` },
        }),
      ],
    ])
      .post(`${REPO_PATH}/issues`, (body: { title?: string; body?: string }) => {
        created = body;
        return true;
      })
      .reply(201, () => issueJson(42, created.body ?? '', { title: created.title }));
    const opened = await verify({ certificate: longLived.cert_url, 'min-days-remaining': '400' });
    expect(first.isDone(), JSON.stringify(first.pendingMocks())).toBe(true);
    expect(opened.failed).toBe(true);
    expect(opened.outputs.status).toBe('invalid');
    expect(opened.outputs['issue-number']).toBe('42');
    expect(opened.outputs['issue-url']).toBe('https://github.com/octo-org/app/issues/42');
    expect(created.title).toBe('PassGeni certificate fails a required check: prod/db @octo-org/security');
    expect(created.body?.startsWith(`${marker(longLived)}\n`)).toBe(true);
    expect(created.body).toContain(`[\`${longLived.cert_id}\`](${longLived.cert_url})`);
    // the label goes in a code span, where GitHub renders no @-mention
    expect(created.body).toContain('- Label (client-asserted): `prod/db @octo-org/security`');
    expect(created.body).toContain('EXPIRES_SOON');
    expect(created.body).toContain('[Workflow run](https://github.com/octo-org/app/actions/runs/4242)');
    expect(opened.stdout).toContain('open-issues: opened issue #42');
    expect(opened.stdout).toContain(`::add-mask::${TOKEN}`);

    // 2. Same state again: the issue is found on page 2 by its marker and commented on, not duplicated.
    let comment = '';
    const filler = Array.from({ length: 100 }, (_, i) => issueJson(100 + i, 'Something else'));
    const second = listScope([filler, [issueJson(42, created.body ?? '')]])
      .post(`${REPO_PATH}/issues/42/comments`, (body: { body: string }) => {
        comment = body.body;
        return true;
      })
      .reply(201, {
        id: 9001,
        node_id: 'IC_kwDO9001',
        html_url: 'https://github.com/octo-org/app/issues/42#issuecomment-9001',
        body: 'x',
        user: { login: 'github-actions[bot]' },
        created_at: '2026-12-03T00:00:00Z',
      });
    const again = await verify({ certificate: longLived.cert_url, 'min-days-remaining': '400' });
    expect(second.isDone(), JSON.stringify(second.pendingMocks())).toBe(true);
    expect(again.outputs['issue-number']).toBe('42');
    expect(comment).toMatch(/^Still needs attention: the certificate fails a required check\./);
    expect(comment).toContain('EXPIRES_SOON');
    expect(again.stdout).toContain('open-issues: commented issue #42');

    // 3. The certificate holds with time to spare: the issue gets a comment and is closed.
    let closing = '';
    let patch: Record<string, unknown> = {};
    const third = listScope([[issueJson(42, created.body ?? '')]])
      .post(`${REPO_PATH}/issues/42/comments`, (body: { body: string }) => {
        closing = body.body;
        return true;
      })
      .reply(201, { id: 9002, html_url: 'https://github.com/octo-org/app/issues/42#issuecomment-9002' })
      .patch(`${REPO_PATH}/issues/42`, (body: Record<string, unknown>) => {
        patch = body;
        return true;
      })
      .reply(200, () => issueJson(42, created.body ?? '', { state: 'closed', state_reason: 'completed' }));
    const fine = await verify({ certificate: longLived.cert_url });
    expect(third.isDone(), JSON.stringify(third.pendingMocks())).toBe(true);
    expect(fine.failed).toBe(false);
    expect(fine.outputs.valid).toBe('true');
    expect(closing).toMatch(/verifies again/);
    expect(patch).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(fine.outputs['issue-number']).toBe('42');

    // 4. Still fine, no open issue: one look, nothing written.
    const fourth = listScope([[issueJson(7, 'Unrelated')]]);
    const quiet = await verify({ certificate: longLived.cert_url });
    expect(fourth.isDone()).toBe(true);
    expect(quiet.outputs['issue-number']).toBeUndefined();
  });

  it('a certificate expiring within 30 days gets an issue while the step passes; a revoked one says revoked', async () => {
    let created: { title?: string; body?: string } = {};
    const scope = listScope([[]])
      .post(`${REPO_PATH}/issues`, (body: { title?: string; body?: string }) => {
        created = body;
        return true;
      })
      .reply(201, () => issueJson(50, created.body ?? ''));
    const expiring = await verify({ certificate: shortLived.cert_url });
    expect(scope.isDone()).toBe(true);
    expect(expiring.failed).toBe(false);
    expect(expiring.outputs.valid).toBe('true');
    expect(created.title).toMatch(/^PassGeni certificate expires in (9|10) days: prod\/api$/);
    expect(created.body).toContain(marker(shortLived));

    const revokedScope = listScope([[]])
      .post(`${REPO_PATH}/issues`, (body: { title?: string; body?: string }) => {
        created = body;
        return true;
      })
      .reply(201, () => issueJson(51, created.body ?? ''));
    const gone = await verify({ certificate: revoked.cert_url, 'fail-on-invalid': 'false' });
    expect(revokedScope.isDone()).toBe(true);
    expect(gone.failed).toBe(false);
    expect(created.title).toBe(`PassGeni certificate is revoked: ${revoked.cert_id}`);
    expect(created.body).toContain('REVOKED');
  });

  it("a standard's rotation date counts as the deadline when it comes before expiry", async () => {
    // PCI-DSS: rotate_by 90 days after generation, expiry a year. Seventy days on, 20 days are left.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 70 * 86_400_000);
    let created: { title?: string; body?: string } = {};
    const soon = listScope([[]])
      .post(`${REPO_PATH}/issues`, (body: { title?: string; body?: string }) => {
        created = body;
        return true;
      })
      .reply(201, () => issueJson(60, created.body ?? ''));
    const due = await verify({ certificate: pci.cert_url });
    expect(soon.isDone()).toBe(true);
    expect(due.failed).toBe(false);
    expect(created.title).toMatch(/^PassGeni certificate is due for rotation in (19|20) days: payments$/);
    expect(created.body).toContain('- Rotate by: ');

    // A day past rotate_by the certificate no longer holds: the same issue is commented on.
    vi.setSystemTime(Date.now() + 21 * 86_400_000);
    let comment = '';
    const late = listScope([[issueJson(60, created.body ?? '')]])
      .post(`${REPO_PATH}/issues/60/comments`, (body: { body: string }) => {
        comment = body.body;
        return true;
      })
      .reply(201, { id: 9100, html_url: 'https://github.com/octo-org/app/issues/60#issuecomment-9100' });
    const overdue = await verify({ certificate: pci.cert_url, 'fail-on-invalid': 'false' });
    expect(late.isDone()).toBe(true);
    expect(overdue.outputs.valid).toBe('false');
    expect(comment).toMatch(/^Still needs attention: the certificate is overdue for rotation\./);
    expect(comment).toContain('ROTATION_OVERDUE');
  });

  it("waits out GitHub's rate limit and retries a failed read, but never re-sends a POST that may have landed", async () => {
    let created: { title?: string; body?: string } = {};
    const scope = nock(API)
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(502, 'Bad gateway')
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO_PATH}/issues`)
      .reply(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '0' })
      .post(`${REPO_PATH}/issues`, (body: { title?: string; body?: string }) => {
        created = body;
        return true;
      })
      .reply(201, () => issueJson(70, created.body ?? ''));
    const paced = await verify({ certificate: shortLived.cert_url });
    expect(scope.isDone(), JSON.stringify(scope.pendingMocks())).toBe(true);
    expect(paced.outputs['issue-number']).toBe('70');

    // A 500 to the POST: GitHub may have opened the issue, so the step fails instead of sending it twice.
    const once = listScope([[]]).post(`${REPO_PATH}/issues`).reply(500, { message: 'Server Error' });
    const failed = await verify({ certificate: shortLived.cert_url });
    expect(once.isDone()).toBe(true);
    expect(failed.failed).toBe(true);
    expect(failed.stdout).toMatch(
      /::error::.*GITHUB_ISSUES_FAILED|::error::open-issues: GitHub refused or failed the request \(HTTP 500\)/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a token that may not write issues fails the step and says which permission to grant', async () => {
    const scope = listScope([[]]).post(`${REPO_PATH}/issues`).reply(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
      status: '403',
    });
    const result = await verify({ certificate: shortLived.cert_url });
    expect(scope.isDone()).toBe(true);
    expect(result.failed).toBe(true);
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
    expect(error).toContain('HTTP 403');
    expect(error).toContain('permissions: { issues: write }');
    expect(result.stdout.replace(/::add-mask::.*\n/, '')).not.toContain(TOKEN);
  });

  it('without open-issues nothing talks to GitHub; with it but no token, the step says what to set', async () => {
    const plain = await verify({ certificate: shortLived.cert_url, 'open-issues': 'false' });
    expect(plain.failed).toBe(false);
    const noToken = await verify({ certificate: shortLived.cert_url, 'github-token': '' });
    expect(noToken.failed).toBe(true);
    expect(noToken.stdout).toMatch(/::error::open-issues: true needs a token/);
    const noRepo = await verify({ certificate: shortLived.cert_url }, { GITHUB_REPOSITORY: '' });
    expect(noRepo.failed).toBe(true);
    expect(noRepo.stdout).toMatch(
      /::error::open-issues needs the repository \(GITHUB_REPOSITORY as owner\/name\)/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('the bundled action (as the runner runs it) talks to GITHUB_API_URL, e.g. GitHub Enterprise Server', async () => {
    // A stand-in for a GHES API on loopback: the bundle is a separate process, out of nock's reach.
    const seen: Array<{ method: string; url: string; auth: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers.authorization ?? '',
          body,
        });
        res.setHeader('content-type', 'application/json; charset=utf-8');
        if (req.method === 'GET' && req.url?.startsWith('/api/v3/repos/octo-org/app/issues?')) {
          res.end('[]');
        } else if (req.method === 'POST' && req.url === '/api/v3/repos/octo-org/app/issues') {
          res.statusCode = 201;
          res.end(JSON.stringify(issueJson(80, (JSON.parse(body) as { body: string }).body)));
        } else {
          res.statusCode = 404;
          res.end('{"message":"Not Found"}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
    try {
      const result = await runAction(VERIFY_YML, {
        workspace,
        with: {
          certificate: shortLived.cert_url,
          trust: trust(),
          'open-issues': 'true',
          'github-token': TOKEN,
        },
        env: { GITHUB_API_URL: api },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
        'GET /api/v3/repos/octo-org/app/issues',
        'POST /api/v3/repos/octo-org/app/issues',
      ]);
      expect(seen.every((r) => r.auth === `token ${TOKEN}`)).toBe(true);
      expect(JSON.parse(seen[1]?.body ?? '{}')).toMatchObject({ title: expect.stringMatching(/expires in/) });
      expect(result.outputs['issue-number']).toBe('80');
      expect(result.stdout.replace(/::add-mask::.*\n/, '')).not.toContain(TOKEN);
    } finally {
      server.close();
    }
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { escapeHtml } from '../../src/lib/html.js';
import { shardOf, type RotationReport } from '../../src/rotation/index.js';
import { certifyAndStore } from '../../src/engine.js';
import { useTestIssuer } from '../support/hooks.js';
import { startTestIssuer, testClient } from '../support/issuer-server.js';
import { ROTATE_YML, expectMaskedFirst, runAction, type RunResult } from './support/run-action.js';

/**
 * The rotate action as the runner runs it: the bundled dist/action/rotate.js in its own Node
 * process from a copy of the action with no node_modules, inputs as INPUT_* variables (defaults
 * from actions/rotate/action.yml), outputs and summary through the runner's files, against a real
 * issuer on loopback and real file stores in a temporary workspace.
 */
const issuer = useTestIssuer();

// The manifest lives in ops/, so its relative file:// stores are in ops/secrets/ (relative to the
// manifest, as for `passgeni rotate`). JSON stores hold any generated value; several credentials
// share a file, which the engine writes one at a time.
const MANIFEST_PATH = 'ops/passgeni.yml';
const MANIFEST = `version: 1
defaults:
  standard: SOC2
credentials:
  - id: orders-db
    standard: PCI-DSS
    stores: ['file://./secrets/app.json#ORDERS_DB']
  - id: reporting-db
    stores: ['file://./secrets/app.json#REPORTING_DB']
  - id: api-token
    standard: HIPAA
    stores:
      - file://./secrets/api.json#TOKEN
      - file://./secrets/mirror.json#TOKEN
  - id: webhook-secret
    stores: ['file://./secrets/hooks.json#SECRET']
  - id: smtp-password
    stores: ['file://./secrets/app.json#SMTP']
  - id: signing-key
    standard: SOC2
    stores: ['file://./secrets/signing.json#KEY']
`;
const STORES: Record<string, string[]> = {
  'orders-db': ['file://./secrets/app.json#ORDERS_DB'],
  'reporting-db': ['file://./secrets/app.json#REPORTING_DB'],
  'api-token': ['file://./secrets/api.json#TOKEN', 'file://./secrets/mirror.json#TOKEN'],
  'webhook-secret': ['file://./secrets/hooks.json#SECRET'],
  'smtp-password': ['file://./secrets/app.json#SMTP'],
  'signing-key': ['file://./secrets/signing.json#KEY'],
};
const IDS = Object.keys(STORES).sort();

function newWorkspace(manifest = MANIFEST): string {
  const workspace = mkdtempSync(join(tmpdir(), 'passgeni-rotate-'));
  mkdirSync(join(workspace, 'ops', 'secrets'), { recursive: true });
  writeFileSync(join(workspace, MANIFEST_PATH), manifest);
  return workspace;
}

function rotate(workspace: string, withInputs: Record<string, string> = {}): Promise<RunResult> {
  return runAction(ROTATE_YML, {
    with: { manifest: MANIFEST_PATH, 'issuer-url': issuer.url, 'api-key': issuer.apiKey, ...withInputs },
    workspace,
  });
}

function reportOf(result: RunResult): RotationReport {
  return JSON.parse(result.outputs.report ?? '') as RotationReport;
}

function errorLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}

/** Every file under the secrets directory with its bytes, to prove a run changed nothing. */
function secretFiles(workspace: string): Record<string, string> {
  const dir = join(workspace, 'ops', 'secrets');
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function storeOf(workspace: string, uri: string): ReturnType<typeof openStore> {
  return openStore(uri, { baseDir: join(workspace, 'ops') });
}

/** The issuer's newest certificate for the test team: unchanged means nothing was issued. */
async function newestCertificate(): Promise<string | undefined> {
  const list = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 1 });
  return list.certificates[0]?.cert_id;
}

async function publicStatus(certUrl: string): Promise<string> {
  const response = await fetch(certUrl, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

/** Neither the log, the outputs nor the summary may hold a credential; stdout only in its mask. */
function expectNoCredential(result: RunResult, credential: string, options: { masked: boolean }): void {
  if (options.masked) expectMaskedFirst(result, credential);
  else {
    expect(result.stdout.includes(credential)).toBe(false);
    expect(result.stderr.includes(credential)).toBe(false);
  }
  // Raw, as a JSON string (the report output) and HTML-escaped (the summary).
  const forms = [credential, JSON.stringify(credential).slice(1, -1), escapeHtml(credential)];
  for (const value of [...Object.values(result.outputs), result.summary])
    for (const form of forms) expect(value.includes(form)).toBe(false);
}

describe('rotate action: a manifest rotated, then current', () => {
  let workspace: string;
  let first: RunResult;
  let second: RunResult;
  let afterFirst: Record<string, string>;
  const credentials = new Map<string, string>();

  beforeAll(async () => {
    workspace = newWorkspace();
    first = await rotate(workspace);
    afterFirst = secretFiles(workspace);
    for (const id of IDS) {
      for (const uri of STORES[id] ?? []) {
        const value = await (await storeOf(workspace, uri)).readCredential();
        if (value !== undefined) credentials.set(uri, value);
      }
    }
    second = await rotate(workspace);
  });

  it('the first run rotates every missing credential: exit 0, counts and ids in the outputs', () => {
    expect(first.stderr).toBe('');
    expect(errorLines(first)).toEqual([]);
    expect(first.code, first.stdout).toBe(0);
    expect(Object.keys(first.outputs).sort()).toEqual([
      'failed',
      'report',
      'rotated',
      'rotated-ids',
      'skipped',
    ]);
    expect(first.outputs.rotated).toBe('6');
    expect(first.outputs.skipped).toBe('0');
    expect(first.outputs.failed).toBe('0');
    expect((JSON.parse(first.outputs['rotated-ids'] ?? '') as string[]).sort()).toEqual(IDS);
    expect(first.stdout).toContain('Rotation of ops/passgeni.yml: 6 of 6 credentials');
    expect(first.stdout).toMatch(/\[\d\/6\] api-token: rotated \(missing\)/);
  });

  it('the report gives each new certificate and the stores that hold it; the stores point at it', async () => {
    const report = reportOf(first);
    expect(report).toMatchObject({ manifest: MANIFEST_PATH, dry_run: false, shard: null, total: 6 });
    expect(report.skipped).toEqual([]);
    expect(report.failed).toEqual([]);
    for (const entry of report.rotated) {
      expect(entry.reason).toBe('missing');
      expect(entry.cert_url).toBe(`${issuer.url}/cert/${entry.cert_id}`);
      expect(entry.stored).toEqual(STORES[entry.id]);
      for (const uri of entry.stores) {
        expect(await (await storeOf(workspace, uri)).readCertificateUrl()).toBe(entry.cert_url);
      }
      expect(await publicStatus(entry.cert_url ?? '')).toBe('valid');
    }
    // One credential in both of its stores; a distinct credential for every id.
    expect(credentials.size).toBe(7);
    expect(credentials.get('file://./secrets/api.json#TOKEN')).toBe(
      credentials.get('file://./secrets/mirror.json#TOKEN'),
    );
    expect(new Set(credentials.values()).size).toBe(6);
    expect(credentials.get('file://./secrets/app.json#ORDERS_DB')?.length).toBeGreaterThanOrEqual(12);
  });

  it('writes a job summary table of the rotated credentials with reason, certificate link and stores', () => {
    const { summary } = first;
    expect(summary).toContain('<h3>PassGeni rotation</h3>');
    expect(summary).toContain('6 rotated, 0 current, 0 failed.');
    expect(summary).toContain(
      '<tr><th align="left">Credential</th><th align="left">Reason</th><th align="left">New certificate</th><th align="left">Stores</th></tr>',
    );
    for (const entry of reportOf(first).rotated) {
      const row = summary.split('\n').find((l) => l.includes(`<code>${entry.id}</code>`)) ?? '';
      expect(row).toContain('<td>missing<br>');
      expect(row).toContain(`<a href="${entry.cert_url}"><code>${entry.cert_id}</code></a>`);
      for (const uri of entry.stored) expect(row).toContain(`<code>${uri}</code>`);
    }
    expect(summary).not.toContain('<h4>Failed</h4>');
  });

  it('never prints a credential: each is masked before it is stored; none in outputs, report or summary', () => {
    expect(credentials.size).toBe(7);
    for (const credential of credentials.values()) {
      expectNoCredential(first, credential, { masked: true });
      expectNoCredential(second, credential, { masked: false });
    }
    // The report, as the engine returns it, holds no credential at all.
    const report = first.outputs.report ?? '';
    for (const credential of credentials.values()) expect(report.includes(credential)).toBe(false);
    expectMaskedFirst(first, issuer.apiKey);
    expectMaskedFirst(second, issuer.apiKey);
    expect(first.summary).not.toContain(issuer.apiKey);
  });

  it('the second run rotates nothing: every credential is current and no store changes', () => {
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs.rotated).toBe('0');
    expect(second.outputs.skipped).toBe('6');
    expect(second.outputs.failed).toBe('0');
    expect(second.outputs['rotated-ids']).toBe('[]');
    const report = reportOf(second);
    const firstUrls = Object.fromEntries(reportOf(first).rotated.map((e) => [e.id, e.cert_url]));
    expect(report.skipped.map((e) => e.id).sort()).toEqual(IDS);
    for (const entry of report.skipped) {
      expect(entry.reason).toBe('current');
      expect(entry.cert_url).toBe(firstUrls[entry.id]);
    }
    expect(secretFiles(workspace)).toEqual(afterFirst);
    expect(second.summary).toContain('<h4>Current</h4>');
    expect(second.summary).not.toContain('<h4>Rotated</h4>');
    expect(second.stdout).toContain('0 rotated, 6 current, 0 failed.');
  });

  it('a dry run with a wide expiring-within reports every credential due (expiring) and changes nothing', async () => {
    const before = await newestCertificate();
    const result = await rotate(workspace, { 'dry-run': 'true', 'expiring-within': '36500' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.rotated).toBe('6');
    const report = reportOf(result);
    expect(report.dry_run).toBe(true);
    expect(report.rotated.every((e) => e.reason === 'expiring' && e.cert_url === undefined)).toBe(true);
    expect(secretFiles(workspace)).toEqual(afterFirst);
    expect(await newestCertificate()).toBe(before);
    expect(result.summary).toContain('Current certificate');
    expect(result.stdout).toContain('Dry run: nothing was issued or written.');
  });
});

describe('rotate action: dry run and shards', () => {
  it('a dry run on a fresh workspace reports every credential due and writes nothing', async () => {
    const workspace = newWorkspace();
    const before = await newestCertificate();
    const result = await rotate(workspace, { 'dry-run': 'true' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.rotated).toBe('6');
    expect((JSON.parse(result.outputs['rotated-ids'] ?? '') as string[]).sort()).toEqual(IDS);
    const report = reportOf(result);
    expect(report.dry_run).toBe(true);
    for (const entry of report.rotated) {
      expect(entry).toMatchObject({ reason: 'missing', stored: [], stores: STORES[entry.id] });
      expect(entry.cert_url).toBeUndefined();
    }
    expect(readdirSync(join(workspace, 'ops', 'secrets'))).toEqual([]);
    expect(await newestCertificate()).toBe(before);
    expect(result.summary).toContain('<h3>PassGeni rotation (dry run)</h3>');
    expect(result.summary).toContain('<h4>Due</h4>');
  });

  it('shards 1/2 and 2/2 together rotate each credential exactly once', async () => {
    const expected = [1, 2].map((index) => IDS.filter((id) => shardOf(id, 2) === index));
    // The manifest is chosen so that both shards hold something.
    expect(expected.every((ids) => ids.length > 0)).toBe(true);

    const workspace = newWorkspace();
    const runs: RunResult[] = [];
    for (const shard of ['1/2', '2/2']) runs.push(await rotate(workspace, { shard, 'max-rate': '50' }));
    const rotated = runs.map((run, i) => {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const report = reportOf(run);
      expect(report.shard).toEqual({ index: i + 1, count: 2 });
      expect(report.total).toBe(expected[i]?.length);
      expect(run.outputs.skipped).toBe('0');
      expect(run.stdout).toContain(`(shard ${i + 1}/2)`);
      return (JSON.parse(run.outputs['rotated-ids'] ?? '') as string[]).sort();
    });
    expect(rotated).toEqual(expected);
    expect([...(rotated[0] ?? []), ...(rotated[1] ?? [])].sort()).toEqual(IDS);

    // Afterwards the whole manifest is current: every credential was written, once.
    const whole = await rotate(workspace);
    expect(whole.code, whole.stdout + whole.stderr).toBe(0);
    expect(whole.outputs.rotated).toBe('0');
    expect(whole.outputs.skipped).toBe('6');
  });
});

describe('rotate action: failures', () => {
  it('an invalid manifest fails the step once, with every problem and its line; nothing is written', async () => {
    const manifest = [
      'version: 1', // 1
      'credentials:', // 2
      '  - id: good', // 3
      '    standard: SOC2', // 4
      "    stores: ['file://./secrets/good.json#KEY']", // 5
      '  - id: bad', // 6
      '    standard: HIPPA', // 7
      "    stores: ['file://./secrets/bad.json#KEY']", // 8
      '    rotate_every: 30', // 9
      '',
    ].join('\n');
    const workspace = newWorkspace(manifest);
    const before = await newestCertificate();
    const result = await rotate(workspace);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toBe('');
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    const error = errors[0] ?? '';
    expect(error).toContain('The rotation manifest ops/passgeni.yml has 2 problems; nothing was rotated');
    expect(error).toMatch(/ops\/passgeni\.yml:7:\d+: credentials\[1\]\.standard: Unknown standard "HIPPA"/);
    expect(error).toMatch(
      /ops\/passgeni\.yml:9:\d+: credentials\[1\]\.rotate_every: unknown key "rotate_every"/,
    );
    expect(result.outputs).toEqual({});
    expect(readdirSync(join(workspace, 'ops', 'secrets'))).toEqual([]);
    expect(await newestCertificate()).toBe(before);
    expect(result.summary).toContain('PassGeni rotation: invalid manifest');
    expect(result.summary).toMatch(
      /<tr><td>7<\/td><td>\d+<\/td><td><code>credentials\[1\]\.standard<\/code>/,
    );
    expect(result.summary).toMatch(/<tr><td>9<\/td>/);
  });

  it('a credential that cannot be stored fails the step naming it; the others are rotated and in the outputs', async () => {
    const manifest = `version: 1
defaults:
  standard: SOC2
credentials:
  - id: fine-one
    stores: ['file://./secrets/one.json#KEY']
  - id: broken
    stores: ['file://./no-such-dir/broken.json#KEY']
  - id: fine-two
    stores: ['file://./secrets/two.json#KEY']
`;
    const workspace = newWorkspace(manifest);
    const result = await rotate(workspace);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error::1 of 3 credentials could not be rotated; the others were rotated/);
    expect(errors[0]).toContain('%0A- broken: ');
    expect(errors[0]).toContain('file://./no-such-dir/broken.json#KEY');
    expect(errors[0]).not.toContain('fine-one');

    expect(result.outputs.rotated).toBe('2');
    expect(result.outputs.failed).toBe('1');
    expect(result.outputs.skipped).toBe('0');
    expect((JSON.parse(result.outputs['rotated-ids'] ?? '') as string[]).sort()).toEqual([
      'fine-one',
      'fine-two',
    ]);
    const report = reportOf(result);
    expect(report.failed).toEqual([
      expect.objectContaining({ id: 'broken', stage: 'certify', code: 'STORE_CHECK_FAILED', stored: [] }),
    ]);
    for (const entry of report.rotated) {
      const credential = await (await storeOf(workspace, entry.stores[0] ?? '')).readCredential();
      expect(credential).toEqual(expect.any(String));
      expectNoCredential(result, credential as string, { masked: true });
    }
    expect(result.summary).toContain('<h4>Failed</h4>');
    expect(result.summary).toMatch(/<td><code>broken<\/code><\/td><td><code>[A-Z_]+<\/code><\/td>/);
    expect(result.summary).toContain('<h4>Rotated</h4>');
  });

  it('an issuer that refuses the API key fails once for all credentials, with a pointer to the api-key input', async () => {
    const wrongKey = issuer.apiKey.slice(0, -6) + 'zzzzzz';
    const workspace = newWorkspace();
    const result = await rotate(workspace, { 'api-key': wrongKey });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('6 of 6 credentials could not be rotated');
    // Grouped: one line naming every id, with the issuer's answer said once.
    const group = (errors[0] ?? '').split('%0A').filter((l) => l.startsWith('- '));
    expect(group).toHaveLength(1);
    for (const id of IDS) expect(group[0]).toContain(id);
    expect(group[0]).toContain('the api-key input');
    expect(group[0]).not.toContain('--api-key');
    expectMaskedFirst(result, wrongKey);
    expect(result.outputs.rotated).toBe('0');
    expect(result.outputs.failed).toBe('6');
    expect(readdirSync(join(workspace, 'ops', 'secrets'))).toEqual([]);
  });

  it('a missing manifest says to check the repository out; bad shard and max-rate name their input', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-rotate-empty-'));
    const missing = await rotate(workspace);
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toEqual([
      expect.stringContaining('::error::No rotation manifest at ops/passgeni.yml in the workspace'),
    ]);
    expect(errorLines(missing)[0]).toContain('actions/checkout');

    const zero = await rotate(newWorkspace(), { shard: '0/3' });
    expect(zero.code).toBe(1);
    expect(errorLines(zero)).toEqual([
      expect.stringMatching(
        /^::error::The shard must be I\/N .*got "0\/3"\. Shards count from 1.* Check the shard input\.$/,
      ),
    ]);

    const rate = await rotate(newWorkspace(), { 'max-rate': 'fast' });
    expect(rate.code).toBe(1);
    expect(errorLines(rate)).toEqual([
      '::error::The maximum rate must be a number of writes per second above 0, e.g. 5 or 0.5; got "fast". Check the max-rate input.',
    ]);
    expect(rate.outputs).toEqual({});
    expectMaskedFirst(rate, issuer.apiKey);
  });
});

describe('rotate action trust', () => {
  it("takes another issuer's certificate as current only when the trust input pins that issuer", async () => {
    const partner = await startTestIssuer();
    try {
      const workspace = newWorkspace(`version: 1
defaults: { standard: HIPAA }
credentials:
  - id: partner-db
    stores: ['file://./secrets/partner.json#DB']
`);
      await certifyAndStore(
        { standard: 'HIPAA', stores: ['file://./ops/secrets/partner.json#DB'] },
        { issuer: testClient(partner), openStore: (uri) => openStore(uri, { baseDir: workspace }) },
      );
      const untrusted = await rotate(workspace, { 'dry-run': 'true' });
      expect(untrusted.code, untrusted.stdout).toBe(0);
      expect(reportOf(untrusted).rotated.map((e) => [e.id, e.reason])).toEqual([['partner-db', 'invalid']]);
      expect(reportOf(untrusted).rotated[0]?.detail).toContain('belongs to no trusted issuer');

      const trusted = await rotate(workspace, {
        'dry-run': 'true',
        trust: `# the partner's issuer\n${partner.trustLine}\n`,
      });
      expect(trusted.code, trusted.stdout).toBe(0);
      expect(reportOf(trusted).rotated).toEqual([]);
      expect(reportOf(trusted).skipped.map((e) => e.id)).toEqual(['partner-db']);

      const malformed = await rotate(workspace, { 'dry-run': 'true', trust: 'partner' });
      expect(malformed.code).not.toBe(0);
      expect(errorLines(malformed).join('\n')).toContain("input 'trust' line:1");
    } finally {
      await partner.close();
    }
  });
});

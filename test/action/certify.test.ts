import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { STANDARD_IDS } from '../../src/policy/types.js';
import {
  ACTION_YML,
  VERIFY_YML,
  commandEscaped,
  expectMaskedFirst,
  runAction,
  type RunResult,
} from './support/run-action.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { useTestIssuer } from '../support/hooks.js';
import { holdLockElsewhere } from '../support/store-faults.js';

/**
 * The certify-and-store action as the runner runs it: the bundled dist/action/certify.js in its
 * own Node process, inputs as INPUT_* variables, outputs and summary through the runner's files,
 * against a real issuer on loopback and a real file store in the workspace.
 */
const issuer = useTestIssuer();

// JSON files hold any generated value; a dotenv file cannot hold one that has all three quote
// characters (see the dotenv test below), which a 20-character credential has about 0.5% of the time.
const STORE = 'file://./secrets.json#DB_PASSWORD';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs the action and checks its exit code, showing its output when that is not the one expected. */
async function certify(
  exitCode: number,
  withInputs: Record<string, string>,
  options: { noOutputFile?: boolean; env?: Record<string, string>; workspace?: string } = {},
): Promise<RunResult> {
  const result = await runAction(ACTION_YML, {
    with: { 'issuer-url': issuer.url, 'api-key': issuer.apiKey, store: STORE, ...withInputs },
    ...options,
  });
  expect(result.code, result.stdout + result.stderr).toBe(exitCode);
  return result;
}

async function storedCredential(workspace: string, uri = STORE): Promise<string | undefined> {
  return (await openStore(uri, { baseDir: workspace })).readCredential();
}

async function publicStatus(certUrl: string): Promise<{ status: string; revocation_reason?: string }> {
  const response = await fetch(certUrl, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; revocation_reason?: string };
}

function errorLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}

describe('certify action: happy path', () => {
  let result: RunResult;
  let credential: string;

  beforeAll(async () => {
    result = await certify(0, { standard: 'HIPAA', label: 'ci/db/admin' });
    credential = (await storedCredential(result.workspace)) as string;
  });

  it('exits 0 and stores a credential of the standard default length in the file store', () => {
    expect(result.stderr).toBe('');
    expect(errorLines(result)).toEqual([]);
    expect(credential).toMatch(/^[\x21-\x7e]{20}$/);
  });

  it('sets every declared output except the credential, with the documented shapes', () => {
    const { outputs } = result;
    expect(Object.keys(outputs).sort()).toEqual([
      'cert-id',
      'cert-url',
      'entropy-bits',
      'expires-at',
      'standards-met',
      'stored',
    ]);
    expect(outputs['cert-id']).toMatch(UUID);
    expect(outputs['cert-url']).toBe(`${issuer.url}/cert/${outputs['cert-id']}`);
    const met = JSON.parse(outputs['standards-met'] ?? '') as string[];
    expect(met).toContain('HIPAA');
    expect(met.every((s) => (STANDARD_IDS as readonly string[]).includes(s))).toBe(true);
    expect(Number(outputs['entropy-bits'])).toBeGreaterThan(120);
    const days = (Date.parse(outputs['expires-at'] ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    expect(JSON.parse(outputs.stored ?? '')).toEqual([expect.objectContaining({ store: STORE })]);
  });

  it('the certificate is live at its URL and attached to the stored secret', async () => {
    expect((await publicStatus(result.outputs['cert-url'] ?? '')).status).toBe('valid');
    const store = await openStore(STORE, { baseDir: result.workspace });
    expect(await store.readCertificateUrl()).toBe(result.outputs['cert-url']);
  });

  it('masks the credential and the API key before any other line, and never prints the credential', () => {
    expectMaskedFirst(result, credential);
    expectMaskedFirst(result, issuer.apiKey);
    expect(result.summary).not.toContain(credential);
    expect(result.summary).not.toContain(issuer.apiKey);
  });

  it('writes a job summary table with certificate, standard, standards met, entropy, expiry, store and link', () => {
    const { summary, outputs } = result;
    expect(summary).toContain('<table>');
    expect(summary).toContain(`<a href="${outputs['cert-url']}"><code>${outputs['cert-id']}</code></a>`);
    expect(summary).toMatch(/<th align="left">Standard<\/th><td>HIPAA<\/td>/);
    expect(summary).toContain(`${outputs['entropy-bits']} bits`);
    expect(summary).toContain(outputs['expires-at']);
    expect(summary).toContain(STORE);
    expect(summary).toContain('ci/db/admin');
    for (const standard of JSON.parse(outputs['standards-met'] ?? '[]') as string[])
      expect(summary).toContain(standard);
  });

  it('writes no environment variables and no state', () => {
    expect(result.envFile).toBe('');
    expect(result.stateFile).toBe('');
  });
});

describe('certify action: output-credential', () => {
  it('sets the credential output only when asked, masked first', async () => {
    const result = await certify(0, {
      standard: 'PCI-DSS',
      length: '32',
      'output-credential': 'true',
      'bind-credential': 'true',
    });
    const credential = await storedCredential(result.workspace);
    expect(credential).toHaveLength(32);
    expect(result.outputs.credential).toBe(credential);
    expectMaskedFirst(result, credential as string);
    expect(result.summary).not.toContain(credential as string);
  });

  it('without an output file the value goes to stdout as ::set-output, after its mask', async () => {
    const result = await certify(
      0,
      { standard: 'SOC2', 'output-credential': 'true' },
      { noOutputFile: true },
    );
    const credential = (await storedCredential(result.workspace)) as string;
    const setOutput = (line: string): boolean => line.startsWith('::set-output name=credential::');
    expectMaskedFirst(result, credential, setOutput);
    const lines = result.stdout.split('\n');
    const mask = lines.indexOf(`::add-mask::${commandEscaped(credential)}`);
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex(setOutput)).toBeGreaterThan(mask);
    expect(lines.some((l) => l.startsWith('::set-output name=cert-url::http'))).toBe(true);
  });

  it('writes a dotenv file when the quote a dotenv value cannot hold is excluded', async () => {
    const store = 'file://./.env#API_TOKEN';
    const result = await certify(0, { standard: 'HIPAA', length: '24', store, 'exclude-characters': '`' });
    const credential = (await storedCredential(result.workspace, store)) as string;
    expect(credential).toHaveLength(24);
    expect(credential).not.toContain('`');
    expectMaskedFirst(result, credential);
  });

  it('logs a notice when it tightens a secrets file readable by others to 0600', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-ws-'));
    writeFileSync(join(workspace, 'secrets.json'), '{}\n');
    chmodSync(join(workspace, 'secrets.json'), 0o644);
    const result = await runAction(ACTION_YML, {
      with: { 'issuer-url': issuer.url, 'api-key': issuer.apiKey, store: STORE, standard: 'HIPAA' },
      workspace,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(statSync(join(workspace, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(result.stdout).toMatch(
      /Stored in file:\/\/\.\/secrets\.json#DB_PASSWORD\. Note: .*was mode 0644 .*it is now 0600/,
    );
  });

  it('rejects a boolean that is not a YAML core boolean instead of reading it as false', async () => {
    const result = await certify(1, { standard: 'SOC2', 'output-credential': 'yes' });
    expect(errorLines(result)).toEqual([
      '::error::Input \'output-credential\' must be true or false (YAML core schema: true | True | TRUE | false | False | FALSE); got "yes".',
    ]);
    expect(readdirSync(result.workspace)).toEqual([]);
  });
});

describe('certify action: failures', () => {
  it('an unknown standard fails with the valid ones listed, before anything is generated or written', async () => {
    const before = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    const result = await certify(1, { standard: 'HIPPA' });
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Unknown standard "HIPPA"');
    for (const id of STANDARD_IDS) expect(errors[0]).toContain(id);
    expect(result.outputs).toEqual({});
    expect(result.summary).toBe('');
    expect(readdirSync(result.workspace)).toEqual([]);
    const after = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    expect(after.certificates.length).toBe(before.certificates.length);
  });

  it('a length below the standard minimum fails listing the rule, nothing written', async () => {
    const result = await certify(1, { standard: 'HIPAA', length: '8' });
    expect(errorLines(result)[0]).toContain('weaker than HIPAA');
    expect(readdirSync(result.workspace)).toEqual([]);
  });

  it('a wrong API key is refused by the issuer with a hint about the api-key input; nothing is stored', async () => {
    const wrongKey = issuer.apiKey.slice(0, -6) + 'zzzzzz';
    const result = await certify(1, { standard: 'HIPAA', 'api-key': wrongKey });
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('refused the request');
    expect(errors[0]).toContain('Check the api-key input (create one with');
    expect(errors[0]).not.toMatch(/--api-key|PASSGENI_API_KEY/);
    expectMaskedFirst(result, wrongKey);
    expect(readdirSync(result.workspace)).toEqual([]);
    expect(result.outputs).toEqual({});
  });

  it('an issuer that cannot be reached fails with the URL to check', async () => {
    const result = await certify(1, { standard: 'HIPAA', 'issuer-url': 'http://127.0.0.1:9' }, {});
    expect(errorLines(result)[0]).toContain('Could not reach the issuer at http://127.0.0.1:9');
    expect(existsSync(`${result.workspace}/secrets.json`)).toBe(false);
  }, 60_000);

  it('a store that cannot be written revokes the certificate (not-stored); verify then shows it revoked', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-ws-'));
    holdLockElsewhere(join(workspace, 'secrets.env'));
    const store = 'file://./secrets.env#DB_PASSWORD';
    const result = await certify(1, { standard: 'HIPAA', store }, { workspace });
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('not stored anywhere');
    expect(errors[0]).toContain('was revoked (reason not-stored)');
    expect(errors[0]).toContain(store);
    expect(result.outputs.stored).toBe('[]');
    expect(result.outputs['cert-id']).toMatch(UUID);
    expect(result.summary).toContain('credential not stored');
    expect(result.summary).toContain('revoked (reason not-stored)');
    expect(await publicStatus(result.outputs['cert-url'] ?? '')).toMatchObject({
      status: 'revoked',
      revocation_reason: 'not-stored',
    });

    const verified = await runAction(VERIFY_YML, { with: { certificate: result.outputs['cert-url'] ?? '' } });
    expect(verified.code, verified.stdout + verified.stderr).toBe(1);
    expect(verified.outputs.status).toBe('revoked');
    expect(verified.outputs.valid).toBe('false');
    expect(JSON.parse(verified.outputs.reasons ?? '[]')).toEqual([
      expect.objectContaining({ code: 'REVOKED' }),
    ]);
  });

  it('a partial failure names exactly the stores that hold the new credential; the certificate stays valid', async () => {
    const good = 'file://./app.json#TOKEN';
    const bad = 'file://./busy.json#TOKEN';
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-ws-'));
    holdLockElsewhere(join(workspace, 'busy.json'));
    const result = await certify(
      1,
      { standard: 'SOC2', store: `${good}\n# the second one is held by another writer\n${bad}\n` },
      { workspace },
    );
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`The new credential IS stored in ${good}`);
    expect(errors[0]).toContain(`${bad}: `);
    expect(JSON.parse(result.outputs.stored ?? '')).toEqual([expect.objectContaining({ store: good })]);
    expect(result.summary).toContain('partly stored');
    expect((await publicStatus(result.outputs['cert-url'] ?? '')).status).toBe('valid');
    const credential = (await storedCredential(result.workspace, good)) as string;
    expectMaskedFirst(result, credential);
  });

  it('stored but the activation cannot reach the issuer: fails with ACTIVATION_FAILED, the certificate pending and how to activate it', async () => {
    const proxy = await startFaultProxy(issuer.url, [
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'refuse' },
    ]);
    try {
      const result = await certify(1, { standard: 'HIPAA', 'issuer-url': proxy.url });
      const errors = errorLines(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`The new credential IS stored in ${STORE}`);
      expect(errors[0]).toContain('is PENDING, not valid');
      expect(errors[0]).toContain(`passgeni activate ${result.outputs['cert-id'] ?? ''}`);
      expect(result.summary).toContain('credential stored, certificate not activated');
      expect(result.summary).toContain('pending, NOT valid');
      expect((await publicStatus(result.outputs['cert-url'] ?? '')).status).toBe('pending');
      expectMaskedFirst(result, (await storedCredential(result.workspace)) as string);

      const verified = await runAction(VERIFY_YML, {
        with: { certificate: result.outputs['cert-url'] ?? '' },
      });
      expect(verified.code, verified.stdout + verified.stderr).toBe(1);
      expect(verified.outputs.status).toBe('pending');
      expect(verified.outputs.valid).toBe('false');
      expect(JSON.parse(verified.outputs.reasons ?? '[]')).toEqual([
        expect.objectContaining({ code: 'PENDING' }),
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('require-fips-mode fails before anything happens when the runtime is not in FIPS mode', async () => {
    const result = await certify(1, { standard: 'HIPAA', 'require-fips-mode': 'true' });
    expect(errorLines(result)[0]).toContain('To go on without it, set require-fips-mode: false.');
    expect(readdirSync(result.workspace)).toEqual([]);
  });

  it('standard FIPS-140-3 fails before anything happens when the runtime is not in FIPS mode, saying how to enable it', async () => {
    const before = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    const result = await certify(1, { standard: 'FIPS-140-3' });
    const errors = errorLines(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('not in FIPS mode');
    expect(errors[0]).toContain('--enable-fips');
    expect(result.outputs).toEqual({});
    expect(readdirSync(result.workspace)).toEqual([]);
    const after = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    expect(after.certificates.length).toBe(before.certificates.length);
  });

  it('vault-auth jwt without the id-token permission fails with the permission to add, before generating', async () => {
    const store = 'vault://secret/app/db#password';
    const result = await certify(1, { standard: 'HIPAA', store, 'vault-auth': 'jwt', 'vault-role': 'ci' });
    expect(errorLines(result)[0]).toContain('id-token: write');
    expect(result.stdout).not.toContain('Policy:');
  });
});

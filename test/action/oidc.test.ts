import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, type CertifyInputs } from '../../src/action/certify.js';
import { getIdToken } from '../../src/action/oidc.js';
import { createRuntime } from '../../src/action/runtime.js';
import { isPassgeniError } from '../../src/errors.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { commandEscaped, expectMaskedFirst, parseOutputFile } from './support/run-action.js';

/**
 * Vault JWT login with GitHub's OIDC token, in-process so nock can stand in for the two services
 * that cannot run here: the runner's token endpoint and Vault. The issuer and the engine are real.
 * The token request goes through @actions/core's getIDToken, as in the bundle.
 */
const TOKEN_HOST = 'http://token.actions.test';
const TOKEN_URL = `${TOKEN_HOST}/_apis/idtoken?api-version=2.0`;
const REQUEST_TOKEN = 'runtime-request-token-0123456789';
const VAULT = 'http://vault.test:8200';
const VAULT_TOKEN = 'hvs.CAESIvaultclienttoken0123456789';
const AUDIENCE = 'https://vault.example.com';

let issuer: TestIssuer;
let oidcJwt: string;
const saved = {
  url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL,
  token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
};

beforeAll(async () => {
  issuer = await startTestIssuer({
    limits: { ipCertificatesPerHour: 0, keyRequestsPerMinute: 0, keyBurst: 0 },
  });
  const { privateKey } = await generateKeyPair('RS256');
  oidcJwt = await new SignJWT({
    repository: 'octo-org/app',
    ref: 'refs/heads/main',
    job_workflow_ref: 'octo-org/app/.github/workflows/rotate.yml@refs/heads/main',
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-kid' })
    .setIssuer('https://token.actions.githubusercontent.com')
    .setSubject('repo:octo-org/app:ref:refs/heads/main')
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
});
afterAll(async () => {
  await issuer?.close();
});
beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  // run() reports a failure as the runner expects, with exit code 1; not this test process's.
  process.exitCode = undefined;
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv('ACTIONS_ID_TOKEN_REQUEST_URL', saved.url);
  restoreEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token);
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function harness(extraEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'passgeni-oidc-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  let stdout = '';
  const runtime = createRuntime({
    env: { VAULT_ADDR: VAULT, GITHUB_WORKSPACE: dir, ...files, ...extraEnv },
    write: (text) => (stdout += text),
  });
  return {
    runtime,
    stdout: () => stdout,
    outputs: () => parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: () => readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

function inputs(overrides: Partial<CertifyInputs> = {}): CertifyInputs {
  return {
    standard: 'HIPAA',
    stores: ['vault://secret/app/db#password'],
    issuerUrl: issuer.url,
    apiKey: issuer.apiKey,
    oidcAudience: undefined,
    attest: false,
    githubToken: undefined,
    outputCredential: false,
    showSummary: true,
    requireFipsMode: false,
    access: { vaultAuth: 'jwt', vaultRole: 'ci-writer', vaultJwtAudience: AUDIENCE },
    ...overrides,
  };
}

async function certificateCount(): Promise<number> {
  return (await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 })).certificates
    .length;
}

describe('certify action: Vault JWT login with the GitHub OIDC token', () => {
  it('requests the token for the audience, logs in with it and the role, then writes KV with check-and-set', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: TOKEN_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    Object.assign(process.env, env);
    const tokenScope = nock(TOKEN_HOST)
      .get('/_apis/idtoken')
      .query({ 'api-version': '2.0', audience: AUDIENCE })
      .matchHeader('authorization', `Bearer ${REQUEST_TOKEN}`)
      .reply(200, { value: oidcJwt });
    let written: { options: { cas: number }; data: { password: string } } | undefined;
    const vaultScope = nock(VAULT)
      .post(
        '/v1/auth/jwt/login',
        (body: { role?: string; jwt?: string }) => body.role === 'ci-writer' && body.jwt === oidcJwt,
      )
      .reply(200, { auth: { client_token: VAULT_TOKEN, lease_duration: 300 } })
      .get('/v1/secret/data/app/db')
      .twice() // the pre-flight check, then the write's own read
      .matchHeader('x-vault-token', VAULT_TOKEN)
      .reply(404, { errors: [] })
      .post('/v1/sys/capabilities-self', { paths: ['secret/data/app/db', 'secret/metadata/app/db'] })
      .matchHeader('x-vault-token', VAULT_TOKEN)
      .reply(200, {
        'secret/data/app/db': ['create', 'update'],
        'secret/metadata/app/db': ['patch'],
        data: { 'secret/data/app/db': ['create', 'update'], 'secret/metadata/app/db': ['patch'] },
      })
      .post('/v1/secret/data/app/db', (body: typeof written) => {
        written = body;
        return true;
      })
      .matchHeader('x-vault-token', VAULT_TOKEN)
      .reply(200, { data: { version: 1 } })
      .patch(
        '/v1/secret/metadata/app/db',
        (body: { custom_metadata?: Record<string, string> }) =>
          typeof body.custom_metadata?.['passgeni-cert-url'] === 'string',
      )
      .matchHeader('x-vault-token', VAULT_TOKEN)
      .reply(204);

    const h = harness(env);
    const outcome = await run(inputs(), { runtime: h.runtime });
    expect(outcome.ok, h.stdout()).toBe(true);
    expect(tokenScope.isDone()).toBe(true);
    expect(vaultScope.isDone()).toBe(true);

    expect(written?.options.cas).toBe(0);
    const credential = written?.data.password as string;
    expect(credential).toMatch(/^[\x21-\x7e]{20}$/);
    const result = { stdout: h.stdout(), stderr: '' };
    expectMaskedFirst(result, credential);
    expectMaskedFirst(result, oidcJwt);
    // the token Vault hands back exists only at run time, and is masked as it arrives
    expectMaskedFirst(result, VAULT_TOKEN);
    expectMaskedFirst(result, issuer.apiKey);
    // The JWT is masked before the engine starts: before the policy line.
    const lines = h.stdout().split('\n');
    expect(lines.indexOf(`::add-mask::${commandEscaped(oidcJwt)}`)).toBeLessThan(
      lines.findIndex((l) => l.startsWith('Policy:')),
    );
    expect(JSON.parse(h.outputs().stored ?? '')).toEqual([
      { store: 'vault://secret/app/db#password', version: '1' },
    ]);
    expect(h.summary()).not.toContain(credential);
  });

  it('retries a failed token request, then logs in', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: TOKEN_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    Object.assign(process.env, env);
    const scope = nock(TOKEN_HOST)
      .get('/_apis/idtoken')
      .query(true)
      .reply(401, { message: 'token service hiccup' })
      .get('/_apis/idtoken')
      .query(true)
      .reply(200, { value: oidcJwt });
    const token = await getIdToken({ env, audience: AUDIENCE, purpose: 'vault-auth: jwt', baseDelayMs: 1 });
    expect(token).toBe(oidcJwt);
    expect(scope.isDone()).toBe(true);
  });

  it('gives up after the attempts with the reason', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: TOKEN_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    Object.assign(process.env, env);
    nock(TOKEN_HOST).get('/_apis/idtoken').query(true).times(3).reply(403, { message: 'denied' });
    const error = await getIdToken({
      env,
      audience: undefined,
      purpose: 'vault-auth: jwt',
      baseDelayMs: 1,
    }).catch((e: unknown) => e);
    expect(isPassgeniError(error) && error.code).toBe('OIDC_TOKEN_FAILED');
    expect(String((error as Error).message)).toContain('after 3 attempts');
  });

  it('without the id-token permission fails with the fix, before anything is generated or certified', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const vaultScope = nock(VAULT).post(/.*/).reply(500).get(/.*/).reply(500);
    const before = await certificateCount();
    const h = harness({});
    let opened = 0;
    const outcome = await run(inputs(), {
      runtime: h.runtime,
      openStore: async () => {
        opened++;
        throw new Error('no store may be opened');
      },
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && isPassgeniError(outcome.error) && outcome.error.code).toBe(
      'OIDC_PERMISSION_MISSING',
    );
    const errors = h
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('id-token: write');
    expect(errors[0]).toContain('ACTIONS_ID_TOKEN_REQUEST_URL is not set');
    expect(h.stdout()).not.toContain('Policy:');
    expect(opened).toBe(0);
    expect(vaultScope.isDone()).toBe(false);
    expect(await certificateCount()).toBe(before);
    expect(h.outputs()).toEqual({});
  });

  it('vault-auth jwt needs vault-role', async () => {
    const h = harness({
      ACTIONS_ID_TOKEN_REQUEST_URL: TOKEN_URL,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    });
    const outcome = await run(inputs({ access: { vaultAuth: 'jwt' } }), { runtime: h.runtime });
    expect(outcome.ok).toBe(false);
    expect(h.stdout()).toContain("::error::Input 'vault-role' is required with vault-auth: jwt");
  });
});

describe('certify action: Doppler service-account identity with the GitHub OIDC token', () => {
  it('requests the token for the audience, exchanges it at Doppler, writes with the short-lived token, and masks both', async () => {
    const identity = '2b9e7a30-4c1f-4d8e-9a6b-5f3c2e1d0a97';
    const shortLived = 'dp.said.EXAMPLEshortlivedEXAMPLEtoken001';
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: TOKEN_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN };
    Object.assign(process.env, env);
    const tokenScope = nock(TOKEN_HOST)
      .get('/_apis/idtoken')
      .query({ 'api-version': '2.0', audience: 'doppler' })
      .reply(200, { value: oidcJwt });
    const exchange = nock('https://api.doppler.com')
      .post('/v3/auth/oidc', { identity, token: oidcJwt })
      .reply(200, { success: true, token: shortLived });
    let written: string | undefined;
    const api = nock('https://api.doppler.com')
      .matchHeader('authorization', `Bearer ${shortLived}`)
      .get('/v3/configs/config/secret')
      .query(true)
      .times(2)
      .reply(404, { messages: ['Could not find requested secret'], success: false })
      .post('/v3/configs/config/secrets', (body: { change_requests: { value: string }[] }) => {
        written = body.change_requests[0]?.value;
        return true;
      })
      .reply(200, { secrets: {}, success: true })
      .post('/v3/configs/config/secrets/note')
      .reply(200, { success: true });
    const h = harness(env);
    const outcome = await run(
      inputs({
        stores: ['doppler://backend/prd/DB_PASSWORD'],
        access: { dopplerIdentity: identity, dopplerOidcAudience: 'doppler' },
      }),
      { runtime: h.runtime },
    );
    expect(outcome.ok, h.stdout()).toBe(true);
    expect(tokenScope.isDone() && exchange.isDone() && api.isDone()).toBe(true);
    const result = { stdout: h.stdout(), stderr: '' };
    expectMaskedFirst(result, oidcJwt);
    expectMaskedFirst(result, shortLived);
    expectMaskedFirst(result, written as string);
  });
});

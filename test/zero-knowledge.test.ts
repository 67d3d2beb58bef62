import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import dotenv from 'dotenv';
import sodium from 'libsodium-wrappers';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../adapters/index.js';
import { certifyAndStore, CertifyStoreError } from '../src/engine.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostedIssuerClient, HttpIssuerClient } from '../src/issuer-client/index.js';
import { runCli } from './support/cli.js';
import { startTestIssuer, type TestIssuer } from './support/issuer-server.js';
import { startCapturingProxy, type CapturingProxy } from './support/tcp-proxy.js';

/**
 * DESIGN §3: the credential is sent only to the stores the user names. These tests capture
 * everything that leaves the process — issuer traffic (through a recording TCP proxy), store
 * requests (nock), stdout/stderr and console output, errors, and the CLI's JSON — and check
 * that the credential appears only in the store-write request bodies.
 */
const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
const VAULT = 'https://vault.test:8200';
const VAULT_TOKEN = 'hvs.CAESIzeroknowledgetesttoken0001';
const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  VAULT_ADDR: VAULT,
  VAULT_TOKEN,
};

let issuer: TestIssuer;
let proxy: CapturingProxy;
let dir: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});
beforeEach(async () => {
  proxy = await startCapturingProxy(issuer.url);
  dir = mkdtempSync(join(tmpdir(), 'passgeni-zk-'));
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  await proxy.close();
  nock.cleanAll();
  nock.enableNetConnect();
  vi.restoreAllMocks();
});

/** Every store request, as the adapter sent it on the wire. */
function recordStoreTraffic(): Array<{ call: string; body: string }> {
  const seen: Array<{ call: string; body: string }> = [];
  const aws = (target: string, reply: object) =>
    nock(AWS)
      .post('/', (body: unknown) => {
        seen.push({ call: `aws ${target}`, body: JSON.stringify(body) });
        return true;
      })
      .matchHeader('x-amz-target', `secretsmanager.${target}`)
      .reply(200, reply, AWS_JSON);
  aws('DescribeSecret', { ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf' });
  aws('GetSecretValue', { VersionId: 'aaaaaaaa-0000-4000-8000-000000000001', SecretString: 'previous' });
  aws('PutSecretValue', { VersionId: 'bbbbbbbb-0000-5000-8000-000000000002' });
  aws('UpdateSecretVersionStage', {});
  aws('UpdateSecretVersionStage', {});
  aws('TagResource', {});
  const vault = nock(VAULT)
    .get('/v1/secret/data/app/db')
    .twice() // the pre-flight check, then the write's own read
    .reply(200, '{"data":{"data":{"password":"previous","user":"svc"},"metadata":{"version":3}}}', {
      'content-type': 'application/json',
    })
    .post('/v1/sys/capabilities-self')
    .reply(200, {
      'secret/data/app/db': ['create', 'read', 'update'],
      'secret/metadata/app/db': ['patch', 'read'],
    })
    .post('/v1/secret/data/app/db')
    .reply(200, { data: { version: 4 } })
    .patch('/v1/secret/metadata/app/db')
    .reply(204);
  // the data write is the only POST; metadata goes by PATCH (nock 15 gives no path here)
  vault.on('request', (req: { method: string }, _interceptor: unknown, body: string) =>
    seen.push({ call: `vault ${req.method}`, body: body ?? '' }),
  );
  return seen;
}

describe('zero knowledge: the credential leaves the process only in store writes', () => {
  it('in-process run: issuer traffic, store metadata, logs and the report are clean', async () => {
    const storeTraffic = recordStoreTraffic();
    const logged: string[] = [];
    const capture = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void logged.push(args.map(String).join(' ')),
      );
    }
    const envFile = join(dir, 'app.env');
    const report = await certifyAndStore(
      {
        standard: 'HIPAA',
        length: 24,
        stores: [`file://${envFile}#DB_PASSWORD`, 'aws-sm://prod/db', 'vault://secret/app/db#password'],
        bind: true,
        label: 'prod/db/admin',
      },
      {
        issuer: new HttpIssuerClient({ url: proxy.url, apiKey: issuer.apiKey }),
        openStore: (uri) => openStore(uri, { env, baseDir: dir, aws: { maxAttempts: 1 } }),
        onProgress: (event) => console.info(JSON.stringify(event)),
      },
    );
    vi.restoreAllMocks();
    expect(nock.pendingMocks()).toEqual([]);
    const credential = report.credential;
    expect(credential).toHaveLength(24);

    // where it must be: the value writes
    expect(dotenv.parse(readFileSync(envFile)).DB_PASSWORD).toBe(credential);
    const carrying = storeTraffic.filter(
      (t) => t.body.includes(JSON.stringify(credential).slice(1, -1)) || t.body.includes(credential),
    );
    expect(carrying.map((t) => t.call).sort()).toEqual(['aws PutSecretValue', 'vault POST']);

    // where it must not be
    const issuerBytes = proxy.captured();
    expect(issuerBytes).toContain('POST /api/v1/sessions');
    expect(issuerBytes).toContain('POST /api/v1/certificates');
    expect(issuerBytes).not.toContain(credential);
    expect(issuerBytes).not.toContain(JSON.stringify(credential).slice(1, -1));
    expect(logged.join('\n')).not.toContain(credential);
    const { credential: _omitted, ...published } = report;
    expect(JSON.stringify(published)).not.toContain(credential);
    expect(Buffer.from(report.certificate.split('.')[1] ?? '', 'base64url').toString()).not.toContain(
      credential,
    );
    expect(report.cert_url).not.toContain(credential);
    // nothing besides the store file, its sidecar and its backup was written to disk
    expect(readdirSync(dir).sort()).toEqual(['app.env', 'app.env.passgeni.json']);
    expect(readFileSync(join(dir, 'app.env.passgeni.json'), 'utf8')).not.toContain(credential);
  });

  it('a failing run: the error, its JSON and its stack never carry the credential', async () => {
    nock(VAULT)
      .get('/v1/secret/data/app/db')
      .reply(200, '{"data":{"data":{"password":"previous"},"metadata":{"version":3}}}', {
        'content-type': 'application/json',
      })
      .post('/v1/secret/data/app/db')
      .reply(403, { errors: ['permission denied'] });
    const envFile = join(dir, 'ok.env');
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${envFile}#K`, 'vault://secret/app/db#password'] },
      {
        issuer: new HttpIssuerClient({ url: proxy.url, apiKey: issuer.apiKey }),
        openStore: (uri) => openStore(uri, { env, baseDir: dir, retry: { maxAttempts: 1 } }),
      },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    const credential = dotenv.parse(readFileSync(envFile)).K ?? '';
    expect(credential).toHaveLength(20);
    expect(error).toBeInstanceOf(CertifyStoreError);
    for (const surface of [
      error.message,
      String(error),
      JSON.stringify(error),
      JSON.stringify(error.details),
      error.stack ?? '',
    ]) {
      expect(surface).not.toContain(credential);
    }
    expect(proxy.captured()).not.toContain(credential);
  });

  it('the CLI: stdout, stderr and the JSON report are clean unless --output-credential is given', async () => {
    const args = [
      'certify',
      '--standard',
      'HIPAA',
      '--store',
      'file://./ci.env#DEPLOY_TOKEN',
      '--issuer-url',
      proxy.url,
      '--api-key',
      issuer.apiKey,
      '--bind',
      '--json',
    ];
    const run = await runCli(args, { cwd: dir });
    expect(run.code).toBe(0);
    const credential = dotenv.parse(readFileSync(join(dir, 'ci.env'))).DEPLOY_TOKEN ?? '';
    expect(credential).toHaveLength(20);
    expect(run.stdout).not.toContain(credential);
    expect(run.stderr).not.toContain(credential);
    expect(JSON.parse(run.stdout).credential).toBeUndefined();
    expect(proxy.captured()).not.toContain(credential);
    // and the API key itself is never echoed either
    expect(run.stdout + run.stderr).not.toContain(issuer.apiKey);

    const optIn = await runCli([...args, '--output-credential'], { cwd: dir });
    expect(optIn.code).toBe(0);
    const second = dotenv.parse(readFileSync(join(dir, 'ci.env'))).DEPLOY_TOKEN;
    expect(JSON.parse(optIn.stdout).credential).toBe(second);
  });

  it('GitHub, Google Cloud and Azure: the credential leaves only in their value writes (GitHub: only sealed)', async () => {
    await sodium.ready;
    const keys = sodium.crypto_box_keypair();
    const ghToken = 'ghs_ZEROknowledgeInstallationToken0001';
    const gcpToken = 'ya29.ZEROknowledgeAccessToken0001';
    const azureToken = 'eyJ0eXAiOiJKV1QifQ.ZEROknowledgeAzureToken.0001';
    const seen: Array<{ call: string; body: string; headers: string }> = [];
    const record = (name: string, scope: nock.Scope) =>
      scope.on(
        'request',
        (req: { method: string; url: string; headers: unknown }, _i: unknown, body: string) =>
          seen.push({
            call: `${name} ${req.method} ${new URL(req.url).pathname}`,
            body: body ?? '',
            headers: JSON.stringify(req.headers),
          }),
      );
    const repo = '/repos/acme/api/actions';
    const gh = nock('https://api.github.com')
      .get(`${repo}/secrets/public-key`)
      .twice() // the pre-flight check, then the write
      .reply(200, { key_id: '42', key: sodium.to_base64(keys.publicKey, sodium.base64_variants.ORIGINAL) })
      .get(`${repo}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .twice()
      .reply(404, { message: 'Not Found' })
      .put(`${repo}/secrets/DB_PASSWORD`)
      .reply(201)
      .post(`${repo}/variables`)
      .reply(201, {});
    record('gh', gh);
    const secret = '/v1/projects/acme-prod/secrets/db-password';
    const gcp = nock('https://secretmanager.googleapis.com')
      .get(secret)
      .query(true)
      .twice()
      .reply(200, { name: 'projects/1/secrets/db-password', etag: '"e1"', labels: {}, annotations: {} })
      .post(`${secret}:testIamPermissions`)
      .query(true)
      .reply(200, { permissions: ['secretmanager.versions.add', 'secretmanager.secrets.update'] })
      .post(`${secret}:addVersion`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/2' })
      .patch(secret)
      .query(true)
      .reply(200, {});
    record('gcp', gcp);
    const vaultHost = 'https://acme-prod.vault.azure.net';
    const challenge = nock(vaultHost, { badheaders: ['authorization'] })
      .get('/secrets/db-password/')
      .query(true)
      .reply(401, '', {
        'www-authenticate':
          'Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"',
      });
    record('azure', challenge);
    const azure = nock(vaultHost)
      .matchHeader('authorization', `Bearer ${azureToken}`)
      .get('/secrets/db-password/')
      .query(true)
      .twice()
      .reply(404, { error: { code: 'SecretNotFound', message: 'not found' } })
      .put('/secrets/db-password')
      .query(true)
      .reply(200, { id: `${vaultHost}/secrets/db-password/v2`, attributes: { enabled: true } });
    record('azure', azure);
    // A second pre-flight store instance per run re-answers the challenge.
    nock(vaultHost, { badheaders: ['authorization'] })
      .get('/secrets/db-password/')
      .query(true)
      .optionally()
      .reply(401, '', {
        'www-authenticate':
          'Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net"',
      });

    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void logged.push(args.map(String).join(' ')),
      );
    }
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: gcpToken, expiry_date: Date.now() + 3_600_000 });
    const report = await certifyAndStore(
      {
        standard: 'HIPAA',
        length: 24,
        stores: [
          'gh://acme/api/DB_PASSWORD',
          'gcp-sm://acme-prod/db-password',
          'azure-kv://acme-prod/db-password',
        ],
      },
      {
        issuer: new HttpIssuerClient({ url: proxy.url, apiKey: issuer.apiKey }),
        openStore: (uri) =>
          openStore(uri, {
            env: { PASSGENI_GITHUB_TOKEN: ghToken },
            gcp: { authClient },
            azure: {
              credential: {
                getToken: () =>
                  Promise.resolve({ token: azureToken, expiresOnTimestamp: Date.now() + 3_600_000 }),
              },
            },
            retry: { maxAttempts: 1 },
          }),
        onProgress: (event) => console.info(JSON.stringify(event)),
      },
    );
    vi.restoreAllMocks();
    expect(nock.pendingMocks()).toEqual([]);
    const credential = report.credential;
    expect(credential).toHaveLength(24);
    expect(report.stored.map((s) => s.store)).toEqual([
      'gh://acme/api/DB_PASSWORD',
      'gcp-sm://acme-prod/db-password',
      'azure-kv://acme-prod/db-password',
    ]);

    const forms = [
      credential,
      JSON.stringify(credential).slice(1, -1),
      Buffer.from(credential).toString('base64'),
    ];
    const carrying = seen.filter((t) => forms.some((f) => t.body.includes(f) || t.headers.includes(f)));
    expect(carrying.map((t) => t.call)).toEqual([
      `gcp POST ${secret}:addVersion`,
      'azure PUT /secrets/db-password',
    ]);
    // GitHub received it only sealed: the box opens, with GitHub's private key, to the credential
    const put = seen.find((t) => t.call === `gh PUT ${repo}/secrets/DB_PASSWORD`);
    const sealed = (JSON.parse(put?.body ?? '{}') as { encrypted_value: string }).encrypted_value;
    const opened = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
      keys.publicKey,
      keys.privateKey,
    );
    expect(sodium.to_string(opened)).toBe(credential);

    const issuerBytes = proxy.captured();
    expect(issuerBytes).not.toContain(credential);
    expect(logged.join('\n')).not.toContain(credential);
    const { credential: _omitted, ...published } = report;
    expect(JSON.stringify(published)).not.toContain(credential);
  });

  it('the hosted PassGeni issuer: every byte sent to it is free of the credential', async () => {
    const received: string[] = [];
    const hosted = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(
          `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${Buffer.concat(chunks).toString()}`,
        );
        res.writeHead(req.url === '/api/issue-session' ? 200 : 201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            req.url === '/api/issue-session'
              ? {
                  session_token: 'sess_zk',
                  expires_in: 300,
                  compliance_valid: true,
                  gaps: [],
                  standards_met: ['HIPAA'],
                }
              : {
                  cert_id: 'zk-cert-1',
                  cert_url: 'https://passgeni.ai/cert/zk-cert-1',
                  compliance_standard: 'HIPAA',
                  standards_met: ['HIPAA'],
                  entropy_bits: 150,
                  expires_at: '2027-12-03T00:00:00.000Z',
                  created_at: '2026-12-03T00:00:00.000Z',
                },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => hosted.listen(0, '127.0.0.1', resolve));
    try {
      const envFile = join(dir, 'hosted.env');
      const report = await certifyAndStore(
        { standard: 'HIPAA', length: 24, stores: [`file://${envFile}#DB_PASSWORD`] },
        {
          issuer: new HostedIssuerClient({
            url: `http://127.0.0.1:${(hosted.address() as AddressInfo).port}`,
            apiKey: 'pk_live_ZEROknowledgeHostedKey0001',
          }),
          openStore: (uri) => openStore(uri, { baseDir: dir }),
        },
      );
      const credential = dotenv.parse(readFileSync(envFile)).DB_PASSWORD ?? '';
      expect(credential).toBe(report.credential);
      expect(received).toHaveLength(2);
      for (const bytes of received) {
        expect(bytes).not.toContain(credential);
        expect(bytes).not.toContain(JSON.stringify(credential).slice(1, -1));
        expect(bytes).not.toContain(Buffer.from(credential).toString('base64'));
      }
      expect(report.cert_url).toBe('https://passgeni.ai/cert/zk-cert-1');
    } finally {
      await new Promise((resolve) => hosted.close(resolve));
    }
  });
});

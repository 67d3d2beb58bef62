import { generateKeyPairSync, createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import type { HandlerFn } from '@sigstore/mock';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CertifyInputs } from '../../src/action/certify.js';
import { run as rotate, type RotateInputs } from '../../src/action/rotate.js';
import { createRuntime } from '../../src/action/runtime.js';
import type { RotationReport } from '../../src/rotation/index.js';
import { runCli } from '../support/cli.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { startOidcProvider, type OidcProvider } from '../support/oidc-provider.js';
import { parseOutputFile } from './support/run-action.js';

/**
 * `attest: true`: the certify action attests its certificate with @actions/attest, against
 * Sigstore doubles (@sigstore/mock's Fulcio with a CT log, and Rekor, behind nock) and nock for
 * the GitHub attestations API; the job's OIDC tokens come from a real provider on loopback, which
 * the real issuer also trusts (keyless). `passgeni verify --attestation` then checks the bundle
 * with @sigstore/verify against the doubles' trust root — and refuses it for another certificate
 * or from another workflow.
 */
const FULCIO = 'https://fulcio.sigstore.dev';
const REKOR = 'https://rekor.sigstore.dev';
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

let provider: OidcProvider;
let issuer: TestIssuer;
let dir: string;
let trustedRootFile: string;
let attestationsApi: nock.Interceptor;
const saved = { ...process.env };

/** A Sigstore double behind nock (nock 15 hands a reply function the fetch Request). */
function serve(base: string, handler: { path: string; fn: HandlerFn }): void {
  nock(base)
    .persist()
    .post(handler.path)
    .reply(async (request: Request) => {
      const { statusCode, response, contentType } = await handler.fn(await request.text());
      return [statusCode, response, { 'content-type': contentType ?? 'application/json' }];
    });
}

function asStoredDsse(body: string): string {
  const entry = JSON.parse(body) as {
    kind: string;
    apiVersion: string;
    spec: { proposedContent?: { envelope: string; verifiers: string[] } };
  };
  const proposed = entry.spec.proposedContent;
  if (entry.kind !== 'dsse' || proposed === undefined) return body;
  const envelope = JSON.parse(proposed.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  return JSON.stringify({
    kind: 'dsse',
    apiVersion: entry.apiVersion,
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(proposed.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((sig, i) => ({
        signature: sig.sig,
        verifier: proposed.verifiers[i],
      })),
    },
  });
}

beforeAll(async () => {
  provider = await startOidcProvider();
  issuer = await startTestIssuer({
    oidc: { trust: [provider.issuer], policies: ['repository_owner=acme:ci'] },
  });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-attest-'));

  const ctKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const tlogKeys = keyPair();
  const tlog = await initializeTLog(REKOR, tlogKeys);
  serve(FULCIO, fulcioHandler(ca, { strict: true, subjectClaim: 'fulcio_subject' }));
  // Rekor stores a DSSE entry canonicalised (signatures and hashes, not the proposed envelope);
  // the double logs what it is given, so it is given what Rekor would store
  const rekor = rekorHandler(tlog);
  serve(REKOR, { path: rekor.path, fn: (body) => rekor.fn(asStoredDsse(String(body))) });
  attestationsApi = nock('https://api.github.com').persist().post('/repos/acme/infra/attestations');
  attestationsApi.reply(201, { id: 4242 });
  nock.enableNetConnect(/127\.0\.0\.1/);

  const der = (key: ReturnType<typeof keyPair>['publicKey']) => key.export({ format: 'der', type: 'spki' });
  const logKey = (key: Buffer, url: string) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: key.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: '2000-01-01T00:00:00Z' },
    },
    logId: { keyId: createHash('sha256').update(key).digest('base64') },
  });
  trustedRootFile = join(dir, 'trusted_root.json');
  writeFileSync(
    trustedRootFile,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [logKey(der(tlogKeys.publicKey), REKOR)],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: FULCIO,
          certChain: {
            certificates: [
              {
                rawBytes: Buffer.from(
                  ca.rootCertificate.buffer,
                  ca.rootCertificate.byteOffset,
                  ca.rootCertificate.byteLength,
                ).toString('base64'),
              },
            ],
          },
          validFor: { start: '2000-01-01T00:00:00Z' },
        },
      ],
      ctlogs: [logKey(der(ctKeys.publicKey), 'https://ctfe.sigstore.mock')],
      timestampAuthorities: [],
    }),
  );
  // a public repository's run: @actions/attest signs with Sigstore's public-good instance
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ repository: { full_name: 'acme/infra', visibility: 'public' } }));
  Object.assign(process.env, {
    GITHUB_EVENT_PATH: event,
    ACTIONS_ID_TOKEN_REQUEST_URL: provider.tokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: provider.tokenRequestToken,
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
  });
});

afterAll(async () => {
  process.exitCode = undefined;
  nock.cleanAll();
  nock.enableNetConnect();
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  await issuer?.close();
  await provider?.close();
});

async function certify(
  label: string,
  options: { stores?: string[]; env?: Record<string, string>; githubToken?: string } = {},
) {
  const files = {
    GITHUB_OUTPUT: join(dir, `${label}-output`),
    GITHUB_STEP_SUMMARY: join(dir, `${label}-summary`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  let stdout = '';
  const runtime = createRuntime({
    env: { ...process.env, GITHUB_WORKSPACE: dir, ...files, ...options.env },
    write: (t) => (stdout += t),
  });
  const inputs: CertifyInputs = {
    standard: 'HIPAA',
    stores: options.stores ?? [`file://./${label}.json#PASSWORD`],
    issuerUrl: issuer.url,
    apiKey: undefined,
    oidcAudience: undefined,
    attest: true,
    githubToken: options.githubToken ?? 'ghs_test-token-for-the-attestations-api',
    outputCredential: false,
    showSummary: true,
    requireFipsMode: false,
    access: {},
  } as CertifyInputs;
  const outcome = await run(inputs, { runtime });
  return {
    outcome,
    stdout,
    outputs: parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

async function verifyWith(jwt: string, bundle: string) {
  const jwtFile = join(dir, `cert-${Math.random().toString(36).slice(2)}.jwt`);
  const bundleFile = `${jwtFile}.sigstore.json`;
  writeFileSync(jwtFile, jwt);
  writeFileSync(bundleFile, bundle);
  return runCli([
    'verify',
    jwtFile,
    '--jwks',
    `${issuer.url}/.well-known/jwks.json`,
    '--attestation',
    bundleFile,
    '--attestation-trusted-root',
    trustedRootFile,
    '--json',
  ]);
}

/**
 * GitHub's attestations API for the CLI, which runs in its own process (where nock cannot reach):
 * a loopback server that answers as GitHub does and records every request, so each is asserted.
 */
async function githubApi(answer: (path: string) => [number, unknown]) {
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    const [status, body] = answer(request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function verifyAuto(jwt: string, api: string, env: Record<string, string> = {}) {
  const jwtFile = join(dir, `auto-${Math.random().toString(36).slice(2)}.jwt`);
  writeFileSync(jwtFile, jwt);
  return runCli(
    [
      'verify',
      jwtFile,
      '--jwks',
      `${issuer.url}/.well-known/jwks.json`,
      '--attestation',
      'auto',
      '--attestation-trusted-root',
      trustedRootFile,
      '--json',
    ],
    { env: { GITHUB_API_URL: api, GITHUB_TOKEN: '', GH_TOKEN: '', ...env } },
  );
}

async function jwtOf(certUrl: string): Promise<string> {
  const response = await fetch(certUrl, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { certificate: string }).certificate;
}

describe('certify action: attest: true', () => {
  let first: Awaited<ReturnType<typeof certify>>;
  let jwt: string;

  beforeAll(async () => {
    first = await certify('first');
    jwt = await jwtOf(first.outputs['cert-url'] ?? '');
  });

  it('attests the certificate and puts the attestation URL in the outputs and the summary', () => {
    expect(first.outcome.ok, first.stdout + String((first.outcome as { error?: Error }).error?.message)).toBe(
      true,
    );
    expect(first.outputs['attestation-url']).toBe('https://github.com/acme/infra/attestations/4242');
    expect(first.summary).toContain('https://github.com/acme/infra/attestations/4242');
    const bundle = JSON.parse(first.outputs['attestation-bundle'] ?? '{}');
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    expect(statement.predicateType).toBe('https://passgeni.ai/attestation/certificate/v1');
    expect(statement.subject[0].digest.sha256).toBe(createHash('sha256').update(jwt).digest('hex'));
    expect(statement.predicate.cert_url).toBe(first.outputs['cert-url']);
    expect(statement.predicate.workload.repository).toBe('acme/infra');
  });

  it("writes the attestation URL into the file store's certificate record, beside the certificate URL", () => {
    const sidecar = JSON.parse(readFileSync(join(dir, 'first.json.passgeni.json'), 'utf8'));
    expect(sidecar.PASSWORD).toMatchObject({
      cert_url: first.outputs['cert-url'],
      attestation_url: 'https://github.com/acme/infra/attestations/4242',
    });
  });

  it('passgeni verify --attestation accepts the bundle: signature, Rekor inclusion, signed by the workflow', async () => {
    const r = await verifyWith(jwt, first.outputs['attestation-bundle'] ?? '');
    const report = JSON.parse(r.stdout);
    expect(report.attestation, r.stdout + r.stderr).toMatchObject({
      valid: true,
      signer: {
        subject_alternative_name:
          'https://github.com/acme/infra/.github/workflows/rotate.yml@refs/heads/main',
        issuer: provider.issuer,
      },
    });
    expect(report.valid).toBe(true);
    expect(r.code).toBe(0);
  });

  it('verify --attestation auto fetches the bundle by the certificate digest from the repository the workload names', async () => {
    const digest = createHash('sha256').update(jwt).digest('hex');
    const bundle = JSON.parse(first.outputs['attestation-bundle'] ?? '{}');
    const api = await githubApi(() => [200, { attestations: [{ repository_id: 123456789, bundle }] }]);
    try {
      const token = 'ghp_auditor-token-for-private-repositories';
      const r = await verifyAuto(jwt, api.url, { GITHUB_TOKEN: token });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.attestation).toMatchObject({
        valid: true,
        signer: {
          subject_alternative_name:
            'https://github.com/acme/infra/.github/workflows/rotate.yml@refs/heads/main',
        },
        source: `${api.url}/repos/acme/infra/attestations/sha256:${digest}`,
      });
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.path).toBe(`/repos/acme/infra/attestations/sha256:${digest}?per_page=30`);
      expect(api.requests[0]?.headers).toMatchObject({
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      });
      expect(r.stdout + r.stderr).not.toContain(token);
    } finally {
      await api.close();
    }
  });

  it('verify --attestation auto holds any one of several bundles, and does not trust GitHub: a bundle for another certificate is refused', async () => {
    const second = await certify('auto-second');
    const secondBundle = JSON.parse(second.outputs['attestation-bundle'] ?? '{}');
    const firstBundle = JSON.parse(first.outputs['attestation-bundle'] ?? '{}');
    const both = await githubApi(() => [
      200,
      { attestations: [{ bundle: secondBundle }, { bundle: firstBundle }] },
    ]);
    const wrong = await githubApi(() => [200, { attestations: [{ bundle: secondBundle }] }]);
    try {
      const ok = await verifyAuto(jwt, both.url);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).attestation.valid).toBe(true);
      // no token given: none is sent
      expect(both.requests[0]?.headers.authorization).toBeUndefined();
      const refused = await verifyAuto(jwt, wrong.url);
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout).attestation.reasons[0].code).toBe('ATTESTATION_SUBJECT_MISMATCH');
      expect(wrong.requests).toHaveLength(1);
    } finally {
      await both.close();
      await wrong.close();
    }
  });

  it('verify --attestation auto: none on GitHub is not valid (exit 1); a refused token is a clear error (exit 2)', async () => {
    const missing = await githubApi(() => [404, { message: 'Not Found' }]);
    const denied = await githubApi(() => [
      403,
      { message: 'Resource not accessible by personal access token' },
    ]);
    try {
      const none = await verifyAuto(jwt, missing.url);
      expect(none.code).toBe(1);
      const reason = JSON.parse(none.stdout).attestation.reasons[0];
      expect(reason.code).toBe('ATTESTATION_NOT_FOUND');
      expect(reason.message).toContain('set GITHUB_TOKEN or GH_TOKEN');
      expect(missing.requests).toHaveLength(1);

      const refused = await verifyAuto(jwt, denied.url, { GH_TOKEN: 'ghp_without-access' });
      expect(refused.code).toBe(2);
      expect(refused.stdout + refused.stderr).toContain('ATTESTATION_FETCH_DENIED');
      expect(refused.stdout + refused.stderr).not.toContain('ghp_without-access');
      expect(denied.requests[0]?.headers.authorization).toBe('Bearer ghp_without-access');
    } finally {
      await missing.close();
      await denied.close();
    }
  });

  it('verify --attestation auto refuses a plain-http GitHub API off loopback before sending the token', async () => {
    const r = await verifyAuto(jwt, 'http://github.example.test/api/v3', { GITHUB_TOKEN: 'ghp_x' });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('GITHUB_API_URL must be an https URL');
  });

  it('refuses the bundle for another certificate', async () => {
    const second = await certify('second');
    const otherJwt = await jwtOf(second.outputs['cert-url'] ?? '');
    const r = await verifyWith(otherJwt, first.outputs['attestation-bundle'] ?? '');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).attestation.reasons[0].code).toBe('ATTESTATION_SUBJECT_MISMATCH');
  });

  it('refuses a bundle signed by another workflow than the one that requested the certificate', async () => {
    // the issuer's token names rotate.yml; the token Fulcio certifies names other.yml
    provider.sigstoreOverrides = {
      job_workflow_ref: 'acme/infra/.github/workflows/other.yml@refs/heads/main',
    };
    try {
      const mixed = await certify('mixed');
      expect(mixed.outcome.ok, mixed.stdout).toBe(true);
      const mixedJwt = await jwtOf(mixed.outputs['cert-url'] ?? '');
      const r = await verifyWith(mixedJwt, mixed.outputs['attestation-bundle'] ?? '');
      expect(r.code).toBe(1);
      const attestation = JSON.parse(r.stdout).attestation;
      expect(attestation.reasons[0].code).toBe('ATTESTATION_WRONG_SIGNER');
      expect(attestation.reasons[0].message).toContain('rotate.yml');
    } finally {
      provider.sigstoreOverrides = {};
    }
  });
});

describe('certify action: attest: true with an AWS store', () => {
  const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
  const aws = (target: string, match: (body: Record<string, unknown>) => boolean = () => true) =>
    nock(AWS)
      .post('/', (body: Record<string, unknown>) => match(body))
      .matchHeader('x-amz-target', `secretsmanager.${target}`);
  const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };

  it('tags the secret with the attestation URL beside the certificate URL', async () => {
    const tagged: Array<Record<string, unknown>> = [];
    aws('DescribeSecret').reply(200, { Name: 'prod/db' }, AWS_JSON);
    aws('GetSecretValue').reply(200, { VersionId: 'old-version', SecretString: 'previous' }, AWS_JSON);
    aws('PutSecretValue').reply(200, { VersionId: 'new-version' }, AWS_JSON);
    aws('UpdateSecretVersionStage').times(2).reply(200, {}, AWS_JSON);
    aws('TagResource', (body) => {
      tagged.push(body);
      return true;
    }).reply(200, {}, AWS_JSON);
    const run = await certify('aws', {
      stores: ['aws-sm://prod/db'],
      env: {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    });
    expect(run.outcome.ok, run.stdout).toBe(true);
    expect(nock.pendingMocks().filter((m) => m.includes('secretsmanager'))).toEqual([]);
    expect(tagged).toHaveLength(1);
    expect(tagged[0]?.Tags).toEqual([
      { Key: 'passgeni-cert-url', Value: run.outputs['cert-url'] },
      { Key: 'passgeni-cert-key', Value: '' },
      { Key: 'passgeni-attestation-url', Value: 'https://github.com/acme/infra/attestations/4242' },
      // no target: cleared
      { Key: 'passgeni-target', Value: '' },
    ]);
  });
});

describe('certify action: attest: true when attesting fails', () => {
  it('stores nothing and revokes the certificate: no credential is left with an unattested certificate', async () => {
    nock.removeInterceptor(attestationsApi);
    const refused = nock('https://api.github.com')
      .post('/repos/acme/infra/attestations')
      .reply(403, { message: 'Resource not accessible by integration' });
    try {
      const failed = await certify('unattested');
      expect(failed.outcome.ok).toBe(false);
      const error = (
        failed.outcome as { error: { code: string; message: string; details: { cert_url: string } } }
      ).error;
      expect(error.code).toBe('ATTESTATION_FAILED');
      expect(error.message).toMatch(/Nothing was stored.*revoked \(not-stored\)/);
      expect(failed.outputs['attestation-url']).toBeUndefined();
      expect(failed.outputs.stored).toBe('[]');
      expect(refused.isDone()).toBe(true);
      expect(existsSync(join(dir, 'unattested.json'))).toBe(false);
      expect(existsSync(join(dir, 'unattested.json.passgeni.json'))).toBe(false);
      const page = await fetch(error.details.cert_url, { headers: { accept: 'application/json' } });
      expect(((await page.json()) as { status: string }).status).toBe('revoked');
    } finally {
      attestationsApi = nock('https://api.github.com').persist().post('/repos/acme/infra/attestations');
      attestationsApi.reply(201, { id: 4242 });
    }
  });

  it('refuses before certifying when the job has no token for the attestations API: nothing is issued', async () => {
    const refused = await certify('no-token', { githubToken: '' });
    expect(refused.outcome.ok).toBe(false);
    expect((refused.outcome as { error: { code: string } }).error.code).toBe('ATTEST_TOKEN_MISSING');
    expect(refused.stdout).not.toMatch(/Asking the issuer|Certificate [0-9a-f-]{36}/);
    expect(existsSync(join(dir, 'no-token.json'))).toBe(false);
  });
});

describe('rotate action: attest: true', () => {
  it('attests each rotated certificate before storing it: URL in the report, the outputs, the summary and each store', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-attest-rotate-'));
    writeFileSync(
      join(workspace, 'passgeni.yml'),
      `version: 1
defaults:
  standard: SOC2
credentials:
  - id: orders-db
    stores: ['file://./orders.json#PASSWORD']
  - id: api-token
    standard: HIPAA
    stores: ['file://./api.json#TOKEN']
`,
    );
    const files = {
      GITHUB_OUTPUT: join(workspace, 'output'),
      GITHUB_STEP_SUMMARY: join(workspace, 'summary'),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    let stdout = '';
    const runtime = createRuntime({
      env: { ...process.env, GITHUB_WORKSPACE: workspace, ...files },
      write: (t) => (stdout += t),
    });
    const inputs: RotateInputs = {
      manifest: 'passgeni.yml',
      issuerUrl: issuer.url,
      apiKey: undefined,
      oidcAudience: undefined,
      dryRun: false,
      attest: true,
      githubToken: 'ghs_test-token-for-the-attestations-api',
      showSummary: true,
      access: {},
    };
    const outcome = await rotate(inputs, { runtime });
    expect(outcome.ok, stdout).toBe(true);
    const outputs = parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    const url = 'https://github.com/acme/infra/attestations/4242';
    expect(JSON.parse(outputs['attestation-urls'] ?? '{}')).toEqual({ 'orders-db': url, 'api-token': url });
    const report = JSON.parse(outputs.report ?? '{}') as RotationReport;
    expect(report.rotated.map((e) => e.attestation_url)).toEqual([url, url]);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toContain(`href="${url}"`);
    for (const [file, key] of [
      ['orders.json', 'PASSWORD'],
      ['api.json', 'TOKEN'],
    ] as const) {
      const record = JSON.parse(readFileSync(join(workspace, `${file}.passgeni.json`), 'utf8'))[key];
      const entry = report.rotated.find((e) => e.stored[0]?.includes(file));
      expect(record).toMatchObject({ cert_url: entry?.cert_url, attestation_url: url });
    }
  });

  it('refuses before rotating anything when the job has no OIDC identity to attest with', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-attest-rotate-'));
    writeFileSync(
      join(workspace, 'passgeni.yml'),
      "version: 1\ncredentials:\n  - id: orders-db\n    standard: SOC2\n    stores: ['file://./orders.json#PASSWORD']\n",
    );
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_WORKSPACE: workspace };
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    let stdout = '';
    const outcome = await rotate(
      {
        manifest: 'passgeni.yml',
        issuerUrl: issuer.url,
        apiKey: 'pg_live_unused',
        oidcAudience: undefined,
        dryRun: false,
        attest: true,
        githubToken: 'ghs_test-token-for-the-attestations-api',
        showSummary: false,
        access: {},
      },
      { runtime: createRuntime({ env, write: (t) => (stdout += t) }) },
    );
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: { code: string } }).error.code).toBe('OIDC_PERMISSION_MISSING');
    expect(stdout).not.toContain('orders-db: rotated');
    expect(existsSync(join(workspace, 'orders.json'))).toBe(false);
  });

  it('a credential whose attestation fails is not stored and its certificate is revoked; the others are still rotated', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'passgeni-attest-rotate-'));
    writeFileSync(
      join(workspace, 'passgeni.yml'),
      "version: 1\ndefaults:\n  standard: SOC2\ncredentials:\n  - id: one\n    stores: ['file://./one.json#P']\n  - id: two\n    stores: ['file://./two.json#P']\n",
    );
    nock.removeInterceptor(attestationsApi);
    const refusedOnce = nock('https://api.github.com')
      .post('/repos/acme/infra/attestations')
      .reply(403, { message: 'Resource not accessible by integration' });
    attestationsApi = nock('https://api.github.com').persist().post('/repos/acme/infra/attestations');
    attestationsApi.reply(201, { id: 4242 });
    const output = join(workspace, 'output');
    writeFileSync(output, '');
    let stdout = '';
    const outcome = await rotate(
      {
        manifest: 'passgeni.yml',
        issuerUrl: issuer.url,
        apiKey: undefined,
        oidcAudience: undefined,
        dryRun: false,
        attest: true,
        githubToken: 'ghs_test-token-for-the-attestations-api',
        showSummary: false,
        access: {},
      },
      {
        runtime: createRuntime({
          env: { ...process.env, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: output },
          write: (t) => (stdout += t),
        }),
      },
    );
    expect(outcome.ok).toBe(false);
    expect(refusedOnce.isDone()).toBe(true);
    const report = JSON.parse(parseOutputFile(readFileSync(output, 'utf8')).report ?? '{}') as RotationReport;
    expect(report.rotated).toHaveLength(1);
    expect(report.failed).toHaveLength(1);
    const failed = report.failed[0]!;
    expect(failed.code, stdout).toBe('ATTESTATION_FAILED');
    expect(failed.message).toMatch(/Nothing was stored.*revoked \(not-stored\)/);
    expect(existsSync(join(workspace, `${failed.id}.json`))).toBe(false);
    expect(failed.stored).toEqual([]);
    const rotated = report.rotated[0]!;
    expect(rotated.attestation_url).toBe('https://github.com/acme/infra/attestations/4242');
    expect(existsSync(join(workspace, `${rotated.id}.json`))).toBe(true);
  });
});

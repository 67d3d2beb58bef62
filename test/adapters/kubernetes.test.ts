import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { openStore } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import {
  ATTESTATION_URL_ANNOTATION,
  CERT_KEY_ANNOTATION,
  CERT_URL_ANNOTATION,
  TARGET_ANNOTATION,
} from '../../adapters/kubernetes.js';
import { StoreError } from '../../adapters/store.js';
import type { SecretStore } from '../../adapters/store.js';
import {
  CERT,
  expectAllCallsMade,
  expectNoSecrets,
  resetNock,
  stalledServer,
  storeError,
  writeFails,
} from './helpers.js';

const SERVER = 'https://k8s.test';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.k8s-service-account-token-EXAMPLE';
// A throwaway self-signed certificate (public part only): the kubeconfig looks like a real one,
// which makes client-node build its own TLS dispatcher for the request.
const CA_DATA =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJlekNDQVNHZ0F3SUJBZ0lVTVpRQXhmWWpmRTBqa051YTBqSXI3cU44Tk1Nd0NnWUlLb1pJemowRUF3SXcKRXpFUk1BOEdBMVVFQXd3SWF6aHpMblJsYzNRd0hoY05Nall4TVRJeU1USTBOVFE1V2hjTk1qWXhNVEkwTVRJMApOVFE1V2pBVE1SRXdEd1lEVlFRRERBaHJPSE11ZEdWemREQlpNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VICkEwSUFCSUc1V05VU1hyWlF6d1FVQkp4bHdZV3o0VVRnblFpQlFUVGgxMkl5Tlo4U2x5QlpPZUEvZ0NQdVoxRmoKZWlFYU8yZGU4Q255Q0FkMlNYT1Q5dmRrY1FHalV6QlJNQjBHQTFVZERnUVdCQlErVENTdWRFbnVVdkwvYllPbgpPSnlLc1dDaXpEQWZCZ05WSFNNRUdEQVdnQlErVENTdWRFbnVVdkwvYllPbk9KeUtzV0NpekRBUEJnTlZIUk1CCkFmOEVCVEFEQVFIL01Bb0dDQ3FHU000OUJBTUNBMGdBTUVVQ0lDN0R1aHZzZGozZEZ1UXpJa285bGUzcnJjMmQKWVo4UWJDV3hKRk8ybXFnR0FpRUFyV2kxNVh2eWFldGdMWkl1VUk2UDMrb3FjcjBpUG5zOWxWRXE3SE1oMzZnPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==';
const SECRET_PATH = '/api/v1/namespaces/payments/secrets/db-credentials';
const CREDENTIAL = 'Lm9#q"2\\x$Wz!7pK';
const WRITE = { credential: CREDENTIAL, ...CERT };
const b64 = (value: string): string => Buffer.from(value, 'utf8').toString('base64');

let dir: string;
let options: StoreOptions;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'passgeni-k8s-'));
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: test',
    '  cluster:',
    `    server: ${SERVER}`,
    `    certificate-authority-data: ${CA_DATA}`,
    'users:',
    '- name: ci',
    '  user:',
    `    token: ${TOKEN}`,
    'contexts:',
    '- name: test',
    '  context: {cluster: test, user: ci, namespace: default}',
    'current-context: test',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'kubeconfig'), kubeconfig, { mode: 0o600 });
  options = { env: { KUBECONFIG: path.join(dir, 'kubeconfig') }, retry: { maxAttempts: 3, baseDelayMs: 1 } };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(resetNock);
afterEach(() => nock.cleanAll());

function secret(
  resourceVersion: string,
  password: string,
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db-credentials',
      namespace: 'payments',
      resourceVersion,
      annotations: { team: 'payments', ...annotations },
    },
    type: 'Opaque',
    data: { username: b64('svc'), password: b64(password) },
  };
}

function api(): nock.Scope {
  return nock(SERVER).matchHeader('authorization', `Bearer ${TOKEN}`);
}

/** The Secret holds 'old' at resourceVersion 41 when the write reads it. */
function readsOld(): nock.Scope {
  return api().get(SECRET_PATH).reply(200, secret('41', 'old'));
}

async function open(uri = 'k8s://payments/db-credentials#password'): Promise<SecretStore> {
  return openStore(uri, options);
}

describe('kubernetes write', () => {
  it('sends one merge patch of the key and the annotations, preconditioned on the resourceVersion read', async () => {
    readsOld()
      .patch(SECRET_PATH, {
        metadata: {
          resourceVersion: '41',
          annotations: {
            [CERT_URL_ANNOTATION]: CERT.certUrl,
            [CERT_KEY_ANNOTATION]: 'password',
            [ATTESTATION_URL_ANNOTATION]: null,
            // removed: a write without a target clears one an earlier write recorded
            [TARGET_ANNOTATION]: null,
          },
        },
        data: { password: b64(CREDENTIAL) },
      })
      .matchHeader('content-type', 'application/merge-patch+json')
      .reply(200, secret('42', CREDENTIAL, { [CERT_URL_ANNOTATION]: CERT.certUrl }));
    const store = await open();
    expect(await store.write(WRITE)).toEqual({
      store: 'k8s://payments/db-credentials#password',
      version: '42',
    });
    expectAllCallsMade();
  });

  it('annotates the target the secret is rotated on beside the certificate URL', async () => {
    const target = 'postgresql://db.internal:5432/app#app_a,app_b';
    readsOld()
      .patch(SECRET_PATH, {
        metadata: {
          resourceVersion: '41',
          annotations: {
            [CERT_URL_ANNOTATION]: CERT.certUrl,
            [CERT_KEY_ANNOTATION]: 'password',
            [ATTESTATION_URL_ANNOTATION]: null,
            [TARGET_ANNOTATION]: target,
          },
        },
        data: { password: b64(CREDENTIAL) },
      })
      .reply(
        200,
        secret('42', CREDENTIAL, { [CERT_URL_ANNOTATION]: CERT.certUrl, [TARGET_ANNOTATION]: target }),
      );
    await (await open()).write({ ...WRITE, target });
    expectAllCallsMade();
  });

  it('409 from the precondition is STORE_CONFLICT and nothing else is sent', async () => {
    readsOld()
      .patch(SECRET_PATH)
      .reply(409, {
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message:
          'Operation cannot be fulfilled on secrets "db-credentials": the object has been modified; please apply your changes to the latest version and try again',
      })
      .get(SECRET_PATH)
      .reply(200, secret('43', 'someone-elses-secret'));
    const error = await writeFails(open(), WRITE, 'STORE_CONFLICT');
    expect(error.credentialWritten).toBe(false);
    expectNoSecrets(error, [CREDENTIAL, TOKEN, 'someone-elses-secret']);
    expectAllCallsMade();
  });

  it('a retried patch whose first attempt landed is recognised as done', async () => {
    readsOld()
      .patch(SECRET_PATH)
      .reply(503, { kind: 'Status', code: 503 })
      .patch(SECRET_PATH)
      .reply(409, { kind: 'Status', code: 409, reason: 'Conflict' })
      .get(SECRET_PATH)
      .reply(200, secret('42', CREDENTIAL, { [CERT_URL_ANNOTATION]: CERT.certUrl }));
    expect(await (await open()).write(WRITE)).toMatchObject({ version: '42' });
    expectAllCallsMade();
  });

  it('404 and 403 say what to do', async () => {
    api().get(SECRET_PATH).reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
    const missing = await writeFails(open(), WRITE, 'STORE_NOT_FOUND');
    expect(missing.message).toContain('kubectl create secret generic db-credentials -n payments');
    api().get(SECRET_PATH).reply(403, { kind: 'Status', code: 403, reason: 'Forbidden' });
    const denied = await writeFails(open(), WRITE, 'STORE_ACCESS_DENIED');
    expect(denied.message).toContain('verbs ["get", "patch"] on resource "secrets"');
    expectAllCallsMade();
  });

  it('never repeats the credential or the token when the API server echoes them', async () => {
    readsOld()
      .patch(SECRET_PATH)
      .reply(422, {
        kind: 'Status',
        code: 422,
        reason: 'Invalid',
        message: `Secret "db-credentials" is invalid: data[password]: Invalid value: "${CREDENTIAL}" ${b64(CREDENTIAL)} ${TOKEN}`,
      });
    const error = await writeFails(open(), WRITE, 'STORE_INVALID_VALUE');
    expectNoSecrets(error, [CREDENTIAL, b64(CREDENTIAL), TOKEN, 'old']);
    expectAllCallsMade();
  });
});

describe('kubernetes reads', () => {
  it('decodes the key and reads the annotation of its own key', async () => {
    api()
      .get(SECRET_PATH)
      .times(3)
      .reply(
        200,
        secret('42', CREDENTIAL, { [CERT_URL_ANNOTATION]: CERT.certUrl, [CERT_KEY_ANNOTATION]: 'password' }),
      );
    expect(await (await open()).readCredential()).toBe(CREDENTIAL);
    expect(await (await open()).readCertificateUrl()).toBe(CERT.certUrl);
    expect(await (await open('k8s://payments/db-credentials#username')).readCertificateUrl()).toBeUndefined();
    api().get(SECRET_PATH).reply(404, { kind: 'Status', code: 404 });
    expect(await (await open()).readCredential()).toBeUndefined();
    expectAllCallsMade();
  });
});

describe('kubernetes timeouts', () => {
  it('a stalled API server fails within the request timeout with STORE_UNAVAILABLE', async () => {
    nock.enableNetConnect('127.0.0.1');
    const { port, close } = await stalledServer();
    const kubeconfig = path.join(dir, 'stalled-kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: stalled, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: ci, user: {token: ${TOKEN}}}]`,
        'contexts: [{name: stalled, context: {cluster: stalled, user: ci}}]',
        'current-context: stalled',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    try {
      const store = await openStore('k8s://payments/db-credentials#password', {
        env: { KUBECONFIG: kubeconfig },
        k8s: { requestTimeoutMs: 300 },
        retry: { maxAttempts: 2, baseDelayMs: 1 },
      });
      const started = Date.now();
      const error = await writeFails(Promise.resolve(store), WRITE, 'STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toMatch(/did not answer within 300 ms when trying to read/);
      expect(error.message).toContain('PASSGENI_K8S_REQUEST_TIMEOUT_MS');
      expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    } finally {
      await close();
    }
  });

  it('refuses a malformed PASSGENI_K8S_REQUEST_TIMEOUT_MS when the store is opened', async () => {
    const error = await openStore('k8s://payments/db-credentials#password', {
      ...options,
      env: { ...options.env, PASSGENI_K8S_REQUEST_TIMEOUT_MS: '-1' },
    }).catch((e: unknown) => e as StoreError);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_CONFIG_INVALID');
    expect((error as StoreError).exitCode).toBe(2);
  });
});

describe('kubernetes pre-flight', () => {
  it('reads the Secret and sends nothing else; a missing or forbidden Secret fails as the write would', async () => {
    readsOld();
    await (await open()).preflight();
    api().get(SECRET_PATH).reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
    const missing = await storeError((await open()).preflight());
    expect(missing.code).toBe('STORE_NOT_FOUND');
    expect(missing.message).toContain('kubectl create secret generic db-credentials -n payments');
    api().get(SECRET_PATH).reply(403, { kind: 'Status', code: 403, reason: 'Forbidden' });
    expect((await storeError((await open()).preflight())).code).toBe('STORE_ACCESS_DENIED');
    expectAllCallsMade();
  });
});

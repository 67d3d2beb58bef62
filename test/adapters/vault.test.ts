import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { openStore, openStoreLister } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import {
  ATTESTATION_URL_METADATA,
  CERT_KEY_METADATA,
  CERT_URL_METADATA,
  TARGET_METADATA,
} from '../../adapters/vault/index.js';
import type { SecretStore } from '../../adapters/store.js';
import {
  CERT,
  expectAllCallsMade,
  expectNoSecrets,
  recordBodies,
  resetNock,
  storeError,
  writeFails,
} from './helpers.js';

const ADDR = 'https://vault.test:8200';
const TOKEN = 'hvs.CAESIEXAMPLEvaulttokenvalue0001';
const CREDENTIAL = 'k9#Qz$"w\\x7!pLm2';
const WRITE = { credential: CREDENTIAL, ...CERT };
const OPTIONS: StoreOptions = {
  env: { VAULT_ADDR: ADDR, VAULT_TOKEN: TOKEN, VAULT_NAMESPACE: 'team-a' },
  retry: { maxAttempts: 3, baseDelayMs: 1 },
};
const DATA = '/v1/secret/data/app/db';
const METADATA = '/v1/secret/metadata/app/db';
const EXISTING =
  '{"username": "svc", "password":"old", "port": 5432.0, "big": 12345678901234567890, "label": "caf\\u00e9", "tls": {"verify" : true}}';

function readReply(dataText: string, version: number): string {
  return `{"request_id":"r1","data":{"data":${dataText},"metadata":{"version":${version},"custom_metadata":{"owner":"team-a"}}}}`;
}

function vault(): nock.Scope {
  return nock(ADDR).matchHeader('x-vault-namespace', 'team-a');
}

/** The secret holds EXISTING at version 7 when the write reads it. */
function readsExisting(): nock.Scope {
  return vault().get(DATA).reply(200, readReply(EXISTING, 7));
}

async function open(
  uri = 'vault://secret/app/db#password',
  options: StoreOptions = OPTIONS,
): Promise<SecretStore> {
  return openStore(uri, options);
}

beforeEach(resetNock);
afterEach(() => nock.cleanAll());

describe('vault write', () => {
  it('writes with check-and-set on the version read, keeping every other key byte for byte, then merges metadata', async () => {
    const scope = vault()
      .matchHeader('x-vault-token', TOKEN)
      .get(DATA)
      .reply(200, readReply(EXISTING, 7), { 'content-type': 'application/json' })
      .post(DATA)
      .matchHeader('content-type', 'application/json')
      .reply(200, { data: { version: 8 } })
      .patch(METADATA, {
        custom_metadata: {
          [CERT_URL_METADATA]: CERT.certUrl,
          [CERT_KEY_METADATA]: 'password',
          [ATTESTATION_URL_METADATA]: null,
          [TARGET_METADATA]: null,
        },
      })
      .matchHeader('content-type', 'application/merge-patch+json')
      .reply(204);
    const bodies = recordBodies(scope);
    const store = await open();
    expect(await store.write(WRITE)).toEqual({
      store: 'vault://secret/app/db#password',
      version: '8',
    });
    expectAllCallsMade();
    const written = bodies[1] as string;
    expect(written).toBe(
      `{"options":{"cas":7},"data":${EXISTING.replace('"old"', () => JSON.stringify(CREDENTIAL))}}`,
    );
    for (const fragment of [
      '"username": "svc"',
      '"port": 5432.0',
      '"big": 12345678901234567890',
      '"label": "caf\\u00e9"',
      '{"verify" : true}',
    ]) {
      expect(written).toContain(fragment);
    }
    // The metadata body names only our keys: a JSON merge patch leaves "owner" and any other key alone.
    // (the attestation URL and the target are null, removing what an earlier run left)
    expect(JSON.parse(bodies[2] as string)).toEqual({
      custom_metadata: {
        [CERT_URL_METADATA]: CERT.certUrl,
        [CERT_KEY_METADATA]: 'password',
        [ATTESTATION_URL_METADATA]: null,
        [TARGET_METADATA]: null,
      },
    });
  });

  it("records the certificate's attestation URL and the target in the custom metadata beside the certificate URL", async () => {
    const attestationUrl = 'https://github.com/acme/infra/attestations/4242';
    const target = 'mysql://db.internal:3306#app@%';
    vault()
      .get(DATA)
      .reply(200, readReply(EXISTING, 7), { 'content-type': 'application/json' })
      .post(DATA)
      .reply(200, { data: { version: 8 } })
      .patch(METADATA, {
        custom_metadata: {
          [CERT_URL_METADATA]: CERT.certUrl,
          [CERT_KEY_METADATA]: 'password',
          [ATTESTATION_URL_METADATA]: attestationUrl,
          [TARGET_METADATA]: target,
        },
      })
      .reply(204);
    await (await open()).write({ ...WRITE, attestationUrl, target });
    expectAllCallsMade();
  });

  it('creates a new secret with cas 0, and honours the version of a deleted one', async () => {
    vault()
      .get(DATA)
      .reply(404, { errors: [] })
      .post(DATA, { options: { cas: 0 }, data: { password: CREDENTIAL } })
      .reply(200, { data: { version: 1 } })
      .patch(METADATA)
      .reply(204)
      .get(DATA)
      .reply(404, { data: { data: null, metadata: { version: 4, deletion_time: '2025-01-01T00:00:00Z' } } })
      .post(DATA, { options: { cas: 4 }, data: { password: CREDENTIAL } })
      .reply(200, { data: { version: 5 } })
      .patch(METADATA)
      .reply(204);
    expect(await (await open()).write(WRITE)).toMatchObject({ version: '1' });
    expect(await (await open()).write(WRITE)).toMatchObject({ version: '5' });
    expectAllCallsMade();
  });

  it('a check-and-set mismatch is a clear conflict and nothing else is written', async () => {
    const scope = vault()
      .get(DATA)
      .reply(200, readReply(EXISTING, 7))
      .post(DATA)
      .reply(400, { errors: ['check-and-set parameter did not match the current version'] })
      .get(DATA)
      .reply(200, readReply('{"username":"svc","password":"their-new-secret"}', 8));
    const methods: string[] = [];
    scope.on('request', (req: { method: string }) => methods.push(req.method));
    const error = await writeFails(open(), WRITE, 'STORE_CONFLICT');
    expect(error.credentialWritten).toBe(false);
    expect(error.message).toContain('expected version 7, it is now 8');
    expect(error.message).toContain('nothing was overwritten');
    expect(methods).toEqual(['GET', 'POST', 'GET']);
    expectNoSecrets(error, [CREDENTIAL, TOKEN, 'their-new-secret']);
    expectAllCallsMade();
  });

  it('treats a CAS mismatch caused by its own earlier attempt as success', async () => {
    readsExisting()
      .post(DATA)
      .reply(400, { errors: ['check-and-set parameter did not match the current version'] })
      .get(DATA)
      .reply(200, readReply(JSON.stringify({ password: CREDENTIAL }), 8))
      .patch(METADATA)
      .reply(204);
    expect(await (await open()).write(WRITE)).toMatchObject({ version: '8' });
    expectAllCallsMade();
  });

  it('403 names the policy capabilities needed', async () => {
    vault()
      .get(DATA)
      .reply(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const error = await writeFails(open(), WRITE, 'STORE_ACCESS_DENIED');
    expect(error.message).toContain(
      'path "secret/data/app/db" { capabilities = ["create", "update", "read"] }',
    );
    expect(error.message).toContain('path "secret/metadata/app/db" { capabilities = ["patch", "read"] }');
    expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    expectAllCallsMade();
  });

  it('a sealed Vault fails at once with STORE_UNAVAILABLE', async () => {
    vault()
      .get(DATA)
      .reply(503, { errors: ['Vault is sealed'] });
    const error = await writeFails(open(), WRITE, 'STORE_UNAVAILABLE');
    expect(error.message).toMatch(/^Vault is sealed/);
    expectAllCallsMade();
  });

  it('retries 412 and 5xx with backoff, then succeeds', async () => {
    vault()
      .get(DATA)
      .reply(412, { errors: ['required index state not present'] })
      .get(DATA)
      .reply(200, readReply(EXISTING, 7))
      .post(DATA)
      .reply(502, 'bad gateway')
      .post(DATA)
      .reply(200, { data: { version: 8 } })
      .patch(METADATA)
      .reply(500, { errors: ['internal error'] })
      .patch(METADATA)
      .reply(204);
    expect(await (await open()).write(WRITE)).toMatchObject({ version: '8' });
    expectAllCallsMade();
  });

  it('persistent 429 becomes STORE_THROTTLED', async () => {
    vault()
      .get(DATA)
      .times(3)
      .reply(429, { errors: ['request path "secret/data/app/db": rate limit quota exceeded'] });
    const error = await writeFails(open(), WRITE, 'STORE_THROTTLED');
    expect(error.message).toContain('3 attempt(s)');
    expectAllCallsMade();
  });

  it('metadata failing after the write: STORE_METADATA_FAILED with credentialWritten and the KV version', async () => {
    readsExisting()
      .post(DATA)
      .reply(200, { data: { version: 8 } })
      .patch(METADATA)
      .reply(403, { errors: ['permission denied'] });
    const error = await writeFails(open(), WRITE, 'STORE_METADATA_FAILED');
    expect(error.credentialWritten).toBe(true);
    expect(error.version).toBe('8');
    expect(error.message).toContain('"patch"');
    expectAllCallsMade();
  });

  it('never repeats the token or the credential, even when Vault echoes them', async () => {
    readsExisting()
      .post(DATA)
      .reply(400, { errors: [`invalid value ${CREDENTIAL} for token ${TOKEN}`] });
    const error = await writeFails(open(), WRITE, 'STORE_WRITE_FAILED');
    expect(error.message).toContain('[redacted]');
    expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    expectAllCallsMade();
  });
});

describe('vault errors that echo the request', () => {
  const OTHERS = {
    username: 'svc',
    api_key: 'ak-OTHER-KEY-VALUE-0042',
    pin: 4711,
    nested: { cert: 'pem "quoted" \\ body' },
  };

  it.each([
    ['in its errors', (body: string) => ({ errors: [`invalid request body: ${body}`] })],
    ['beside its errors', (body: string) => ({ errors: ['invalid request'], request: body })],
  ])('quotes none of the sent values when Vault echoes the body %s', async (_where, reply) => {
    vault()
      .get(DATA)
      .reply(200, readReply(JSON.stringify({ ...OTHERS, password: 'old-password' }), 3))
      .post(DATA)
      // A static reply of what the request carries (nock's reply callbacks stall this client).
      .reply(400, reply(JSON.stringify({ options: { cas: 3 }, data: { ...OTHERS, password: CREDENTIAL } })));
    const error = await writeFails(open(), WRITE, 'STORE_WRITE_FAILED');
    expectNoSecrets(error, [
      CREDENTIAL,
      TOKEN,
      'ak-OTHER-KEY-VALUE-0042',
      '"svc"',
      '4711',
      'pem \\"quoted\\"',
      'old-password',
    ]);
    expect(error.message).toContain('Vault refused to write secret/app/db (HTTP 400)');
    expect(error.message.length).toBeLessThan(600);
    expectAllCallsMade();
  });
});

describe('vault auth', () => {
  it('AppRole: logs in once with role_id/secret_id and uses the returned token', async () => {
    const secretId = 'approle-secret-id-EXAMPLE-0001';
    nock(ADDR)
      .post('/v1/auth/approle/login', { role_id: 'role-1', secret_id: secretId })
      .reply(200, { auth: { client_token: 'hvs.from-approle' } })
      .get(DATA)
      .matchHeader('x-vault-token', 'hvs.from-approle')
      .reply(200, readReply(EXISTING, 1))
      .post(DATA)
      .matchHeader('x-vault-token', 'hvs.from-approle')
      .reply(200, { data: { version: 2 } })
      .patch(METADATA)
      .matchHeader('x-vault-token', 'hvs.from-approle')
      .reply(204);
    const store = await open(undefined, {
      env: { VAULT_ADDR: ADDR, VAULT_ROLE_ID: 'role-1', VAULT_SECRET_ID: secretId },
      retry: { baseDelayMs: 1 },
    });
    expect(await store.write(WRITE)).toMatchObject({ version: '2' });
    expectAllCallsMade();
  });

  it('JWT (GitHub OIDC): logs in at the configured mount with role and jwt', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9yZXBvIn0.c2lnbmF0dXJl';
    nock(ADDR)
      .post('/v1/auth/github-actions/login', { role: 'rotate', jwt })
      .reply(200, { auth: { client_token: 'hvs.from-jwt' } })
      .get(METADATA)
      .matchHeader('x-vault-token', 'hvs.from-jwt')
      .reply(200, {
        data: { custom_metadata: { [CERT_URL_METADATA]: CERT.certUrl, [CERT_KEY_METADATA]: 'password' } },
      });
    const store = await open(undefined, {
      env: { VAULT_ADDR: ADDR },
      vault: { auth: 'jwt', role: 'rotate', jwt, jwtMount: 'github-actions' },
    });
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    expectAllCallsMade();
  });

  it('Kubernetes: logs in with the pod’s service-account token at auth/kubernetes, and hands both tokens to onSecret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-k8s-'));
    const saToken = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGcifQ.c2E';
    writeFileSync(join(dir, 'token'), `${saToken}\n`);
    nock(ADDR)
      .post('/v1/auth/kubernetes/login', { role: 'passgeni-rotation', jwt: saToken })
      .reply(200, { auth: { client_token: 'hvs.from-kubernetes' } })
      .get(METADATA)
      .matchHeader('x-vault-token', 'hvs.from-kubernetes')
      .reply(200, { data: { custom_metadata: {} } });
    const secrets: string[] = [];
    const store = await open(undefined, {
      env: {
        VAULT_ADDR: ADDR,
        VAULT_K8S_ROLE: 'passgeni-rotation',
        VAULT_K8S_TOKEN_PATH: join(dir, 'token'),
      },
      onSecret: (value) => secrets.push(value),
    });
    expect(await store.readCertificateUrl()).toBeUndefined();
    expect(secrets).toEqual([saToken, 'hvs.from-kubernetes']);
    expectAllCallsMade();
  });

  it('Kubernetes: a custom mount, and a missing token file is STORE_AUTH_MISSING saying where it looked', async () => {
    const error = await storeError(
      open(undefined, {
        env: { VAULT_ADDR: ADDR, VAULT_K8S_ROLE: 'r', VAULT_K8S_TOKEN_PATH: '/nonexistent/passgeni/token' },
      }),
    );
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('/nonexistent/passgeni/token');
    expect(error.message).toContain('VAULT_K8S_TOKEN_PATH');

    const dir = mkdtempSync(join(tmpdir(), 'passgeni-k8s-'));
    writeFileSync(join(dir, 'token'), 'sa-token-EXAMPLE');
    nock(ADDR)
      .post('/v1/auth/k8s-prod/login')
      .reply(403, { errors: ['permission denied'] });
    const store = await open(undefined, {
      env: {
        VAULT_ADDR: ADDR,
        VAULT_K8S_ROLE: 'r',
        VAULT_K8S_MOUNT: 'k8s-prod',
        VAULT_K8S_TOKEN_PATH: join(dir, 'token'),
      },
    });
    const denied = await storeError(store.readCertificateUrl());
    expect(denied.code).toBe('STORE_ACCESS_DENIED');
    expect(denied.message).toContain('Kubernetes auth (role "r"');
    expectNoSecrets(denied, ['sa-token-EXAMPLE']);
    expectAllCallsMade();
  });

  it('AppRole: the token from the login goes to onSecret (the actions mask it)', async () => {
    nock(ADDR)
      .post('/v1/auth/approle/login')
      .reply(200, { auth: { client_token: 'hvs.masked-approle' } })
      .get(METADATA)
      .reply(200, { data: { custom_metadata: {} } });
    const secrets: string[] = [];
    const store = await open(undefined, {
      env: { VAULT_ADDR: ADDR, VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' },
      onSecret: (value) => secrets.push(value),
    });
    await store.readCertificateUrl();
    expect(secrets).toEqual(['hvs.masked-approle']);
    expectAllCallsMade();
  });

  it('a rejected login is STORE_ACCESS_DENIED and never shows the secret id', async () => {
    const secretId = 'approle-secret-id-EXAMPLE-0002';
    nock(ADDR)
      .post('/v1/auth/approle/login')
      .reply(400, { errors: [`invalid role or secret ID (${secretId})`] });
    const store = await open(undefined, {
      env: { VAULT_ADDR: ADDR, VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: secretId },
    });
    const error = await storeError(store.write(WRITE));
    expect(error.code).toBe('STORE_ACCESS_DENIED');
    expect(error.message).toContain('AppRole');
    expectNoSecrets(error, [secretId, CREDENTIAL]);
    expectAllCallsMade();
  });
});

describe('vault reads and listing', () => {
  it('reads the credential and the certificate URL of its own key', async () => {
    vault()
      .get(DATA)
      .reply(200, readReply(JSON.stringify({ password: CREDENTIAL, username: 'svc' }), 3))
      .get(METADATA)
      .times(2)
      .reply(200, {
        data: { custom_metadata: { [CERT_URL_METADATA]: CERT.certUrl, [CERT_KEY_METADATA]: 'password' } },
      });
    expect(await (await open()).readCredential()).toBe(CREDENTIAL);
    expect(await (await open()).readCertificateUrl()).toBe(CERT.certUrl);
    expect(await (await open('vault://secret/app/db#username')).readCertificateUrl()).toBeUndefined();
    vault().get(DATA).reply(404, { errors: [] }).get(METADATA).reply(404, { errors: [] });
    expect(await (await open()).readCredential()).toBeUndefined();
    expect(await (await open()).readCertificateUrl()).toBeUndefined();
    expectAllCallsMade();
  });

  it('lists a prefix recursively through metadata only, with the recorded target', async () => {
    vault()
      .get('/v1/secret/metadata/app/')
      .query({ list: 'true' })
      .reply(200, { data: { keys: ['db', 'svc/'] } })
      .get('/v1/secret/metadata/app/db')
      .reply(200, {
        data: {
          custom_metadata: {
            [CERT_URL_METADATA]: CERT.certUrl,
            [CERT_KEY_METADATA]: 'password',
            [TARGET_METADATA]: 'redis://cache.internal:6379#worker',
          },
        },
      })
      .get('/v1/secret/metadata/app/svc/')
      .query({ list: 'true' })
      .reply(200, { data: { keys: ['api'] } })
      .get('/v1/secret/metadata/app/svc/api')
      .reply(200, { data: { custom_metadata: null } });
    const lister = await openStoreLister('vault://secret/app', OPTIONS);
    const refs = [];
    for await (const ref of lister.list()) refs.push(ref);
    expect(refs).toEqual([
      {
        uri: 'vault://secret/app/db#password',
        certUrl: CERT.certUrl,
        target: 'redis://cache.internal:6379#worker',
      },
      { uri: 'vault://secret/app/svc/api', certUrl: undefined },
    ]);
    expectAllCallsMade();
  });
});

describe('vault transport', () => {
  it('does not follow a redirect to another host: the token goes nowhere but VAULT_ADDR', async () => {
    vault()
      .get(DATA)
      .reply(307, '', { location: `https://active.test:8200${DATA}` });
    const elsewhere = nock('https://active.test:8200').get(/.*/).reply(200, '{}');
    const error = await writeFails(open(), WRITE, 'STORE_UNAVAILABLE');
    expect(error.message).toBe(`Could not reach Vault at ${ADDR} (REDIRECT). Check VAULT_ADDR.`);
    expect(elsewhere.isDone()).toBe(false);
    expectNoSecrets(error, [TOKEN, CREDENTIAL]);
  });
});

describe('vault pre-flight', () => {
  const CAPABILITIES = '/v1/sys/capabilities-self';
  const paths = { paths: ['secret/data/app/db', 'secret/metadata/app/db'] };

  it('reads the secret and asks which capabilities the token has on both paths the write uses', async () => {
    readsExisting();
    vault()
      .post(CAPABILITIES, paths)
      .reply(200, {
        'secret/data/app/db': ['read', 'update'],
        'secret/metadata/app/db': ['patch'],
        data: { 'secret/data/app/db': ['read', 'update'], 'secret/metadata/app/db': ['patch'] },
      });
    await (await open()).preflight();
    expectAllCallsMade();
  });

  it('a token that may read but not write the secret fails with the policy it needs', async () => {
    readsExisting();
    vault()
      .post(CAPABILITIES, paths)
      .reply(200, { 'secret/data/app/db': ['read'], 'secret/metadata/app/db': ['read'] });
    const denied = await storeError((await open()).preflight());
    expect(denied.code).toBe('STORE_ACCESS_DENIED');
    expect(denied.message).toContain('capabilities = ["create", "update", "read"]');
    expectNoSecrets(denied, [TOKEN, 'old']);
    expectAllCallsMade();
  });

  it('a token refused on the read fails there; one not granted capabilities-self is judged by the read alone', async () => {
    vault()
      .get(DATA)
      .reply(403, { errors: ['permission denied'] });
    expect((await storeError((await open()).preflight())).code).toBe('STORE_ACCESS_DENIED');
    readsExisting();
    vault()
      .post(CAPABILITIES)
      .reply(403, { errors: ['permission denied'] });
    await (await open()).preflight();
    expectAllCallsMade();
  });

  it('a secret whose key cannot be set (a non-object at the path) fails before anything is issued', async () => {
    vault().get(DATA).reply(200, readReply('"just a string"', 2));
    expect((await storeError((await open()).preflight())).code).toBe('STORE_INVALID_VALUE');
    expectAllCallsMade();
  });
});

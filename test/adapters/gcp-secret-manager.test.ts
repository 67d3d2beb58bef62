import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { OAuth2Client } from 'google-auth-library';
import { openStore, openStoreLister, parseStoreUri } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import type { StoredSecretRef } from '../../adapters/store.js';
import { crc32c } from '../../adapters/gcp-secret-manager/crc32c.js';
import { CERT, expectAllCallsMade, expectNoSecrets, resetNock, storeError, writeFails } from './helpers.js';

const API = 'https://secretmanager.googleapis.com';
const ACCESS_TOKEN = 'ya29.EXAMPLEaccessTokenForTestsOnly0000000000';
const CREDENTIAL = 'Zq8"n\\4#Vb!x7$Kp+Wd';
const WRITE = { credential: CREDENTIAL, ...CERT };
const SECRET = '/v1/projects/acme-prod/secrets/db-password';
const ETAG = '"16f2a6c1e0a4b0"';

/** A real google-auth-library client holding a fixed access token, as ADC would produce one. */
function options(): StoreOptions {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: ACCESS_TOKEN, expiry_date: Date.now() + 3_600_000 });
  return { gcp: { authClient }, env: {}, retry: { maxAttempts: 3, baseDelayMs: 1 } };
}

function gcp(): nock.Scope {
  return nock(API).matchHeader('authorization', `Bearer ${ACCESS_TOKEN}`);
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function secretReply(annotations: Record<string, string> = {}, labels: Record<string, string> = {}) {
  return {
    name: 'projects/123456789/secrets/db-password',
    labels: { team: 'payments', ...labels },
    annotations: { owner: 'payments@acme.example', ...annotations },
    etag: ETAG,
    replication: { automatic: {} },
  };
}

interface AddVersionBody {
  payload: { data: string; dataCrc32c: string };
}
interface PatchBody {
  etag: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A request body carrying the value: its data decodes to `expected` and its CRC32C matches. */
function carries(expected: string) {
  return (body: AddVersionBody) => {
    const data = Buffer.from(body.payload.data, 'base64');
    return data.toString('utf8') === expected && body.payload.dataCrc32c === String(crc32c(data));
  };
}

/** `target`: the display form the write recorded; empty when it named none (clearing an earlier one). */
function patchOf(etag: string, key = '', target = '') {
  return (body: PatchBody) =>
    body.etag === etag &&
    body.labels.team === 'payments' &&
    body.labels['passgeni-cert-id'] === CERT.certId &&
    body.annotations.owner === 'payments@acme.example' &&
    body.annotations['passgeni-cert-url'] === CERT.certUrl &&
    body.annotations['passgeni-cert-key'] === key &&
    body.annotations['passgeni-target'] === target;
}

const updateMask = (q: Record<string, string>) => q.updateMask === 'labels,annotations';

beforeEach(resetNock);
afterEach(() => nock.cleanAll());

describe('gcp-sm:// URIs', () => {
  it('parses a project, a secret and an optional JSON key', () => {
    expect(parseStoreUri('gcp-sm://acme-prod/db-password')).toMatchObject({
      kind: 'gcp-sm',
      project: 'acme-prod',
      secret: 'db-password',
    });
    expect(parseStoreUri('gcp-sm://123456789/db#password')).toMatchObject({
      project: '123456789',
      jsonKey: 'password',
    });
  });

  it.each([
    ['gcp-sm://Acme/db', 'not a Google Cloud project'],
    ['gcp-sm://acme-prod/db.password', '1-255 letters'],
    ['gcp-sm://acme-prod/db/extra', 'exactly a project and a secret id'],
    ['gcp-sm://acme-prod/db#', 'the #json-key is empty'],
  ])('%s is refused', (uri, problem) => {
    expect(() => parseStoreUri(uri)).toThrow(problem);
  });
});

describe('Google Cloud Secret Manager: write', () => {
  it('adds a version (checksummed), then sets label and annotation with the etag read first', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      // a target an earlier write recorded: this write names none, so it is cleared
      .reply(200, secretReply({ 'passgeni-target': 'postgresql://old.internal:5432/app#app' }))
      .post(`${SECRET}:addVersion`, carries(CREDENTIAL))
      .query(true)
      .reply(200, { name: 'projects/123456789/secrets/db-password/versions/8', state: 1 })
      .patch(SECRET, patchOf(ETAG))
      .query(updateMask)
      .reply(200, secretReply());
    const store = await openStore('gcp-sm://acme-prod/db-password', options());
    expect(await store.write(WRITE)).toEqual({ store: 'gcp-sm://acme-prod/db-password', version: '8' });
    expectAllCallsMade();
  });

  it('a JSON key: the other keys of the latest version are kept; the target is annotated', async () => {
    const previous = JSON.stringify({ user: 'svc', password: 'old' });
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .get(`${SECRET}/versions/latest:access`)
      .query(true)
      .reply(200, {
        name: 'projects/123456789/secrets/db-password/versions/3',
        payload: { data: b64(previous), dataCrc32c: String(crc32c(Buffer.from(previous))) },
      })
      .post(`${SECRET}:addVersion`, carries(JSON.stringify({ user: 'svc', password: CREDENTIAL })))
      .query(true)
      .reply(200, { name: 'projects/123456789/secrets/db-password/versions/4' })
      .patch(SECRET, patchOf(ETAG, 'password', 'mysql://db.internal:3306#app@%'))
      .query(updateMask)
      .reply(200, secretReply());
    const store = await openStore('gcp-sm://acme-prod/db-password#password', options());
    expect(await store.write({ ...WRITE, target: 'mysql://db.internal:3306#app@%' })).toMatchObject({
      version: '4',
    });
    expectAllCallsMade();
  });

  it('a version added by someone else in between is a conflict; no URL is attached', async () => {
    const previous = JSON.stringify({ password: 'old' });
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .get(`${SECRET}/versions/latest:access`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/3', payload: { data: b64(previous) } })
      .post(`${SECRET}:addVersion`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/5' });
    const error = await writeFails(
      openStore('gcp-sm://acme-prod/db-password#password', options()),
      WRITE,
      'STORE_CONFLICT',
    );
    expect(error.credentialWritten).toBe(true);
    expect(error.version).toBe('5');
    expect(error.message).toContain('read version 3, wrote version 5');
    expectNoSecrets(error, [CREDENTIAL, ACCESS_TOKEN, 'old']);
    expectAllCallsMade();
  });

  it('an etag that changed meanwhile: the metadata is merged again on a fresh read, never overwritten', async () => {
    const fresh = '"2a2a2a2a"';
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .post(`${SECRET}:addVersion`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/2' })
      .patch(SECRET, patchOf(ETAG))
      .query(updateMask)
      .reply(409, { error: { code: 409, message: 'etag mismatch', status: 'ABORTED' } })
      .get(SECRET)
      .query(true)
      .reply(200, { ...secretReply({}, { added: 'by-someone' }), etag: fresh })
      .patch(SECRET, (body: PatchBody) => patchOf(fresh)(body) && body.labels.added === 'by-someone')
      .query(updateMask)
      .reply(200, secretReply());
    await (await openStore('gcp-sm://acme-prod/db-password', options())).write(WRITE);
    expectAllCallsMade();
  });

  it('PERMISSION_DENIED on addVersion names the roles; nothing leaks', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .post(`${SECRET}:addVersion`)
      .query(true)
      .reply(403, {
        error: {
          code: 403,
          message: `Permission 'secretmanager.versions.add' denied for resource (or it may not exist). ${CREDENTIAL}`,
          status: 'PERMISSION_DENIED',
        },
      });
    const error = await writeFails(
      openStore('gcp-sm://acme-prod/db-password', options()),
      WRITE,
      'STORE_ACCESS_DENIED',
    );
    expect(error.message).toContain('secretVersionAdder');
    expect(error.message).toContain("Permission 'secretmanager.versions.add' denied");
    expect(error.credentialWritten).toBe(false);
    expectNoSecrets(error, [CREDENTIAL, ACCESS_TOKEN]);
    expectAllCallsMade();
  });

  it('a missing secret is STORE_NOT_FOUND and nothing is written', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      .reply(404, { error: { code: 404, message: 'Secret [db-password] not found.', status: 'NOT_FOUND' } });
    const error = await writeFails(
      openStore('gcp-sm://acme-prod/db-password', options()),
      WRITE,
      'STORE_NOT_FOUND',
    );
    expect(error.message).toContain('does not create secrets');
    expectAllCallsMade();
  });

  it('RESOURCE_EXHAUSTED is retried, even for addVersion (the request was refused)', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .post(`${SECRET}:addVersion`)
      .query(true)
      .reply(429, { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } })
      .post(`${SECRET}:addVersion`, carries(CREDENTIAL))
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/9' })
      .patch(SECRET)
      .query(updateMask)
      .reply(200, secretReply());
    expect(await (await openStore('gcp-sm://acme-prod/db-password', options())).write(WRITE)).toMatchObject({
      version: '9',
    });
    expectAllCallsMade();
  });

  it('metadata refused after the version was added: STORE_METADATA_FAILED with the version', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .post(`${SECRET}:addVersion`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/6' })
      .patch(SECRET)
      .query(updateMask)
      .reply(403, {
        error: { code: 403, message: 'secretmanager.secrets.update denied', status: 'PERMISSION_DENIED' },
      });
    const error = await writeFails(
      openStore('gcp-sm://acme-prod/db-password', options()),
      WRITE,
      'STORE_METADATA_FAILED',
    );
    expect(error.credentialWritten).toBe(true);
    expect(error.version).toBe('6');
    expectNoSecrets(error, [CREDENTIAL, ACCESS_TOKEN]);
    expectAllCallsMade();
  });
});

describe('Google Cloud Secret Manager: pre-flight and reads', () => {
  it('pre-flight reads the secret and asks IAM which permissions are granted', async () => {
    gcp()
      .get(SECRET)
      .query(true)
      .reply(200, secretReply())
      .post(`${SECRET}:testIamPermissions`, {
        permissions: [
          'secretmanager.versions.add',
          'secretmanager.secrets.update',
          'secretmanager.versions.access',
        ],
      })
      .query(true)
      .reply(200, { permissions: ['secretmanager.versions.add', 'secretmanager.versions.access'] });
    const error = await storeError(
      (await openStore('gcp-sm://acme-prod/db-password#password', options())).preflight(),
    );
    expect(error.code).toBe('STORE_ACCESS_DENIED');
    expect(error.message).toContain('lacks secretmanager.secrets.update');
    expectAllCallsMade();
  });

  it('reads the credential (one key) and the URL annotation for that key only', async () => {
    const value = JSON.stringify({ password: CREDENTIAL });
    gcp()
      .get(`${SECRET}/versions/latest:access`)
      .query(true)
      .reply(200, { name: 'projects/1/secrets/db-password/versions/4', payload: { data: b64(value) } })
      .get(SECRET)
      .query(true)
      .twice()
      .reply(200, secretReply({ 'passgeni-cert-url': CERT.certUrl, 'passgeni-cert-key': 'password' }));
    const store = await openStore('gcp-sm://acme-prod/db-password#password', options());
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    const other = await openStore('gcp-sm://acme-prod/db-password#other', options());
    expect(await other.readCertificateUrl()).toBeUndefined();
    expectAllCallsMade();
  });

  it('no credentials at all is STORE_AUTH_MISSING naming workload identity federation', async () => {
    const store = await openStore('gcp-sm://acme-prod/db-password', {
      env: {},
      retry: { maxAttempts: 1 },
      gcp: {
        authClient: {
          getRequestHeaders: () => Promise.reject(new Error('Could not load the default credentials.')),
          fetch: () => Promise.reject(new Error('Could not load the default credentials.')),
          request: () => Promise.reject(new Error('Could not load the default credentials.')),
        },
      },
    });
    const error = await storeError(store.preflight());
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('workload identity federation');
  });
});

describe('Google Cloud Secret Manager: inventory listing', () => {
  it("lists the project's secrets with their annotations and targets, page by page", async () => {
    gcp()
      .get('/v1/projects/acme-prod/secrets')
      .query((q) => q.pageSize === '250' && q.pageToken === undefined)
      .reply(200, {
        secrets: [
          {
            name: 'projects/1/secrets/db-password',
            annotations: {
              'passgeni-cert-url': CERT.certUrl,
              'passgeni-cert-key': 'password',
              'passgeni-target': 'postgresql://db.internal:5432/app#app_user',
            },
          },
          { name: 'projects/1/secrets/api-key', annotations: {} },
        ],
        nextPageToken: 'page2',
      })
      .get('/v1/projects/acme-prod/secrets')
      .query((q) => q.pageToken === 'page2')
      .reply(200, { secrets: [{ name: 'projects/1/secrets/db-other' }] });
    const lister = await openStoreLister('gcp-sm://acme-prod/db', options());
    const rows: StoredSecretRef[] = [];
    for await (const row of lister.list()) rows.push(row);
    expect(rows).toEqual([
      {
        uri: 'gcp-sm://acme-prod/db-password#password',
        certUrl: CERT.certUrl,
        target: 'postgresql://db.internal:5432/app#app_user',
      },
      { uri: 'gcp-sm://acme-prod/db-other', certUrl: undefined },
    ]);
    expectAllCallsMade();
  });
});

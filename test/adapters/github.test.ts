import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import sodium from 'libsodium-wrappers';
import { openStore, openStoreLister, parseStoreUri } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import type { StoredSecretRef } from '../../adapters/store.js';
import { CERT, expectAllCallsMade, expectNoSecrets, resetNock, storeError, writeFails } from './helpers.js';

const API = 'https://api.github.com';
const TOKEN = 'github_pat_11EXAMPLE0token0for0tests0only0000000000000';
const CREDENTIAL = 'q7"Wx\\9#mZ!p2$Lk+Tv';
const WRITE = { credential: CREDENTIAL, ...CERT };
const OPTIONS: StoreOptions = {
  env: { PASSGENI_GITHUB_TOKEN: TOKEN },
  retry: { maxAttempts: 3, baseDelayMs: 1 },
};
const REPO = '/repos/acme/api/actions';
const KEY_ID = '568250167242549743';

let keys: { publicKey: Uint8Array; privateKey: Uint8Array };
let publicKey: string;

beforeAll(async () => {
  await sodium.ready;
  keys = sodium.crypto_box_keypair();
  publicKey = sodium.to_base64(keys.publicKey, sodium.base64_variants.ORIGINAL);
});
beforeEach(resetNock);
afterEach(() => nock.cleanAll());

function github(): nock.Scope {
  return nock(API).matchHeader('authorization', `token ${TOKEN}`);
}

/** Opens what GitHub would open: the sealed box, with the private key only GitHub holds. */
function unseal(encrypted: string): string {
  const box = sodium.from_base64(encrypted, sodium.base64_variants.ORIGINAL);
  return sodium.to_string(sodium.crypto_box_seal_open(box, keys.publicKey, keys.privateKey));
}

/** Records every request body sent to GitHub, by method and path. */
function record(scope: nock.Scope): Array<{ call: string; body: string }> {
  const seen: Array<{ call: string; body: string }> = [];
  scope.on('request', (req: { method: string; url: string }, _i: unknown, body: string) =>
    seen.push({ call: `${req.method} ${new URL(req.url).pathname}`, body: body ?? '' }),
  );
  return seen;
}

describe('gh:// URIs', () => {
  it('the number of segments says repository, environment or organization', () => {
    expect(parseStoreUri('gh://acme/api/DB_PASSWORD')).toMatchObject({
      kind: 'gh',
      scope: { level: 'repo', owner: 'acme', repo: 'api' },
      name: 'DB_PASSWORD',
    });
    expect(parseStoreUri('gh://acme/api/env/production/DB_PASSWORD')).toMatchObject({
      scope: { level: 'env', owner: 'acme', repo: 'api', environment: 'production' },
    });
    expect(parseStoreUri('gh://acme/DB_PASSWORD')).toMatchObject({ scope: { level: 'org', org: 'acme' } });
    // a repository called "env" is still a repository
    expect(parseStoreUri('gh://acme/env/TOKEN')).toMatchObject({ scope: { level: 'repo', repo: 'env' } });
  });

  it.each([
    ['gh://acme/api/1PASSWORD', 'not starting with a digit'],
    ['gh://acme/api/GITHUB_TOKEN', 'GITHUB_'],
    ['gh://acme/api/DB-PASSWORD', 'letters, digits and underscores'],
    ['gh://acme/api/x/prod/NAME', 'wrong number of segments'],
    ['gh://acme/api/env/prod/NAME/MORE', 'wrong number of segments'],
    ['gh://acme/api/NAME#key', 'no keys'],
    ['gh://-acme/api/NAME', 'not a GitHub user or organization'],
  ])('%s is refused', (uri, problem) => {
    let caught: unknown;
    try {
      parseStoreUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'STORE_URI_INVALID' });
    expect((caught as Error).message).toContain(problem);
  });

  it('no token is STORE_AUTH_MISSING naming the permissions', async () => {
    const error = await storeError(openStore('gh://acme/api/DB_PASSWORD', { env: {} }));
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('PASSGENI_GITHUB_TOKEN');
    expect(error.message).toContain('Secrets: read and write');
  });
});

describe('GitHub Actions secrets: write', () => {
  it('seals the credential with the repository key, then creates the URL variable; a second run updates it', async () => {
    const scope = github();
    const seen = record(scope);
    scope
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(`${REPO}/secrets/DB_PASSWORD`, (body: { key_id: string; encrypted_value: string }) => {
        return body.key_id === KEY_ID && unseal(body.encrypted_value) === CREDENTIAL;
      })
      .reply(201)
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(404, { message: 'Not Found' })
      .post(`${REPO}/variables`, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl })
      .reply(201, {});
    const store = await openStore('gh://acme/api/DB_PASSWORD', OPTIONS);
    expect(await store.write(WRITE)).toEqual({ store: 'gh://acme/api/DB_PASSWORD' });
    expectAllCallsMade();

    // the credential left only inside the sealed box, which the test opened with the private key
    expect(seen.map((s) => s.call)).toEqual([
      `GET ${REPO}/secrets/public-key`,
      `PUT ${REPO}/secrets/DB_PASSWORD`,
      `GET ${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`,
      `POST ${REPO}/variables`,
    ]);
    for (const { body } of seen) {
      expect(body).not.toContain(CREDENTIAL);
      expect(body).not.toContain(JSON.stringify(CREDENTIAL).slice(1, -1));
    }
    const sealed = JSON.parse(seen[1]?.body ?? '{}') as { encrypted_value: string };
    expect(unseal(sealed.encrypted_value)).toBe(CREDENTIAL);

    const second = { certUrl: 'https://certs.example.test/cert/second', certId: 'x' };
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(
        `${REPO}/secrets/DB_PASSWORD`,
        (body: { encrypted_value: string }) => unseal(body.encrypted_value) === 'next',
      )
      .reply(204)
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(200, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl })
      .patch(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`, { value: second.certUrl })
      .reply(204);
    await store.write({ credential: 'next', ...second });
    expectAllCallsMade();
  });

  it('an environment secret uses the environment key and variables', async () => {
    const env = '/repos/acme/api/environments/production';
    github()
      .get(`${env}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(
        `${env}/secrets/DB_PASSWORD`,
        (b: { encrypted_value: string }) => unseal(b.encrypted_value) === CREDENTIAL,
      )
      .reply(201)
      .get(`${env}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(404, { message: 'Not Found' })
      .post(`${env}/variables`, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl })
      .reply(201, {});
    await (await openStore('gh://acme/api/env/production/DB_PASSWORD', OPTIONS)).write(WRITE);
    expectAllCallsMade();
  });

  it('an organization secret keeps its visibility and its selected repositories', async () => {
    const org = '/orgs/acme/actions';
    github()
      .get(`${org}/secrets/DB_PASSWORD`)
      .reply(200, { name: 'DB_PASSWORD', visibility: 'selected', updated_at: '2026-01-01T00:00:00Z' })
      .get(`${org}/secrets/DB_PASSWORD/repositories`)
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_count: 2, repositories: [{ id: 11 }, { id: 12 }] })
      .get(`${org}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(
        `${org}/secrets/DB_PASSWORD`,
        (b: {
          encrypted_value: string;
          visibility: string;
          selected_repository_ids: number[];
          key_id: string;
        }) =>
          unseal(b.encrypted_value) === CREDENTIAL &&
          b.key_id === KEY_ID &&
          b.visibility === 'selected' &&
          JSON.stringify(b.selected_repository_ids) === '[11,12]',
      )
      .reply(204)
      .get(`${org}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(404, { message: 'Not Found' })
      .post(`${org}/variables`, {
        name: 'DB_PASSWORD_PASSGENI_CERT_URL',
        value: CERT.certUrl,
        visibility: 'selected',
        selected_repository_ids: [11, 12],
      })
      .reply(201, {});
    await (await openStore('gh://acme/DB_PASSWORD', OPTIONS)).write(WRITE);
    expectAllCallsMade();
  });

  it('a missing organization secret is not created', async () => {
    github().get('/orgs/acme/actions/secrets/DB_PASSWORD').reply(404, { message: 'Not Found' });
    const error = await writeFails(openStore('gh://acme/DB_PASSWORD', OPTIONS), WRITE, 'STORE_NOT_FOUND');
    expect(error.message).toContain('does not create organization secrets');
    expectAllCallsMade();
  });

  it('403 (the workflow GITHUB_TOKEN) says that token cannot write secrets, and nothing leaks', async () => {
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(`${REPO}/secrets/DB_PASSWORD`)
      .reply(403, { message: 'Resource not accessible by integration' });
    const error = await writeFails(
      openStore('gh://acme/api/DB_PASSWORD', OPTIONS),
      WRITE,
      'STORE_ACCESS_DENIED',
    );
    expect(error.message).toContain('Resource not accessible by integration');
    expect(error.message).toContain('GITHUB_TOKEN cannot write Actions secrets');
    expect(error.credentialWritten).toBe(false);
    expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    expectAllCallsMade();
  });

  it('a secondary rate limit is waited out (Retry-After) and the write goes through', async () => {
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(`${REPO}/secrets/DB_PASSWORD`)
      .reply(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '0' })
      .put(`${REPO}/secrets/DB_PASSWORD`)
      .reply(201)
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(200, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: 'old' })
      .patch(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(204);
    await (await openStore('gh://acme/api/DB_PASSWORD', OPTIONS)).write(WRITE);
    expectAllCallsMade();
  });

  it('a variable that cannot be written: the secret is written, the URL is not (STORE_METADATA_FAILED)', async () => {
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(`${REPO}/secrets/DB_PASSWORD`)
      .reply(201)
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(404, { message: 'Not Found' })
      .post(`${REPO}/variables`)
      .reply(403, { message: `Resource not accessible; echo ${CREDENTIAL}` });
    const error = await writeFails(
      openStore('gh://acme/api/DB_PASSWORD', OPTIONS),
      WRITE,
      'STORE_METADATA_FAILED',
    );
    expect(error.credentialWritten).toBe(true);
    expect(error.message).toContain('DB_PASSWORD_PASSGENI_CERT_URL');
    expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    expectAllCallsMade();
  });

  it('a variable created concurrently (409) is updated instead', async () => {
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .put(`${REPO}/secrets/DB_PASSWORD`)
      .reply(204)
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(404, { message: 'Not Found' })
      .post(`${REPO}/variables`)
      .reply(409, { message: 'Already exists' })
      .patch(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`, { value: CERT.certUrl })
      .reply(204);
    await (await openStore('gh://acme/api/DB_PASSWORD', OPTIONS)).write(WRITE);
    expectAllCallsMade();
  });

  it('honours GITHUB_API_URL (GitHub Enterprise Server)', async () => {
    nock('https://ghe.example.test')
      .get('/api/v3/repos/acme/api/actions/secrets/public-key')
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .get('/api/v3/repos/acme/api/actions/variables/DB_PASSWORD_PASSGENI_CERT_URL')
      .reply(404, { message: 'Not Found' });
    const store = await openStore('gh://acme/api/DB_PASSWORD', {
      env: { PASSGENI_GITHUB_TOKEN: TOKEN, GITHUB_API_URL: 'https://ghe.example.test/api/v3' },
    });
    await store.preflight();
    expectAllCallsMade();
  });
});

describe('GitHub Actions secrets: pre-flight and reads', () => {
  it('pre-flight reads the public key and the variable, and writes nothing', async () => {
    github()
      .get(`${REPO}/secrets/public-key`)
      .reply(200, { key_id: KEY_ID, key: publicKey })
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(200, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl });
    const store = await openStore('gh://acme/api/DB_PASSWORD', OPTIONS);
    await store.preflight();
    expectAllCallsMade();
  });

  it('pre-flight: an unknown environment is STORE_NOT_FOUND', async () => {
    github().get('/repos/acme/api/environments/prod/secrets/public-key').reply(404, { message: 'Not Found' });
    const error = await storeError((await openStore('gh://acme/api/env/prod/X', OPTIONS)).preflight());
    expect(error.code).toBe('STORE_NOT_FOUND');
    expect(error.message).toContain('environment "prod" of acme/api');
  });

  it('the certificate URL comes from the variable; the credential cannot be read back', async () => {
    github()
      .get(`${REPO}/variables/DB_PASSWORD_PASSGENI_CERT_URL`)
      .reply(200, { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl });
    const store = await openStore('gh://acme/api/DB_PASSWORD', OPTIONS);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    const error = await storeError(store.readCredential());
    expect(error.code).toBe('STORE_UNREADABLE');
    expect(error.message).toContain('never returns the value');
  });

  it('network failures are retried, then STORE_UNAVAILABLE', async () => {
    github().get(`${REPO}/secrets/public-key`).times(3).replyWithError('socket hang up');
    const error = await storeError((await openStore('gh://acme/api/DB_PASSWORD', OPTIONS)).preflight());
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expectNoSecrets(error, [TOKEN]);
    expectAllCallsMade();
  });
});

describe('GitHub Actions secrets: inventory listing', () => {
  it('lists the secrets with their certificate variables and update times, never a value', async () => {
    github()
      .get(`${REPO}/secrets`)
      .query({ per_page: 100, page: 1 })
      .reply(200, {
        total_count: 2,
        secrets: [
          { name: 'DB_PASSWORD', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-03-01T10:00:00Z' },
          { name: 'OTHER', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' },
        ],
      })
      .get(`${REPO}/variables`)
      .query({ per_page: 30, page: 1 })
      .reply(200, {
        total_count: 2,
        variables: [
          { name: 'DB_PASSWORD_PASSGENI_CERT_URL', value: CERT.certUrl },
          { name: 'UNRELATED', value: 'x' },
        ],
      });
    const lister = await openStoreLister('gh://acme/api', OPTIONS);
    const rows: StoredSecretRef[] = [];
    for await (const row of lister.list()) rows.push(row);
    expect(rows).toEqual([
      { uri: 'gh://acme/api/DB_PASSWORD', certUrl: CERT.certUrl, valueUpdatedAt: '2026-03-01T10:00:00Z' },
      { uri: 'gh://acme/api/OTHER', certUrl: undefined, valueUpdatedAt: '2026-01-01T00:00:00Z' },
    ]);
    expectAllCallsMade();
  });
});

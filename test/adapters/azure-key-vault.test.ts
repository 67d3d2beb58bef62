import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { openStore, openStoreLister, parseStoreUri } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import type { StoredSecretRef } from '../../adapters/store.js';
import { CERT, expectAllCallsMade, expectNoSecrets, resetNock, storeError, writeFails } from './helpers.js';

const VAULT = 'https://acme-prod.vault.azure.net';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.EXAMPLEazureAccessToken.sig0000';
const CREDENTIAL = 'Rm3"k\\8#Tq!y5$Jw+Ne';
const EXPIRES = '2027-12-03T15:00:00.000Z';
const WRITE = { credential: CREDENTIAL, ...CERT, certExpiresAt: EXPIRES };
const CHALLENGE = {
  'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
};

/** A TokenCredential as DefaultAzureCredential is one, recording what it was asked for. */
function credential(asked: Array<{ scopes: string[]; tenantId: string | undefined }>): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      asked.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
      return Promise.resolve({ token: ACCESS_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

function options(asked: Array<{ scopes: string[]; tenantId: string | undefined }> = []): StoreOptions {
  return { azure: { credential: credential(asked) }, env: {}, retry: { maxAttempts: 3, baseDelayMs: 1 } };
}

/**
 * The SDK's challenge-based authentication: its first request goes out without a token, Key Vault
 * answers 401 naming the tenant and resource, and the request is sent again with a token.
 */
function challenged(path: string): nock.Scope {
  const scope = nock(VAULT, { badheaders: ['authorization'] });
  return scope
    .get(path)
    .query({ 'api-version': '7.5' })
    .reply(
      401,
      { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer token.' } },
      CHALLENGE,
    );
}

function vault(): nock.Scope {
  return nock(VAULT).matchHeader('authorization', `Bearer ${ACCESS_TOKEN}`);
}

const secretBody = (value: string, version: string, extra: Record<string, unknown> = {}) => ({
  value,
  id: `${VAULT}/secrets/db-password/${version}`,
  attributes: {
    enabled: true,
    created: 1764770000,
    updated: 1764770000,
    recoveryLevel: 'Recoverable+Purgeable',
  },
  tags: { team: 'payments' },
  contentType: 'text/plain',
  ...extra,
});

interface SetBody {
  value: string;
  tags: Record<string, string>;
  contentType: string;
  attributes?: { exp?: number };
}

beforeEach(resetNock);
afterEach(() => nock.cleanAll());

describe('azure-kv:// URIs', () => {
  it('parses a vault name or host, a secret, and expires=certificate', () => {
    expect(parseStoreUri('azure-kv://acme-prod/db-password')).toMatchObject({
      kind: 'azure-kv',
      vault: 'acme-prod',
      secret: 'db-password',
      expiresWithCertificate: false,
    });
    expect(parseStoreUri('azure-kv://acme.vault.azure.cn/db?expires=certificate')).toMatchObject({
      vault: 'acme.vault.azure.cn',
      expiresWithCertificate: true,
    });
  });

  it.each([
    ['azure-kv://ab/db', 'not a Key Vault name'],
    ['azure-kv://acme-prod/db_password', '1-127 letters, digits and "-"'],
    ['azure-kv://acme-prod/db#key', 'no keys inside'],
    ['azure-kv://acme-prod/db?expires=never', 'only expires=certificate'],
  ])('%s is refused', (uri, problem) => {
    expect(() => parseStoreUri(uri)).toThrow(problem);
  });
});

describe('Azure Key Vault: write', () => {
  it('answers the challenge, then sets a new version with the URL and target tags, content type and expiry in one request', async () => {
    const asked: Array<{ scopes: string[]; tenantId: string | undefined }> = [];
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query({ 'api-version': '7.5' })
      .reply(200, secretBody('previous-value', 'aaa111'))
      .put('/secrets/db-password', (body: SetBody) => {
        return (
          body.value === CREDENTIAL &&
          body.contentType === 'text/plain' &&
          body.tags.team === 'payments' &&
          body.tags['passgeni-cert-url'] === CERT.certUrl &&
          body.tags['passgeni-cert-id'] === CERT.certId &&
          body.tags['passgeni-target'] === 'postgresql://db.internal:5432/app#app_user' &&
          body.attributes?.exp === Date.parse(EXPIRES) / 1000
        );
      })
      .query({ 'api-version': '7.5' })
      .reply(200, secretBody('', 'bbb222'));
    const store = await openStore('azure-kv://acme-prod/db-password?expires=certificate', options(asked));
    expect(await store.write({ ...WRITE, target: 'postgresql://db.internal:5432/app#app_user' })).toEqual({
      store: 'azure-kv://acme-prod/db-password?expires=certificate',
      version: 'bbb222',
    });
    expectAllCallsMade();
    expect(asked[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: TENANT });
  });

  it('without ?expires=certificate no expiry is set; a missing secret is created', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(404, {
        error: {
          code: 'SecretNotFound',
          message: 'A secret with (name/id) db-password was not found in this key vault.',
        },
      })
      .put(
        '/secrets/db-password',
        (body: SetBody) => body.value === CREDENTIAL && body.attributes?.exp === undefined,
      )
      .query(true)
      .reply(200, secretBody('', 'ccc333'));
    await (await openStore('azure-kv://acme-prod/db-password', options())).write(WRITE);
    expectAllCallsMade();
  });

  it('a write without a target leaves the tag off the new version, clearing the one the previous version had', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(
        200,
        secretBody('previous-value', 'aaa111', {
          tags: { team: 'payments', 'passgeni-target': 'postgresql://old.internal:5432/app#app' },
        }),
      )
      .put(
        '/secrets/db-password',
        (body: SetBody) =>
          body.tags.team === 'payments' &&
          body.tags['passgeni-cert-url'] === CERT.certUrl &&
          !('passgeni-target' in body.tags),
      )
      .query(true)
      .reply(200, secretBody('', 'ddd444'));
    await (await openStore('azure-kv://acme-prod/db-password', options())).write(WRITE);
    expectAllCallsMade();
  });

  it('403 names the role; the credential, the old value and the token never appear', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(200, secretBody('previous-value', 'aaa111'))
      .put('/secrets/db-password')
      .query(true)
      .reply(403, {
        error: {
          code: 'Forbidden',
          message: `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action' ${CREDENTIAL}`,
          innererror: { code: 'ForbiddenByRbac' },
        },
      });
    const error = await writeFails(
      openStore('azure-kv://acme-prod/db-password', options()),
      WRITE,
      'STORE_ACCESS_DENIED',
    );
    expect(error.message).toContain('Key Vault Secrets Officer');
    expect(error.message).toContain('setSecret/action');
    expect(error.credentialWritten).toBe(false);
    expectNoSecrets(error, [CREDENTIAL, ACCESS_TOKEN, 'previous-value']);
    expectAllCallsMade();
  });

  it('too many tags is refused before anything is written', async () => {
    const tags = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`t${i}`, 'x']));
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(200, secretBody('previous-value', 'a', { tags }));
    const error = await writeFails(
      openStore('azure-kv://acme-prod/db-password', options()),
      WRITE,
      'STORE_INVALID_VALUE',
    );
    expect(error.message).toContain('Key Vault allows 15');
    expectAllCallsMade();
  });

  it('a deleted secret awaiting purge (409) is a conflict that says what to do', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(404, { error: { code: 'SecretNotFound', message: 'not found' } })
      .put('/secrets/db-password')
      .query(true)
      .reply(409, {
        error: {
          code: 'Conflict',
          message: 'Secret db-password is currently in a deleted but recoverable state.',
        },
      });
    const error = await writeFails(
      openStore('azure-kv://acme-prod/db-password', options()),
      WRITE,
      'STORE_CONFLICT',
    );
    expect(error.message).toContain('recover or purge');
    expectAllCallsMade();
  });

  it('429 is retried after Retry-After', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .reply(200, secretBody('previous-value', 'a'))
      .put('/secrets/db-password')
      .query(true)
      .reply(429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': '0' })
      .put('/secrets/db-password', (body: SetBody) => body.value === CREDENTIAL)
      .query(true)
      .reply(200, secretBody('', 'ddd444'));
    expect(await (await openStore('azure-kv://acme-prod/db-password', options())).write(WRITE)).toMatchObject(
      {
        version: 'ddd444',
      },
    );
    expectAllCallsMade();
  });
});

describe('Azure Key Vault: pre-flight, reads and credentials', () => {
  it('pre-flight reads the secret (through the challenge); the URL and credential come from the current version', async () => {
    challenged('/secrets/db-password/');
    vault()
      .get('/secrets/db-password/')
      .query(true)
      .times(3)
      .reply(200, secretBody(CREDENTIAL, 'a', { tags: { 'passgeni-cert-url': CERT.certUrl } }));
    const store = await openStore('azure-kv://acme-prod/db-password', options());
    await store.preflight();
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    expectAllCallsMade();
  });

  it('no Azure credentials: STORE_AUTH_MISSING naming OIDC federation', async () => {
    challenged('/secrets/db-password/');
    const unavailable: TokenCredential = {
      getToken: () => {
        const error = new Error(
          'DefaultAzureCredential failed to retrieve a token from the included credentials.',
        );
        error.name = 'CredentialUnavailableError';
        return Promise.reject(error);
      },
    };
    const store = await openStore('azure-kv://acme-prod/db-password', {
      azure: { credential: unavailable },
      env: {},
    });
    const error = await storeError(store.preflight());
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('azure/login with OpenID Connect');
    expectAllCallsMade();
  });
});

describe('Azure Key Vault: inventory listing', () => {
  it("lists the vault's secrets with their URL and target tags, following nextLink, skipping certificate-backed ones", async () => {
    challenged('/secrets');
    vault()
      .get('/secrets')
      .query({ 'api-version': '7.5' })
      .reply(200, {
        value: [
          {
            id: `${VAULT}/secrets/db-password`,
            attributes: { enabled: true },
            tags: {
              'passgeni-cert-url': CERT.certUrl,
              'passgeni-target': 'redis://cache.internal:6379#worker',
            },
          },
          { id: `${VAULT}/secrets/api-key`, attributes: { enabled: true } },
          { id: `${VAULT}/secrets/db-tls`, attributes: { enabled: true }, managed: true },
        ],
        nextLink: `${VAULT}/secrets?api-version=7.5&$skiptoken=page2`,
      })
      .get('/secrets')
      .query({ 'api-version': '7.5', $skiptoken: 'page2' })
      .reply(200, { value: [{ id: `${VAULT}/secrets/db-other`, attributes: { enabled: true } }] });
    const lister = await openStoreLister('azure-kv://acme-prod/db', options());
    const rows: StoredSecretRef[] = [];
    for await (const row of lister.list()) rows.push(row);
    expect(rows).toEqual([
      {
        uri: 'azure-kv://acme-prod/db-password',
        certUrl: CERT.certUrl,
        target: 'redis://cache.internal:6379#worker',
      },
      { uri: 'azure-kv://acme-prod/db-other', certUrl: undefined },
    ]);
    expectAllCallsMade();
  });
});

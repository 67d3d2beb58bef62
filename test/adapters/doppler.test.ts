import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { openStore } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import { certUrlFromNote, composeNote } from '../../adapters/doppler.js';
import type { SecretStore } from '../../adapters/store.js';
import { CERT, expectAllCallsMade, expectNoSecrets, resetNock, storeError, writeFails } from './helpers.js';

const API = 'https://api.doppler.com';
const TOKEN = 'dp.st.prd.EXAMPLEtokenEXAMPLEtokenEXAMPLE00';
const CREDENTIAL = 'H7$k"q#2\\Zp!w9Lm';
const WRITE = { credential: CREDENTIAL, ...CERT };
const OPTIONS: StoreOptions = { env: { DOPPLER_TOKEN: TOKEN }, retry: { maxAttempts: 3, baseDelayMs: 1 } };
const QUERY = { project: 'backend', config: 'prd', name: 'DB_PASSWORD' };

function doppler(): nock.Scope {
  return nock(API).matchHeader('authorization', `Bearer ${TOKEN}`);
}

/** The first request of every write: reading the secret. */
function reads(): nock.Interceptor {
  return doppler().get('/v3/configs/config/secret').query(QUERY);
}

function secretReply(raw: string, note = ''): Record<string, unknown> {
  return { name: 'DB_PASSWORD', value: { raw, computed: raw, note }, success: true };
}

async function open(options: StoreOptions = OPTIONS): Promise<SecretStore> {
  return openStore('doppler://backend/prd/DB_PASSWORD', options);
}

beforeEach(resetNock);
afterEach(() => nock.cleanAll());

describe('doppler notes', () => {
  it('keeps the team text and one line per config', () => {
    const first = composeNote('Rotated monthly.', 'prd', 'https://c/1');
    expect(first).toBe('Rotated monthly.\nPassGeni certificate (prd): https://c/1');
    const second = composeNote(composeNote(first, 'dev', 'https://c/2'), 'prd', 'https://c/3');
    expect(second).toBe(
      'Rotated monthly.\nPassGeni certificate (dev): https://c/2\nPassGeni certificate (prd): https://c/3',
    );
    expect(certUrlFromNote(second, 'prd')).toBe('https://c/3');
    expect(certUrlFromNote(second, 'stg')).toBeUndefined();
    expect(composeNote('', 'prd', 'u')).toBe('PassGeni certificate (prd): u');
  });
});

describe('doppler write', () => {
  it('updates conditionally on the value read, then sets the note', async () => {
    reads()
      .reply(200, secretReply('old-value', 'Owned by payments.'))
      .post('/v3/configs/config/secrets', {
        project: 'backend',
        config: 'prd',
        change_requests: [
          { name: 'DB_PASSWORD', value: CREDENTIAL, originalName: 'DB_PASSWORD', originalValue: 'old-value' },
        ],
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, { secrets: {}, success: true })
      .post('/v3/configs/config/secrets/note', {
        project: 'backend',
        config: 'prd',
        secret: 'DB_PASSWORD',
        note: `Owned by payments.\nPassGeni certificate (prd): ${CERT.certUrl}`,
      })
      .reply(200, { secret: 'DB_PASSWORD', note: 'x', success: true });
    expect(await (await open()).write(WRITE)).toEqual({
      store: 'doppler://backend/prd/DB_PASSWORD',
    });
    expectAllCallsMade();
  });

  it('creates a missing secret without an originalValue', async () => {
    reads()
      .reply(404, { messages: ['Could not find requested secret'], success: false })
      .post('/v3/configs/config/secrets', {
        project: 'backend',
        config: 'prd',
        change_requests: [{ name: 'DB_PASSWORD', value: CREDENTIAL }],
      })
      .reply(200, { success: true })
      .post(
        '/v3/configs/config/secrets/note',
        (b: { note: string }) => b.note === `PassGeni certificate (prd): ${CERT.certUrl}`,
      )
      .reply(200, { success: true });
    await (await open()).write(WRITE);
    expectAllCallsMade();
  });

  it('a concurrent change (originalValue mismatch) is a conflict; the note is not touched', async () => {
    reads()
      .reply(200, secretReply('old-value'))
      .post('/v3/configs/config/secrets')
      .reply(400, { messages: ['Secret DB_PASSWORD has been modified'], success: false })
      .get('/v3/configs/config/secret')
      .query(QUERY)
      .reply(200, secretReply('someone-elses-value'));
    const error = await writeFails(open(), WRITE, 'STORE_CONFLICT');
    expect(error.message).toContain('nothing was overwritten');
    expectNoSecrets(error, [CREDENTIAL, TOKEN, 'old-value', 'someone-elses-value']);
    expectAllCallsMade();
  });

  it('401 is STORE_ACCESS_DENIED saying which token is needed', async () => {
    reads().reply(401, { messages: ['Invalid Auth token'], success: false });
    const error = await writeFails(open(), WRITE, 'STORE_ACCESS_DENIED');
    expect(error.message).toContain('Invalid Auth token');
    expect(error.message).toContain('service token with read/write access');
    expectNoSecrets(error, [CREDENTIAL, TOKEN]);
    expectAllCallsMade();
  });

  it('429 is retried after the Retry-After the server asks for', async () => {
    reads()
      .reply(200, secretReply('old-value'))
      .post('/v3/configs/config/secrets')
      .reply(429, { messages: ['Too many requests'], success: false }, { 'Retry-After': '1' })
      .post('/v3/configs/config/secrets')
      .reply(200, { success: true })
      .post('/v3/configs/config/secrets/note')
      .reply(200, { success: true });
    const started = Date.now();
    await (await open()).write(WRITE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expectAllCallsMade();
  });

  it('persistent 429 becomes STORE_THROTTLED with the wait Doppler asked for', async () => {
    reads()
      .times(3)
      .reply(429, { messages: ['Too many requests'], success: false }, { 'Retry-After': '0' });
    const error = await writeFails(open(), WRITE, 'STORE_THROTTLED');
    expect(error.message).toContain('HTTP 429, 3 attempt(s)');
    expectAllCallsMade();
  });

  it('a Retry-After beyond the retry budget is reported rather than waited for', async () => {
    reads().reply(429, { messages: ['Too many requests'] }, { 'Retry-After': '3600' });
    const error = await writeFails(open(), WRITE, 'STORE_THROTTLED');
    expect(error.message).toContain('HTTP 429, 1 attempt(s)');
    expect(error.message).toContain('wait 3600 s');
    expectAllCallsMade();
  });

  it('retries 5xx, and a lost response to our own update is recognised on the re-read', async () => {
    reads()
      .reply(200, secretReply('old-value'))
      .post('/v3/configs/config/secrets')
      .reply(503, { messages: ['unavailable'] })
      .post('/v3/configs/config/secrets')
      .reply(409, { messages: ['conflict'] })
      .get('/v3/configs/config/secret')
      .query(QUERY)
      .reply(200, secretReply(CREDENTIAL))
      .post('/v3/configs/config/secrets/note')
      .reply(200, { success: true });
    await (await open()).write(WRITE);
    expectAllCallsMade();
  });

  it('the note failing after the update: STORE_METADATA_FAILED with credentialWritten', async () => {
    reads()
      .reply(200, secretReply('old-value'))
      .post('/v3/configs/config/secrets')
      .reply(200, { success: true })
      .post('/v3/configs/config/secrets/note')
      .reply(403, { messages: ['This token does not have access to requested resource'] });
    const error = await writeFails(open(), WRITE, 'STORE_METADATA_FAILED');
    expect(error.credentialWritten).toBe(true);
    expectNoSecrets(error, [CREDENTIAL, TOKEN, 'old-value']);
    expectAllCallsMade();
  });

  it('never repeats the token, the new or the old value, even when Doppler echoes them', async () => {
    reads()
      .reply(200, secretReply('old-value'))
      .post('/v3/configs/config/secrets')
      .reply(422, { messages: [`bad value ${CREDENTIAL} (was old-value) for ${TOKEN}`] })
      .get('/v3/configs/config/secret')
      .query(QUERY)
      .reply(200, secretReply('old-value'));
    const error = await writeFails(open(), WRITE, 'STORE_WRITE_FAILED');
    expect(error.message).toContain('[redacted]');
    expectNoSecrets(error, [CREDENTIAL, TOKEN, 'old-value']);
    expectAllCallsMade();
  });
});

describe('doppler reads', () => {
  it('reads the raw value and this config’s certificate URL', async () => {
    reads()
      .times(2)
      .reply(
        200,
        secretReply(
          CREDENTIAL,
          `PassGeni certificate (dev): https://c/dev\nPassGeni certificate (prd): ${CERT.certUrl}`,
        ),
      );
    const store = await open({ ...OPTIONS, env: {}, dopplerToken: TOKEN });
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    expectAllCallsMade();
  });
});

describe('doppler pre-flight', () => {
  it('reads the secret (a missing one is fine: the write creates it); a refused token fails', async () => {
    reads().reply(404, { messages: ['Could not find requested secret'], success: false });
    await (await open()).preflight();
    reads().reply(401, { messages: ['Invalid Service token'], success: false });
    const denied = await storeError((await open()).preflight());
    expect(denied.code).toBe('STORE_ACCESS_DENIED');
    expectNoSecrets(denied, [TOKEN]);
    expectAllCallsMade();
  });
});

describe('doppler service-account identity (OIDC)', () => {
  const IDENTITY = '2b9e7a30-4c1f-4d8e-9a6b-5f3c2e1d0a97';
  const OIDC = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9yZXBvOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.c2ln';
  const SHORT_LIVED = 'dp.said.EXAMPLEshortlivedEXAMPLEtoken000';

  it('exchanges the OIDC token at /v3/auth/oidc, uses the short-lived token, and hands it to onSecret', async () => {
    nock(API)
      .post('/v3/auth/oidc', { identity: IDENTITY, token: OIDC })
      .reply(200, { success: true, token: SHORT_LIVED, expires_at: '2026-12-03T17:00:00.000Z' });
    nock(API)
      .matchHeader('authorization', `Bearer ${SHORT_LIVED}`)
      .get('/v3/configs/config/secret')
      .query(QUERY)
      .reply(200, secretReply(CREDENTIAL));
    const secrets: string[] = [];
    const store = await open({
      env: { DOPPLER_IDENTITY_ID: IDENTITY, DOPPLER_OIDC_TOKEN: OIDC },
      onSecret: (value) => secrets.push(value),
    });
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(secrets).toEqual([SHORT_LIVED]);
    expectAllCallsMade();
  });

  it('a refused exchange is STORE_ACCESS_DENIED naming the identity, never the OIDC token', async () => {
    // another token than the test above's: a successful exchange is remembered for the process
    const refused = `${OIDC}-refused`;
    nock(API)
      .post('/v3/auth/oidc')
      .reply(401, { success: false, messages: [`Invalid token ${refused}: audience mismatch`] });
    const error = await storeError(
      open({ env: {}, doppler: { identity: IDENTITY, oidcToken: refused }, retry: { baseDelayMs: 1 } }),
    );
    expect(error.code).toBe('STORE_ACCESS_DENIED');
    expect(error.message).toContain(IDENTITY);
    expect(error.message).toContain('audience mismatch');
    expectNoSecrets(error, [refused]);
    expectAllCallsMade();
  });

  it('an identity without an OIDC token is STORE_AUTH_MISSING before any request', async () => {
    const error = await storeError(open({ env: { DOPPLER_IDENTITY_ID: IDENTITY } }));
    expect(error.code).toBe('STORE_AUTH_MISSING');
    expect(error.message).toContain('DOPPLER_OIDC_TOKEN');
  });
});

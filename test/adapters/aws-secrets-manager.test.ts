import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { openStore, openStoreLister } from '../../adapters/index.js';
import type { StoreOptions } from '../../adapters/index.js';
import {
  ATTESTATION_URL_TAG,
  CERT_KEY_TAG,
  CERT_URL_TAG,
  PENDING_STAGE,
  TARGET_TAG,
  requestToken,
} from '../../adapters/aws-secrets-manager/index.js';
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

const ENDPOINT = 'https://secretsmanager.us-east-1.amazonaws.com';
const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue';
const OPTIONS: StoreOptions = {
  env: {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: SESSION_TOKEN,
  },
  aws: { maxAttempts: 3 },
};
const CREDENTIAL = 'Zq7#p$2w"x\\LmN9!rT';
const WRITE = { credential: CREDENTIAL, ...CERT };
/** The certificate tags of a JSON secret's #password. */
const PASSWORD_TAGS = [
  { Key: CERT_URL_TAG, Value: CERT.certUrl },
  { Key: CERT_KEY_TAG, Value: 'password' },
];
const OLD_VERSION = 'a1b2c3d4-0000-4000-8000-0000000000aa';

type Body = Record<string, unknown>;

function call(target: string, match: (body: Body) => boolean = () => true): nock.Interceptor {
  return nock(ENDPOINT)
    .post('/', (body: Body) => match(body))
    .matchHeader('x-amz-target', `secretsmanager.${target}`)
    .matchHeader('content-type', 'application/x-amz-json-1.1');
}

function awsError(type: string, message = 'error'): [number, Body, Record<string, string>] {
  return [400, { __type: type, message }, AWS_JSON];
}

async function open(uri = 'aws-sm://prod/api-key', options: StoreOptions = OPTIONS): Promise<SecretStore> {
  return openStore(uri, options);
}

/** The secret holds 'previous' at OLD_VERSION; our new version is `version`. */
function readsAndPuts(version: string): void {
  call('GetSecretValue').reply(200, { VersionId: OLD_VERSION, SecretString: 'previous' }, AWS_JSON);
  call('PutSecretValue').reply(200, { VersionId: version }, AWS_JSON);
}

function dropsPending(version?: string): void {
  call(
    'UpdateSecretVersionStage',
    (b) => b.VersionStage === PENDING_STAGE && (version === undefined || b.RemoveFromVersionId === version),
  ).reply(200, {}, AWS_JSON);
}

/** AWSCURRENT moves to our version, then our pending label goes. */
function promotes(): void {
  call('UpdateSecretVersionStage', (b) => b.VersionStage === 'AWSCURRENT').reply(200, {}, AWS_JSON);
  dropsPending();
}

beforeEach(resetNock);
afterEach(() => nock.cleanAll());

describe('aws-sm write', () => {
  it('writes a pending version, moves AWSCURRENT from the version it read, then tags', async () => {
    const token = requestToken('prod/api-key', CERT.certId);
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestToken('prod/api-key', CERT.certId)).toBe(token);
    expect(requestToken('prod/other', CERT.certId)).not.toBe(token);

    call('GetSecretValue', (b) => b.SecretId === 'prod/api-key').reply(
      200,
      { Name: 'prod/api-key', VersionId: OLD_VERSION, SecretString: 'previous' },
      AWS_JSON,
    );
    call(
      'PutSecretValue',
      (b) =>
        b.SecretId === 'prod/api-key' &&
        b.SecretString === CREDENTIAL &&
        b.ClientRequestToken === token &&
        JSON.stringify(b.VersionStages) === JSON.stringify([PENDING_STAGE]),
    ).reply(200, { VersionId: token, VersionStages: [PENDING_STAGE] }, AWS_JSON);
    call(
      'UpdateSecretVersionStage',
      (b) =>
        b.VersionStage === 'AWSCURRENT' &&
        b.MoveToVersionId === token &&
        b.RemoveFromVersionId === OLD_VERSION,
    ).reply(200, { Name: 'prod/api-key' }, AWS_JSON);
    call(
      'UpdateSecretVersionStage',
      (b) =>
        b.VersionStage === PENDING_STAGE &&
        b.RemoveFromVersionId === token &&
        b.MoveToVersionId === undefined,
    ).reply(200, {}, AWS_JSON);
    call(
      'TagResource',
      (b) =>
        JSON.stringify(b.Tags) ===
        JSON.stringify([
          { Key: CERT_URL_TAG, Value: CERT.certUrl },
          { Key: CERT_KEY_TAG, Value: '' },
          // empty: this run did not attest, and an earlier certificate's attestation must not stay
          { Key: ATTESTATION_URL_TAG, Value: '' },
          // empty: no target, so one an earlier run recorded is cleared
          { Key: TARGET_TAG, Value: '' },
        ]),
    ).reply(200, {}, AWS_JSON);

    const store = await open();
    expect(await store.write(WRITE)).toEqual({
      store: 'aws-sm://prod/api-key',
      version: token,
    });
    expectAllCallsMade();
  });

  it("tags the certificate's attestation URL and the target beside the certificate URL", async () => {
    const attestationUrl = 'https://github.com/acme/infra/attestations/4242';
    const target = 'postgresql://db.internal:5432/app#app_user';
    readsAndPuts(requestToken('prod/api-key', CERT.certId));
    promotes();
    call(
      'TagResource',
      (b) =>
        JSON.stringify(b.Tags) ===
        JSON.stringify([
          { Key: CERT_URL_TAG, Value: CERT.certUrl },
          { Key: CERT_KEY_TAG, Value: '' },
          { Key: ATTESTATION_URL_TAG, Value: attestationUrl },
          { Key: TARGET_TAG, Value: target },
        ]),
    ).reply(200, {}, AWS_JSON);
    await (await open()).write({ ...WRITE, attestationUrl, target });
    expectAllCallsMade();
  });

  it('is idempotent: a retry after the version became current only re-applies the tag', async () => {
    const token = requestToken('prod/api-key', CERT.certId);
    call('GetSecretValue').reply(200, { VersionId: token, SecretString: CREDENTIAL }, AWS_JSON);
    call('TagResource').reply(200, {}, AWS_JSON);
    const store = await open();
    expect(await store.write(WRITE)).toMatchObject({ version: token });
    expectAllCallsMade();
  });

  it('#json-key changes only that key; every other key keeps its exact text', async () => {
    const original =
      '{"username": "admin", "password":"old",\n "host":"db.internal","port": 5432.0, "big": 12345678901234567890, "label":"caf\\u00e9 \\/ x", "opts": {"ssl" : true}}';
    let sent = '';
    call('GetSecretValue').reply(200, { VersionId: OLD_VERSION, SecretString: original }, AWS_JSON);
    call('PutSecretValue', (b) => {
      sent = String(b.SecretString);
      return true;
    }).reply(200, { VersionId: 'new-version' }, AWS_JSON);
    promotes();
    call('TagResource', (b) => JSON.stringify(b.Tags).includes(`"Value":"password"`)).reply(
      200,
      {},
      AWS_JSON,
    );

    const store = await open('aws-sm://prod/rds#password');
    await store.write(WRITE);
    expect(sent).toBe(original.replace('"old"', () => JSON.stringify(CREDENTIAL)));
    for (const fragment of [
      '"username": "admin"',
      '"port": 5432.0',
      '"big": 12345678901234567890',
      '"caf\\u00e9 \\/ x"',
      '{"ssl" : true}',
    ]) {
      expect(sent).toContain(fragment);
    }
    expectAllCallsMade();
  });

  it('#json-key on a value that is not a JSON object writes nothing', async () => {
    for (const value of ['plain text', '["a"]']) {
      call('GetSecretValue').reply(200, { VersionId: OLD_VERSION, SecretString: value }, AWS_JSON);
      const error = await writeFails(open('aws-sm://prod/rds#password'), WRITE, 'STORE_INVALID_VALUE');
      expect(error.message).toContain('Nothing was written');
      expectNoSecrets(error, [CREDENTIAL]);
      expectAllCallsMade();
    }
  });

  it('ResourceNotFound: never creates unless asked, and says how to ask', async () => {
    call('GetSecretValue').reply(
      ...awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
    );
    call('DescribeSecret').reply(...awsError('ResourceNotFoundException'));
    const error = await writeFails(open('aws-sm://prod/new'), WRITE, 'STORE_NOT_FOUND');
    expect(error.message).toContain('aws-sm://prod/new?create=true');
    expectAllCallsMade();
  });

  it('?create=true creates the secret with the value, the tags and the idempotency token', async () => {
    const token = requestToken('prod/new', CERT.certId);
    call('GetSecretValue').reply(...awsError('ResourceNotFoundException'));
    call('DescribeSecret').reply(...awsError('ResourceNotFoundException'));
    call(
      'CreateSecret',
      (b) =>
        b.Name === 'prod/new' &&
        b.SecretString === JSON.stringify({ password: CREDENTIAL }) &&
        b.ClientRequestToken === token &&
        JSON.stringify(b.Tags) ===
          JSON.stringify([
            { Key: CERT_URL_TAG, Value: CERT.certUrl },
            { Key: CERT_KEY_TAG, Value: 'password' },
            { Key: ATTESTATION_URL_TAG, Value: '' },
            { Key: TARGET_TAG, Value: '' },
          ]),
    ).reply(200, { Name: 'prod/new', VersionId: token }, AWS_JSON);
    const store = await open('aws-sm://prod/new#password?create=true');
    expect(await store.write(WRITE)).toMatchObject({ version: token });
    expectAllCallsMade();
  });

  it('a secret that exists without a value gets its first version directly', async () => {
    call('GetSecretValue').reply(...awsError('ResourceNotFoundException'));
    call('DescribeSecret').reply(200, { Name: 'tf/managed' }, AWS_JSON);
    call('PutSecretValue', (b) => b.VersionStages === undefined && b.SecretString === CREDENTIAL).reply(
      200,
      { VersionId: 'first' },
      AWS_JSON,
    );
    call('TagResource').reply(200, {}, AWS_JSON);
    expect(await (await open('aws-sm://tf/managed')).write(WRITE)).toMatchObject({ version: 'first' });
    expectAllCallsMade();
  });

  it('AccessDenied names the IAM actions needed', async () => {
    call('GetSecretValue').reply(
      ...awsError(
        'AccessDeniedException',
        'User: arn:aws:sts::1:assumed-role/ci is not authorized to perform: secretsmanager:GetSecretValue',
      ),
    );
    const error = await writeFails(open(), WRITE, 'STORE_ACCESS_DENIED');
    for (const action of [
      'GetSecretValue',
      'PutSecretValue',
      'UpdateSecretVersionStage',
      'TagResource',
      'CreateSecret',
    ]) {
      expect(error.message).toContain(`secretsmanager:${action}`);
    }
    expectAllCallsMade();
  });

  it('ThrottlingException is retried by the SDK and then succeeds', async () => {
    call('GetSecretValue').reply(...awsError('ThrottlingException', 'Rate exceeded'));
    readsAndPuts('v2');
    promotes();
    call('TagResource').reply(200, {}, AWS_JSON);
    expect(await (await open()).write(WRITE)).toMatchObject({ version: 'v2' });
    expectAllCallsMade();
  });

  it('persistent throttling becomes STORE_THROTTLED after the configured attempts', async () => {
    call('GetSecretValue')
      .times(2)
      .reply(...awsError('ThrottlingException', 'Rate exceeded'));
    const store = await open('aws-sm://prod/api-key', { ...OPTIONS, aws: { maxAttempts: 2 } });
    const error = await storeError(store.write(WRITE));
    expect(error.code).toBe('STORE_THROTTLED');
    expect(error.message).toContain('2 times');
    expectAllCallsMade();
  });

  it('a concurrent writer (AWSCURRENT moved) is a conflict: our version is not made current, nor tagged', async () => {
    readsAndPuts('ours');
    call('UpdateSecretVersionStage', (b) => b.VersionStage === 'AWSCURRENT').reply(
      ...awsError('InvalidParameterException', 'The staging label AWSCURRENT is not attached to the version'),
    );
    call('GetSecretValue').reply(200, { VersionId: 'theirs', SecretString: 'their-secret-value' }, AWS_JSON);
    dropsPending('ours');
    const error = await writeFails(open(), WRITE, 'STORE_CONFLICT');
    expect(error.credentialWritten).toBe(false);
    expectNoSecrets(error, [CREDENTIAL, 'their-secret-value', 'previous']);
    expectAllCallsMade();
  });

  it('a denied stage move leaves the previous value current and names the action', async () => {
    readsAndPuts('v-new');
    call('UpdateSecretVersionStage', (b) => b.VersionStage === 'AWSCURRENT').reply(
      ...awsError(
        'AccessDeniedException',
        'not authorized to perform: secretsmanager:UpdateSecretVersionStage',
      ),
    );
    dropsPending('v-new');
    const error = await writeFails(open(), WRITE, 'STORE_ACCESS_DENIED');
    expect(error.credentialWritten).toBe(false);
    expect(error.message).toContain('previous value is still AWSCURRENT');
    expect(error.message).toContain('denied secretsmanager:UpdateSecretVersionStage');
    expectAllCallsMade();
  });

  it('tagging failing after the value is current: STORE_METADATA_FAILED with credentialWritten and the version', async () => {
    readsAndPuts('v-new');
    promotes();
    call('TagResource').reply(
      ...awsError('AccessDeniedException', 'not authorized to perform: secretsmanager:TagResource'),
    );
    const error = await writeFails(open(), WRITE, 'STORE_METADATA_FAILED');
    expect(error.credentialWritten).toBe(true);
    expect(error.version).toBe('v-new');
    expect(error.toJSON()).toMatchObject({
      code: 'STORE_METADATA_FAILED',
      credential_written: true,
      version: 'v-new',
    });
    expect(error.message).toContain('secretsmanager:TagResource');
    expectAllCallsMade();
  });

  it('never lets a server message, the credential or the session token into the error', async () => {
    call('GetSecretValue').reply(
      200,
      { VersionId: OLD_VERSION, SecretString: 'previous-secret-value' },
      AWS_JSON,
    );
    call('PutSecretValue').reply(
      ...awsError(
        'InvalidRequestException',
        `You can't use ${CREDENTIAL} here; token ${SESSION_TOKEN}; old previous-secret-value`,
      ),
    );
    const error = await writeFails(open(), WRITE, 'STORE_WRITE_FAILED');
    expectNoSecrets(error, [
      CREDENTIAL,
      SESSION_TOKEN,
      'previous-secret-value',
      String(OPTIONS.env?.AWS_SECRET_ACCESS_KEY),
    ]);
    expectAllCallsMade();
  });

  it('refuses a certificate URL longer than a tag value before writing', async () => {
    const error = await storeError(
      (await open()).write({
        credential: CREDENTIAL,
        ...CERT,
        certUrl: `https://x/${'a'.repeat(300)}`,
      }),
    );
    expect(error.code).toBe('STORE_INVALID_VALUE');
    expectAllCallsMade();
  });
});

describe('aws-sm reads and listing', () => {
  it('reads the credential and the certificate URL of the right key', async () => {
    call('GetSecretValue').reply(
      200,
      { VersionId: 'v', SecretString: JSON.stringify({ username: 'u', password: CREDENTIAL }) },
      AWS_JSON,
    );
    call('DescribeSecret').reply(200, { Tags: PASSWORD_TAGS }, AWS_JSON);
    const store = await open('aws-sm://prod/rds#password');
    expect(await store.readCredential()).toBe(CREDENTIAL);
    expect(await store.readCertificateUrl()).toBe(CERT.certUrl);
    call('DescribeSecret').reply(200, { Tags: PASSWORD_TAGS }, AWS_JSON);
    expect(await (await open('aws-sm://prod/rds#username')).readCertificateUrl()).toBeUndefined();
    call('GetSecretValue').reply(...awsError('ResourceNotFoundException'));
    call('DescribeSecret').reply(...awsError('ResourceNotFoundException'));
    const missing = await open('aws-sm://prod/none');
    expect(await missing.readCredential()).toBeUndefined();
    expect(await missing.readCertificateUrl()).toBeUndefined();
    expectAllCallsMade();
  });

  it('lists secrets under a name prefix, page by page, with their certificate URLs and targets', async () => {
    call(
      'ListSecrets',
      (b) =>
        JSON.stringify(b.Filters) === JSON.stringify([{ Key: 'name', Values: ['prod/'] }]) &&
        b.NextToken === undefined,
    ).reply(
      200,
      {
        SecretList: [
          {
            Name: 'prod/rds',
            Tags: [
              ...PASSWORD_TAGS,
              { Key: TARGET_TAG, Value: 'postgresql://rds.internal:5432/app#app_a,app_b' },
            ],
          },
          // a cleared target (empty tag) is no target
          { Name: 'prod/plain', Tags: [{ Key: TARGET_TAG, Value: '' }] },
        ],
        NextToken: 'page-2',
      },
      AWS_JSON,
    );
    call('ListSecrets', (b) => b.NextToken === 'page-2').reply(
      200,
      { SecretList: [{ Name: 'prod/key', Tags: [{ Key: CERT_URL_TAG, Value: 'https://c/2' }] }] },
      AWS_JSON,
    );
    const lister = await openStoreLister('aws-sm://prod/', OPTIONS);
    const refs = [];
    for await (const ref of lister.list()) refs.push(ref);
    expect(refs).toEqual([
      {
        uri: 'aws-sm://prod/rds#password',
        certUrl: CERT.certUrl,
        target: 'postgresql://rds.internal:5432/app#app_a,app_b',
      },
      { uri: 'aws-sm://prod/plain', certUrl: undefined },
      { uri: 'aws-sm://prod/key', certUrl: 'https://c/2' },
    ]);
    expectAllCallsMade();
  });

  it('uses the region of an ARN', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf';
    nock('https://secretsmanager.eu-west-1.amazonaws.com')
      .post('/', (b: Body) => b.SecretId === arn)
      .matchHeader('x-amz-target', 'secretsmanager.GetSecretValue')
      .reply(200, { VersionId: 'v', SecretString: 'x' }, AWS_JSON);
    expect(await (await open(`aws-sm://${arn}`)).readCredential()).toBe('x');
    expectAllCallsMade();
  });
});

describe('aws timeouts', () => {
  it('a stalled endpoint fails within the request timeout with STORE_UNAVAILABLE', async () => {
    nock.enableNetConnect('127.0.0.1');
    const { port, close } = await stalledServer();
    try {
      const store = await open('aws-sm://prod/api-key', {
        ...OPTIONS,
        env: { ...OPTIONS.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}` },
        aws: { maxAttempts: 1, requestTimeoutMs: 300 },
      });
      const started = Date.now();
      const error = await storeError(store.write(WRITE));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/did not answer secretsmanager:GetSecretValue in time/);
      expect(error.message).toContain('PASSGENI_AWS_REQUEST_TIMEOUT_MS');
      expectNoSecrets(error, [CREDENTIAL, SESSION_TOKEN]);
    } finally {
      await close();
    }
  });

  it('takes the timeouts from the environment and refuses a bad value before any request', async () => {
    const error = await storeError(
      open('aws-sm://prod/api-key', {
        ...OPTIONS,
        env: { ...OPTIONS.env, PASSGENI_AWS_REQUEST_TIMEOUT_MS: '30s' },
      }),
    );
    expect(error.code).toBe('STORE_CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('PASSGENI_AWS_REQUEST_TIMEOUT_MS must be a whole number of milliseconds');
  });
});

describe('aws pre-flight', () => {
  it('DescribeSecret only: an existing secret passes; a missing one passes only with ?create=true', async () => {
    call('DescribeSecret', (b) => b.SecretId === 'prod/api-key').reply(
      200,
      { Name: 'prod/api-key' },
      AWS_JSON,
    );
    await (await open()).preflight();
    call('DescribeSecret')
      .times(2)
      .reply(...awsError('ResourceNotFoundException'));
    expect((await storeError((await open()).preflight())).code).toBe('STORE_NOT_FOUND');
    await (await open('aws-sm://prod/api-key?create=true')).preflight();
    expectAllCallsMade();
  });

  it('a role without secretsmanager:DescribeSecret fails before anything is issued', async () => {
    call('DescribeSecret').reply(...awsError('AccessDeniedException', 'not authorized'));
    expect((await storeError((await open()).preflight())).code).toBe('STORE_ACCESS_DENIED');
    expectAllCallsMade();
  });
});

import type { CertificateClaimsV2 } from '../src/certificate/index.js';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../adapters/index.js';
import { certifyAndStore, CertifyStoreError, StoreCheckError, type CertifyRequest } from '../src/engine.js';
import { HttpIssuerClient, IssuerError, type IssuerClient } from '../src/issuer-client/index.js';
import { verifyCertificate } from '../src/verification.js';
import { freePort, startTestIssuer, testClient } from './support/issuer-server.js';
import { useNockLoopbackOnly, useTestIssuer } from './support/hooks.js';
import { startCapturingProxy } from './support/tcp-proxy.js';
import { startResettingAws } from './support/resetting-aws.js';
import { holdLockElsewhere } from './support/store-faults.js';

const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
const OLD_VERSION = 'aaaaaaaa-0000-4000-8000-000000000001';
// nock 15 hangs the AWS SDK on reply callbacks and replyWithError, so replies here are static
const NEW_VERSION = 'bbbbbbbb-0000-5000-8000-000000000002';
const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

const issuer = useTestIssuer();
let dir: string;
let envFile: string;

useNockLoopbackOnly();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-engine-'));
  envFile = join(dir, 'secrets.env');
  writeFileSync(envFile, 'DB_PASSWORD=previous-value\nOTHER=keep # a comment\n', { mode: 0o600 });
});

function client(url = issuer.url, apiKey = issuer.apiKey): HttpIssuerClient {
  return testClient({ url, apiKey });
}

function request(stores: string[], extra: Partial<CertifyRequest> = {}): CertifyRequest {
  return { standard: 'HIPAA', stores, ...extra };
}

const storeOptions: StoreOptions = {
  env: AWS_ENV,
  aws: { maxAttempts: 1 },
  retry: { maxAttempts: 1, baseDelayMs: 1 },
};
const open = (uri: string) => openStore(uri, { ...storeOptions, baseDir: dir });

async function teamCertificates() {
  const team = await issuer.issuer.ensureTeam('engine-tests');
  return (await issuer.issuer.listCertificates({ teamId: team.id }, { limit: 100 })).certificates;
}

function awsCall(target: string) {
  return nock(AWS).post('/').matchHeader('x-amz-target', `secretsmanager.${target}`);
}

/** The pre-flight check: the secret exists. */
function awsDescribes() {
  awsCall('DescribeSecret').reply(
    200,
    { ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf', Name: 'prod/db' },
    AWS_JSON,
  );
}

/** The AWS adapter's happy path on the wire (pre-flight, read version, pending write, stage move, label cleanup, tag). */
function awsHappyPath(bodies: Array<{ target: string; body: string }>) {
  const record = (target: string) => (body: unknown) => {
    bodies.push({ target, body: JSON.stringify(body) });
    return true;
  };
  awsDescribes();
  nock(AWS)
    .post('/', record('GetSecretValue'))
    .matchHeader('x-amz-target', 'secretsmanager.GetSecretValue')
    .reply(
      200,
      { VersionId: OLD_VERSION, SecretString: '{"username":"admin","password":"old","port":5432.0}' },
      AWS_JSON,
    );
  nock(AWS)
    .post('/', record('PutSecretValue'))
    .matchHeader('x-amz-target', 'secretsmanager.PutSecretValue')
    .reply(200, { VersionId: NEW_VERSION }, AWS_JSON);
  nock(AWS)
    .post('/', record('UpdateSecretVersionStage'))
    .matchHeader('x-amz-target', 'secretsmanager.UpdateSecretVersionStage')
    .times(2)
    .reply(200, {}, AWS_JSON);
  nock(AWS)
    .post('/', record('TagResource'))
    .matchHeader('x-amz-target', 'secretsmanager.TagResource')
    .reply(200, {}, AWS_JSON);
}

describe('certify-and-store', () => {
  it('certifies, writes every store, and the certificate verifies with live status', async () => {
    const bodies: Array<{ target: string; body: string }> = [];
    awsHappyPath(bodies);
    const report = await certifyAndStore(
      request([`file://${envFile}#DB_PASSWORD`, 'aws-sm://prod/db#password']),
      {
        issuer: client(),
        openStore: open,
      },
    );
    expect(nock.pendingMocks()).toEqual([]);
    expect(report.stored.map((s) => s.store)).toEqual([
      `file://${envFile}#DB_PASSWORD`,
      'aws-sm://prod/db#password',
    ]);
    expect(report.stored[1]?.version).toBe(NEW_VERSION);
    const put = JSON.parse(bodies.find((b) => b.target === 'PutSecretValue')?.body ?? '{}');
    expect(put.SecretString).toBe(
      `{"username":"admin","password":${JSON.stringify(report.credential)},"port":5432.0}`,
    );
    expect(dotenv.parse(readFileSync(envFile))).toEqual({ DB_PASSWORD: report.credential, OTHER: 'keep' });
    const tag = bodies.find((b) => b.target === 'TagResource');
    expect(tag?.body).toContain(report.cert_url);

    const verified = await verifyCertificate({ certificate: report.cert_url });
    expect(verified).toMatchObject({ valid: true, status: 'valid', live: true });
    expect(verified.claims?.compliance_standard).toBe('HIPAA');
  });

  it('binds the certificate to the stored credential when asked', async () => {
    const uri = `file://${envFile}#DB_PASSWORD`;
    const report = await certifyAndStore(request([uri], { bind: true, label: 'prod/db/admin' }), {
      issuer: client(),
      openStore: open,
    });
    const good = await verifyCertificate({ certificate: report.cert_url, credentialFrom: await open(uri) });
    expect(good).toMatchObject({ valid: true, binding: 'match' });
    expect((good.claims as CertificateClaimsV2).asserted.label).toBe('prod/db/admin');

    writeFileSync(envFile, 'DB_PASSWORD=someone-else-changed-it\n');
    const bad = await verifyCertificate({ certificate: report.cert_url, credentialFrom: await open(uri) });
    expect(bad.valid).toBe(false);
    expect(bad.binding).toBe('mismatch');
    expect(bad.reasons.map((r) => r.code)).toContain('BINDING_MISMATCH');
  });
});

describe('the credential kind decides the clauses', () => {
  it('records the kind, and the period a clause or the risk analysis sets, in the certificate', async () => {
    const uri = `file://${envFile}#DB_PASSWORD`;
    const service = await certifyAndStore(request([uri], { standard: 'PCI-DSS' }), {
      issuer: client(),
      openStore: open,
    });
    const svc = (await issuer.issuer.getCertificate(service.cert_id)).claims as CertificateClaimsV2;
    expect(svc).toMatchObject({ credential_kind: 'service' });
    // PCI DSS 8.6.3: no fixed period without the user's risk analysis
    expect(svc).not.toHaveProperty('rotate_by');

    const analysed = await certifyAndStore(request([uri], { standard: 'PCI-DSS', rotateEveryDays: 45 }), {
      issuer: client(),
      openStore: open,
    });
    const risk = (await issuer.issuer.getCertificate(analysed.cert_id)).claims as CertificateClaimsV2;
    expect(risk.rotation_basis).toBe('risk-analysis');
    expect(Date.parse(String(risk.rotate_by)) - Date.parse(risk.asserted.generated_at)).toBe(45 * 86_400_000);

    const user = await certifyAndStore(request([uri], { standard: 'PCI-DSS', kind: 'user' }), {
      issuer: client(),
      openStore: open,
    });
    const usr = (await issuer.issuer.getCertificate(user.cert_id)).claims as CertificateClaimsV2;
    expect(usr).toMatchObject({ credential_kind: 'user', rotation_basis: 'clause' });
    expect(Date.parse(String(usr.rotate_by)) - Date.parse(usr.asserted.generated_at)).toBe(90 * 86_400_000);
  });

  it('refuses an unknown kind, or a period longer than the clause, before anything is written', async () => {
    writeFileSync(envFile, 'DB_PASSWORD=before\n');
    const before = (await teamCertificates()).length;
    const uri = `file://${envFile}#DB_PASSWORD`;
    await expect(
      certifyAndStore(request([uri], { kind: 'robot' }), { issuer: client(), openStore: open }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_CREDENTIAL_KIND', exitCode: 2 });
    await expect(
      certifyAndStore(request([uri], { standard: 'DOD-STIG', kind: 'user', rotateEveryDays: 90 }), {
        issuer: client(),
        openStore: open,
      }),
    ).rejects.toMatchObject({ code: 'ROTATION_PERIOD_TOO_LONG', exitCode: 2 });
    expect(readFileSync(envFile, 'utf8')).toBe('DB_PASSWORD=before\n');
    expect((await teamCertificates()).length).toBe(before);
  });
});

describe('failure at every step ends with the documented outcome', () => {
  it('issuer down: fails before anything is certified or stored; previous secret intact', async () => {
    const before = readFileSync(envFile, 'utf8');
    const down = client(`http://127.0.0.1:${await freePort()}`);
    const error = await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`]), {
      issuer: down,
      openStore: open,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerError);
    expect((error as IssuerError).code).toBe('ISSUER_UNREACHABLE');
    expect((error as IssuerError).exitCode).toBe(3);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
  });

  it('a bad store URI fails before anything is generated or certified', async () => {
    const count = (await teamCertificates()).length;
    const error = await certifyAndStore(request(['vault://only-a-mount']), {
      issuer: client(),
      openStore: open,
    }).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('STORE_URI_INVALID');
    expect((await teamCertificates()).length).toBe(count);
  });

  describe('every store is checked before anything is generated or certified', () => {
    async function refused(stores: string[], env: Record<string, string> = AWS_ENV) {
      const count = (await teamCertificates()).length;
      const before = readFileSync(envFile, 'utf8');
      const error = (await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`, ...stores]), {
        issuer: client(),
        openStore: (uri) => openStore(uri, { ...storeOptions, env, baseDir: dir }),
      }).catch((e: unknown) => e)) as StoreCheckError;
      expect(error).toBeInstanceOf(StoreCheckError);
      expect(error.code).toBe('STORE_CHECK_FAILED');
      expect(error.message).toMatch(/Nothing was generated, certified or written\.$/);
      // no certificate issued (none to revoke), and the healthy store was not written either
      expect((await teamCertificates()).length).toBe(count);
      expect(readFileSync(envFile, 'utf8')).toBe(before);
      return error;
    }

    it('a missing directory: exit 2, the store named with the fix', async () => {
      const missing = join(dir, 'missing-dir');
      const error = await refused([`file://${join(missing, 'x.env')}#K`]);
      expect(error.exitCode).toBe(2);
      expect(error.failures).toEqual([
        {
          store: `file://${join(missing, 'x.env')}#K`,
          code: 'STORE_NOT_FOUND',
          message: `The directory ${missing} does not exist. Create it (mkdir -p ${JSON.stringify(missing)}) or fix the path in the store URI.`,
        },
      ]);
    });

    it('an AWS store with no region: exit 2, no request sent', async () => {
      const { AWS_REGION: _, ...noRegion } = AWS_ENV;
      const error = await refused(['aws-sm://prod/db'], noRegion);
      expect(error.exitCode).toBe(2);
      expect(error.failures[0]?.store).toBe('aws-sm://prod/db');
      expect(error.failures[0]?.message).toMatch(/region/i);
    });

    it('an AWS secret that does not exist, without ?create=true: DescribeSecret says so first', async () => {
      awsCall('DescribeSecret').reply(
        400,
        { __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' },
        AWS_JSON,
      );
      const error = await refused(['aws-sm://prod/new-db']);
      expect(nock.pendingMocks()).toEqual([]);
      expect(error.exitCode).toBe(2);
      expect(error.failures[0]).toMatchObject({ code: 'STORE_NOT_FOUND' });
      expect(error.failures[0]?.message).toContain('?create=true');
    });

    it('a planted symlink and an unparseable JSON file are both reported, in one run', async () => {
      const victim = join(dir, 'victim.env');
      writeFileSync(victim, 'X=1\n');
      symlinkSync(victim, join(dir, 'link.env'));
      writeFileSync(join(dir, 'broken.json'), '{"a": ');
      const error = await refused([
        `file://${join(dir, 'link.env')}#K`,
        `file://${join(dir, 'broken.json')}#K`,
      ]);
      expect(error.exitCode).toBe(2);
      expect(error.failures.map((f) => f.code)).toEqual(['STORE_SYMLINK_REFUSED', 'STORE_INVALID_VALUE']);
      expect(readFileSync(victim, 'utf8')).toBe('X=1\n');
    });
  });

  it('a __proto__ store key is refused before anything is issued or written', async () => {
    const count = (await teamCertificates()).length;
    const file = join(dir, 'x.json');
    const error = await certifyAndStore(request([`file://${file}#__proto__`]), {
      issuer: client(),
      openStore: open,
    }).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('STORE_URI_INVALID');
    expect((error as { exitCode: number }).exitCode).toBe(2);
    expect((await teamCertificates()).length).toBe(count);
    expect(existsSync(file)).toBe(false);
  });

  it('certificate refused (wrong API key): clear error, nothing stored', async () => {
    const before = readFileSync(envFile, 'utf8');
    const error = await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`]), {
      issuer: client(issuer.url, 'pgk_not-a-real-key'),
      openStore: open,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerError);
    expect((error as IssuerError).status).toBe(401);
    expect((error as IssuerError).message).toMatch(/API key/);
    // What to check is data for the front end to word; the message names no flag.
    expect((error as IssuerError).hint).toEqual({ option: 'api-key', fix: 'check' });
    expect((error as IssuerError).message).not.toMatch(/--|PASSGENI_/);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
  });

  it('an issuer answering off-protocol: a clear error naming the issuer, nothing stored', async () => {
    const before = readFileSync(envFile, 'utf8');
    const offProtocol = 'https://not-an-issuer.example';
    const scope = nock(offProtocol)
      .post('/api/v1/sessions')
      .reply(201, { session: 'abc' }, { 'content-type': 'application/json' });
    const error = await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`]), {
      issuer: new HttpIssuerClient({ url: offProtocol, apiKey: 'passgeni_key', maxAttempts: 1 }),
      openStore: open,
    }).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(IssuerError);
    expect((error as IssuerError).code).toBe('ISSUER_RESPONSE_INVALID');
    expect((error as IssuerError).exitCode).toBe(3);
    expect((error as IssuerError).message).toContain(offProtocol);
    expect((error as IssuerError).message).toMatch(/generation_session_id/);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
  });

  it('session expired between session and certificate: no certificate, nothing stored', async () => {
    let now = Date.now();
    const clocked = await startTestIssuer({ clock: () => new Date(now) });
    try {
      const http = new HttpIssuerClient({ url: clocked.url, apiKey: clocked.apiKey, maxAttempts: 1 });
      const slow: IssuerClient = {
        description: http.description,
        createSession: async (r) => {
          const session = await http.createSession(r);
          now += 61_000; // the session lives 60 s
          return session;
        },
        issueCertificate: (r, o) => http.issueCertificate(r, o),
        activateCertificate: (id) => http.activateCertificate(id),
        getCertificate: (id) => http.getCertificate(id),
        revokeCertificate: (id, reason) => http.revokeCertificate(id, reason),
        jwks: () => http.jwks(),
        close: () => http.close(),
      };
      const before = readFileSync(envFile, 'utf8');
      const error = await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`]), {
        issuer: slow,
        openStore: open,
      }).catch((e: unknown) => e);
      expect((error as IssuerError).code).toBe('SESSION_EXPIRED');
      expect(readFileSync(envFile, 'utf8')).toBe(before);
      const team = await clocked.issuer.ensureTeam('engine-tests');
      expect((await clocked.issuer.listCertificates({ teamId: team.id })).certificates).toEqual([]);
    } finally {
      await clocked.close();
    }
  });

  it('every store write fails: the certificate is revoked (not-stored), no valid orphan, non-zero exit', async () => {
    holdLockElsewhere(envFile);
    const missing = `file://${envFile}#DB_PASSWORD`;
    const error = await certifyAndStore(request([missing]), { issuer: client(), openStore: open }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CertifyStoreError);
    const failure = error as CertifyStoreError;
    expect(failure.code).toBe('NOT_STORED');
    expect(failure.exitCode).toBe(3);
    expect(failure.stored).toEqual([]);
    expect(failure.certificateState).toBe('revoked');
    expect(failure.message).toContain('not stored anywhere');
    const status = await issuer.issuer.getCertificate(failure.certId);
    expect(status).toMatchObject({ status: 'revoked', revocation_reason: 'not-stored' });
  });

  it('every store write fails and revoking fails too: the certificate stays pending (not valid) and the issuer revokes it at its deadline', async () => {
    holdLockElsewhere(envFile);
    const missing = `file://${envFile}#DB_PASSWORD`;
    const real = client();
    const refusingRevocation: IssuerClient = {
      description: real.description,
      createSession: (body) => real.createSession(body),
      issueCertificate: (body, o) => real.issueCertificate(body, o),
      activateCertificate: (id) => real.activateCertificate(id),
      getCertificate: (id) => real.getCertificate(id),
      revokeCertificate: () => Promise.reject(new Error('issuer went away')),
      jwks: () => real.jwks(),
      close: () => real.close(),
    };
    const error = await certifyAndStore(request([missing]), {
      issuer: refusingRevocation,
      openStore: open,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertifyStoreError);
    const failure = error as CertifyStoreError;
    expect(failure.code).toBe('NOT_STORED');
    expect(failure.certificateState).toBe('pending');
    const { activate_by: deadline } = failure.details as { activate_by: string };
    expect(failure.message).toContain(
      `Certificate ${failure.certId} could not be revoked now; it is pending (not valid) and the issuer revokes it (not-stored) at ${deadline}.`,
    );
    expect((await issuer.issuer.getCertificate(failure.certId)).status).toBe('pending');
  });

  it('network reset on a store write: revoked, previous secret intact', async () => {
    const aws = await startResettingAws();
    try {
      const reset = (uri: string) =>
        openStore(uri, { ...storeOptions, env: { ...AWS_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url } });
      const error = await certifyAndStore(request(['aws-sm://prod/db']), {
        issuer: client(),
        openStore: reset,
      }).catch((e: unknown) => e);
      expect(aws.targets).toEqual(['DescribeSecret', 'GetSecretValue', 'PutSecretValue']);
      expect((error as CertifyStoreError).code).toBe('NOT_STORED');
      expect((error as CertifyStoreError).certificateState).toBe('revoked');
    } finally {
      await aws.close();
    }
  });

  it('some stores fail: the run fails and says exactly which stores hold the new credential', async () => {
    const good = `file://${envFile}#DB_PASSWORD`;
    holdLockElsewhere(join(dir, 'x.env'));
    const bad = `file://${join(dir, 'x.env')}#K`;
    const error = (await certifyAndStore(request([good, bad]), { issuer: client(), openStore: open }).catch(
      (e: unknown) => e,
    )) as CertifyStoreError;
    expect(error.code).toBe('PARTIALLY_STORED');
    expect(error.stored.map((s) => s.store)).toEqual([good]);
    expect(error.failures.map((f) => f.store)).toEqual([bad]);
    expect(error.certificateState).toBe('valid');
    expect(error.message).toContain(`IS stored in ${good}`);
    expect(error.message).toMatch(
      new RegExp(`^The credential is stored in 1 of 2 stores; writing it failed in 1: ${bad}: `),
    );
    // the certificate stays valid: it describes the credential that is stored
    expect((await issuer.issuer.getCertificate(error.certId)).status).toBe('valid');
  });

  it('one store written without its URL plus one ok store: the message says the credential is in both', async () => {
    const good = `file://${envFile}#DB_PASSWORD`;
    const other = join(dir, 'other.env');
    const tagless = `file://${other}#K`;
    // The sidecar is spoilt after the pre-flight check, so the store fails after the value is written.
    const spoilSidecar = async (uri: string) => {
      const store = await open(uri);
      if (uri !== tagless) return store;
      return {
        ...store,
        preflight: () => store.preflight(),
        readCredential: () => store.readCredential(),
        readCertificateUrl: () => store.readCertificateUrl(),
        write: (r: Parameters<typeof store.write>[0]) => {
          writeFileSync(`${other}.passgeni.json`, 'not json');
          return store.write(r);
        },
      };
    };
    const error = (await certifyAndStore(request([good, tagless]), {
      issuer: client(),
      openStore: spoilSidecar,
    }).catch((e: unknown) => e)) as CertifyStoreError;
    expect(error.code).toBe('PARTIALLY_STORED');
    expect(error.stored.map((s) => s.store)).toEqual([good, tagless]);
    expect(error.message).toMatch(
      new RegExp(
        `^The credential is stored in 2 of 2 stores; the certificate URL could not be attached in 1: ${tagless}: `,
      ),
    );
    expect(error.message).not.toMatch(/failed for/);
  });

  it('metadata write fails after the value was written: reported as stored, certificate stays valid', async () => {
    awsDescribes();
    awsCall('GetSecretValue').reply(200, { VersionId: OLD_VERSION, SecretString: 'old' }, AWS_JSON);
    awsCall('PutSecretValue').reply(200, { VersionId: NEW_VERSION }, AWS_JSON);
    awsCall('UpdateSecretVersionStage').times(2).reply(200, {}, AWS_JSON);
    awsCall('TagResource').reply(
      400,
      { __type: 'AccessDeniedException', message: 'not allowed to tag' },
      AWS_JSON,
    );
    const error = (await certifyAndStore(request(['aws-sm://prod/db']), {
      issuer: client(),
      openStore: open,
    }).catch((e: unknown) => e)) as CertifyStoreError;
    expect(nock.pendingMocks()).toEqual([]);
    expect(error.code).toBe('PARTIALLY_STORED');
    expect(error.stored).toEqual([{ store: 'aws-sm://prod/db', version: NEW_VERSION }]);
    expect(error.failures[0]?.code).toBe('STORE_METADATA_FAILED');
    expect(error.certificateState).toBe('valid');
  });

  it('connection reset while the certificate is being returned: the retry recovers the same certificate, no orphan', async () => {
    const proxy = await startCapturingProxy(issuer.url, {
      resetResponseTo: /^POST \/api\/v1\/certificates /m,
    });
    try {
      const before = (await teamCertificates()).length;
      const report = await certifyAndStore(request([`file://${envFile}#DB_PASSWORD`]), {
        issuer: client(proxy.url),
        openStore: open,
      });
      const after = await teamCertificates();
      expect(after.length).toBe(before + 1);
      expect(after[0]?.cert_id).toBe(report.cert_id);
      expect(after[0]?.status).toBe('valid');
      expect(dotenv.parse(readFileSync(envFile)).DB_PASSWORD).toBe(report.credential);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a non-certifiable standard and a weaker-than-standard request before doing anything', async () => {
    const before = (await teamCertificates()).length;
    await expect(
      certifyAndStore(request([`file://${envFile}#K`], { standard: 'CMMC-L2' }), {
        issuer: client(),
        openStore: open,
      }),
    ).rejects.toMatchObject({
      code: 'STANDARD_NOT_CERTIFIABLE',
    });
    await expect(
      certifyAndStore(request([`file://${envFile}#K`], { length: 10 }), {
        issuer: client(),
        openStore: open,
      }),
    ).rejects.toMatchObject({
      code: 'POLICY_VIOLATION',
    });
    await expect(
      certifyAndStore(request([`file://${envFile}#K`], { requireFipsMode: true }), {
        issuer: client(),
        openStore: open,
        fipsMode: () => false,
      }),
    ).rejects.toMatchObject({ code: 'FIPS_MODE_REQUIRED' });
    expect((await teamCertificates()).length).toBe(before);
    expect(readFileSync(envFile, 'utf8')).not.toContain('K=');
  });
});

describe('FIPS-140-3 is a claim about the random source', () => {
  const provider = { name: 'OpenSSL FIPS Provider', version: '3.0.9', source: 'test: injected' };

  it('is refused, before any store is opened or anything certified, from a runtime not in FIPS mode', async () => {
    const before = (await teamCertificates()).length;
    const opened: string[] = [];
    await expect(
      certifyAndStore(request([`file://${envFile}#K`], { standard: 'fips' }), {
        issuer: client(),
        openStore: async (uri) => {
          opened.push(uri);
          return open(uri);
        },
        fipsMode: () => false,
      }),
    ).rejects.toMatchObject({
      code: 'FIPS_MODE_REQUIRED',
      exitCode: 2,
      message: expect.stringContaining('--enable-fips'),
    });
    expect(opened).toEqual([]);
    expect((await teamCertificates()).length).toBe(before);
    expect(readFileSync(envFile, 'utf8')).not.toContain('K=');
  });

  it('is refused in FIPS mode when the FIPS provider cannot name itself, whatever the standard', async () => {
    for (const standard of ['FIPS-140-3', 'HIPAA']) {
      await expect(
        certifyAndStore(request([`file://${envFile}#K`], { standard }), {
          issuer: client(),
          openStore: open,
          fipsMode: () => true,
          fipsProvider: () => undefined,
        }),
      ).rejects.toMatchObject({ code: 'FIPS_PROVIDER_UNKNOWN', exitCode: 2 });
    }
    expect(readFileSync(envFile, 'utf8')).not.toContain('K=');
  });

  it('is certified from a FIPS-mode runtime, and the certificate names the provider', async () => {
    const report = await certifyAndStore(request([`file://${envFile}#K`], { standard: 'FIPS-140-3' }), {
      issuer: client(),
      openStore: open,
      fipsMode: () => true,
      fipsProvider: () => provider,
    });
    expect(report.standards_met).toContain('FIPS-140-3');
    const claims = (await issuer.issuer.getCertificate(report.cert_id)).claims as CertificateClaimsV2;
    expect(claims.compliance_standard).toBe('FIPS-140-3');
    expect(claims.asserted.entropy_source).toMatchObject({ fips_mode: true, fips_provider: provider });
  });

  it('a HIPAA certificate from a runtime not in FIPS mode does not list FIPS-140-3', async () => {
    const report = await certifyAndStore(request([`file://${envFile}#K`], { length: 32 }), {
      issuer: client(),
      openStore: open,
      fipsMode: () => false,
    });
    const claims = (await issuer.issuer.getCertificate(report.cert_id)).claims as CertificateClaimsV2;
    // a service credential (the default): PCI DSS 8.6.3 leaves its period to the risk analysis
    expect(claims.standards_met).toEqual([
      'NIST-800-63B',
      'HIPAA',
      'PCI-DSS',
      'SOC2',
      'ISO-27001',
      'CMMC-L2',
    ]);
    expect(claims.asserted.entropy_source.fips_mode).toBe(false);
    expect(claims.asserted.entropy_source).not.toHaveProperty('fips_provider');
  });
});

describe('stores that cannot hold every character', () => {
  it('a dotenv file store excludes the backtick and backslash up front, so every credential can be written; the certificate records the pool', async () => {
    const report = await certifyAndStore(
      request([`file://${envFile}#DB_PASSWORD`], { standard: 'HIPAA', length: 64 }),
      {
        issuer: client(),
        openStore: open,
      },
    );
    expect(report.credential).not.toMatch(/[`\\]/);
    const status = await issuer.issuer.getCertificate(report.cert_id);
    expect(status.claims.generation_params).toMatchObject({ char_pool_size: 92, excluded_characters: 2 });
    expect(status.claims.generation_params.class_sizes.special).toBe(30);
    expect(dotenv.parse(readFileSync(envFile)).DB_PASSWORD).toBe(report.credential);
  });

  it('a JSON file store keeps the full pool', async () => {
    const json = join(dir, 'app.json');
    const report = await certifyAndStore(request([`file://${json}#password`]), {
      issuer: client(),
      openStore: open,
    });
    const status = await issuer.issuer.getCertificate(report.cert_id);
    expect(status.claims.generation_params.char_pool_size).toBe(94);
  });
});

describe('verification keeps sound claims when only a requested check fails', () => {
  it('reports status valid, the claims, and STANDARD_NOT_MET / EXPIRES_SOON', async () => {
    const report = await certifyAndStore(
      request([`file://${envFile}#DB_PASSWORD`], {
        standard: 'PCI-DSS',
        length: 14,
        classes: ['lower', 'digit'],
      }),
      {
        issuer: client(),
        openStore: open,
      },
    );
    const checked = await verifyCertificate({
      certificate: report.cert_url,
      checks: { requireStandard: 'FIPS-140-3', minDaysRemaining: 400 },
    });
    expect(checked.valid).toBe(false);
    expect(checked.status).toBe('valid');
    expect(checked.claims?.jti).toBe(report.cert_id);
    expect(checked.reasons.map((r) => r.code).sort()).toEqual(['EXPIRES_SOON', 'STANDARD_NOT_MET']);
  });
});

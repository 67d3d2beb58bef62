import { holdLockElsewhere } from '../support/store-faults.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreOptions } from '../../adapters/index.js';
import {
  ATTESTATION_URL_METADATA,
  CERT_URL_METADATA,
  CERT_KEY_METADATA,
  TARGET_METADATA,
} from '../../adapters/vault/index.js';
import { parseCertificateUrl } from '../../src/issuer-client/public.js';
import {
  parseManifest,
  parseShard,
  rotateFromManifest,
  rotationCounts,
  rotationExitCode,
  type Manifest,
  type RotateOptions,
  type RotationProgress,
  type RotationReport,
} from '../../src/rotation/index.js';
import { verifyCertificate } from '../../src/verification.js';
import { parseTrustPair } from '../../src/trust/index.js';
import { testClient } from '../support/issuer-server.js';
import { useNockLoopbackOnly, useTestIssuer } from '../support/hooks.js';
import {
  AWS,
  AWS_ENV,
  AWS_JSON,
  VAULT,
  VAULT_ENV,
  certificateCount,
  sidecarUrl,
  snapshot,
} from './helpers.js';

const issuer = useTestIssuer();
let dir: string;

useNockLoopbackOnly();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-rotate-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const storeOptions: Omit<StoreOptions, 'baseDir'> = {
  env: { ...AWS_ENV, ...VAULT_ENV },
  aws: { maxAttempts: 1 },
  retry: { maxAttempts: 1, baseDelayMs: 1 },
};

function manifest(yaml: string): Manifest {
  writeFileSync(join(dir, 'passgeni.yml'), yaml);
  return parseManifest(yaml, { source: 'passgeni.yml', baseDir: dir });
}

function rotate(m: Manifest, options: Partial<RotateOptions> = {}): Promise<RotationReport> {
  return rotateFromManifest(m, { issuer: testClient(issuer), storeOptions, ...options });
}

const ids = (entries: Array<{ id: string }>): string[] => entries.map((e) => e.id).sort();
/** Failures as whole sentences, so an unexpected one is shown in full rather than abbreviated. */
const failures = (report: RotationReport): string[] =>
  report.failed.map((f) => `${f.id}: ${f.code}: ${f.message}`);

function fileManifest(): Manifest {
  writeFileSync(join(dir, 'a.env'), 'TOKEN=old-a\nKEEP=1\n');
  writeFileSync(join(dir, 'b.env'), 'TOKEN=old-b\n');
  return manifest(`version: 1
defaults: { standard: HIPAA, rotate_every_days: 90 }
credentials:
  - id: alpha
    stores: ["file://./a.env#TOKEN", "file://./mirror.json#alpha"]
    label: app/alpha
  - id: beta
    stores: ["file://./b.env#TOKEN"]
    rotate_every_days: 30
  - id: gamma
    standard: SOC2
    stores: ["file://./g.env#TOKEN"]
`);
}

describe('rotation on file stores', () => {
  it('certifies what is missing, then nothing, then exactly the revoked one', async () => {
    const m = fileManifest();
    const before = await certificateCount(issuer);

    const first = await rotate(m);
    expect(rotationExitCode(first)).toBe(0);
    expect(failures(first)).toEqual([]);
    expect(first.skipped).toEqual([]);
    expect(first.rotated.map((r) => [r.id, r.reason, r.stored])).toEqual([
      ['alpha', 'missing', ['file://./a.env#TOKEN', 'file://./mirror.json#alpha']],
      ['beta', 'missing', ['file://./b.env#TOKEN']],
      ['gamma', 'missing', ['file://./g.env#TOKEN']],
    ]);
    expect(await certificateCount(issuer)).toBe(before + 3);
    const alpha = first.rotated[0];
    expect(sidecarUrl(join(dir, 'a.env'), 'TOKEN')).toBe(alpha?.cert_url);
    expect(sidecarUrl(join(dir, 'mirror.json'), 'alpha')).toBe(alpha?.cert_url);
    expect(readFileSync(join(dir, 'a.env'), 'utf8')).toMatch(/^TOKEN=.+\nKEEP=1\n$/);
    const verified = await verifyCertificate({ certificate: alpha?.cert_url ?? '' });
    expect(verified).toMatchObject({ valid: true, status: 'valid' });
    expect(verified.claims).toMatchObject({
      compliance_standard: 'HIPAA',
      credential_kind: 'service',
      asserted: { label: 'app/alpha' },
    });
    // The .env store cannot always hold a backtick or a trailing backslash: the engine excluded
    // both, seen through the rate-limiting wrapper rotation puts around each store.
    expect(verified.claims?.generation_params.excluded_characters).toBe(2);

    const files = snapshot(dir);
    const second = await rotate(m);
    expect(second.rotated).toEqual([]);
    expect(failures(second)).toEqual([]);
    expect(second.skipped.map((s) => [s.id, s.reason])).toEqual([
      ['alpha', 'current'],
      ['beta', 'current'],
      ['gamma', 'current'],
    ]);
    expect(second.skipped[0]?.cert_url).toBe(alpha?.cert_url);
    expect(snapshot(dir)).toEqual(files);
    expect(await certificateCount(issuer)).toBe(before + 3);

    const beta = first.rotated[1];
    await testClient(issuer).revokeCertificate(
      parseCertificateUrl(beta?.cert_url ?? '')?.id ?? '',
      'compromised',
    );
    const third = await rotate(m);
    expect(third.rotated.map((r) => [r.id, r.reason])).toEqual([['beta', 'revoked']]);
    expect(third.rotated[0]?.previous_cert_url).toBe(beta?.cert_url);
    expect(third.rotated[0]?.detail).toMatch(/revoked on .*\(reason: compromised\)/);
    expect(ids(third.skipped)).toEqual(['alpha', 'gamma']);
    expect(sidecarUrl(join(dir, 'b.env'), 'TOKEN')).toBe(third.rotated[0]?.cert_url);
  });

  it('dry run says what is due and why, and changes nothing anywhere', async () => {
    const m = fileManifest();
    await rotate(m);
    writeFileSync(join(dir, 'b.env.passgeni.json'), '{}\n');
    const files = snapshot(dir);
    const count = await certificateCount(issuer);

    const report = await rotate(m, { dryRun: true, now: () => Date.now() + 31 * DAY });
    expect(report.dry_run).toBe(true);
    expect(report.rotated.map((r) => [r.id, r.reason, r.stored, r.cert_url])).toEqual([
      ['beta', 'missing', [], undefined],
    ]);
    expect(report.rotated[0]?.detail).toBe(
      'file://./b.env#TOKEN has no certificate URL attached: it was never certified by passgeni.',
    );
    expect(ids(report.skipped)).toEqual(['alpha', 'gamma']);
    expect(snapshot(dir)).toEqual(files);
    expect(await certificateCount(issuer)).toBe(count);

    // Without any issuer at all, as `rotate --dry-run` does before a local issuer exists.
    const noIssuer = await rotateFromManifest(m, { storeOptions, dryRun: true });
    expect(noIssuer.rotated.map((r) => r.id)).toEqual(['beta']);
    await expect(rotateFromManifest(m, { storeOptions })).rejects.toMatchObject({ code: 'ISSUER_REQUIRED' });
  });

  it('decides age, expiry, standard and store agreement from the certificate itself', async () => {
    writeFileSync(join(dir, 'x.env'), '');
    const initial = manifest(`version: 1
credentials:
  - { id: monthly, standard: HIPAA, rotate_every_days: 30, stores: ["file://./x.env#MONTHLY"] }
  - { id: yearly, standard: HIPAA, stores: ["file://./x.env#YEARLY"] }
  - { id: short, standard: HIPAA, length: 15, stores: ["file://./x.env#SHORT"] }
  - { id: mirrored, standard: HIPAA, stores: ["file://./x.env#M1", "file://./y.env#M2"] }
`);
    const first = await rotate(initial);
    expect(first.rotated).toHaveLength(4);
    const expiresAt = Date.parse(first.rotated[0]?.expires_at ?? '');

    const in31Days = await rotate(initial, { dryRun: true, now: () => Date.now() + 31 * DAY });
    expect(in31Days.rotated.map((r) => [r.id, r.reason])).toEqual([['monthly', 'age']]);
    expect(in31Days.rotated[0]?.detail).toMatch(
      /^Generated on .*, 31 days ago; the rotation period is 30 days \(from its rotate_every_days\)\.$/,
    );
    // HIPAA sets no period of its own and the manifest none either: age alone never rotates it.
    expect(in31Days.skipped.find((s) => s.id === 'yearly')).not.toHaveProperty('rotate_after');

    const nearExpiry = await rotate(initial, { dryRun: true, now: () => expiresAt - 10 * DAY });
    expect(nearExpiry.rotated.map((r) => r.reasons)).toEqual([
      ['expiring', 'age'],
      ['expiring'],
      ['expiring'],
      ['expiring'],
    ]);
    const lenient = await rotate(initial, {
      dryRun: true,
      now: () => expiresAt - 10 * DAY,
      expiringWithinDays: 5,
    });
    expect(lenient.rotated.map((r) => [r.id, r.reason])).toEqual([['monthly', 'age']]);
    const afterExpiry = await rotate(initial, { dryRun: true, now: () => expiresAt + DAY });
    expect(afterExpiry.rotated.map((r) => r.reason)).toEqual(['expired', 'expired', 'expired', 'expired']);

    // A HIPAA credential does not meet the STIG (run limits, 60 days).
    const stricter = manifest(`version: 1
credentials:
  - { id: monthly, standard: HIPAA, rotate_every_days: 30, stores: ["file://./x.env#MONTHLY"] }
  - { id: yearly, standard: HIPAA, stores: ["file://./x.env#YEARLY"] }
  - { id: short, standard: DOD-STIG, stores: ["file://./x.env#SHORT"] }
  - { id: mirrored, standard: HIPAA, stores: ["file://./x.env#M1", "file://./y.env#M2"] }
`);
    const records = JSON.parse(readFileSync(join(dir, 'y.env.passgeni.json'), 'utf8')) as Record<
      string,
      { cert_url: string }
    >;
    records.M2 = { ...records.M2, cert_url: first.rotated[1]?.cert_url ?? '' } as { cert_url: string };
    writeFileSync(join(dir, 'y.env.passgeni.json'), JSON.stringify(records));
    const changed = await rotate(stricter, { dryRun: true });
    expect(changed.rotated.map((r) => [r.id, r.reason])).toEqual([
      ['short', 'standard-changed'],
      ['mirrored', 'stores-disagree'],
    ]);
    expect(changed.rotated[0]?.detail).toMatch(
      /^The manifest asks for DOD-STIG; the certificate meets .*HIPAA/,
    );
    expect(changed.rotated[1]?.detail).toContain('file://./y.env#M2 → ' + first.rotated[1]?.cert_url);

    const real = await rotate(stricter);
    expect(real.rotated.map((r) => r.id)).toEqual(['short', 'mirrored']);
    expect((await rotate(stricter)).rotated).toEqual([]);
  });

  it('treats a certificate reference that does not verify as invalid', async () => {
    writeFileSync(join(dir, 'x.env'), 'A=1\nB=2\nC=3\n');
    writeFileSync(
      join(dir, 'x.env.passgeni.json'),
      JSON.stringify({
        A: { cert_url: `${issuer.url}/cert/00000000-0000-4000-8000-000000000000` },
        B: { cert_url: 'not a url' },
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        C: { cert_url: 'http://127.0.0.1:9/cert/00000000-0000-4000-8000-000000000001' },
      }),
    );
    const m = manifest(`version: 1
defaults: { standard: SOC2 }
credentials:
  - { id: unknown-id, stores: ["file://./x.env#A"] }
  - { id: garbage, stores: ["file://./x.env#B"] }
  - { id: unreachable, stores: ["file://./x.env#C"] }
`);
    // C's host is a trusted issuer (it is down); an untrusted one is never asked (below).
    const down = parseTrustPair('http://127.0.0.1:9=http://127.0.0.1:9/.well-known/jwks.json', 'test');
    const report = await rotate(m, { dryRun: true, trust: [down] });
    expect(report.rotated.map((r) => [r.id, r.reason])).toEqual([
      ['unknown-id', 'invalid'],
      ['garbage', 'invalid'],
    ]);
    expect(report.rotated[0]?.detail).toMatch(/has no certificate 00000000-0000-4000-8000-000000000000/);
    expect(report.rotated[1]?.detail).toMatch(/"not a url" is not a certificate URL/);
    // An issuer that cannot be reached is not a reason to replace a credential blind.
    expect(report.failed).toEqual([
      expect.objectContaining({ id: 'unreachable', stage: 'check', code: 'ISSUER_UNREACHABLE' }),
    ]);
    expect(rotationExitCode(report)).toBe(3);
    // Not trusted: a pointer to a host that is not a trusted issuer is invalid, whether it answers or not.
    const untrusted = await rotate(m, { dryRun: true });
    expect(untrusted.rotated.map((r) => [r.id, r.reason])).toEqual([
      ['unknown-id', 'invalid'],
      ['garbage', 'invalid'],
      ['unreachable', 'invalid'],
    ]);
    expect(untrusted.rotated[2]?.detail).toMatch(
      /http:\/\/127\.0\.0\.1:9, which belongs to no trusted issuer/,
    );
  });

  it('keeps going when one credential fails, and reports exactly where new credentials landed', async () => {
    writeFileSync(join(dir, 'ok.env'), '');
    holdLockElsewhere(join(dir, 'busy.env'));
    const m = manifest(`version: 1
defaults: { standard: HIPAA }
credentials:
  - { id: ok, stores: ["file://./ok.env#TOKEN"] }
  - { id: unchecked, stores: ["file://./missing-dir/x.env#TOKEN"] }
  - { id: nowhere, stores: ["file://./busy.env#TOKEN"] }
  - { id: half, stores: ["file://./ok.env#HALF", "file://./busy.env#HALF"] }
  - { id: no-vault-auth, stores: ["vault://secret/app#pw"] }
  - { id: last, stores: ["file://./ok.env#LAST"] }
`);
    const report = await rotateFromManifest(m, {
      issuer: testClient(issuer),
      storeOptions: { env: {}, retry: { maxAttempts: 1, baseDelayMs: 1 } },
    });
    expect(rotationExitCode(report)).toBe(3);
    expect(report.rotated.map((r) => r.id)).toEqual(['ok', 'last']);
    const failed = Object.fromEntries(report.failed.map((f) => [f.id, f]));
    // found by the pre-flight check: nothing issued, nothing written
    expect(failed.unchecked).toMatchObject({ stage: 'certify', code: 'STORE_CHECK_FAILED', stored: [] });
    expect(failed.unchecked).not.toHaveProperty('cert_url');
    expect(failed.nowhere).toMatchObject({
      stage: 'certify',
      code: 'NOT_STORED',
      reason: 'missing',
      stored: [],
    });
    expect(failed.nowhere?.message).toMatch(/was revoked \(reason not-stored\)/);
    expect(failed.nowhere).not.toHaveProperty('cert_url');
    expect(failed.half).toMatchObject({
      stage: 'certify',
      code: 'PARTIALLY_STORED',
      stored: ['file://./ok.env#HALF'],
      cert_url: sidecarUrl(join(dir, 'ok.env'), 'HALF'),
    });
    expect(failed['no-vault-auth']).toMatchObject({ stage: 'check', code: 'STORE_AUTH_MISSING' });
  });

  it('a stopped run starts nothing new, lets the credential in flight finish, and reports what it never started', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `  - { id: c${i}, stores: ["file://./s${i}.env#K"] }`);
    const m = manifest(`version: 1\ndefaults: { standard: SOC2 }\ncredentials:\n${lines.join('\n')}\n`);
    const stop = new AbortController();
    const report = await rotate(m, {
      concurrency: 1,
      signal: stop.signal,
      // stopped as c0 finishes (a signal arriving then): nothing after it starts
      onProgress: (event) => {
        if (event.type === 'done') stop.abort();
      },
    });
    expect(report.rotated.map((r) => r.id)).toEqual(['c0']);
    expect(report).toMatchObject({ interrupted: true, not_started: ['c1', 'c2', 'c3', 'c4'], failed: [] });
    expect(rotationExitCode(report)).toBe(3);
    expect(rotationCounts(report)).toContain(
      '4 not started (the run was stopped; nothing was done for them)',
    );
    for (const i of [1, 2, 3, 4]) expect(existsSync(join(dir, `s${i}.env`))).toBe(false);
  });

  it('rotates many credentials kept in one file, taking turns instead of colliding on its lock', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `KEY_${i}`);
    writeFileSync(join(dir, 'shared.env'), keys.map((k) => `${k}=old`).join('\n') + '\n');
    const lines = keys.map((k) => `  - { id: ${k.toLowerCase()}, stores: ["file://./shared.env#${k}"] }`);
    const m = manifest(`version: 1\ndefaults: { standard: SOC2 }\ncredentials:\n${lines.join('\n')}\n`);
    const report = await rotate(m, { concurrency: 8 });
    expect(failures(report)).toEqual([]);
    expect(report.rotated).toHaveLength(10);
    const text = readFileSync(join(dir, 'shared.env'), 'utf8');
    for (const key of keys) {
      expect(text).toMatch(new RegExp(`^${key}=(?!old$).+$`, 'm'));
      expect(sidecarUrl(join(dir, 'shared.env'), key)).toBe(
        report.rotated.find((r) => r.id === key.toLowerCase())?.cert_url,
      );
    }
  });

  it('splits a manifest across runners so that each credential is rotated exactly once', async () => {
    const lines = Array.from(
      { length: 12 },
      (_, i) => `  - { id: svc-${i}, stores: ["file://./s${i}.env#TOKEN"] }`,
    );
    const m = manifest(`version: 1\ndefaults: { standard: SOC2 }\ncredentials:\n${lines.join('\n')}\n`);
    const shards = [];
    for (const text of ['1/3', '2/3', '3/3']) shards.push(await rotate(m, { shard: parseShard(text) }));
    expect(shards.map((s) => s.shard)).toEqual([
      { index: 1, count: 3 },
      { index: 2, count: 3 },
      { index: 3, count: 3 },
    ]);
    const rotated = shards.flatMap((s) => s.rotated.map((r) => r.id));
    expect(rotated).toHaveLength(12);
    expect(new Set(rotated).size).toBe(12);
    expect(shards.reduce((n, s) => n + s.total, 0)).toBe(12);
    expect(shards.every((s) => s.skipped.length === 0 && s.failed.length === 0)).toBe(true);
    const whole = await rotate(m);
    expect(whole.rotated).toEqual([]);
    expect(whole.skipped).toHaveLength(12);
  });

  it('reports progress for each credential', async () => {
    const m = fileManifest();
    const events: RotationProgress[] = [];
    await rotate(m, { onProgress: (e) => events.push(e), concurrency: 2 });
    expect(events[0]).toEqual({ type: 'start', total: 3, dryRun: false });
    const done = events.filter((e) => e.type === 'done');
    expect(done.map((e) => e.done)).toEqual([1, 2, 3]);
    expect(done.map((e) => e.reason)).toEqual(['missing', 'missing', 'missing']);
  });
});

describe('rotation on AWS Secrets Manager and Vault (HTTP mocked with nock)', () => {
  const AWS_OLD = 'aaaaaaaa-0000-4000-8000-000000000001';
  const AWS_NEW = 'bbbbbbbb-0000-4000-8000-000000000002';
  const VAULT_DATA = '/v1/secret/data/app/db';
  const VAULT_METADATA = '/v1/secret/metadata/app/db';

  const aws = (target: string, body?: (b: Record<string, unknown>) => boolean) =>
    nock(AWS)
      .post('/', body ?? (() => true))
      .matchHeader('x-amz-target', `secretsmanager.${target}`);

  /** DescribeSecret as AWS answers it: the tags say which certificate the secret holds. */
  function awsHolds(certUrl: string | undefined): void {
    aws('DescribeSecret').reply(
      200,
      {
        Name: 'prod/db',
        Tags: certUrl
          ? [
              { Key: 'passgeni-cert-url', Value: certUrl },
              { Key: 'passgeni-cert-key', Value: 'password' },
            ]
          : [],
      },
      AWS_JSON,
    );
  }

  /** A full AWS write; returns the tag requests so the test can see which URL was attached. */
  function awsAcceptsWrite(): string[] {
    const tagged: string[] = [];
    aws('DescribeSecret').reply(200, { Name: 'prod/db' }, AWS_JSON); // the pre-flight check
    aws('GetSecretValue').reply(
      200,
      { VersionId: AWS_OLD, SecretString: '{"username":"admin","password":"old"}' },
      AWS_JSON,
    );
    aws('PutSecretValue').reply(200, { VersionId: AWS_NEW }, AWS_JSON);
    aws('UpdateSecretVersionStage').times(2).reply(200, {}, AWS_JSON);
    aws('TagResource', (b) => {
      tagged.push(JSON.stringify(b));
      return true;
    }).reply(200, {}, AWS_JSON);
    return tagged;
  }

  function vaultHolds(certUrl: string | undefined): void {
    if (certUrl === undefined) {
      nock(VAULT).get(VAULT_METADATA).reply(404, { errors: [] });
      return;
    }
    nock(VAULT)
      .get(VAULT_METADATA)
      .reply(200, {
        data: { custom_metadata: { [CERT_URL_METADATA]: certUrl, [CERT_KEY_METADATA]: 'password' } },
      });
  }

  function vaultAcceptsWrite(version: number): string[] {
    const patched: string[] = [];
    nock(VAULT)
      .get(VAULT_DATA)
      .twice() // the pre-flight check, then the write's own read
      .reply(200, `{"data":{"data":{"username":"svc","password":"old"},"metadata":{"version":${version}}}}`, {
        'content-type': 'application/json',
      });
    nock(VAULT)
      .post('/v1/sys/capabilities-self', { paths: ['secret/data/app/db', 'secret/metadata/app/db'] })
      .reply(200, { 'secret/data/app/db': ['read', 'update'], 'secret/metadata/app/db': ['read', 'patch'] });
    nock(VAULT)
      .post(VAULT_DATA)
      .reply(200, { data: { version: version + 1 } });
    nock(VAULT)
      .patch(VAULT_METADATA, (b: unknown) => {
        patched.push(JSON.stringify(b));
        return true;
      })
      .reply(204);
    return patched;
  }

  it('certifies what is missing, then nothing, then exactly the revoked one', async () => {
    writeFileSync(join(dir, 'app.env'), 'TOKEN=old\n');
    const m = manifest(`version: 1
defaults: { standard: PCI-DSS }
credentials:
  - { id: aws-db, stores: ["aws-sm://prod/db#password"], label: prod/db }
  - { id: vault-db, stores: ["vault://secret/app/db#password"] }
  - { id: file-app, stores: ["file://./app.env#TOKEN"] }
`);
    const before = await certificateCount(issuer);

    awsHolds(undefined);
    const awsTags = awsAcceptsWrite();
    vaultHolds(undefined);
    const vaultPatches = vaultAcceptsWrite(3);
    const first = await rotate(m);
    expect(nock.pendingMocks()).toEqual([]);
    expect(failures(first)).toEqual([]);
    expect(first.rotated.map((r) => [r.id, r.reason, r.stored])).toEqual([
      ['aws-db', 'missing', ['aws-sm://prod/db#password']],
      ['vault-db', 'missing', ['vault://secret/app/db#password']],
      ['file-app', 'missing', ['file://./app.env#TOKEN']],
    ]);
    const [awsCert, vaultCert, fileCert] = first.rotated.map((r) => r.cert_url ?? '');
    expect(awsTags[0]).toContain(awsCert);
    expect(JSON.parse(vaultPatches[0] ?? '{}')).toEqual({
      custom_metadata: {
        [CERT_URL_METADATA]: vaultCert,
        [CERT_KEY_METADATA]: 'password',
        // not attested: removes an earlier run's attestation URL
        [ATTESTATION_URL_METADATA]: null,
        // no target in the manifest: removes one an earlier run recorded
        [TARGET_METADATA]: null,
      },
    });
    expect(await certificateCount(issuer)).toBe(before + 3);

    // Only reads are mocked: any write would find no interceptor and fail the credential.
    awsHolds(awsCert);
    vaultHolds(vaultCert);
    const second = await rotate(m);
    expect(nock.pendingMocks()).toEqual([]);
    expect(second.rotated).toEqual([]);
    expect(failures(second)).toEqual([]);
    expect(second.skipped.map((s) => [s.id, s.cert_url])).toEqual([
      ['aws-db', awsCert],
      ['vault-db', vaultCert],
      ['file-app', fileCert],
    ]);
    expect(await certificateCount(issuer)).toBe(before + 3);

    await testClient(issuer).revokeCertificate(parseCertificateUrl(vaultCert ?? '')?.id ?? '', 'compromised');
    awsHolds(awsCert);
    vaultHolds(vaultCert);
    const patched = vaultAcceptsWrite(4);
    const third = await rotate(m);
    expect(nock.pendingMocks()).toEqual([]);
    expect(third.rotated.map((r) => [r.id, r.reason])).toEqual([['vault-db', 'revoked']]);
    expect(ids(third.skipped)).toEqual(['aws-db', 'file-app']);
    expect(patched[0]).toContain(third.rotated[0]?.cert_url);

    // And a dry run of the revoked-then-rotated state makes no write requests at all.
    awsHolds(awsCert);
    vaultHolds(third.rotated[0]?.cert_url);
    const dry = await rotate(m, { dryRun: true });
    expect(nock.pendingMocks()).toEqual([]);
    expect(dry.rotated).toEqual([]);
  });
});

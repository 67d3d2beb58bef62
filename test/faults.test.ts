import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import dotenv from 'dotenv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../adapters/index.js';
import { certifyAndStore, CertifyStoreError } from '../src/engine.js';
import { HttpIssuerClient, IssuerError } from '../src/issuer-client/index.js';
import { startTestIssuer, type TestIssuer } from './support/issuer-server.js';
import { useNockLoopbackOnly } from './support/hooks.js';
import { runCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './support/fault-proxy.js';
import { holdLockElsewhere } from './support/store-faults.js';

/**
 * The fault table (issue 15): certify-and-store against the real issuer (in-memory PGlite over
 * HTTP) with a fault injected at each step. After each, the issuer's clock is moved past the
 * activation deadline and its housekeeping swept; then no certificate may be valid unless a
 * store holds its credential, no previous secret may be lost, and the run must have failed with
 * a documented code saying what is stored where.
 */

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const PREVIOUS = 'previous-value';
const AWS = 'https://secretsmanager.us-east-1.amazonaws.com';
const AWS_JSON = { 'content-type': 'application/x-amz-json-1.1' };
const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const MINUTE = 60_000;

useNockLoopbackOnly();

let issuer: TestIssuer;
let offset = 0;
let dir: string;
let proxy: FaultProxy | undefined;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  offset = 0;
  issuer = await startTestIssuer({ clock: () => new Date(Date.now() + offset) });
  dir = mkdtempSync(join(tmpdir(), 'passgeni-faults-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await proxy?.close();
  proxy = undefined;
  await issuer.close();
});

function envFile(name = 'secrets.env'): string {
  const path = join(dir, name);
  writeFileSync(path, `DB_PASSWORD=${PREVIOUS}\n`, { mode: 0o600 });
  return path;
}

async function withFaults(rules: FaultRule[]): Promise<string> {
  proxy = await startFaultProxy(issuer.url, rules);
  return proxy.url;
}

const client = (url: string) =>
  new HttpIssuerClient({ url, apiKey: issuer.apiKey, baseDelayMs: 1, maxAttempts: 3, timeoutMs: 5_000 });

const storeOptions: StoreOptions = {
  env: AWS_ENV,
  aws: { maxAttempts: 1, requestTimeoutMs: 300 },
  retry: { maxAttempts: 1, baseDelayMs: 1 },
};
const open = (uri: string) => openStore(uri, { ...storeOptions, baseDir: dir });

/**
 * A Secrets Manager endpoint that passes the pre-flight check (DescribeSecret: the secret exists)
 * and then never answers (a store that hangs mid-run). `connections` counts the hung requests.
 */
async function stalled(): Promise<{ url: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createHttpServer((req, res) => {
    if (req.headers['x-amz-target'] === 'secretsmanager.DescribeSecret') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Name: 'prod/db' }));
      return;
    }
    sockets.push(req.socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.length,
  };
}

/**
 * Past every activation deadline, with the issuer's own sweep run: then the certificates that are
 * valid, and of those the ones whose credential no file store holds (with their URL attached).
 */
async function afterDeadline(fileStores: string[]): Promise<{ valid: string[]; orphans: string[] }> {
  offset += 16 * MINUTE;
  await issuer.issuer.housekeeping();
  const team = await issuer.issuer.ensureTeam('engine-tests');
  const listed = await issuer.issuer.listCertificates({ teamId: team.id }, { limit: 200, status: 'valid' });
  const valid = listed.certificates.map((c) => c.cert_url);
  const held = new Set<string>();
  for (const uri of fileStores) {
    const store = await open(uri);
    const credential = await store.readCredential();
    const url = await store.readCertificateUrl();
    if (credential !== undefined && credential !== PREVIOUS && url !== undefined) held.add(url);
  }
  return { valid, orphans: valid.filter((url) => !held.has(url)) };
}

async function certificateCount(): Promise<number> {
  const team = await issuer.issuer.ensureTeam('engine-tests');
  return (await issuer.issuer.listCertificates({ teamId: team.id }, { limit: 200 })).certificates.length;
}

const previousKept = (path: string) => expect(dotenv.parse(readFileSync(path)).DB_PASSWORD).toBe(PREVIOUS);

describe('fault table: 0 valid certificates for a credential stored nowhere, 0 previous secrets lost', () => {
  it('issuer answer to the certificate request lost, every retry too | exit 3 ISSUER_ANSWER_LOST | stored nowhere | 1 pending → revoked by the sweep', async () => {
    const path = envFile();
    const url = await withFaults([{ match: /^POST \/api\/v1\/certificates /m, fault: 'drop-response' }]);
    const error = await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${path}#DB_PASSWORD`] },
      { issuer: client(url), openStore: open },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerError);
    const lost = error as IssuerError;
    expect([lost.code, lost.exitCode]).toEqual(['ISSUER_ANSWER_LOST', 3]);
    expect(lost.message).toContain('A certificate may have been issued');
    expect(lost.message).toContain('pending, not valid');
    expect(lost.message).toContain('Nothing was stored: every previous secret is unchanged');
    expect(proxy?.caught(0)).toBe(3);
    // three attempts, one key: one certificate, not three
    expect(await certificateCount()).toBe(1);
    previousKept(path);
    const { valid, orphans } = await afterDeadline([`file://${path}#DB_PASSWORD`]);
    expect(valid).toEqual([]);
    expect(orphans).toEqual([]);
  });

  it('issuer answer lost once | exit 0 | the retry gets the same certificate (Idempotency-Key) | 1 certificate, valid, stored', async () => {
    const path = envFile();
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates /m, fault: 'drop-response', times: 1 },
    ]);
    const report = await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${path}#DB_PASSWORD`] },
      { issuer: client(url), openStore: open },
    );
    expect(await certificateCount()).toBe(1);
    const { valid, orphans } = await afterDeadline([`file://${path}#DB_PASSWORD`]);
    expect(valid).toEqual([report.cert_url]);
    expect(orphans).toEqual([]);
  });

  it('a gateway answers 502 to the certificate request after the issuer issued it, once | exit 0 | the retry gets the same certificate | 1 certificate, valid, stored', async () => {
    const path = envFile();
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates /m, fault: 'bad-gateway', times: 1 },
    ]);
    const report = await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${path}#DB_PASSWORD`] },
      { issuer: client(url), openStore: open },
    );
    expect(await certificateCount()).toBe(1);
    const { valid, orphans } = await afterDeadline([`file://${path}#DB_PASSWORD`]);
    expect(valid).toEqual([report.cert_url]);
    expect(orphans).toEqual([]);
  });

  it('a gateway answers 502 to every certificate request | exit 3 ISSUER_ANSWER_LOST (HTTP 502) | stored nowhere | 1 pending → revoked by the sweep', async () => {
    const path = envFile();
    const url = await withFaults([{ match: /^POST \/api\/v1\/certificates /m, fault: 'bad-gateway' }]);
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${path}#DB_PASSWORD`] },
      { issuer: client(url), openStore: open },
    ).catch((e: unknown) => e)) as IssuerError;
    expect([error.code, error.exitCode]).toEqual(['ISSUER_ANSWER_LOST', 3]);
    expect(error.message).toContain('(HTTP 502)');
    expect(await certificateCount()).toBe(1);
    previousKept(path);
    const { valid, orphans } = await afterDeadline([`file://${path}#DB_PASSWORD`]);
    expect([valid, orphans]).toEqual([[], []]);
  });

  it('issuer down (connection refused) | exit 3 ISSUER_UNREACHABLE, not "answer lost": nothing can have been issued', async () => {
    const path = envFile();
    const refused = await stalled();
    // a port with nothing listening: the server above is closed first
    await cleanups.pop()?.();
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [`file://${path}#DB_PASSWORD`] },
      { issuer: client(refused.url), openStore: open },
    ).catch((e: unknown) => e)) as IssuerError;
    expect([error.code, error.exitCode]).toEqual(['ISSUER_UNREACHABLE', 3]);
    expect(await certificateCount()).toBe(0);
    previousKept(path);
  });

  it('the only store hangs (timeout) | exit 3 NOT_STORED | stored nowhere | revoked at once', async () => {
    const hung = await stalled();
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: ['aws-sm://prod/db'] },
      {
        issuer: client(issuer.url),
        openStore: (uri) =>
          openStore(uri, {
            ...storeOptions,
            env: { ...AWS_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: hung.url },
          }),
      },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    expect(error).toBeInstanceOf(CertifyStoreError);
    expect([error.code, error.exitCode, error.certificateState]).toEqual(['NOT_STORED', 3, 'revoked']);
    expect(error.message).toContain('not stored anywhere; every previous secret is unchanged');
    expect(error.failures[0]?.code).toBe('STORE_UNAVAILABLE');
    const { valid, orphans } = await afterDeadline([]);
    expect([valid, orphans]).toEqual([[], []]);
  });

  it('every store fails and the revocation fails | exit 3 NOT_STORED | certificate pending, not valid → revoked by the sweep', async () => {
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/revoke /m, fault: 'refuse' },
    ]);
    // a write only the store itself can refuse: the file is held by a writer on another host
    holdLockElsewhere(join(dir, 'held.env'));
    const missing = `file://${join(dir, 'held.env')}#DB_PASSWORD`;
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [missing] },
      { issuer: client(url), openStore: open },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    expect([error.code, error.exitCode, error.certificateState]).toEqual(['NOT_STORED', 3, 'pending']);
    expect(error.message).toMatch(
      /could not be revoked now; it is pending \(not valid\) and the issuer revokes it/,
    );
    expect((await issuer.issuer.getCertificate(error.certId)).status).toBe('pending');
    const { valid, orphans } = await afterDeadline([]);
    expect([valid, orphans]).toEqual([[], []]);
    expect((await issuer.issuer.getCertificate(error.certId)).revocation_reason).toBe('not-stored');
  });

  it('metadata (tag) write fails after the value was written | exit 3 PARTIALLY_STORED | stored in aws-sm, certificate valid for it', async () => {
    const version = 'bbbbbbbb-0000-5000-8000-000000000002';
    const aws = (target: string) =>
      nock(AWS).post('/').matchHeader('x-amz-target', `secretsmanager.${target}`);
    aws('DescribeSecret').reply(200, { Name: 'prod/db' }, AWS_JSON);
    aws('GetSecretValue').reply(
      200,
      { VersionId: 'aaaaaaaa-0000-4000-8000-000000000001', SecretString: 'old' },
      AWS_JSON,
    );
    aws('PutSecretValue').reply(200, { VersionId: version }, AWS_JSON);
    aws('UpdateSecretVersionStage').times(2).reply(200, {}, AWS_JSON);
    aws('TagResource').reply(
      400,
      { __type: 'AccessDeniedException', message: 'not allowed to tag' },
      AWS_JSON,
    );
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: ['aws-sm://prod/db'] },
      { issuer: client(issuer.url), openStore: open },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    expect([error.code, error.exitCode, error.certificateState]).toEqual(['PARTIALLY_STORED', 3, 'valid']);
    expect(error.message).toContain('The new credential IS stored in aws-sm://prod/db (version');
    expect(error.message).toContain('the certificate URL could not be attached in 1');
    const { valid } = await afterDeadline([]);
    // valid, and the credential it describes is in aws-sm (the store that answered the write)
    expect(valid).toEqual([error.certUrl]);
    expect(error.stored).toEqual([{ store: 'aws-sm://prod/db', version }]);
  });

  it('activation fails after the store write | exit 3 ACTIVATION_FAILED | stored in the file, certificate pending; `passgeni activate` makes it valid', async () => {
    const path = envFile();
    const uri = `file://${path}#DB_PASSWORD`;
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'refuse' },
    ]);
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [uri] },
      { issuer: client(url), openStore: open },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    expect([error.code, error.exitCode, error.certificateState]).toEqual(['ACTIVATION_FAILED', 3, 'pending']);
    expect(error.message).toContain(`The new credential IS stored in ${uri}`);
    expect(error.message).toContain(`is PENDING, not valid`);
    expect(error.message).toContain(`passgeni activate ${error.certId}`);
    expect((await issuer.issuer.getCertificate(error.certId)).status).toBe('pending');

    const activated = await runCli(['activate', error.certUrl, '--api-key', issuer.apiKey, '--json'], {
      env: { PASSGENI_API_KEY: '' },
    });
    expect(activated.code).toBe(0);
    expect(JSON.parse(activated.stdout)).toEqual({ cert_id: error.certId, status: 'valid' });
    const { valid, orphans } = await afterDeadline([uri]);
    expect(valid).toEqual([error.certUrl]);
    expect(orphans).toEqual([]);
  });

  it('activation fails and nobody activates it | exit 3 ACTIVATION_FAILED | stored in the file; revoked (not-stored) by the sweep, `passgeni activate` then refused', async () => {
    const path = envFile();
    const uri = `file://${path}#DB_PASSWORD`;
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'refuse' },
    ]);
    const error = (await certifyAndStore(
      { standard: 'HIPAA', stores: [uri] },
      { issuer: client(url), openStore: open },
    ).catch((e: unknown) => e)) as CertifyStoreError;
    expect(error.code).toBe('ACTIVATION_FAILED');
    const { valid, orphans } = await afterDeadline([uri]);
    expect([valid, orphans]).toEqual([[], []]);
    const late = await runCli(['activate', error.certUrl, '--api-key', issuer.apiKey]);
    expect(late.code).toBe(3);
    expect(late.stderr).toContain('ACTIVATION_EXPIRED');
  });
});

describe('fault table: kill -9 of `passgeni certify`', () => {
  interface Killed {
    stores: string[];
    stderr: string;
  }

  /** Starts certify, waits for `ready`, then SIGKILLs it. */
  async function certifyKilled(
    args: string[],
    env: NodeJS.ProcessEnv,
    ready: () => Promise<void>,
  ): Promise<Killed> {
    const child = spawn(process.execPath, [CLI, 'certify', '--standard', 'HIPAA', ...args], {
      env: { ...process.env, NO_COLOR: '1', PASSGENI_API_KEY: issuer.apiKey, ...AWS_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    try {
      await ready();
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`certify did not reach the step to kill it at\n${stderr}`, { cause: error });
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    return { stores: args.filter((a, i) => args[i - 1] === '--store'), stderr };
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > 30_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('killed after issuance, while the only store hangs | stored nowhere | pending → revoked by the sweep', async () => {
    const hung = await stalled();
    await certifyKilled(
      ['--store', 'aws-sm://prod/db', '--issuer-url', issuer.url],
      { AWS_ENDPOINT_URL_SECRETS_MANAGER: hung.url, PASSGENI_AWS_REQUEST_TIMEOUT_MS: '600000' },
      () => until(() => hung.connections() > 0, 'the store request'),
    );
    expect(await certificateCount()).toBe(1);
    const { valid, orphans } = await afterDeadline([]);
    expect([valid, orphans]).toEqual([[], []]);
  }, 60_000);

  it('killed after the first store write, while the second hangs | stored in the file, certificate valid for it', async () => {
    const path = envFile();
    const uri = `file://${path}#DB_PASSWORD`;
    const hung = await stalled();
    await certifyKilled(
      ['--store', uri, '--store', 'aws-sm://prod/db', '--issuer-url', issuer.url],
      { AWS_ENDPOINT_URL_SECRETS_MANAGER: hung.url, PASSGENI_AWS_REQUEST_TIMEOUT_MS: '600000' },
      () => until(() => hung.connections() > 0, 'the second store request'),
    );
    const { valid, orphans } = await afterDeadline([uri]);
    expect(valid).toHaveLength(1);
    expect(orphans).toEqual([]);
  }, 60_000);

  it('killed before activation (the store holds the credential) | pending → revoked by the sweep; the file keeps the new credential', async () => {
    const path = envFile();
    const uri = `file://${path}#DB_PASSWORD`;
    const url = await withFaults([
      { match: /^POST \/api\/v1\/certificates\/[^/ ]+\/activate /m, fault: 'hang' },
    ]);
    await certifyKilled(
      ['--store', uri, '--issuer-url', url],
      {},
      () => proxy?.waitFor(0) ?? Promise.resolve(),
    );
    expect(dotenv.parse(readFileSync(path)).DB_PASSWORD).not.toBe(PREVIOUS);
    const { valid, orphans } = await afterDeadline([uri]);
    expect([valid, orphans]).toEqual([[], []]);
  }, 60_000);
});

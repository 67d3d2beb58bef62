import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';
import { freePort, startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { holdLockElsewhere } from '../support/store-faults.js';

describe('passgeni certify on the embedded defaults (local issuer, file store)', () => {
  let dir: string;
  let serve: ServeProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-certify-'));
    writeFileSync(join(dir, 'secrets.env'), '# app settings\nDB_HOST=db.internal\n', { mode: 0o600 });
  });
  afterAll(async () => {
    await serve?.stop();
  });

  it(
    'works with no configuration, and `passgeni serve` on the same data directory shows the certificate',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      const env = { PASSGENI_PUBLIC_URL: publicUrl, PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };
      const run = await runCli(
        ['certify', '--standard', 'HIPAA', '--store', 'file://./secrets.env#DB_PASSWORD', '--json'],
        { cwd: dir, env },
      );
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.cert_url).toBe(`${publicUrl}/cert/${report.cert_id}`);
      expect(report.stored).toEqual([{ store: 'file://./secrets.env#DB_PASSWORD' }]);
      expect(report.credential).toBeUndefined();
      expect(run.stderr).toMatch(/generated a new ES256 signing key/);
      expect(statSync(join(dir, '.passgeni', 'signing-key.jwk')).mode & 0o777).toBe(0o600);
      const stored = dotenv.parse(readFileSync(join(dir, 'secrets.env')));
      expect(stored.DB_HOST).toBe('db.internal');
      expect(stored.DB_PASSWORD).toHaveLength(20);
      expect(readFileSync(join(dir, 'secrets.env'), 'utf8')).toMatch(
        /^# app settings\nDB_HOST=db.internal\n/,
      );

      serve = await startServe(['--host', '127.0.0.1', '--public-url', publicUrl], { cwd: dir, port });
      const page = await fetch(report.cert_url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(report.cert_id);
      expect(html).toMatch(/valid/i);
      const json = await (await fetch(report.cert_url, { headers: { accept: 'application/json' } })).json();
      expect(json).toMatchObject({ status: 'valid', certificate: report.certificate });

      const verify = await runCli(['verify', report.cert_url, '--json'], { cwd: dir });
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true, status: 'valid', live: true });
      // an unbound certificate cannot vouch for a stored value, and says so
      const unbound = await runCli(
        ['verify', report.cert_url, '--credential-from', 'file://./secrets.env#DB_PASSWORD', '--json'],
        { cwd: dir },
      );
      expect(unbound.code).toBe(1);
      expect(JSON.parse(unbound.stdout).reasons).toEqual([
        expect.objectContaining({ code: 'NOT_BOUND', hint: { option: 'bind', certify: true } }),
      ]);
      const unboundText = await runCli(
        ['verify', report.cert_url, '--credential-from', 'file://./secrets.env#DB_PASSWORD'],
        { cwd: dir },
      );
      expect(unboundText.stdout).toContain('checked against it. Certify with --bind. [NOT_BOUND]');
    },
  );
});

describe('passgeni certify / verify / revoke against an HTTP issuer', () => {
  let issuer: TestIssuer;
  let dir: string;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    dir = mkdtempSync(join(tmpdir(), 'passgeni-http-'));
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('certifies with a binding, verifies the stored credential, revokes, and verify then fails', async () => {
    const env = { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey };
    const store = 'file://./app.json#password';
    writeFileSync(join(dir, 'app.json'), '{"username": "svc", "port": 5432.0}\n');
    const run = await runCli(
      ['certify', '--standard', 'pci', '--store', store, '--bind', '--label', 'prod/app', '--json'],
      { cwd: dir, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const text = readFileSync(join(dir, 'app.json'), 'utf8');
    expect(text.startsWith('{"username": "svc", "port": 5432.0')).toBe(true); // other keys byte for byte
    expect(JSON.parse(text).password).toHaveLength(20);

    const ok = await runCli(
      ['verify', report.cert_url, '--credential-from', store, '--require-standard', 'PCI-DSS', '--json'],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, binding: 'match', live: true });

    const byId = await runCli(['verify', report.cert_id, '--json'], { cwd: dir, env });
    expect(byId.code).toBe(0);

    const revoke = await runCli(['revoke', report.cert_url, '--reason', 'rotated', '--json'], {
      cwd: dir,
      env: { PASSGENI_API_KEY: issuer.apiKey },
    });
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({
      cert_id: report.cert_id,
      status: 'revoked',
      revocation_reason: 'rotated',
    });

    const after = await runCli(['verify', report.cert_url], { cwd: dir });
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/NOT VALID \(revoked\)/);
    expect(after.stdout).toContain('REVOKED');
  });

  it("words the issuer's refusal of the API key with the flag and variable to check (exit 3)", async () => {
    const run = await runCli(['certify', '--standard', 'HIPAA', '--store', 'file://./refused.env#K'], {
      cwd: dir,
      env: { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: `${issuer.apiKey.slice(0, -6)}zzzzzz` },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^passgeni: The issuer at .* refused the request: .*\. Check --api-key \(env PASSGENI_API_KEY\)\. \[\w+\]\n$/,
    );
    expect(run.stderr).not.toContain('api-key input');
  });

  it('exits 2 and writes nothing for a request weaker than the standard', async () => {
    writeFileSync(join(dir, 'weak.env'), 'K=previous\n');
    const run = await runCli(
      ['certify', '--standard', 'HIPAA', '--length', '12', '--store', 'file://./weak.env#K'],
      {
        cwd: dir,
        env: { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('POLICY_VIOLATION');
    expect(readFileSync(join(dir, 'weak.env'), 'utf8')).toBe('K=previous\n');
  });

  it('refuses FIPS-140-3 with exit 2 on a runtime not in FIPS mode, before any store is written or anything certified', async () => {
    writeFileSync(join(dir, 'fips.env'), 'K=previous\n');
    const before = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    const run = await runCli(['certify', '--standard', 'FIPS-140-3', '--store', 'file://./fips.env#K'], {
      cwd: dir,
      env: { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('FIPS_MODE_REQUIRED');
    expect(run.stderr).toContain('--enable-fips');
    expect(readFileSync(join(dir, 'fips.env'), 'utf8')).toBe('K=previous\n');
    const after = await issuer.issuer.listCertificates({ apiKey: issuer.apiKey }, { limit: 100 });
    expect(after.certificates.length).toBe(before.certificates.length);
  });

  it('says so when it tightens a file readable by others to 0600 (text and JSON)', async () => {
    const env = { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey };
    for (const [name, json] of [
      ['loose-text.env', false],
      ['loose-json.env', true],
    ] as const) {
      writeFileSync(join(dir, name), 'A=1\n');
      chmodSync(join(dir, name), 0o644);
      const run = await runCli(
        ['certify', '--standard', 'HIPAA', '--store', `file://./${name}#K`, ...(json ? ['--json'] : [])],
        { cwd: dir, env },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      if (json) {
        expect(JSON.parse(run.stdout).stored[0].notice).toMatch(/was mode 0644 .*it is now 0600/);
      } else {
        expect(run.stdout).toMatch(/note +.*loose-text\.env was mode 0644 .*it is now 0600/);
      }
    }
  });

  it('exits 2 for a store that fails its pre-flight check, and the registry holds no new certificate', async () => {
    const team = await issuer.issuer.ensureTeam('engine-tests');
    const count = async () =>
      (await issuer.issuer.listCertificates({ teamId: team.id }, { limit: 100 })).certificates.length;
    const before = await count();
    const run = await runCli(
      ['certify', '--standard', 'HIPAA', '--store', 'file://./missing-dir/x.env#K', '--json'],
      {
        cwd: dir,
        env: { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey },
      },
    );
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr);
    expect(error).toMatchObject({
      code: 'STORE_CHECK_FAILED',
      failures: [{ store: 'file://./missing-dir/x.env#K', code: 'STORE_NOT_FOUND' }],
    });
    expect(error.error).toContain('does not exist. Create it');
    expect(await count()).toBe(before);
  });

  it(
    'a certificate that does not exist is exit 1 CERTIFICATE_NOT_FOUND from every command and issuer',
    { timeout: 120_000 },
    async () => {
      const id = '5b1f2c3d-0000-4000-8000-00000000abcd';
      const http = { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey };
      const local = mkdtempSync(join(tmpdir(), 'passgeni-local-'));
      writeFileSync(join(local, 'x.env'), '');
      const localEnv = { PASSGENI_ISSUER_URL: '', PASSGENI_DATA_DIR: join(local, '.passgeni') };
      // the local issuer exists once something was certified there
      expect(
        (
          await runCli(['certify', '--standard', 'SOC2', '--store', 'file://./x.env#K'], {
            cwd: local,
            env: localEnv,
          })
        ).code,
      ).toBe(0);
      const runs = [
        await runCli(['verify', `${issuer.url}/cert/${id}`, '--json'], { cwd: dir }),
        await runCli(['verify', id, '--json'], { cwd: dir, env: http }),
        await runCli(['revoke', id, '--reason', 'compromised', '--json'], { cwd: dir, env: http }),
        await runCli(['revoke', id, '--reason', 'compromised', '--json'], { cwd: local, env: localEnv }),
        await runCli(['verify', id, '--json'], { cwd: local, env: localEnv }),
      ];
      for (const run of runs) {
        expect([run.code, (JSON.parse(run.stderr || run.stdout) as { code?: string }).code]).toEqual([
          1,
          'CERTIFICATE_NOT_FOUND',
        ]);
      }
    },
  );

  it('--api-key - reads the key from stdin, so it is never on the command line', async () => {
    writeFileSync(join(dir, 'stdin.env'), '');
    const args = [
      'certify',
      '--standard',
      'HIPAA',
      '--store',
      'file://./stdin.env#K',
      '--issuer-url',
      issuer.url,
    ];
    const env = { PASSGENI_API_KEY: '' };
    const ok = await runCli([...args, '--api-key', '-', '--json'], {
      cwd: dir,
      env,
      input: `${issuer.apiKey}\n`,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const empty = await runCli([...args, '--api-key', '-', '--json'], { cwd: dir, env, input: '' });
    expect(empty.code).toBe(2);
    expect(JSON.parse(empty.stderr)).toMatchObject({ code: 'API_KEY_STDIN_INVALID' });
  });

  it('exits 3 with the stores named when a store write fails, and the certificate is revoked', async () => {
    holdLockElsewhere(join(dir, 'busy.env'));
    const run = await runCli(['certify', '--standard', 'HIPAA', '--store', 'file://./busy.env#K', '--json'], {
      cwd: dir,
      env: { PASSGENI_ISSUER_URL: issuer.url, PASSGENI_API_KEY: issuer.apiKey },
    });
    expect(run.code).toBe(3);
    const error = JSON.parse(run.stderr);
    expect(error).toMatchObject({ code: 'NOT_STORED', certificate_state: 'revoked', stored: [] });
    expect(error.failures[0]).toMatchObject({ store: 'file://./busy.env#K', code: 'STORE_CONFLICT' });
  });
});

describe('commands that only read never create a local issuer', () => {
  it('verify <id> and revoke <id> in an empty directory: exit 2, no .passgeni created', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'passgeni-readonly-'));
    const env = { PASSGENI_ISSUER_URL: '', PASSGENI_DATA_DIR: '' };
    const id = '5b1f2c3d-0000-4000-8000-000000000001';
    for (const args of [
      ['verify', id],
      ['revoke', id, '--reason', 'compromised'],
    ]) {
      const run = await runCli([...args, '--json'], { cwd: empty, env });
      expect(run.code, run.stderr).toBe(2);
      const error = JSON.parse(run.stderr) as { code: string; error: string };
      expect(error.code).toBe('LOCAL_ISSUER_NOT_FOUND');
      expect(error.error).toContain('--issuer-url');
      expect(existsSync(join(empty, '.passgeni'))).toBe(false);
    }
  });

  it('certify creates the local issuer with a .gitignore that keeps all of it out of git', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'passgeni-fresh-'));
    writeFileSync(join(fresh, 'secrets.env'), '');
    const run = await runCli(['certify', '--standard', 'HIPAA', '--store', 'file://./secrets.env#K'], {
      cwd: fresh,
      env: { PASSGENI_ISSUER_URL: '', PASSGENI_DATA_DIR: '' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(fresh, '.passgeni', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    // git itself agrees: nothing under .passgeni/ can be added
    execFileSync('git', ['init', '-q'], { cwd: fresh });
    expect(
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
        cwd: fresh,
        encoding: 'utf8',
      }),
    ).not.toContain('.passgeni/');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificate } from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';

describe('passgeni certify/generate --kind and --rotate-every-days', () => {
  let dir: string;
  const env = { PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passgeni-kind-'));
    writeFileSync(join(dir, 'secrets.env'), '', { mode: 0o600 });
  });

  it(
    'certifies a user password to PCI DSS 8.3.9 and a service credential to its risk analysis',
    { timeout: 60_000 },
    async () => {
      const store = 'file://./secrets.env#DB_PASSWORD';
      const user = await runCli(['certify', '-s', 'PCI-DSS', '--kind', 'user', '--store', store, '--json'], {
        cwd: dir,
        env,
      });
      expect(user.code, user.stderr).toBe(0);
      const userClaims = decodeCertificate(JSON.parse(user.stdout).certificate).claims;
      expect(userClaims).toMatchObject({ credential_kind: 'user', rotation_basis: 'clause' });

      const service = await runCli(
        ['certify', '-s', 'PCI-DSS', '--rotate-every-days', '30', '--store', store, '--json'],
        { cwd: dir, env },
      );
      expect(service.code, service.stderr).toBe(0);
      const serviceClaims = decodeCertificate(JSON.parse(service.stdout).certificate).claims;
      expect(serviceClaims).toMatchObject({ credential_kind: 'service', rotation_basis: 'risk-analysis' });
      expect(
        Date.parse(String(serviceClaims.rotate_by)) -
          Date.parse((serviceClaims.asserted as { generated_at: string }).generated_at),
      ).toBe(30 * 86_400_000);
    },
  );

  it('refuses an unknown kind and a period longer than the clause with exit 2', async () => {
    const kind = await runCli(['generate', '-s', 'HIPAA', '--kind', 'robot'], { cwd: dir, env });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/Unknown credential kind "robot"\. Use service .* or user/);
    const period = await runCli(
      ['generate', '-s', 'DOD-STIG', '--kind', 'user', '--rotate-every-days', '90'],
      {
        cwd: dir,
        env,
      },
    );
    expect(period.code).toBe(2);
    expect(period.stderr).toMatch(
      /DOD-STIG sets a period of 60 days for user credentials.*Give 60 days or fewer/,
    );
    expect(period.stdout).toBe('');
  });

  it('generate --json says which kind the standards_met are for', async () => {
    const run = await runCli(['generate', '-s', 'HIPAA', '--kind', 'user', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.credential_kind).toBe('user');
    expect(out.standards_met).not.toContain('PCI-DSS');
    const service = JSON.parse(
      (await runCli(['generate', '-s', 'HIPAA', '--json'], { cwd: dir, env })).stdout,
    );
    expect(service.credential_kind).toBe('service');
    expect(service.standards_met).toContain('PCI-DSS');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJwks, generateSigningKey, signCertificate } from '../../src/certificate/index.js';
import { runCli } from '../support/cli.js';
import { sampleClaims, sampleClaimsV2 } from '../support/claims.js';

/**
 * `passgeni verify --require-workflow`: an auditor checks, offline, that a certificate was
 * requested by a given CI workflow (its issuer-verified `workload` claim), and sees which.
 */
const WORKLOAD = {
  issuer: 'https://token.actions.githubusercontent.com',
  repository: 'acme/infra',
  repository_id: '123456789',
  workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
  job_workflow_ref: 'acme/platform/.github/workflows/certify.yml@refs/tags/v2',
  ref: 'refs/heads/main',
  sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  run_id: '6012345678',
  run_attempt: '2',
  environment: 'prod',
};

const key = generateSigningKey();
let dir: string;
let jwks: string;
let withWorkload: string;
let withoutWorkload: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-workload-'));
  jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify(buildJwks([key])));
  withWorkload = await signCertificate(sampleClaimsV2({ workload: WORKLOAD }), key);
  withoutWorkload = await signCertificate(sampleClaims(), key);
});

const verify = (jwt: string, ...args: string[]) => runCli(['verify', jwt, '--jwks', jwks, ...args]);

describe('passgeni verify --require-workflow', () => {
  it.each([
    'acme/platform/.github/workflows/certify.yml@refs/tags/v2',
    'acme/platform/.github/workflows/certify.yml',
    'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
    'acme/infra/.github/workflows/*',
    'acme/*@refs/heads/main',
  ])('accepts a certificate whose workload matches %s', async (pattern) => {
    const r = await verify(withWorkload, '--require-workflow', pattern);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VALID/);
  });

  it('shows the workload in the text and the JSON output', async () => {
    const text = await verify(withWorkload);
    expect(text.stdout).toContain(
      'workload      acme/platform/.github/workflows/certify.yml@refs/tags/v2, commit a1b2c3d4e5f6, run 6012345678 (attempt 2), environment prod — vouched for by https://token.actions.githubusercontent.com',
    );
    const json = JSON.parse((await verify(withWorkload, '--json')).stdout);
    expect(json.claims.workload).toEqual(WORKLOAD);
  });

  it.each([
    ['acme/infra/.github/workflows/deploy.yml', 'WORKFLOW_MISMATCH'],
    ['acme/infra/.github/workflows/rotate.yml@refs/heads/dev', 'WORKFLOW_MISMATCH'],
    ['evil/infra/.github/workflows/*', 'WORKFLOW_MISMATCH'],
  ])(
    'refuses a workload that does not match %s (exit 1, the workflow that did run named)',
    async (pattern, code) => {
      const r = await verify(withWorkload, '--require-workflow', pattern, '--json');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.valid).toBe(false);
      expect(report.status).toBe('valid');
      expect(report.reasons).toEqual([
        expect.objectContaining({
          code,
          message: expect.stringContaining('acme/platform/.github/workflows/certify.yml@refs/tags/v2'),
        }),
      ]);
    },
  );

  it('refuses a certificate requested with an API key: it records no workload', async () => {
    const r = await verify(withoutWorkload, '--require-workflow', 'acme/*');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[NO_WORKLOAD]');
    expect(r.stdout).not.toContain('workload      ');
  });

  it('refuses a workload claim that carries the actor (not part of the schema)', async () => {
    const forged = await signCertificate(
      sampleClaimsV2({ workload: { ...WORKLOAD, actor: 'octocat' } as typeof WORKLOAD }),
      key,
    ).catch((error: unknown) => error as Error);
    // the signer refuses the claim set outright: certificates never carry personal data
    expect(forged).toBeInstanceOf(Error);
  });
});

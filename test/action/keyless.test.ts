import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { startOidcProvider, type OidcProvider } from '../support/oidc-provider.js';
import { ACTION_YML, REVOKE_YML, VERIFY_YML, runAction, type RunResult } from './support/run-action.js';

/**
 * Keyless actions: the bundled actions as the runner runs them, with no api-key, authenticating
 * with the job's OIDC token. ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN point at a local token endpoint
 * that mints from a real OIDC provider on loopback, which the real issuer trusts.
 */
let provider: OidcProvider;
let issuer: TestIssuer;

beforeAll(async () => {
  provider = await startOidcProvider();
  issuer = await startTestIssuer({
    oidc: { trust: [provider.issuer], policies: ['repository=acme/infra,ref=refs/heads/main:ci'] },
  });
});
afterAll(async () => {
  await issuer?.close();
  await provider?.close();
});

const idTokenEnv = () => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: provider.tokenRequestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: provider.tokenRequestToken,
});

function errorLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}

describe('keyless actions (id-token: write, no api-key)', () => {
  let certified: RunResult;

  beforeAll(async () => {
    certified = await runAction(ACTION_YML, {
      with: { 'issuer-url': issuer.url, standard: 'HIPAA', store: 'file://./secrets.json#DB_PASSWORD' },
      env: idTokenEnv(),
    });
  });

  it('certifies with the OIDC token requested for the audience the issuer publishes', async () => {
    expect(certified.code, certified.stdout + certified.stderr).toBe(0);
    expect(errorLines(certified)).toEqual([]);
    expect(provider.tokenAudiences).toContain(issuer.issuer.issuerId);
    const published = await fetch(certified.outputs['cert-url'] ?? '', {
      headers: { accept: 'application/json' },
    });
    const claims = decodeJwt(((await published.json()) as { certificate: string }).certificate);
    expect(claims.workload).toMatchObject({
      issuer: provider.issuer,
      repository: 'acme/infra',
      workflow_ref: 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
      run_id: '6012345678',
    });
  });

  it('never prints the OIDC token: it is masked before use', () => {
    const masks = certified.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks.some((l) => /^::add-mask::eyJ/.test(l))).toBe(true);
    const unmasked = certified.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  });

  it('the verify action accepts it with require-workflow of that workflow, and refuses another', async () => {
    const ok = await runAction(VERIFY_YML, {
      with: {
        certificate: certified.outputs['cert-url'] ?? '',
        'require-workflow': 'acme/infra/.github/workflows/rotate.yml@refs/heads/main',
      },
    });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.outputs.valid).toBe('true');
    const other = await runAction(VERIFY_YML, {
      with: {
        certificate: certified.outputs['cert-url'] ?? '',
        'require-workflow': 'acme/infra/.github/workflows/deploy.yml',
      },
    });
    expect(other.code).toBe(1);
    expect(errorLines(other).join('\n')).toContain('WORKFLOW_MISMATCH');
  });

  it('revokes keyless too', async () => {
    const revoked = await runAction(REVOKE_YML, {
      with: { certificate: certified.outputs['cert-url'] ?? '', reason: 'superseded' },
      env: idTokenEnv(),
    });
    expect(revoked.code, revoked.stdout).toBe(0);
    expect(revoked.outputs.status).toBe('revoked');
  });

  it('without the id-token permission and without an api-key, fails saying to grant it or give a key', async () => {
    const result = await runAction(ACTION_YML, {
      with: { 'issuer-url': issuer.url, standard: 'HIPAA', store: 'file://./secrets.json#DB_PASSWORD' },
    });
    expect(result.code).toBe(1);
    const error = errorLines(result).join('\n');
    expect(error).toContain('id-token: write');
    expect(error).toContain('give an api-key');
  });

  it('a workflow no policy admits is refused with the reason, and nothing is stored', async () => {
    const other = await startOidcProvider();
    const strict = await startTestIssuer({
      oidc: { trust: [other.issuer], policies: ['repository=acme/elsewhere:ci'] },
    });
    try {
      const result = await runAction(ACTION_YML, {
        with: { 'issuer-url': strict.url, standard: 'HIPAA', store: 'file://./secrets.json#DB_PASSWORD' },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: other.tokenRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: other.tokenRequestToken,
        },
      });
      expect(result.code).toBe(1);
      expect(errorLines(result).join('\n')).toMatch(/no --oidc-policy of this issuer matches/);
    } finally {
      await strict.close();
      await other.close();
    }
  });
});

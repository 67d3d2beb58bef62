import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore, type CertifyReport } from '../../src/engine.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { REVOKE_YML, VERIFY_YML, expectMaskedFirst, runAction } from './support/run-action.js';
import { useTestIssuer } from '../support/hooks.js';

/** The revoke action as the runner runs it (dist/action/revoke.js) against a real issuer. */
const issuer = useTestIssuer();
const workspace = mkdtempSync(join(tmpdir(), 'passgeni-revoke-'));

async function issue(name: string): Promise<CertifyReport> {
  return certifyAndStore(
    { standard: 'SOC2', stores: [`file://./${name}.json#KEY`] },
    {
      issuer: new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey }),
      openStore: (uri) => openStore(uri, { baseDir: workspace }),
    },
  );
}

describe('revoke action', () => {
  it('revokes by URL (issuer derived from it); outputs, summary and the public page agree; the key is masked', async () => {
    const cert = await issue('a');
    const result = await runAction(REVOKE_YML, {
      with: { certificate: cert.cert_url, reason: 'rotated', 'api-key': issuer.apiKey },
      workspace,
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('revoked');
    expect(result.outputs['cert-id']).toBe(cert.cert_id);
    expect(result.outputs['revocation-reason']).toBe('rotated');
    expect(Date.parse(result.outputs['revoked-at'] ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(result.summary).toContain('PassGeni certificate revoked');
    expect(result.summary).toContain('rotated');
    expectMaskedFirst(result, issuer.apiKey);

    const verified = await runAction(VERIFY_YML, { with: { certificate: cert.cert_url }, workspace });
    expect(verified.outputs.status).toBe('revoked');
  });

  it('revokes by id with issuer-url; revoking again keeps the first revocation and says so', async () => {
    const cert = await issue('b');
    const revokeById = (reason: string) =>
      runAction(REVOKE_YML, {
        with: { certificate: cert.cert_id, 'issuer-url': issuer.url, reason, 'api-key': issuer.apiKey },
        workspace,
      });
    const first = await revokeById('superseded');
    expect(first.code, first.stdout).toBe(0);
    const again = await revokeById('key-compromise');
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs['revocation-reason']).toBe('superseded');
    expect(again.outputs['revoked-at']).toBe(first.outputs['revoked-at']);
    expect(again.stdout).toContain('::notice::Certificate');
  });

  it('an id without issuer-url fails with what to set; a wrong key is refused', async () => {
    const cert = await issue('c');
    const noIssuer = await runAction(REVOKE_YML, {
      with: { certificate: cert.cert_id, reason: 'rotated', 'api-key': issuer.apiKey },
      workspace,
    });
    expect(noIssuer.code).toBe(1);
    expect(noIssuer.stdout).toContain(
      '::error::Revoking a certificate by id needs the issuer: set the issuer-url input',
    );

    const wrongKey = issuer.apiKey.slice(0, -4) + 'abcd';
    const refused = await runAction(REVOKE_YML, {
      with: { certificate: cert.cert_url, reason: 'rotated', 'api-key': wrongKey },
      workspace,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('the api-key input');
    expectMaskedFirst(refused, wrongKey);
    expect(refused.outputs).toEqual({});

    const missingReason = await runAction(REVOKE_YML, {
      with: { certificate: cert.cert_url, 'api-key': issuer.apiKey },
      workspace,
    });
    expect(missingReason.code).toBe(1);
    expect(missingReason.stdout).toContain("::error::Input 'reason' is required.");
  });
});

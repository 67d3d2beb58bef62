import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/index.js';
import { certifyAndStore, type CertifyReport } from '../../src/engine.js';
import { HttpIssuerClient } from '../../src/issuer-client/http.js';
import { startTestIssuer, type TestIssuer } from '../support/issuer-server.js';
import { VERIFY_YML, runAction } from '../action/support/run-action.js';

/** The verify action's `require-log` and `log-key` inputs, as the runner runs the action. */
let issuer: TestIssuer;
let workspace: string;
let cert: CertifyReport;

beforeAll(async () => {
  issuer = await startTestIssuer({ logSequenceMs: 0 });
  workspace = mkdtempSync(join(tmpdir(), 'passgeni-verify-log-'));
  cert = await certifyAndStore(
    { standard: 'HIPAA', stores: ['file://./a.json#DB_PASSWORD'] },
    {
      issuer: new HttpIssuerClient({ url: issuer.url, apiKey: issuer.apiKey }),
      openStore: (uri) => openStore(uri, { baseDir: workspace }),
    },
  );
});
afterAll(async () => {
  await issuer?.close();
});

describe('verify action and the transparency log', () => {
  it('require-log fails while the certificate is not logged, and passes once it is', async () => {
    const before = await runAction(VERIFY_YML, {
      with: { certificate: cert.cert_url, 'require-log': 'true' },
      workspace,
    });
    expect(before.code).toBe(1);
    expect(before.outputs.valid).toBe('false');
    expect(before.outputs.reasons).toContain('LOG_PROOF_MISSING');

    await issuer.issuer.log.sequence();
    const after = await runAction(VERIFY_YML, {
      with: { certificate: cert.cert_url, 'require-log': 'true', 'log-key': issuer.issuer.log.verifierKey },
      workspace,
    });
    expect(after.code, after.stdout).toBe(0);
    expect(after.outputs.valid).toBe('true');
  });

  it('a log key that did not sign the checkpoint fails require-log', async () => {
    const other = await startTestIssuer({ logSequenceMs: 0 });
    try {
      const result = await runAction(VERIFY_YML, {
        with: {
          certificate: cert.cert_url,
          'require-log': 'true',
          'log-key': other.issuer.log.verifierKey.replace(/^[^+]+/, issuer.issuer.issuerId),
        },
        workspace,
      });
      // the key id no longer matches the renamed key: refused as a malformed key, before any request
      expect(result.code).not.toBe(0);
      const forged = await runAction(VERIFY_YML, {
        with: { certificate: cert.cert_url, 'require-log': 'true', 'log-key': other.issuer.log.verifierKey },
        workspace,
      });
      expect(forged.code).toBe(1);
      expect(forged.outputs.reasons).toContain('LOG_PROOF_INVALID');
    } finally {
      await other.close();
    }
  });
});

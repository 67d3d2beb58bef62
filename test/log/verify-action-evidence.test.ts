import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Witness } from '../../src/trust/witness.js';
import { VERIFY_YML, runAction } from '../action/support/run-action.js';
import { api, type TestServer } from '../issuer/support/server.js';
import { startEvidenceIssuer, type EvidenceIssuer } from './support/evidence.js';
import { issueOverHttp, type Issued } from './support/issue.js';
import type { LocalTsa } from './support/tsa.js';

/**
 * The verify action checks the transparency log as `passgeni verify` does (issue 19, deliverable
 * 4): witnesses and their cosignatures (`witnesses`, `require-witnesses`), the checkpoint's RFC
 * 3161 timestamp (`require-timestamp`, `tsa-cert` as PEM text or a workspace file), and says what
 * it proved in its outputs and job summary. Against a real issuer whose log is cosigned by a real
 * witness and timestamped by `openssl ts -reply`.
 */
let e: EvidenceIssuer;
let t: TestServer;
let tsa: LocalTsa;
let otherTsa: LocalTsa;
let witness: Witness;
let workspace: string;
let cert: Issued;
let certUrl: string;

beforeAll(async () => {
  e = await startEvidenceIssuer('https://issuer.test/evidence');
  ({ t, tsa, otherTsa, witness } = e);
  await issueOverHttp(t.url, e.key);
  cert = await issueOverHttp(t.url, e.key);
  await api(t.url, `/api/v1/certificates/${cert.cert_id}/activate`, { key: e.key, body: {} });
  certUrl = `${t.url}/cert/${cert.cert_id}`;
  await t.issuer.log.sequence();
  workspace = mkdtempSync(join(tmpdir(), 'passgeni-evidence-ws-'));
  copyFileSync(tsa.certFile, join(workspace, 'tsa.pem'));
}, 60_000);

afterAll(async () => {
  await e?.close();
});

interface Proof {
  leaf_index: number;
  tree_size: number;
  timestamp?: { gen_time: string };
}

describe('verify action: witnesses and trusted timestamps', () => {
  it('proves inclusion, the cosignature and the timestamp, and says so in its outputs and summary', async () => {
    const proof = (await api<Proof>(t.url, `/api/v1/certificates/${cert.cert_id}/inclusion`)).body;
    expect(proof.leaf_index).toBe(1);
    expect(proof.timestamp?.gen_time).toMatch(/^\d{4}-/);
    const result = await runAction(VERIFY_YML, {
      with: {
        certificate: certUrl,
        witnesses: `# our witness\n${witness.verifierKey}\n`,
        'require-witnesses': '1',
        'require-timestamp': 'true',
        'tsa-cert': 'tsa.pem',
      },
      workspace,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs['leaf-index']).toBe('1');
    expect(result.outputs['tree-size']).toBe(String(proof.tree_size));
    expect(JSON.parse(result.outputs['cosigned-by'] ?? '')).toEqual(['witness.test/evidence']);
    expect(result.outputs['timestamped-at']).toBe(proof.timestamp?.gen_time);
    expect(JSON.parse(result.outputs.log ?? '')).toMatchObject({
      status: 'included',
      leaf_index: 1,
      tree_size: proof.tree_size,
      key_source: 'issuer',
      cosigned_by: ['witness.test/evidence'],
      timestamped_at: proof.timestamp?.gen_time,
    });
    expect(result.summary).toContain('Transparency log');
    expect(result.summary).toContain(
      `included at index 1 in the signed checkpoint of size ${proof.tree_size}`,
    );
    expect(result.summary).toContain('cosigned by witness.test/evidence');
    expect(result.summary).toContain(`logged no later than ${proof.timestamp?.gen_time}`);
  });

  it('takes the TSA certificate as PEM text too (a repository variable)', async () => {
    const result = await runAction(VERIFY_YML, {
      with: {
        certificate: certUrl,
        'require-timestamp': 'true',
        'tsa-cert': readFileSync(tsa.certFile, 'utf8'),
      },
      workspace,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.outputs['timestamped-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    // no witnesses asked about: none are reported
    expect(result.outputs['cosigned-by']).toBe('');
  });

  it('fails a timestamp from a TSA other than the pinned one, and a checkpoint without enough witnesses', async () => {
    const otherStamp = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, 'require-timestamp': 'true', 'tsa-cert': otherTsa.certFile },
      workspace,
    });
    expect(otherStamp.code).toBe(1);
    expect(otherStamp.outputs.valid).toBe('false');
    expect(otherStamp.outputs.reasons).toMatch(/TIMESTAMP_(UNTRUSTED_TSA|SIGNATURE_INVALID)/);
    expect(otherStamp.outputs['leaf-index']).toBe('');
    expect(otherStamp.outputs['timestamped-at']).toBe('');

    const stranger = new Witness({
      name: 'witness.test/stranger',
      privateKey: generateKeyPairSync('ed25519').privateKey,
      logs: [],
      statePath: join(mkdtempSync(join(tmpdir(), 'passgeni-evidence-')), 'state.json'),
    });
    const unwitnessed = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, witnesses: stranger.verifierKey, 'require-witnesses': '1' },
      workspace,
    });
    expect(unwitnessed.code).toBe(1);
    expect(unwitnessed.outputs.reasons).toContain('LOG_WITNESSES_MISSING');
    expect(JSON.parse(unwitnessed.outputs['cosigned-by'] ?? '')).toEqual([]);
    expect(unwitnessed.summary).toContain('INVALID PROOF');

    // not required: the same finding is reported, and the certificate still holds
    const reported = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, witnesses: stranger.verifierKey },
      workspace,
    });
    expect(reported.code, reported.stdout + reported.stderr).toBe(0);
    expect(reported.outputs.valid).toBe('true');
    expect(JSON.parse(reported.outputs['cosigned-by'] ?? '')).toEqual([]);
  });

  it('refuses, before any request, what cannot be checked: no TSA certificate, too few witness keys, an unreadable file', async () => {
    const bare = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, 'require-timestamp': 'true' },
      workspace,
    });
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('TSA_CERT_REQUIRED');
    expect(bare.stdout).toContain('tsa-cert input');
    expect(bare.outputs.valid).toBeUndefined();

    const tooMany = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, witnesses: witness.verifierKey, 'require-witnesses': '2' },
      workspace,
    });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stdout).toContain('WITNESSES_REQUIRED');
    expect(tooMany.stdout).toContain('witnesses input');

    const missing = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, 'tsa-cert': 'no-such.pem' },
      workspace,
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('TSA_CERT_UNREADABLE');

    const garbage = await runAction(VERIFY_YML, {
      with: { certificate: certUrl, 'require-witnesses': 'two' },
      workspace,
    });
    expect(garbage.code).toBe(1);
    expect(garbage.stdout).toContain("Input 'require-witnesses' must be a whole number");
  });
});

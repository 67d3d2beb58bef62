import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_YML, runAction } from '../action/support/run-action.js';

/** The certify action with a pk_live_ key speaks the hosted protocol, to a double of the service. */
const KEY = 'pk_live_EXAMPLEactionHostedKey0001';
let server: Server;
let url: string;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      const session = req.url === '/api/issue-session';
      res.writeHead(session ? 200 : 201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          session
            ? {
                session_token: 'sess_action',
                expires_in: 300,
                compliance_valid: true,
                gaps: [],
                standards_met: ['SOC2'],
              }
            : {
                cert_id: 'act-cert-1',
                cert_url: 'https://passgeni.ai/cert/act-cert-1',
                compliance_standard: 'SOC2',
                standards_met: ['SOC2'],
                entropy_bits: 120,
                expires_at: '2027-12-03T00:00:00.000Z',
                created_at: '2026-12-03T00:00:00.000Z',
              },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('certify action with the hosted PassGeni service', () => {
  it("a pk_live_ key selects the hosted protocol, and the cert-url output is the service's", async () => {
    const result = await runAction(ACTION_YML, {
      with: {
        'issuer-url': url,
        'api-key': KEY,
        standard: 'SOC2',
        store: 'file://./secrets.json#DB_PASSWORD',
      },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(paths).toEqual(['POST /api/issue-session -', `POST /api/generate-certificate Bearer ${KEY}`]);
    expect(result.outputs['cert-url']).toBe('https://passgeni.ai/cert/act-cert-1');
    // the key is printed only in the line that asks the runner to mask it
    const unmasked = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(KEY.slice(8));
  });
});

import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * A forward proxy that answers itself: every request that reaches it names an absolute URL
 * (RFC 9112 §3.2.2), which is how a client asks a proxy for an http:// resource. The hosts used
 * do not resolve, so a request that bypassed the proxy could not succeed.
 */
describe('HTTPS_PROXY / HTTP_PROXY / NO_PROXY', () => {
  let proxy: Server;
  let proxyUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${String(req.headers['x-amz-target'] ?? '')}`.trim());
      req.resume();
      if (req.headers['x-amz-target']) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'denied by the test' }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'No such certificate.', code: 'CERTIFICATE_NOT_FOUND' }));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  const id = '5b1f2c3d-0000-4000-8000-0000000000ff';

  it('the project HTTP client goes through the proxy, and NO_PROXY hosts do not', async () => {
    seen.length = 0;
    const via = await runCli(['verify', `http://issuer.invalid/cert/${id}`, '--json'], {
      env: { HTTP_PROXY: proxyUrl, NO_PROXY: '' },
    });
    expect(via.code, via.stderr).toBe(1);
    expect(JSON.parse(via.stderr)).toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' });
    expect(seen).toEqual([`GET http://issuer.invalid/cert/${id}`]);

    seen.length = 0;
    const direct = await runCli(['verify', `http://issuer.invalid/cert/${id}`, '--json'], {
      env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'issuer.invalid' },
    });
    expect(direct.code).toBe(3);
    expect(seen).toEqual([]);
  });

  it('the AWS SDK goes through the proxy too', async () => {
    seen.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-proxy-'));
    const run = await runCli(['certify', '--standard', 'HIPAA', '--store', 'aws-sm://prod/db', '--json'], {
      cwd: dir,
      env: {
        HTTP_PROXY: proxyUrl,
        NO_PROXY: '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_ENDPOINT_URL: 'http://aws.invalid',
        PASSGENI_ISSUER_URL: '',
        PASSGENI_DATA_DIR: join(dir, '.passgeni'),
      },
    });
    expect(run.code, run.stderr).toBe(2);
    // the line before is the local issuer's notice about its new signing key
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1) ?? '')).toMatchObject({
      code: 'STORE_CHECK_FAILED',
      failures: [{ store: 'aws-sm://prod/db', code: 'STORE_ACCESS_DENIED' }],
    });
    expect(seen).toEqual(['POST http://aws.invalid/ secretsmanager.DescribeSecret']);
  });
});

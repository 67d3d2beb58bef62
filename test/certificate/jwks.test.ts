import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildJwks,
  exportSigningKey,
  generateSigningKey,
  loadJwks,
  parseJwks,
} from '../../src/certificate/index.js';

const current = generateSigningKey();
const retired = generateSigningKey();
const dir = mkdtempSync(join(tmpdir(), 'passgeni-jwks-'));

describe('buildJwks', () => {
  it('publishes only public members, once per kid, from signing keys and public JWKs alike', () => {
    const jwks = buildJwks([current, retired.publicJwk, current]);
    expect(jwks.keys.map((k) => k.kid)).toEqual([current.kid, retired.kid]);
    for (const k of jwks.keys)
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(JSON.stringify(jwks)).not.toContain(JSON.parse(exportSigningKey(current, 'jwk')).d);
  });

  it('never lets a private member ride along from a JWK-shaped object', () => {
    const leaky = { ...current.publicJwk, d: JSON.parse(exportSigningKey(current, 'jwk')).d };
    expect(buildJwks([leaky]).keys[0]).toEqual(current.publicJwk);
  });
});

describe('parseJwks', () => {
  it('keeps EC P-256 signing keys and drops RSA, other curves, encryption keys and junk', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const input = {
      keys: [
        { ...rsa, kid: 'rsa', use: 'sig' },
        { ...p384, kid: 'p384' },
        { ...retired.publicJwk, use: 'enc' },
        { ...retired.publicJwk, alg: 'ECDH-ES' },
        { ...retired.publicJwk, key_ops: ['deriveKey'] },
        { ...current.publicJwk, x: current.publicJwk.y.slice(0, -2) + 'AA' }, // not on the curve
        'junk',
        null,
        current.publicJwk,
      ],
    };
    expect(parseJwks(input)).toEqual({ keys: [current.publicJwk] });
  });

  it('strips private members and fills a missing kid with the thumbprint', () => {
    const { kid: _kid, alg: _alg, use: _use, ...bare } = current.publicJwk;
    const withD = { ...bare, d: JSON.parse(exportSigningKey(current, 'jwk')).d };
    expect(parseJwks({ keys: [withD] })).toEqual({ keys: [current.publicJwk] });
  });

  it('accepts JSON text and a single JWK', () => {
    expect(parseJwks(JSON.stringify(buildJwks([current, retired]))).keys).toHaveLength(2);
    expect(parseJwks(current.publicJwk)).toEqual({ keys: [current.publicJwk] });
  });

  it('is INVALID_JWKS (exit 2) when nothing usable is left', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    for (const input of [{ keys: [rsa] }, { keys: [] }, {}, [], 'not json', null, 42]) {
      expect(() => parseJwks(input)).toThrow(expect.objectContaining({ code: 'INVALID_JWKS', exitCode: 2 }));
    }
  });
});

describe('loadJwks', () => {
  const jwks = buildJwks([current, retired]);
  let server: ReturnType<typeof createServer>;
  let base = '';
  let lastUrl = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      lastUrl = req.url ?? '';
      if (req.url?.startsWith('/.well-known/jwks.json')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(jwks));
      } else if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.end('{}'), 2_000).unref();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads a file path and a file: URL', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(jwks));
    expect(await loadJwks(file)).toEqual(jwks);
    expect(await loadJwks(pathToFileURL(file).href)).toEqual(jwks);
  });

  it('fetches an http(s) URL', async () => {
    expect(await loadJwks(`${base}/.well-known/jwks.json`)).toEqual(jwks);
    expect(lastUrl).toBe('/.well-known/jwks.json');
  });

  it('times out, and reports HTTP errors, without printing credentials or query from the URL', async () => {
    const timedOut = loadJwks(`${base}/slow?token=abc`, { timeoutMs: 100 });
    await expect(timedOut).rejects.toMatchObject({ code: 'JWKS_UNAVAILABLE', exitCode: 3 });
    await expect(timedOut).rejects.toThrow(/timed out after 100 ms/);
    const error: unknown = await timedOut.catch((e: unknown) => e);
    expect((error as Error).message).not.toMatch(/token=abc/);
    await expect(loadJwks(`${base}/missing`)).rejects.toThrow(/HTTP 404/);
    const withCredentials = loadJwks(
      `${base.replace('http://', 'http://user:s3cret@')}/.well-known/jwks.json`,
    );
    await expect(withCredentials).rejects.toMatchObject({ code: 'INVALID_JWKS_URL', exitCode: 2 });
    await expect(withCredentials).rejects.not.toThrow(/s3cret/);
  });

  it('names the connection failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(loadJwks(`http://127.0.0.1:${port}/jwks.json`)).rejects.toThrow(
      /could not connect \(ECONNREFUSED\)/,
    );
  });

  it('explains a missing file', async () => {
    await expect(loadJwks(join(dir, 'absent.json'))).rejects.toMatchObject({
      code: 'JWKS_NOT_FOUND',
      exitCode: 2,
    });
  });
});

import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InputError, PassgeniError } from '../errors.js';
import { HttpError, httpRequest, type HttpResponse } from '../lib/http.js';
import * as z from '../zod.js';
import { jwkThumbprint } from './keys.js';
import type { Jwks, PublicJwk, SigningKey } from './types.js';

const MAX_JWKS_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

/** The JWKS the issuer publishes at /.well-known/jwks.json: public halves only, one per kid. */
export function buildJwks(keys: ReadonlyArray<SigningKey | PublicJwk>): Jwks {
  const out: PublicJwk[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const jwk = 'publicJwk' in key ? key.publicJwk : key;
    if (seen.has(jwk.kid)) continue;
    seen.add(jwk.kid);
    // copied member by member so nothing else (a private "d", above all) can ride along
    out.push({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' });
  }
  return { keys: out };
}

/** One usable verification key; other members (x5c, a stray "d" …) are ignored and never copied. */
const jwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  // whether x and y are a point on P-256 is checked by importing them (isOnCurve)
  x: z.string(),
  y: z.string(),
  kid: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  alg: z.optional(z.literal('ES256')),
  use: z.optional(z.literal('sig')),
  key_ops: z.optional(
    z.array(z.string()).check(z.refine((ops) => ops.includes('verify'), { error: 'must allow verify' })),
  ),
});

function isOnCurve(jwk: { x: string; y: string }): boolean {
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps the EC P-256 signing keys of a JWKS (or of a single JWK) and drops everything else, so a
 * shared key set with RSA or encryption keys still works. A missing kid becomes the thumbprint.
 */
export function parseJwks(input: unknown): Jwks {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InputError('INVALID_JWKS', 'The JWKS is not valid JSON. Expected {"keys": [...]}.');
    }
  }
  if (typeof value === 'object' && value !== null && 'kty' in value) value = { keys: [value] };
  const entries =
    typeof value === 'object' && value !== null ? (value as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(entries)) {
    throw new InputError(
      'INVALID_JWKS',
      'The JWKS has no "keys" array. Expected {"keys": [...]}, as served at /.well-known/jwks.json.',
    );
  }
  const keys: PublicJwk[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const parsed = jwkSchema.safeParse(entry);
    if (!parsed.success || !isOnCurve(parsed.data)) continue;
    const { x, y } = parsed.data;
    const kid = parsed.data.kid ?? jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });
    if (seen.has(kid)) continue;
    seen.add(kid);
    keys.push({ kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' });
  }
  if (keys.length === 0) {
    throw new InputError(
      'INVALID_JWKS',
      `The JWKS holds no usable ES256 signing key (${entries.length} key(s), none EC P-256 for signatures). Use the issuer's /.well-known/jwks.json.`,
    );
  }
  return { keys };
}

/** A URL without credentials or query, safe to print. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

async function fetchJwks(source: string, timeoutMs: number): Promise<Jwks> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new InputError('INVALID_JWKS_URL', 'The JWKS URL is not a valid URL.');
  }
  const where = displayUrl(url);
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      'INVALID_JWKS_URL',
      `The JWKS URL ${where} contains a user name or password; remove them (a JWKS is public).`,
    );
  }
  let response: HttpResponse;
  try {
    response = await httpRequest({
      url,
      headers: { accept: 'application/json, application/jwk-set+json' },
      timeoutMs,
      maxBodyBytes: MAX_JWKS_BYTES,
    });
  } catch (error) {
    // httpRequest fails only with an HttpError; its code (ours, or Node's errno code) is what is shown
    const code = error instanceof HttpError ? error.code : 'unknown error';
    if (code === 'TOO_LARGE') {
      throw new InputError(
        'INVALID_JWKS',
        `The JWKS at ${where} is larger than 1 MiB; that is not a key set.`,
      );
    }
    const why =
      error instanceof HttpError && error.timedOut
        ? `timed out after ${timeoutMs} ms`
        : `could not connect (${code})`;
    throw new PassgeniError(
      'JWKS_UNAVAILABLE',
      `Fetching the JWKS from ${where} ${why}. Check the URL and network, or pass a saved jwks.json file.`,
      { details: { url: where } },
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw new PassgeniError(
      'JWKS_UNAVAILABLE',
      `Fetching the JWKS from ${where} failed with HTTP ${response.status}. Check the URL, or pass a saved jwks.json file.`,
      { details: { url: where, status: response.status } },
    );
  }
  return parseJwks(response.text);
}

async function readJwksFile(source: string): Promise<Jwks> {
  const path = source.startsWith('file:') ? fileURLToPath(source) : source;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? 'JWKS_NOT_FOUND' : 'JWKS_UNREADABLE',
      `Cannot read the JWKS file ${path} (${code ?? 'unknown error'}). Pass a jwks.json file or the issuer's https URL.`,
    );
  }
  if (text.length > MAX_JWKS_BYTES)
    throw new InputError('INVALID_JWKS', `The JWKS file ${path} is larger than 1 MiB.`);
  return parseJwks(text);
}

/** A JWKS from an http(s) URL (fetched with a timeout) or from a file path / file: URL. */
export async function loadJwks(source: string, options: { timeoutMs?: number } = {}): Promise<Jwks> {
  if (/^https?:\/\//i.test(source)) return fetchJwks(source, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return readJwksFile(source);
}

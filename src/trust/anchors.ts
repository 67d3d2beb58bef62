import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Jwks } from '../certificate/index.js';
import { InputError } from '../errors.js';
import type { IssuerClient } from '../issuer-client/types.js';

/**
 * A trust anchor pins an issuer's identity (the `iss` it signs) to where its public keys come
 * from, and to the base URLs its certificate URLs live under. A certificate is accepted only
 * through an anchor: the URL it was found at must be under one of the anchor's bases, its `iss`
 * must be the anchor's issuer, and its signature must verify with the anchor's keys. Keys found
 * at a certificate URL's own host are never used unless that host is the anchor's key source.
 */
export interface TrustAnchor {
  /** The `iss` the issuer signs. */
  readonly issuer: string;
  /** Where the keys come from: a JWKS URL, a JWKS file, or an in-process issuer. */
  readonly keys:
    | { kind: 'url'; url: string }
    | { kind: 'file'; path: string }
    | { kind: 'local'; jwks: () => Promise<Jwks> };
  /**
   * `<origin><path>` prefixes (no trailing slash) under which `<base>/cert/<id>` URLs of this
   * issuer live. Empty for a JWKS-file anchor whose issuer id is not a URL: it verifies JWTs only.
   */
  readonly bases: readonly string[];
  /** Where the anchor was configured, for messages: `--trust`, `PASSGENI_TRUST (file:3)`, … */
  readonly origin: string;
  /** The issuer in this process (the local one): records are read through it, not over HTTP. */
  readonly client?: IssuerClient;
}

const WELL_KNOWN_JWKS = '/.well-known/jwks.json';
const MAX_ISSUER_ID = 256;
/** A trust file is a handful of lines; anything far larger is not one. */
const MAX_TRUST_FILE_BYTES = 256 * 1024;

/** `https://host/base/` → `https://host/base`; undefined when not an http(s) URL. */
export function baseOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return undefined;
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** The bases a JWKS URL and an issuer id vouch for, without duplicates. */
function basesFor(issuer: string, jwksUrl: string | undefined): string[] {
  const bases = new Set<string>();
  if (jwksUrl !== undefined) {
    const base = baseOf(jwksUrl);
    if (base !== undefined && base.endsWith(WELL_KNOWN_JWKS))
      bases.add(base.slice(0, -WELL_KNOWN_JWKS.length));
  }
  const own = baseOf(issuer);
  if (own !== undefined) bases.add(own);
  return [...bases];
}

/** An anchor from a JWKS URL (keys fetched, capped, cached) or a JWKS file (read once). */
export function anchorFor(issuer: string, source: string, origin: string, cwd = process.cwd()): TrustAnchor {
  if (/^https?:\/\//i.test(source)) {
    return { issuer, keys: { kind: 'url', url: source }, bases: basesFor(issuer, source), origin };
  }
  const path = source.startsWith('file:') ? fileURLToPath(source) : source;
  return {
    issuer,
    keys: { kind: 'file', path: isAbsolute(path) ? path : resolve(cwd, path) },
    bases: basesFor(issuer, undefined),
    origin,
  };
}

/** The local issuer: trusted with its own in-process keys and identity, under its public URL. */
export function localAnchor(client: IssuerClient, publicUrl: string): TrustAnchor {
  const base = baseOf(publicUrl) ?? publicUrl.replace(/\/+$/, '');
  return {
    issuer: client.issuerId ?? base,
    keys: { kind: 'local', jwks: () => client.jwks() },
    bases: [base],
    origin: 'the local issuer',
    client,
  };
}

function invalid(where: string, message: string): InputError {
  return new InputError(
    'TRUST_INVALID',
    `${where}: ${message} Write each trusted issuer as ISSUER_ID=JWKS_URL_OR_FILE, e.g. https://certs.example.com=https://certs.example.com/.well-known/jwks.json (passgeni trust <issuer-url> prints that line).`,
  );
}

/**
 * One `ISSUER_ID=JWKS_URL_OR_FILE` pair. The issuer id ends at the first `=`, so an id holding
 * one cannot be pinned (issuer ids are URLs or names, which do not). A file must exist now: a
 * typo is found before anything is checked, not as an "unknown key" on every certificate.
 */
export function parseTrustPair(text: string, where: string, cwd = process.cwd()): TrustAnchor {
  const pair = text.trim();
  const at = pair.indexOf('=');
  if (at < 0) throw invalid(where, `${quote(pair)} has no "=" between the issuer id and its keys.`);
  const issuer = pair.slice(0, at).trim();
  const source = pair.slice(at + 1).trim();
  if (issuer === '') throw invalid(where, `${quote(pair)} names no issuer id before the "=".`);
  if (issuer.length > MAX_ISSUER_ID || /[\p{C}\s]/u.test(issuer)) {
    throw invalid(
      where,
      `the issuer id ${quote(issuer)} is not a valid issuer id (printable, no spaces, at most ${MAX_ISSUER_ID} characters).`,
    );
  }
  if (source === '') throw invalid(where, `${quote(pair)} names no JWKS URL or file after the "=".`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^(https?|file):\/\//i.test(source)) {
    throw invalid(where, `the key source ${quote(source)} is neither an http(s) URL nor a file.`);
  }
  if (/^https?:\/\//i.test(source)) {
    if (baseOf(source) === undefined)
      throw invalid(
        where,
        `the JWKS URL ${quote(source)} is not a valid URL (no credentials, query or fragment).`,
      );
    return anchorFor(issuer, source, where);
  }
  const anchor = anchorFor(issuer, source, where, cwd);
  if (anchor.keys.kind === 'file' && !isFile(anchor.keys.path)) {
    throw invalid(where, `the JWKS file ${quote(anchor.keys.path)} does not exist or is not a file.`);
  }
  return anchor;
}

/**
 * A trust file (named by PASSGENI_TRUST): one pair a line, `#` comment lines and blank lines
 * skipped. Relative JWKS paths are relative to the file. Strict: any bad line fails the whole
 * file with its line number, since a half-read trust file is a silently different policy.
 */
export function readTrustFile(path: string, label = 'PASSGENI_TRUST'): TrustAnchor[] {
  const where = `${label} (${path})`;
  if (!isFile(path)) throw invalid(where, 'the trust file does not exist or is not a file.');
  if (statSync(path).size > MAX_TRUST_FILE_BYTES)
    throw invalid(where, 'the trust file is larger than 256 KiB.');
  return parseTrustLines(readFileSync(path, 'utf8'), path, dirname(resolve(path)));
}

/** Pairs one a line (a trust file, or an action's multi-line `trust` input). */
export function parseTrustLines(text: string, label: string, cwd = process.cwd()): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    anchors.push(parseTrustPair(line, `${label}:${index + 1}`, cwd));
  });
  return anchors;
}

/**
 * What a front end was given: repeated `--trust` pairs and the file PASSGENI_TRUST names, merged.
 */
export function configuredAnchors(
  pairs: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): TrustAnchor[] {
  const anchors = (pairs ?? []).map((pair) => parseTrustPair(pair, '--trust'));
  const file = env.PASSGENI_TRUST?.trim();
  if (file) anchors.push(...readTrustFile(file));
  return anchors;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return JSON.stringify(clean.length > 100 ? `${clean.slice(0, 97)}...` : clean);
}

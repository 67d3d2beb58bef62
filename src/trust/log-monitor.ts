import { openCheckpoint, TILE_WIDTH, tileIndexPath } from '../certificate/transparency/checkpoint.js';
import type { Checkpoint } from '../certificate/transparency/checkpoint.js';
import {
  appendedNodes,
  frontier,
  leafHash,
  treeHash,
  verifyConsistency,
} from '../certificate/transparency/merkle.js';
import { parseVerifierKey, verifierKeyString } from '../certificate/transparency/note.js';
import type { NoteVerifier } from '../certificate/transparency/note.js';
import { InputError, isPassgeniError } from '../errors.js';
import { IssuerError, issuerUnreachable } from '../issuer-client/errors.js';
import { fetchIssuerIdentity, fetchPublicCertificate } from '../issuer-client/public.js';
import { httpRequest } from '../lib/http.js';
import * as z from '../zod.js';

/**
 * `passgeni log monitor`: follows an issuer's transparency log from one run to the next. Each run
 * verifies the new checkpoint's signature, its consistency with the last one seen, and rebuilds
 * the new root from the entries the issuer serves (each well formed, identical in its tiles and
 * at its certificate URL). Anything else is evidence of a rollback, a split view or a rewrite.
 * The state between runs is the last verified checkpoint and the tree's right frontier (O(log n)
 * hashes), so a run reads only the new entries.
 */

export interface MonitorState {
  version: 1;
  issuer: string;
  /** The log's verifier key, pinned on the first run. */
  log_key: string;
  size: number;
  /** base64 */
  root: string;
  /** The hashes of frontier(size), in its order, base64. */
  frontier: string[];
  /** The last verified checkpoint note, as served: the evidence to show if the log later disowns it. */
  checkpoint: string;
  checked_at: string;
}

const stateSchema = z.object({
  version: z.literal(1),
  issuer: z.string(),
  log_key: z.string(),
  size: z.int().check(z.minimum(0)),
  root: z.string(),
  frontier: z.array(z.string()),
  checkpoint: z.string(),
  checked_at: z.string(),
});

export function parseMonitorState(text: string, where: string): MonitorState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success || parsed.data.frontier.length !== frontier(parsed.data.size).length) {
    throw new InputError(
      'LOG_STATE_INVALID',
      `${where} is not a log monitor state file. Give a new path to start afresh (the first run trusts the log's current checkpoint).`,
    );
  }
  return parsed.data;
}

export interface MonitorFinding {
  code:
    | 'LOG_ROLLBACK'
    | 'LOG_SPLIT_VIEW'
    | 'LOG_INCONSISTENT'
    | 'LOG_ENTRIES_MISMATCH'
    | 'LOG_ENTRY_MALFORMED'
    | 'LOG_SIGNATURE_INVALID'
    | 'LOG_KEY_CHANGED';
  message: string;
  /** What proves it: the checkpoints and whatever the issuer served. */
  evidence: Record<string, unknown>;
}

export interface MonitorReport {
  ok: boolean;
  issuer: string;
  log_key: string;
  previous?: { size: number; root: string };
  current?: { size: number; root: string };
  new_entries: number;
  issuances: number;
  revocations: number;
  findings: MonitorFinding[];
}

const JWT_RE = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/;
const REVOCATION_RE =
  /^passgeni-revocation\/v1\ncert ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\nrevoked_at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\nreason [^\n]+\n$/;

async function get(url: string, base: string): Promise<{ status: number; bytes: Buffer }> {
  try {
    const r = await httpRequest({ url, maxBodyBytes: 2 * 1024 * 1024 });
    return { status: r.status, bytes: r.bytes };
  } catch (cause) {
    throw issuerUnreachable(base, cause);
  }
}

async function getOk(url: string, base: string): Promise<Buffer> {
  const r = await get(url, base);
  if (r.status !== 200) {
    throw new IssuerError(`HTTP_${r.status}`, `The issuer at ${base} answered HTTP ${r.status} for ${url}.`, {
      status: r.status,
    });
  }
  return r.bytes;
}

export async function monitorLog(options: {
  issuerUrl: string;
  state: MonitorState | undefined;
  /** A pinned verifier key; default: the state's, or on the first run the issuer's published one. */
  logKey?: string | undefined;
}): Promise<{ report: MonitorReport; state: MonitorState | undefined }> {
  const base = options.issuerUrl.trim().replace(/\/+$/, '');
  const previous = options.state;
  const verifier = await logVerifier(base, options.logKey ?? previous?.log_key);
  const logKey = verifierKeyString(verifier);
  const findings: MonitorFinding[] = [];
  const report = (extra: Partial<MonitorReport>): MonitorReport => ({
    ok: findings.length === 0,
    issuer: base,
    log_key: logKey,
    ...(previous && { previous: { size: previous.size, root: previous.root } }),
    new_entries: 0,
    issuances: 0,
    revocations: 0,
    findings,
    ...extra,
  });
  if (previous && previous.log_key !== logKey) {
    findings.push({
      code: 'LOG_KEY_CHANGED',
      message: `The log key is not the one this state pinned (${previous.log_key}); a new key needs a new state file, after checking out of band why it changed.`,
      evidence: { pinned: previous.log_key, given: logKey },
    });
    return { report: report({}), state: undefined };
  }

  const note = (await getOk(`${base}/log/checkpoint`, base)).toString('utf8');
  let cp: Checkpoint;
  try {
    cp = openCheckpoint(note, verifier);
  } catch (error) {
    findings.push({
      code: 'LOG_SIGNATURE_INVALID',
      message: `The checkpoint does not verify with the log key: ${isPassgeniError(error) ? error.message : String(error)}`,
      evidence: { checkpoint: note },
    });
    return { report: report({}), state: undefined };
  }
  const current = { size: cp.size, root: cp.root.toString('base64') };
  const oldSize = previous?.size ?? 0;
  const oldRoot = previous ? Buffer.from(previous.root, 'base64') : undefined;
  if (previous && oldRoot) {
    const evidence = { previous_checkpoint: previous.checkpoint, checkpoint: note };
    if (cp.size < previous.size) {
      findings.push({
        code: 'LOG_ROLLBACK',
        message: `The log shrank from ${previous.size} entries to ${cp.size}: entries were removed (rolled back or truncated).`,
        evidence,
      });
      return { report: report({ current }), state: undefined };
    }
    if (cp.size === previous.size && !cp.root.equals(oldRoot)) {
      findings.push({
        code: 'LOG_SPLIT_VIEW',
        message: `Two checkpoints signed by the log for size ${cp.size} with different roots: the log was rewritten, or shows different views to different readers.`,
        evidence,
      });
      return { report: report({ current }), state: undefined };
    }
    if (cp.size > previous.size) {
      const proof = await fetchConsistency(base, previous.size, cp.size);
      if (!proof || !verifyConsistency(previous.size, cp.size, proof, oldRoot, cp.root)) {
        findings.push({
          code: 'LOG_INCONSISTENT',
          message: `The checkpoint of size ${cp.size} is not an extension of the one of size ${previous.size} seen before: the log's history was rewritten.`,
          evidence: { ...evidence, consistency_proof: proof?.map((h) => h.toString('base64')) ?? null },
        });
        return { report: report({ current }), state: undefined };
      }
    }
  }

  // the new entries, as a tile client reads them, folded onto the old frontier
  const oldNodes = new Map<string, Buffer>();
  frontier(oldSize).forEach(([level, index], i) =>
    oldNodes.set(`${level}/${index}`, Buffer.from(previous?.frontier[i] ?? '', 'base64')),
  );
  const entries = await fetchEntries(base, oldSize, cp.size, findings);
  if (!entries) return { report: report({ current }), state: undefined };
  let issuances = 0;
  let revocations = 0;
  for (const [i, entry] of entries.entries()) {
    const kind = await checkEntry(base, cp.origin, oldSize + i, entry, findings);
    if (kind === 'issuance') issuances++;
    if (kind === 'revocation') revocations++;
  }
  if (findings.length > 0) return { report: report({ current }), state: undefined };
  const old = (l: number, i: number) => {
    const hash = oldNodes.get(`${l}/${i}`);
    if (!hash) throw new Error(`monitor state lacks node ${l}/${i}`);
    return hash;
  };
  const added = appendedNodes(
    oldSize,
    entries.map((e) => leafHash(e)),
    old,
  );
  const all = new Map(oldNodes);
  for (const n of added) all.set(`${n.level}/${n.index}`, n.hash);
  const node = (l: number, i: number) => all.get(`${l}/${i}`) ?? old(l, i);
  const root = Buffer.from(treeHash(cp.size, node));
  if (!root.equals(cp.root)) {
    findings.push({
      code: 'LOG_ENTRIES_MISMATCH',
      message: `The entries the issuer serves (${oldSize} to ${cp.size - 1}) do not hash to the signed checkpoint's root: entries were edited, removed or replaced.`,
      evidence: { checkpoint: note, computed_root: root.toString('base64') },
    });
    return { report: report({ current }), state: undefined };
  }
  const state: MonitorState = {
    version: 1,
    issuer: base,
    log_key: logKey,
    size: cp.size,
    root: current.root,
    frontier: frontier(cp.size).map(([l, i]) => Buffer.from(node(l, i)).toString('base64')),
    checkpoint: note,
    checked_at: new Date().toISOString(),
  };
  return { report: report({ current, new_entries: entries.length, issuances, revocations }), state };
}

async function logVerifier(base: string, pinned: string | undefined): Promise<NoteVerifier> {
  if (pinned !== undefined) return parseVerifierKey(pinned);
  const identity = z
    .looseObject({ log: z.looseObject({ verifier_key: z.string() }) })
    .safeParse(await fetchIssuerIdentity(base));
  if (!identity.success) {
    throw new IssuerError(
      'LOG_NOT_PUBLISHED',
      `The issuer at ${base} publishes no transparency log key in /.well-known/passgeni-issuer; give it with --log-key.`,
    );
  }
  return parseVerifierKey(identity.data.log.verifier_key);
}

async function fetchConsistency(base: string, from: number, to: number): Promise<Buffer[] | undefined> {
  const r = await get(`${base}/log/proof/consistency?from=${from}&to=${to}`, base);
  if (r.status !== 200) return undefined;
  const parsed = z
    .object({ hashes: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(128)) })
    .safeParse(JSON.parse(r.bytes.toString('utf8')));
  return parsed.success ? parsed.data.hashes.map((h) => Buffer.from(h, 'base64')) : undefined;
}

/** Entries [from, to) from the entry bundles, checked against the level-0 tiles' leaf hashes. */
async function fetchEntries(
  base: string,
  from: number,
  to: number,
  findings: MonitorFinding[],
): Promise<Buffer[] | undefined> {
  const out: Buffer[] = [];
  for (let tile = Math.floor(from / TILE_WIDTH); tile * TILE_WIDTH < to; tile++) {
    const width = Math.min(TILE_WIDTH, to - tile * TILE_WIDTH);
    const path = `${tileIndexPath(tile)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
    const [bundle, hashes] = await Promise.all([
      get(`${base}/log/tile/entries/${path}`, base),
      get(`${base}/log/tile/0/${path}`, base),
    ]);
    const first = tile * TILE_WIDTH;
    const missing = (why: string) => {
      findings.push({
        code: 'LOG_ENTRIES_MISMATCH',
        message: `The issuer does not serve entries ${first} to ${first + width - 1} of its signed checkpoint intact (${why}): entries were deleted or edited.`,
        evidence: { tile: path },
      });
      return undefined;
    };
    if (bundle.status !== 200 || hashes.status !== 200)
      return missing(`HTTP ${bundle.status}/${hashes.status}`);
    if (hashes.bytes.length !== 32 * width) return missing('the hash tile has the wrong size');
    let at = 0;
    for (let i = 0; i < width; i++) {
      if (at + 2 > bundle.bytes.length) return missing('the entry bundle is short');
      const length = bundle.bytes.readUInt16BE(at);
      const entry = bundle.bytes.subarray(at + 2, at + 2 + length);
      at += 2 + length;
      if (!leafHash(entry).equals(hashes.bytes.subarray(32 * i, 32 * i + 32))) {
        return missing(`entry ${first + i} does not hash to its leaf in the hash tile`);
      }
      if (first + i >= from) out.push(Buffer.from(entry));
    }
    if (at !== bundle.bytes.length) return missing('the entry bundle is too long');
  }
  return out;
}

/** An entry must be a certificate of this issuer (served identically at its URL) or a revocation. */
async function checkEntry(
  base: string,
  origin: string,
  index: number,
  entry: Buffer,
  findings: MonitorFinding[],
): Promise<'issuance' | 'revocation' | undefined> {
  const text = entry.toString('utf8');
  const malformed = (why: string) => {
    findings.push({
      code: 'LOG_ENTRY_MALFORMED',
      message: `Entry ${index} ${why}.`,
      evidence: { index, entry: text },
    });
    return undefined;
  };
  if (REVOCATION_RE.test(text)) return 'revocation';
  const jwt = JWT_RE.exec(text);
  if (!jwt) return malformed('is neither a certificate (JWT) nor a revocation');
  let claims: { jti?: unknown; iss?: unknown };
  try {
    claims = JSON.parse(Buffer.from(jwt[1] ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return malformed('is a JWT whose claims are not JSON');
  }
  if (claims.iss !== origin || typeof claims.jti !== 'string')
    return malformed(`is not a certificate of ${origin}`);
  try {
    const served = await fetchPublicCertificate(base, claims.jti);
    if (served.certificate !== text)
      return malformed(`differs from the certificate the issuer serves at ${base}/cert/${claims.jti}`);
  } catch (error) {
    if (isPassgeniError(error) && error.code === 'CERTIFICATE_NOT_FOUND') {
      return malformed(`is a certificate the issuer no longer serves (${base}/cert/${claims.jti})`);
    }
    throw error;
  }
  return 'issuance';
}

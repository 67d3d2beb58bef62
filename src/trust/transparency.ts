import { readFileSync, statSync } from 'node:fs';
import { checkpointText, openCheckpoint } from '../certificate/transparency/checkpoint.js';
import type { TimestampFailure } from '../certificate/transparency/timestamp.js';
import { leafHash, verifyInclusion } from '../certificate/transparency/merkle.js';
import { parseVerifierKey } from '../certificate/transparency/note.js';
import type { NoteVerifier } from '../certificate/transparency/note.js';
import { parseWitnessKey, verifiedCosigners } from '../certificate/transparency/cosignature.js';
import { InputError, isPassgeniError } from '../errors.js';
import { fetchInclusionProof, fetchIssuerIdentity } from '../issuer-client/public.js';
import type { IssuerClient } from '../issuer-client/types.js';
import * as z from '../zod.js';

/**
 * Whether a certificate is in its issuer's transparency log (docs/transparency.md): its inclusion
 * proof must lead from the exact bytes of the JWT to the root of a checkpoint whose signature, by
 * the log key, verifies. The log key is the one pinned by the caller or, failing that, the one
 * the issuer's identity document publishes.
 */
export interface LogRequirement {
  /** A missing or bad proof makes the certificate not valid (otherwise the report only says so). */
  require: boolean;
  /** The log's verifier key, `name+hexkeyid+base64key`; default: the issuer's published one. */
  verifierKey?: string | undefined;
  /** Witnesses trusted to cosign checkpoints (verifier keys, type 0x04, as `passgeni witness` prints). */
  witnesses?: readonly string[] | undefined;
  /** How many of them must have cosigned the checkpoint (default 0). */
  requireWitnesses?: number | undefined;
  /**
   * The pinned RFC 3161 TSA certificate (PEM): the checkpoint's timestamp, when there is one, must
   * verify with it (docs/transparency.md).
   */
  tsaCertificate?: string | undefined;
  /** The checkpoint must carry such a timestamp (needs tsaCertificate). */
  requireTimestamp?: boolean | undefined;
  /** Shared by the checks of one run (the inventory's), so each checkpoint is verified once. */
  cache?: LogCheckCache | undefined;
}

export interface LogOutcome {
  /** `included`: proven; `missing`: no proof to check (not logged yet, no log, unreachable); `invalid`: a proof that fails. */
  status: 'included' | 'missing' | 'invalid';
  leaf_index?: number;
  tree_size?: number;
  /** The log key the checkpoint was verified with, and where it came from. */
  log_key?: string;
  key_source?: 'pinned' | 'issuer';
  /** The trusted witnesses whose cosignature on the checkpoint verified. */
  cosigned_by?: string[];
  /** The checkpoint's trusted timestamp, when a TSA certificate was pinned: the TSA's time. */
  timestamped_at?: string;
  /** Set when the failure has a code of its own (too few witnesses, the timestamp). */
  code?: 'LOG_WITNESSES_MISSING' | 'TIMESTAMP_MISSING' | TimestampFailure;
  message?: string;
}

const proofSchema = z.looseObject({
  leaf_index: z.int().check(z.minimum(0)),
  tree_size: z.int().check(z.minimum(1)),
  hashes: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64)),
  checkpoint: z.string().check(z.maxLength(16_384)),
  timestamp: z.optional(
    z.looseObject({ token: z.string().check(z.maxLength(64 * 1024)), gen_time: z.optional(z.string()) }),
  ),
});

const identitySchema = z.looseObject({ log: z.looseObject({ verifier_key: z.string() }) });

/** Pinned keys (log and witnesses) are parsed first, so a malformed one is a usage error up front. */
export function pinnedLogKey(requirement: LogRequirement | undefined): NoteVerifier | undefined {
  for (const w of requirement?.witnesses ?? []) parseWitnessKey(w);
  const required = requirement?.requireWitnesses ?? 0;
  if (required > (requirement?.witnesses?.length ?? 0)) {
    throw new InputError(
      'WITNESSES_REQUIRED',
      `Requiring ${required} witness cosignatures needs at least that many trusted witness keys; name each witness by its verifier key (as \`passgeni witness\` prints it).`,
      { hint: { option: 'witness' } },
    );
  }
  checkTsaRequirement(requirement);
  return requirement?.verifierKey === undefined ? undefined : parseVerifierKey(requirement.verifierKey);
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/;

function tsaCertificateInvalid(): InputError {
  return new InputError(
    'TSA_CERT_INVALID',
    "The TSA certificate is not a PEM X.509 certificate: give the time-stamping authority's own certificate (-----BEGIN CERTIFICATE-----).",
    { hint: { option: 'tsa-cert', fix: 'check' } },
  );
}

/** Checked up front (a usage error before anything is fetched); parsed when a token is checked. */
function checkTsaRequirement(requirement: LogRequirement | undefined): void {
  if (requirement?.requireTimestamp && requirement.tsaCertificate === undefined) {
    throw new InputError(
      'TSA_CERT_REQUIRED',
      "Requiring a trusted timestamp needs the time-stamping authority's certificate (PEM) to check it with: a timestamp from a TSA you have not pinned proves nothing.",
      { hint: { option: 'tsa-cert' } },
    );
  }
  if (requirement?.tsaCertificate !== undefined && !PEM_CERTIFICATE.test(requirement.tsaCertificate)) {
    throw tsaCertificateInvalid();
  }
}

/**
 * What a run has already learnt about issuers' logs, so a run over many certificates (the
 * inventory) fetches each issuer's log key once and verifies each checkpoint it is shown once
 * (signature, cosignatures, timestamp), not once per certificate. Only the per-certificate part,
 * the audit path, is checked for every row.
 */
export class LogCheckCache {
  readonly keys = new Map<string, Promise<NoteVerifier | LogOutcome>>();
  readonly checkpoints = new Map<string, Promise<CheckpointVerdict>>();
  /** How many distinct checkpoints were verified in this run. */
  get checkpointsVerified(): number {
    return this.checkpoints.size;
  }
}

/** A checkpoint's verdict, whatever certificate it was served with. */
type CheckpointVerdict =
  | { ok: false; outcome: Omit<LogOutcome, 'leaf_index' | 'tree_size' | 'log_key' | 'key_source'> }
  | { ok: true; size: number; root: Uint8Array; cosignedBy: string[]; timestampedAt?: string };

/**
 * The transparency-log options every front end takes (`verify`, the verify action, `inventory`),
 * with one meaning: giving any of them checks the log; requiring witnesses or a timestamp requires
 * the log. Undefined when none is given.
 */
export interface LogOptions {
  requireLog?: boolean | undefined;
  logKey?: string | undefined;
  witnesses?: readonly string[] | undefined;
  requireWitnesses?: number | undefined;
  requireTimestamp?: boolean | undefined;
  /** The TSA certificate's PEM text (each front end reads it from where its users keep it). */
  tsaCertificate?: string | undefined;
}

export function logRequirement(options: LogOptions, cache?: LogCheckCache): LogRequirement | undefined {
  const asked =
    options.requireLog === true ||
    options.logKey !== undefined ||
    (options.witnesses?.length ?? 0) > 0 ||
    (options.requireWitnesses ?? 0) > 0 ||
    options.requireTimestamp === true ||
    options.tsaCertificate !== undefined;
  if (!asked) return undefined;
  const requirement: LogRequirement = {
    require:
      options.requireLog === true || (options.requireWitnesses ?? 0) > 0 || options.requireTimestamp === true,
    verifierKey: options.logKey,
    witnesses: options.witnesses,
    requireWitnesses: options.requireWitnesses,
    requireTimestamp: options.requireTimestamp,
    tsaCertificate: options.tsaCertificate,
    ...(cache && { cache }),
  };
  // a malformed key or a missing TSA certificate is a usage error before anything is fetched
  pinnedLogKey(requirement);
  return requirement;
}

/** A TSA certificate kept in a file (PEM), read whole; a directory or a huge file is not one. */
export function readTsaCertificateFile(path: string, what: string): string {
  try {
    const stat = statSync(path);
    if (stat.isDirectory() || stat.size > 256 * 1024) throw new Error('not a certificate file');
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      'TSA_CERT_UNREADABLE',
      `${what} ${JSON.stringify(path)} is not a readable file: give the time-stamping authority's certificate in PEM.`,
    );
  }
}

/** The log key to check checkpoints with: the pinned one, else the issuer's published one (once per issuer and run). */
async function logVerifier(
  base: string,
  requirement: LogRequirement,
  fetchOptions: { fetch?: typeof fetch },
): Promise<NoteVerifier | LogOutcome> {
  const pinned = pinnedLogKey(requirement);
  if (pinned) return pinned;
  const cache = requirement.cache;
  const known = cache?.keys.get(base);
  if (known) return known;
  const lookup = (async (): Promise<NoteVerifier | LogOutcome> => {
    const identity = identitySchema.safeParse(
      await fetchIssuerIdentity(base, fetchOptions).catch(() => undefined),
    );
    if (!identity.success) {
      return { status: 'missing', message: `The issuer at ${base} publishes no transparency log key.` };
    }
    try {
      return parseVerifierKey(identity.data.log.verifier_key);
    } catch {
      return { status: 'invalid', message: `The issuer at ${base} publishes a malformed log key.` };
    }
  })();
  cache?.keys.set(base, lookup);
  return lookup;
}

export async function checkLogInclusion(
  base: string | undefined,
  certId: string | undefined,
  jwt: string,
  requirement: LogRequirement,
  fetchOptions: { fetch?: typeof fetch },
  /** The trusted local issuer, in-process: its log key and proofs are read there, not over HTTP. */
  local?: IssuerClient,
): Promise<LogOutcome> {
  const inProcess = local?.inclusionProof && local.logVerifierKey !== undefined ? local : undefined;
  if ((base === undefined && !inProcess) || certId === undefined) {
    return {
      status: 'missing',
      message:
        "The transparency log can only be checked with the issuer's URL: give the certificate URL, or the issuer URL.",
    };
  }
  const logName = base ?? 'the local issuer';
  const verifier = inProcess
    ? (pinnedLogKey(requirement) ?? parseVerifierKey(inProcess.logVerifierKey!))
    : await logVerifier(base!, requirement, fetchOptions);
  if ('status' in verifier) return verifier;
  const logKey = `${verifier.name}+${verifier.keyId.toString('hex')}`;
  const keySource = requirement.verifierKey === undefined ? ('issuer' as const) : ('pinned' as const);
  let raw: unknown;
  try {
    raw = inProcess
      ? await inProcess.inclusionProof!(certId)
      : await fetchInclusionProof(base!, certId, fetchOptions);
  } catch (error) {
    // a 404: the issuer has no entry for it (yet: it logs within a second of issuance)
    const notLogged = isPassgeniError(error) && error.code === 'CERTIFICATE_NOT_FOUND';
    const why = isPassgeniError(error) ? error.message : String(error);
    return {
      status: 'missing',
      log_key: logKey,
      key_source: keySource,
      message: notLogged
        ? `The certificate is not in the transparency log yet (${logName} logs certificates within a second of issuance); verify again shortly.`
        : `No inclusion proof from the issuer's transparency log: ${why}`,
    };
  }
  const proof = proofSchema.safeParse(raw);
  if (!proof.success) {
    return {
      status: 'invalid',
      log_key: logKey,
      key_source: keySource,
      message: 'The inclusion proof is malformed.',
    };
  }
  const { leaf_index, tree_size, hashes, checkpoint } = proof.data;
  const where = { leaf_index, tree_size, log_key: logKey, key_source: keySource };
  const token = proof.data.timestamp?.token;
  const cacheKey = `${logName}\n${logKey}\n${checkpoint}\n${token ?? ''}`;
  let verdict = requirement.cache?.checkpoints.get(cacheKey);
  if (!verdict) {
    verdict = checkCheckpoint(checkpoint, token, verifier, requirement);
    requirement.cache?.checkpoints.set(cacheKey, verdict);
  }
  const cp = await verdict;
  if (!cp.ok) return { ...cp.outcome, ...where };
  if (cp.size !== tree_size) {
    return {
      status: 'invalid',
      ...where,
      message: 'The inclusion proof is for another tree size than its checkpoint.',
    };
  }
  const path = hashes.map((h) => Buffer.from(h, 'base64'));
  if (!verifyInclusion(leafHash(Buffer.from(jwt, 'ascii')), leaf_index, tree_size, path, cp.root)) {
    return {
      status: 'invalid',
      ...where,
      message: `The inclusion proof does not lead from this certificate to the signed checkpoint of size ${tree_size}: the log does not contain it as issued.`,
    };
  }
  return {
    status: 'included',
    ...where,
    ...(requirement.witnesses?.length ? { cosigned_by: cp.cosignedBy } : {}),
    ...(cp.timestampedAt !== undefined && { timestamped_at: cp.timestampedAt }),
  };
}

/** The checks that depend on the checkpoint alone: its signature, its cosignatures, its timestamp. */
async function checkCheckpoint(
  checkpoint: string,
  token: string | undefined,
  verifier: NoteVerifier,
  requirement: LogRequirement,
): Promise<CheckpointVerdict> {
  let cp;
  try {
    cp = openCheckpoint(checkpoint, verifier);
  } catch (error) {
    return {
      ok: false,
      outcome: {
        status: 'invalid',
        message: `The log checkpoint does not verify: ${isPassgeniError(error) ? error.message : String(error)}`,
      },
    };
  }
  const cosignedBy = verifiedCosigners(checkpoint, (requirement.witnesses ?? []).map(parseWitnessKey)).map(
    (c) => c.name,
  );
  const required = requirement.requireWitnesses ?? 0;
  if (cosignedBy.length < required) {
    return {
      ok: false,
      outcome: {
        status: 'invalid',
        cosigned_by: cosignedBy,
        code: 'LOG_WITNESSES_MISSING',
        message: `The log checkpoint is cosigned by ${cosignedBy.length} of the trusted witnesses (${cosignedBy.join(', ') || 'none'}); ${required} are required. Without them, the issuer could show this log to you alone.`,
      },
    };
  }
  const sound = { ok: true as const, size: cp.size, root: cp.root, cosignedBy };
  if (requirement.tsaCertificate === undefined) return sound;
  if (token === undefined) {
    if (!requirement.requireTimestamp) return sound;
    return {
      ok: false,
      outcome: {
        status: 'invalid',
        code: 'TIMESTAMP_MISSING',
        message: `The log checkpoint of size ${cp.size} has no trusted timestamp: the issuer runs without --tsa-url, or its TSA has not answered for this checkpoint yet (the issuer asks again each minute and for each new checkpoint); verify again in a minute.`,
      },
    };
  }
  // pkijs is loaded only by a verifier that checks timestamps
  const { parseTsaCertificate, verifyTimestampToken } =
    await import('../certificate/transparency/timestamp.js');
  let tsa;
  try {
    tsa = parseTsaCertificate(requirement.tsaCertificate);
  } catch {
    throw tsaCertificateInvalid();
  }
  const body = checkpointText({ origin: cp.origin, size: cp.size, root: cp.root });
  const check = await verifyTimestampToken(Buffer.from(token, 'base64'), body, { tsaCertificate: tsa });
  if (!check.ok) {
    return {
      ok: false,
      outcome: {
        status: 'invalid',
        code: check.code,
        message: `The log checkpoint's trusted timestamp is refused: ${check.message}`,
      },
    };
  }
  return { ...sound, timestampedAt: check.genTime.toISOString() };
}

/** What was asked of the log, in one line (the inventory report says it beside its trusted issuers). */
export function describeLogRequirement(requirement: LogRequirement): string {
  const key = requirement.verifierKey
    ? `the pinned log key ${requirement.verifierKey.split('+').slice(0, 2).join('+')}`
    : "each issuer's published log key";
  const parts = [
    `${requirement.require ? 'required' : 'checked, not required'}: each certificate's inclusion proof against a checkpoint signed by ${key}`,
  ];
  const witnesses = requirement.witnesses?.length ?? 0;
  if (witnesses > 0) {
    parts.push(
      `cosignatures by ${requirement.requireWitnesses ?? 0} of ${witnesses} trusted witness${witnesses === 1 ? '' : 'es'} required`,
    );
  }
  if (requirement.tsaCertificate !== undefined) {
    parts.push(
      requirement.requireTimestamp
        ? 'an RFC 3161 timestamp by the pinned TSA required'
        : 'RFC 3161 timestamps checked against the pinned TSA',
    );
  }
  return parts.join('; ');
}

/** What a log check found, in one line (the CLI, the action's summary, the inventory's detail). */
export function describeLogOutcome(log: LogOutcome): string {
  const key = log.log_key
    ? ` (log key ${log.log_key}, ${log.key_source === 'pinned' ? 'pinned' : 'as published by the issuer'})`
    : '';
  if (log.status !== 'included') {
    return `${log.status === 'invalid' ? 'INVALID PROOF' : 'not proven'}: ${log.message ?? ''}${key}`;
  }
  const witnesses = log.cosigned_by
    ? `; cosigned by ${log.cosigned_by.join(', ') || 'no trusted witness'}`
    : '';
  const stamped = log.timestamped_at
    ? `; logged no later than ${log.timestamped_at} (RFC 3161 timestamp by the pinned TSA)`
    : '';
  return `included at index ${log.leaf_index} in the signed checkpoint of size ${log.tree_size}${key}${witnesses}${stamped}`;
}

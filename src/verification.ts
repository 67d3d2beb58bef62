import type { SecretStore } from '../adapters/store.js';
import {
  checkCredentialBinding,
  createVerifier,
  decodeCertificate,
  assertedClaims,
  parseClaims,
  workflowMatches,
  type CertificateClaims,
  type Jwks,
  type VerificationResult,
  type VerifyChecks,
} from './certificate/index.js';
import { InputError, isPassgeniError, type ErrorHint } from './errors.js';
import type { IssuerClient } from './issuer-client/types.js';
import {
  fetchIssuerIdentity,
  fetchPublicCertificate,
  fetchPublicJwks,
  parseCertificateUrl,
} from './issuer-client/public.js';
import { isIdAnyCase } from './lib/ids.js';
import { checkHostedClaims, isHostedPayload, personalDataIn } from './certificate/hosted-claims.js';
import { credentialMisfit } from './policy/index.js';
import type { TrustAnchor, TrustStore } from './trust/index.js';
import { checkLogInclusion, pinnedLogKey } from './trust/transparency.js';
import type { LogOutcome, LogRequirement } from './trust/transparency.js';

/**
 * The verification every front end shares (CLI `verify`, the verify action, rotation, inventory):
 * resolve a certificate given as a URL, an id or a JWT; check its signature and claims offline;
 * ask the issuer for its live status (revocation); and, when asked, check that a stored
 * credential is the one the certificate's binding was computed over.
 */
/** Front ends pass their options as they are, so an unset one may be undefined. */
export interface VerifyTarget {
  /** A certificate URL (…/cert/<id>), a certificate id, or a JWT. */
  certificate: string;
  /**
   * Base URL of the issuer to ask for live status and keys when given an id or a JWT, through its
   * public endpoints (no API key needed). URL inputs use their own issuer.
   */
  issuerBase?: string | undefined;
  /** An in-process issuer (the local one) to ask instead, when there is no issuer URL. */
  issuer?: IssuerClient | undefined;
  /** Public keys to verify against, explicitly (`--jwks`): trusted as given, whatever `trust` says. */
  jwks?: Jwks | undefined;
  /**
   * The issuers the user trusts. When it holds any, a certificate is accepted only through one of
   * them (see src/trust/). When empty, a URL's own host is trusted for this one call, and the
   * report says so.
   */
  trust?: TrustStore | undefined;
  /** Require this `iss` too; default: none (with trust configured, the anchor's `iss` is required anyway). */
  issuerId?: string | undefined;
  checks?: VerifyChecks;
  /**
   * Require the certificate to have been requested by this CI workflow (its issuer-verified
   * `workload`), as a pattern: see workflowMatches.
   */
  requireWorkflow?: string | undefined;
  /** Check the credential in this store against the certificate's binding. */
  credentialFrom?: SecretStore | undefined;
  /** Check the certificate's inclusion in its issuer's transparency log (src/trust/transparency.ts). */
  log?: LogRequirement | undefined;
  now?: () => number;
  fetch?: typeof fetch;
}

export type BindingOutcome = 'match' | 'mismatch' | 'not-bound' | 'not-found' | 'not-checked';

export interface VerifyReason {
  code: string;
  message: string;
  /** What would make the check possible; each front end words it. */
  hint?: ErrorHint;
}

export interface VerifyReport {
  valid: boolean;
  /** Things to know that do not make the certificate invalid (e.g. it carries personal data). */
  warnings?: VerifyReason[];
  /** `invalid` when the signature or claims fail, whatever the issuer says. */
  status: 'valid' | 'pending' | 'expired' | 'revoked' | 'invalid' | 'unknown';
  reasons: VerifyReason[];
  cert_id?: string;
  cert_url?: string;
  claims?: CertificateClaims;
  revoked_at?: string;
  revocation_reason?: string;
  /** Whether the live status was obtained from the issuer. */
  live: boolean;
  binding: BindingOutcome;
  /** Whose keys the signature was checked with, and why they were trusted. */
  trust?: TrustDecision;
  /** The transparency log check, when asked for. */
  log?: LogOutcome;
}

export interface TrustDecision {
  /**
   * `configured`: a trust anchor (the CLI's and the actions' trust settings, rotate's issuer);
   * `url`: no trust configured, the certificate URL's own host, for this call only;
   * `issuer-url`: no trust configured, the issuer URL the caller named (its `iss` is not pinned);
   * `jwks-option`: keys given explicitly; `local`: the local issuer's own keys.
   */
  source: 'configured' | 'url' | 'issuer-url' | 'jwks-option' | 'local';
  /** The trusted issuer id (configured, local), or the host trusted for the call (url). */
  issuer: string;
}

/** Failures that leave the signature and claims sound: time, and the caller's own requirements. */
const CHECK_ONLY = new Set(['EXPIRED', 'EXPIRES_SOON', 'STANDARD_NOT_MET', 'ROTATION_OVERDUE']);

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export async function verifyCertificate(target: VerifyTarget): Promise<VerifyReport> {
  const input = target.certificate.trim();
  const fetchOptions = target.fetch ? { fetch: target.fetch } : {};
  pinnedLogKey(target.log);
  const source = await resolveSource(input, target, fetchOptions);
  if ('untrusted' in source) return source.untrusted;
  const { jwt, certUrl, trust } = source;
  let live = source.live;
  let result = await source.verify(jwt, target.checks);
  // A bare JWT's status is asked of its trusted issuer only once the token proved to be its own.
  if (source.statusAfter && (result.valid || result.reasons.every((r) => CHECK_ONLY.has(r.code)))) {
    live = await source.statusAfter();
  }
  if (target.issuerId !== undefined && source.checksIssuerItself) {
    const iss = unverifiedIss(jwt);
    if (iss !== target.issuerId) {
      const wrong = {
        code: 'WRONG_ISSUER' as const,
        message: `issued by ${JSON.stringify(iss ?? null)}, expected ${JSON.stringify(target.issuerId)}`,
      };
      result = {
        valid: false,
        reasons: [wrong, ...(result.valid ? [] : result.reasons)],
        ...(result.claims !== undefined && { claims: result.claims as unknown as Record<string, unknown> }),
      };
    }
  }
  const reasons: VerifyReason[] = result.valid ? [] : [...result.reasons];
  // When only the caller's extra checks (or time) fail, the signature and claims are sound: keep
  // the claims and report the certificate's real status beside the failed checks.
  const soundButFailing = !result.valid && result.reasons.every((r) => CHECK_ONLY.has(r.code));
  const claims = result.valid ? result.claims : soundButFailing ? checkedClaims(result.claims) : undefined;

  if (live?.status === 'revoked') {
    reasons.push({
      code: 'REVOKED',
      message: `The issuer revoked this certificate${live.revoked_at ? ` on ${live.revoked_at}` : ''}${live.revocation_reason ? ` (reason: ${live.revocation_reason})` : ''}.`,
    });
  }

  if (live?.status === 'pending') {
    reasons.push({
      code: 'PENDING',
      message: `The issuer has not been told that any store holds this credential, so the certificate is not valid yet${live.activate_by ? `; unless it is activated by ${live.activate_by}, the issuer revokes it` : ''}.`,
    });
  }

  if (target.requireWorkflow !== undefined && claims) {
    const reason = workflowRequirement(target.requireWorkflow, claims);
    if (reason) reasons.push(reason);
  }

  let binding: BindingOutcome = 'not-checked';
  if (target.credentialFrom && claims) {
    const credential = await target.credentialFrom.readCredential();
    binding = await checkBinding(claims, credential);
    // hosted certificates name no class sizes, so only our own can be fitted against
    const misfit =
      credential === undefined || isHostedPayload(claims as unknown as Record<string, unknown>)
        ? undefined
        : credentialMisfit(credential, claims.generation_params);
    if (misfit !== undefined) {
      reasons.push({
        code: 'CREDENTIAL_PARAMS_MISMATCH',
        message: `The credential in ${target.credentialFrom.uri} does not fit the certified parameters: ${misfit}.`,
      });
    }
    if (binding === 'mismatch') {
      reasons.push({
        code: 'BINDING_MISMATCH',
        message: `The credential in ${target.credentialFrom.uri} is not the one this certificate was issued for.`,
      });
    } else if (binding === 'not-bound') {
      reasons.push({
        code: 'NOT_BOUND',
        message:
          'This certificate has no credential binding, so the stored credential cannot be checked against it.',
        hint: { option: 'bind', certify: true },
      });
    } else if (binding === 'not-found') {
      reasons.push({
        code: 'CREDENTIAL_NOT_FOUND',
        message: `No credential was found at ${target.credentialFrom.uri}.`,
      });
    }
  }

  let log: LogOutcome | undefined;
  if (target.log) {
    const base =
      certUrl?.replace(/\/cert\/[^/]+$/, '') ?? (target.issuerBase?.trim().replace(/\/+$/, '') || undefined);
    log = await checkLogInclusion(
      base,
      claims?.jti ?? idOf(jwt),
      jwt,
      target.log,
      fetchOptions,
      source.localIssuer,
    );
    if (target.log.require && log.status !== 'included') {
      reasons.push({
        code: log.code ?? (log.status === 'invalid' ? 'LOG_PROOF_INVALID' : 'LOG_PROOF_MISSING'),
        message: log.message ?? 'The certificate is not proven to be in the transparency log.',
      });
    }
  }

  // Revocation wins; then our own clock's verdict on expiry; then what the issuer says.
  const expired = !result.valid && result.reasons.some((r) => r.code === 'EXPIRED');
  const status: VerifyReport['status'] =
    !result.valid && !soundButFailing
      ? 'invalid'
      : live?.status === 'revoked'
        ? 'revoked'
        : expired
          ? 'expired'
          : (live?.status ?? 'valid');
  const certId = claims?.jti ?? idOf(jwt);
  const personal =
    claims === undefined ? undefined : personalDataIn(claims as unknown as Record<string, unknown>);
  const warnings: VerifyReason[] =
    personal === undefined
      ? []
      : [
          {
            code: 'PERSONAL_DATA',
            message: `This certificate of the hosted PassGeni service carries the account's e-mail address (claim "${personal}"): personal data. Anyone given the certificate learns it; share and store it accordingly.`,
          },
        ];
  return {
    valid: reasons.length === 0,
    ...(warnings.length > 0 && { warnings }),
    status,
    reasons,
    ...(certId !== undefined && { cert_id: certId }),
    ...(certUrl !== undefined && { cert_url: certUrl }),
    ...(claims !== undefined && { claims }),
    ...(live?.revoked_at !== undefined && { revoked_at: live.revoked_at }),
    ...(live?.revocation_reason !== undefined && { revocation_reason: live.revocation_reason }),
    live: live !== undefined,
    binding,
    trust,
    ...(log !== undefined && { log }),
  };
}

function workflowRequirement(pattern: string, claims: CertificateClaims): VerifyReason | undefined {
  const workload = claims.cert_version === 2 ? claims.workload : undefined;
  if (workload === undefined) {
    return {
      code: 'NO_WORKLOAD',
      message: `The certificate records no workload (it was requested with an API key, not a CI OIDC token), so it cannot be shown to come from workflow ${JSON.stringify(pattern)}.`,
    };
  }
  if (workflowMatches(pattern, workload)) return undefined;
  const ran = workload.job_workflow_ref ?? workload.workflow_ref ?? 'no workflow';
  return {
    code: 'WORKFLOW_MISMATCH',
    message: `The certificate was requested by ${ran}, not by a workflow matching ${JSON.stringify(pattern)}.`,
  };
}

async function checkBinding(
  claims: CertificateClaims,
  credential: string | undefined,
): Promise<BindingOutcome> {
  const binding = assertedClaims(claims).credential_binding;
  if (!binding) return 'not-bound';
  if (credential === undefined) return 'not-found';
  return (await checkCredentialBinding(credential, binding)) ? 'match' : 'mismatch';
}

function checkedClaims(decoded: Record<string, unknown> | undefined): CertificateClaims | undefined {
  if (!decoded) return undefined;
  if (isHostedPayload(decoded)) return checkHostedClaims(decoded).claims;
  try {
    return parseClaims(decoded);
  } catch {
    return undefined;
  }
}

function idOf(jwt: string): string | undefined {
  try {
    const { claims } = decodeCertificate(jwt);
    return typeof claims.jti === 'string' ? claims.jti : undefined;
  } catch {
    return undefined;
  }
}

type Live = {
  status: 'valid' | 'pending' | 'expired' | 'revoked';
  activate_by?: string;
  revoked_at?: string;
  revocation_reason?: string;
};

/** Where the token, its live status and its keys come from, or why it is refused outright. */
type Source =
  | { untrusted: VerifyReport }
  | {
      jwt: string;
      live: Live | undefined;
      certUrl: string | undefined;
      trust: TrustDecision;
      verify: (jwt: string, checks: VerifyChecks | undefined) => Promise<VerificationResult>;
      /** False when the verifier already requires `target.issuerId`. */
      checksIssuerItself: boolean;
      statusAfter?: () => Promise<Live | undefined>;
      /** The local issuer, in-process: its log is read there, not at its (usually unserved) URL. */
      localIssuer?: IssuerClient;
    };

async function resolveSource(
  input: string,
  target: VerifyTarget,
  fetchOptions: { fetch?: typeof fetch },
): Promise<Source> {
  const url = parseCertificateUrl(input);
  const isJwt = !url && JWT.test(input);
  if (!url && !isJwt && !isIdAnyCase(input)) {
    throw new InputError(
      'CERTIFICATE_INPUT_INVALID',
      'Give a certificate URL (https://…/cert/<id>), a certificate id, or the certificate itself (a JWT).',
    );
  }
  // Where the certificate's record (and its live status) is read: the URL's issuer, the named
  // issuer URL, or the in-process issuer.
  const base = url ? url.base : target.issuerBase?.trim().replace(/\/+$/, '') || undefined;
  const id = url ? url.id : isJwt ? idOf(input) : input;
  if (!url && !isJwt && base === undefined && !target.issuer) {
    throw new InputError(
      'ISSUER_REQUIRED',
      'A certificate id needs an issuer to look it up; give the certificate URL instead of its id, or name the issuer.',
      { hint: { option: 'issuer-url' } },
    );
  }
  const trust = target.jwks === undefined && target.trust && !target.trust.empty ? target.trust : undefined;
  if (trust) return trustedSource({ input, isJwt, base, id, target, trust, fetchOptions });

  let live: Live | undefined;
  let jwt = input;
  let certUrl: string | undefined;
  if (base !== undefined && id !== undefined) {
    const record = await fetchPublicCertificate(base, id, fetchOptions);
    live = record;
    certUrl = `${base}/cert/${encodeURIComponent(id)}`;
    if (!isJwt) jwt = record.certificate;
  } else if (base === undefined && target.issuer && id !== undefined) {
    const record = await target.issuer.getCertificate(id);
    live = record;
    if (!isJwt) jwt = record.certificate;
  }
  let jwks = target.jwks;
  let decision: TrustDecision;
  let pinnedIss = target.issuerId;
  if (jwks) {
    decision = { source: 'jwks-option', issuer: target.issuerId ?? unverifiedIss(jwt) ?? '' };
  } else if (base !== undefined) {
    jwks = await fetchPublicJwks(base, fetchOptions);
    // the issuer at that host says who it is: a token it serves must be signed as that issuer,
    // not as whatever `iss` the token claims (an issuer publishing no identity pins nothing)
    pinnedIss ??= publishedIssuer(await fetchIssuerIdentity(base, fetchOptions).catch(() => undefined));
    decision = { source: url ? 'url' : 'issuer-url', issuer: pinnedIss ?? base };
  } else if (target.issuer) {
    jwks = await target.issuer.jwks();
    decision = { source: 'local', issuer: target.issuer.description };
  } else {
    throw new InputError('JWKS_REQUIRED', "Verifying a certificate offline needs the issuer's public keys.", {
      hint: { option: 'jwks', or: 'issuer-url' },
    });
  }
  const verifier = createVerifier({ jwks, issuer: pinnedIss, now: target.now });
  return {
    jwt,
    live,
    certUrl,
    trust: decision,
    verify: (token, checks) => verifier.verify(token, checks),
    checksIssuerItself: false,
    ...(decision.source === 'local' && target.issuer && { localIssuer: target.issuer }),
  };
}

/**
 * With trust configured: the record is read only from a host that belongs to a trusted issuer,
 * the token's `iss` picks (or must equal) that issuer, and its keys alone verify the signature.
 */
async function trustedSource(args: {
  input: string;
  isJwt: boolean;
  base: string | undefined;
  id: string | undefined;
  target: VerifyTarget;
  trust: TrustStore;
  fetchOptions: { fetch?: typeof fetch };
}): Promise<Source> {
  const { input, isJwt, base, id, target, trust, fetchOptions } = args;
  let jwt = input;
  let live: Live | undefined;
  let certUrl: string | undefined;
  let anchor: TrustAnchor | undefined;
  if (base !== undefined) {
    const anchors = trust.forBase(base);
    if (anchors.length === 0) {
      return refuse(input, isJwt, 'UNTRUSTED_ISSUER', untrustedHost(base, trust), base, id);
    }
    if (id !== undefined) {
      const client = anchors.find((a) => a.client)?.client;
      const record = client
        ? await client.getCertificate(id)
        : await fetchPublicCertificate(base, id, fetchOptions);
      live = record;
      certUrl = `${base}/cert/${encodeURIComponent(id)}`;
      if (!isJwt) jwt = record.certificate;
    }
    const iss = unverifiedIss(jwt);
    anchor = anchors.find((a) => a.issuer === iss);
    if (!anchor) {
      const expected = [...new Set(anchors.map((a) => JSON.stringify(a.issuer)))].join(' or ');
      return refuse(
        jwt,
        true,
        'ISSUER_MISMATCH',
        `The certificate claims issuer ${JSON.stringify(iss ?? null)}, but ${base} belongs to the trusted issuer ${expected}: it was not issued there.`,
        base,
        id,
        certUrl,
      );
    }
  } else {
    if (!isJwt && target.issuer && id !== undefined) {
      const record = await target.issuer.getCertificate(id);
      live = record;
      jwt = record.certificate;
    }
    const iss = unverifiedIss(jwt);
    anchor = iss === undefined ? undefined : trust.forIssuer(iss)[0];
    if (!anchor) {
      return refuse(
        jwt,
        true,
        'UNTRUSTED_ISSUER',
        `The certificate claims issuer ${JSON.stringify(iss ?? null)}, which is not a trusted issuer (trusted: ${trust.describe()}). Trust it only if you know it is genuine.`,
        undefined,
        id,
      );
    }
  }
  const trusted = anchor;
  const verify = async (token: string, checks: VerifyChecks | undefined): Promise<VerificationResult> => {
    const result = await (await trust.verifier(trusted, target.now)).verify(token, checks);
    // The issuer may have rotated its signing key since its keys were read.
    if (!result.valid && result.reasons.some((r) => r.code === 'UNKNOWN_KID') && trust.refresh(trusted)) {
      return (await trust.verifier(trusted, target.now)).verify(token, checks);
    }
    return result;
  };
  return {
    jwt,
    live,
    certUrl,
    trust: { source: trusted.keys.kind === 'local' ? 'local' : 'configured', issuer: trusted.issuer },
    verify,
    checksIssuerItself: true,
    ...(trusted.client && { localIssuer: trusted.client }),
    ...(base === undefined &&
      live === undefined &&
      id !== undefined && { statusAfter: () => statusFromAnchor(trusted, id, fetchOptions) }),
  };
}

/**
 * The live status of a JWT given alone, from its trusted issuer when that is online anyway (its
 * keys come from a URL, or it runs in this process). Best effort: offline, the report says the
 * status was not checked.
 */
async function statusFromAnchor(
  anchor: TrustAnchor,
  id: string,
  fetchOptions: { fetch?: typeof fetch },
): Promise<Live | undefined> {
  try {
    if (anchor.client) return await anchor.client.getCertificate(id);
    const base = anchor.bases[0];
    if (anchor.keys.kind !== 'url' || base === undefined) return undefined;
    return await fetchPublicCertificate(base, id, fetchOptions);
  } catch (error) {
    if (isPassgeniError(error) && error.code === 'CERTIFICATE_NOT_FOUND') throw error;
    return undefined;
  }
}

function untrustedHost(base: string, trust: TrustStore): string {
  return `The certificate is served from ${base}, which belongs to no trusted issuer (trusted: ${trust.describe()}). A certificate URL is only a pointer: anyone can host a certificate and keys of their own. Trust its issuer only if it is genuinely yours.`;
}

function refuse(
  token: string,
  isJwt: boolean,
  code: string,
  message: string,
  base: string | undefined,
  id: string | undefined,
  certUrl?: string,
): Source {
  const certId = isJwt ? idOf(token) : id;
  const url =
    certUrl ??
    (base !== undefined && id !== undefined ? `${base}/cert/${encodeURIComponent(id)}` : undefined);
  return {
    untrusted: {
      valid: false,
      status: 'invalid',
      // the fix, if the issuer is genuine, is to trust it: each front end names its own setting
      reasons: [
        { code, message, ...(code === 'UNTRUSTED_ISSUER' && { hint: { option: 'trust' as const } }) },
      ],
      ...(certId !== undefined && { cert_id: certId }),
      ...(url !== undefined && { cert_url: url }),
      live: false,
      binding: 'not-checked',
    },
  };
}

function publishedIssuer(identity: unknown): string | undefined {
  const issuer = (identity as { issuer?: unknown } | undefined)?.issuer;
  return typeof issuer === 'string' && issuer !== '' && issuer.length <= 256 ? issuer : undefined;
}

/** The token's `iss` WITHOUT verifying anything: only to pick which trusted issuer checks it. */
function unverifiedIss(jwt: string): string | undefined {
  try {
    const { claims } = decodeCertificate(jwt);
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

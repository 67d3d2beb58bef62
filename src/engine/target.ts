import type { SecretStore } from '../../adapters/store.js';
import type { Target } from '../../adapters/targets/index.js';
import type { CertifyRequest, EngineDependencies } from '../engine.js';
import { PassgeniError, errorMessage, isPassgeniError } from '../errors.js';
import type { IssuedCertificate, IssuerClient } from '../issuer-client/types.js';
import { planAlternation, type Alternation } from './alternating.js';

/**
 * The target steps of certify-and-store (DESIGN §7, "Targets"). The order, and why:
 *
 *   pre-flight target → generate → certify (pending) → set on target → test login
 *   → write stores → activate the certificate → report
 *
 * The target is changed before the stores because its previous state can be put back exactly
 * (PostgreSQL: the previous verifier, read from pg_authid) while a store's cannot without writing
 * a new version over the new one. So every fault up to the first store write ends with the old
 * credential working everywhere and the certificate revoked (`not-applied`), and from then on the
 * new credential is both on the target and in a store. The certificate stays pending (not valid)
 * until both hold: a run killed in between leaves it to the issuer to revoke, and the credential
 * it covers is never valid anywhere; `rotate` finds the entry due again and completes it.
 */

export type TargetState = 'unchanged' | 'restored' | 'new-password-set' | 'unknown';

/** Sets the new credential on the target and proves a login with it; restores on failure. */
export async function applyToTarget(
  target: Target,
  credential: string,
  cert: IssuedCertificate,
  issuer: IssuerClient,
): Promise<void> {
  let changed = false;
  try {
    await target.apply(credential);
    changed = true;
    await target.test(credential);
  } catch (error) {
    // apply failing part-way may still have changed it: restore whenever apply was attempted
    const state = await restoreTarget(
      target,
      changed ? 'changed' : mayHaveApplied(error) ? 'maybe' : 'untouched',
    );
    throw new TargetNotAppliedError({
      target,
      cause: error,
      targetState: state.state,
      ...(state.reason !== undefined && { restoreFailure: state.reason }),
      certificateState: await revoke(issuer, cert),
      cert,
      stage: changed ? 'test' : 'apply',
    });
  }
}

/**
 * No store could be written after the target took the new password: the new credential exists
 * nowhere but on the target, so the target's previous password is put back.
 */
export async function undoTarget(
  target: Target,
  cert: IssuedCertificate,
  issuer: IssuerClient,
  storeFailure: PassgeniError,
): Promise<never> {
  const state = await restoreTarget(target, 'changed');
  throw new TargetNotAppliedError({
    target,
    cause: storeFailure,
    targetState: state.state,
    ...(state.reason !== undefined && { restoreFailure: state.reason }),
    certificateState: await revoke(issuer, cert),
    cert,
    stage: 'store',
  });
}

/** A refused ALTER (privilege, auth) changed nothing; a lost connection may have. */
function mayHaveApplied(error: unknown): boolean {
  return (
    !isPassgeniError(error) || error.code === 'TARGET_UNREACHABLE' || error.code === 'TARGET_APPLY_FAILED'
  );
}

async function restoreTarget(
  target: Target,
  applied: 'untouched' | 'maybe' | 'changed',
): Promise<{ state: TargetState; reason?: string }> {
  if (applied === 'untouched') return { state: 'unchanged' };
  const outcome = await target.restore();
  if (outcome.restored) return { state: 'restored' };
  return { state: applied === 'changed' ? 'new-password-set' : 'unknown', reason: outcome.reason };
}

async function revoke(issuer: IssuerClient, cert: IssuedCertificate): Promise<'revoked' | 'pending'> {
  try {
    await issuer.revokeCertificate(cert.cert_id, 'not-stored');
    return 'revoked';
  } catch {
    // a pending certificate is not valid, and the issuer revokes it at its deadline
    return 'pending';
  }
}

/**
 * The target did not end up with the new credential (`not-applied`): no store was written, and
 * the target is unchanged or restored — or, loudly, could not be restored.
 */
export class TargetNotAppliedError extends PassgeniError {
  readonly targetState: TargetState;

  constructor(args: {
    target: Target;
    cause: unknown;
    targetState: TargetState;
    restoreFailure?: string;
    certificateState: 'revoked' | 'pending';
    cert: IssuedCertificate;
    stage: 'apply' | 'test' | 'store';
  }) {
    const { target, targetState, cert } = args;
    const why = errorMessage(args.cause).replace(/\.$/, '');
    const what =
      args.stage === 'store'
        ? `No store could be written after ${target.uri} took the new password (${why})`
        : args.stage === 'test'
          ? `The new password was set on ${target.uri} but the test login as "${target.account}" failed (${why})`
          : `Setting the new password on ${target.uri} failed (${why})`;
    const state =
      targetState === 'unchanged'
        ? `The target is unchanged: "${target.account}" still logs in with the previous credential, which every store still holds.`
        : targetState === 'restored'
          ? `The previous password of "${target.account}" was restored on the target, and every store still holds it.`
          : targetState === 'unknown'
            ? `ATTENTION: the target may or may not have taken the new password, and restoring the previous one failed (${args.restoreFailure ?? 'unknown'}): if "${target.account}" cannot log in with the stored credential, run passgeni rotate (or certify) again with this target, or reset the password by hand.`
            : `ATTENTION: the previous password of "${target.account}" could NOT be restored (${args.restoreFailure ?? 'unknown'}): the target now has a new password that no store holds, so new logins as "${target.account}" fail until you run passgeni rotate (or certify) again with this target, or reset the password by hand.`;
    const certNote =
      args.certificateState === 'revoked'
        ? `Certificate ${cert.cert_id} was revoked (not-stored).`
        : `Certificate ${cert.cert_id} is pending (not valid) and the issuer revokes it at its deadline.`;
    super('NOT_APPLIED', `${what}. ${state} ${certNote}`, {
      exitCode: 3,
      details: {
        target: target.uri,
        target_state: targetState,
        stage: args.stage,
        cause_code: isPassgeniError(args.cause) ? args.cause.code : 'UNKNOWN',
        stored: [],
        cert_id: cert.cert_id,
        certificate_state: args.certificateState,
      },
    });
    this.targetState = targetState;
  }
}

export async function alternationFor(
  request: CertifyRequest,
  stores: readonly SecretStore[],
): Promise<Alternation | undefined> {
  if (request.strategy === undefined || request.strategy === 'single') return undefined;
  if (request.strategy !== 'alternating') {
    throw new PassgeniError(
      'STRATEGY_UNKNOWN',
      `Unknown rotation strategy "${String(request.strategy)}": use single (the default) or alternating.`,
      { exitCode: 2 },
    );
  }
  if (request.target === undefined) {
    throw new PassgeniError(
      'TARGET_REQUIRED',
      'The alternating strategy needs a target naming two accounts, e.g. postgresql://rotator@db:5432/app#app_a,app_b.',
      { exitCode: 2 },
    );
  }
  if (request.bind) {
    // the stores hold {"username","password"}, not the certified string, so a binding could not be checked
    throw new PassgeniError(
      'BIND_NOT_SUPPORTED',
      'A credential binding cannot be attached with the alternating strategy: the stores hold a JSON value, not the certified password alone. Drop bind.',
      { exitCode: 2, hint: { option: 'bind', fix: 'drop' } },
    );
  }
  return planAlternation(request.target, stores);
}

/**
 * Opens and checks the request's target before anything is generated: an unknown scheme, a
 * missing admin credential, a missing role or a missing privilege is found while nothing has
 * happened yet.
 */
export async function openAndCheckTarget(
  request: CertifyRequest,
  deps: EngineDependencies,
): Promise<Target | undefined> {
  if (request.target === undefined) return undefined;
  const open =
    deps.openTarget ??
    (async (uri: string, options: { adminPassword?: string }) =>
      (await import('../../adapters/targets/index.js')).openTarget(uri, options));
  let adminPassword: string | undefined;
  if (request.targetCredentialFrom !== undefined) {
    adminPassword = await (await deps.openStore(request.targetCredentialFrom)).readCredential();
    if (adminPassword === undefined) {
      throw new PassgeniError(
        'TARGET_AUTH_MISSING',
        `${request.targetCredentialFrom} holds no value, so it cannot give the target admin's password. Store it there first, or give the password another way (docs/rotation.md).`,
        { exitCode: 2 },
      );
    }
  }
  const target = await open(request.target, { ...(adminPassword !== undefined && { adminPassword }) });
  await target.preflight();
  return target;
}

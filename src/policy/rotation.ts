import { InputError } from '../errors.js';
import { CREDENTIAL_KINDS, DEFAULT_CREDENTIAL_KIND } from './types.js';
import type { CredentialKind, StandardRule } from './types.js';

/** The longest rotation period a user may give: ten years. */
export const MAX_ROTATION_DAYS = 3650;

/**
 * How often a certified credential is to be changed, and on whose word. `clause`: the standard's
 * clause for this kind sets the period. `risk-analysis`: the user set it (`--rotate-every-days`),
 * as PCI DSS 8.6.3 asks for service credentials, or as their own policy says where the standard
 * sets none. `days` 0: change on compromise only, and the certificate has no `rotate_by`.
 */
export interface RotationPlan {
  days: number;
  basis?: 'clause' | 'risk-analysis';
}

/**
 * The rotation a certificate for `rule` and `kind` records. A period the user gives may be
 * shorter than the clause's, never longer: a longer one would not meet the standard asked for.
 */
export function rotationPlan(
  rule: StandardRule,
  kind: CredentialKind,
  rotateEveryDays?: number | undefined,
): RotationPlan {
  const clause = rule.kinds[kind].rotationDays;
  // 0 is how a manifest says "no period of my own"
  if (rotateEveryDays === undefined || rotateEveryDays === 0) {
    return clause > 0 ? { days: clause, basis: 'clause' } : { days: 0 };
  }
  if (!Number.isSafeInteger(rotateEveryDays) || rotateEveryDays < 1 || rotateEveryDays > MAX_ROTATION_DAYS) {
    throw new InputError(
      'INVALID_ROTATION_PERIOD',
      `The rotation period must be a whole number of days from 1 to ${MAX_ROTATION_DAYS}; got ${String(rotateEveryDays)}.`,
      { details: { rotate_every_days: String(rotateEveryDays) } },
    );
  }
  if (clause > 0 && rotateEveryDays > clause) {
    throw new InputError(
      'ROTATION_PERIOD_TOO_LONG',
      `${rule.id} sets a period of ${clause} days for ${kind} credentials (${rule.kinds[kind].rotation}); ${rotateEveryDays} days would not meet it. Give ${clause} days or fewer, or leave the period out to use ${clause}.`,
      {
        details: {
          standard: rule.id,
          credential_kind: kind,
          max_days: clause,
          rotate_every_days: rotateEveryDays,
        },
      },
    );
  }
  return { days: rotateEveryDays, basis: rotateEveryDays === clause ? 'clause' : 'risk-analysis' };
}

/** Whether a credential changed every `days` (0: on compromise only) keeps `rule`'s period for `kind`. */
export function keepsRotation(rule: StandardRule, kind: CredentialKind, days: number): boolean {
  const kindRule = rule.kinds[kind];
  if (kindRule.rotationFromRiskAnalysis || kindRule.rotationDays === 0) return true;
  return days > 0 && days <= kindRule.rotationDays;
}

// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/g;

/** `service` or `user`, as typed by a user; absent: the default (service). */
export function resolveKind(input: string | undefined): CredentialKind {
  if (input === undefined) return DEFAULT_CREDENTIAL_KIND;
  const kind = CREDENTIAL_KINDS.find((k) => k === input.trim().toLowerCase());
  if (kind !== undefined) return kind;
  // echoed for the user's benefit, shortened and without control characters
  const shown = JSON.stringify(String(input).replace(CONTROL_RE, '').slice(0, 40));
  throw new InputError(
    'UNKNOWN_CREDENTIAL_KIND',
    `Unknown credential kind ${shown}. Use service (a machine uses it: database, API, service account; the default) or user (a person logs in with it).`,
    { details: { valid: [...CREDENTIAL_KINDS] } },
  );
}

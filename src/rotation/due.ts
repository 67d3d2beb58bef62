import { assertedClaims } from '../certificate/claims.js';
import { DAY_MS } from '../lib/time.js';
import type { ManifestCredential } from './manifest.js';
import { certificateState, type LookupOutcome } from './lookup.js';

/**
 * Why a credential is due, in the order they are reported: the first is "the" reason, and the
 * order puts what makes the current certificate worthless before what only makes it old.
 */
export const DUE_REASONS = [
  'missing',
  'invalid',
  'revoked',
  'pending',
  'target-rejects',
  'expired',
  'standard-changed',
  'stores-disagree',
  'expiring',
  'age',
] as const;
export type DueReason = (typeof DUE_REASONS)[number];

export interface Assessment {
  /** Every reason that applies, in DUE_REASONS order; empty when current. */
  reasons: DueReason[];
  /** One sentence on the first reason (or on why the credential is current). */
  detail: string;
  certUrl?: string;
  expiresAt?: string;
  /** When age alone will make it due (absent when its period is 0). */
  rotateAfter?: string;
}

export interface AssessInput {
  credential: ManifestCredential;
  /** The certificate URL each of the credential's stores holds, in manifest order. */
  urls: readonly (string | undefined)[];
  /** The lookup of `urls[0]`; absent when it is undefined. Lookup errors never reach here. */
  lookup?: Exclude<LookupOutcome, { kind: 'error' }>;
  now: number;
  expiringWithinDays: number;
}

export function assess(input: AssessInput): Assessment {
  const { credential, urls, lookup, now } = input;
  const reasons: DueReason[] = [];
  const details: Partial<Record<DueReason, string>> = {};
  const add = (reason: DueReason, detail: string): void => {
    reasons.push(reason);
    details[reason] = detail;
  };
  const certUrl = urls[0];
  let expiresAt: string | undefined;
  let rotateAfter: string | undefined;

  if (certUrl === undefined || lookup === undefined) {
    add(
      'missing',
      `${credential.stores[0]} has no certificate URL attached: it was never certified by passgeni.`,
    );
  } else if (lookup.kind === 'malformed' || lookup.kind === 'not-found') {
    add('invalid', lookup.message);
  } else {
    const { report } = lookup;
    const claims = report.claims;
    const state = certificateState(report, claims !== undefined, claims && claims.exp * 1000, now);
    if (state === 'revoked') {
      add(
        'revoked',
        `The certificate was revoked${report.revoked_at ? ` on ${report.revoked_at}` : ''}${report.revocation_reason ? ` (reason: ${report.revocation_reason})` : ''}.`,
      );
    } else if (state === 'pending') {
      // a run that stored the credential but never activated its certificate (it died, or lost
      // the issuer): the issuer revokes it at its deadline, so the credential needs a new one
      add(
        'pending',
        report.reasons.find((r) => r.code === 'PENDING')?.message ?? 'The certificate is pending, not valid.',
      );
    } else if (state === 'invalid') {
      add(
        'invalid',
        `The certificate does not verify: ${report.reasons.map((r) => r.message).join(' ') || report.status}`,
      );
    } else if (state === 'expired') {
      const message = report.reasons.find((r) => r.code === 'EXPIRED')?.message;
      add(
        'expired',
        message ?? `The certificate expired on ${new Date((claims?.exp ?? 0) * 1000).toISOString()}.`,
      );
    }
    const current = state === 'sound';
    if (claims) {
      const expires = claims.exp * 1000;
      expiresAt = new Date(expires).toISOString();
      if (current && !claims.standards_met.includes(credential.standard)) {
        add(
          'standard-changed',
          `The manifest asks for ${credential.standard}; the certificate meets ${claims.standards_met.join(', ') || 'no standard'}.`,
        );
      }
      if (current && expires - now <= input.expiringWithinDays * DAY_MS) {
        add('expiring', `The certificate expires on ${expiresAt}, within ${input.expiringWithinDays} days.`);
      }
      const { generated_at } = assertedClaims(claims);
      const generated = Date.parse(generated_at);
      if (credential.rotateEveryDays > 0 && Number.isFinite(generated)) {
        const deadline = generated + credential.rotateEveryDays * DAY_MS;
        rotateAfter = new Date(deadline).toISOString();
        if (now >= deadline && current) {
          const ageDays = Math.floor((now - generated) / DAY_MS);
          add(
            'age',
            `Generated on ${generated_at}, ${ageDays} days ago; the rotation period is ${credential.rotateEveryDays} days (from ${periodSource(credential)}).`,
          );
        }
      }
    }
  }

  const distinct = new Set(urls.map((u) => u ?? ''));
  if (urls.length > 1 && distinct.size > 1) {
    add(
      'stores-disagree',
      `The stores point at different certificates: ${credential.stores.map((s, i) => `${s} → ${urls[i] ?? '(none)'}`).join('; ')}.`,
    );
  }

  reasons.sort((a, b) => DUE_REASONS.indexOf(a) - DUE_REASONS.indexOf(b));
  const first = reasons[0];
  const detail =
    first !== undefined
      ? (details[first] as string)
      : `Current: valid until ${expiresAt ?? '?'}${rotateAfter ? `, rotates after ${rotateAfter}` : credential.rotateEveryDays === 0 ? ' (no age-based rotation)' : ''}.`;
  return {
    reasons,
    detail,
    ...(certUrl !== undefined && { certUrl }),
    ...(expiresAt !== undefined && { expiresAt }),
    ...(rotateAfter !== undefined && { rotateAfter }),
  };
}

function periodSource(credential: ManifestCredential): string {
  switch (credential.rotationFrom) {
    case 'credential':
      return 'its rotate_every_days';
    case 'defaults':
      return 'defaults.rotate_every_days';
    case 'standard':
      return `the ${credential.standard} recommendation`;
    case 'none':
      return 'nowhere';
  }
}

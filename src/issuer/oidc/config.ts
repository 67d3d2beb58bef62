import { InputError } from '../../errors.js';
import { validateTeamName } from '../admin.js';

/**
 * Which OIDC providers the issuer trusts and how their tokens map to teams (`passgeni serve
 * --trust-oidc/--oidc-audience/--oidc-policy`, docs/operations.md "Workload identity (OIDC)").
 */
export interface OidcOptions {
  /** Issuer URLs (the `iss` of their tokens), each publishing /.well-known/openid-configuration. */
  trust: string[];
  /** The `aud` tokens must carry; default the issuer id. */
  audience?: string;
  /** `CLAIM=VALUE[,CLAIM=VALUE…]:TEAM`, first match wins. */
  policies: string[];
}

export interface OidcPolicy {
  /** As written, for the audit trail. */
  text: string;
  conditions: Array<{ claim: string; value: string; pattern: RegExp }>;
  team: string;
}

export interface OidcConfig {
  trust: ReadonlySet<string>;
  audience: string;
  policies: readonly OidcPolicy[];
}

/**
 * Checks the OIDC options before anything is opened. The audience defaults to the issuer id, which
 * may not be known yet (it is derived from the first signing key): then it is left out, and the
 * issuer fills it in once it knows its id.
 */
export type ResolvedOidc = Omit<OidcConfig, 'audience'> & { audience: string | undefined };

export function resolveOidc(
  options: OidcOptions | undefined,
  issuerId: string | undefined,
): ResolvedOidc | undefined {
  if (options === undefined || (options.trust.length === 0 && options.policies.length === 0))
    return undefined;
  if (options.trust.length === 0) {
    throw new InputError(
      'INVALID_OIDC_OPTION',
      'An --oidc-policy needs at least one --trust-oidc ISSUER_URL.',
    );
  }
  if (options.policies.length === 0) {
    throw new InputError(
      'INVALID_OIDC_OPTION',
      'Trusting an OIDC provider needs at least one --oidc-policy CLAIM=VALUE:TEAM saying which tokens act for which team (e.g. repository_owner=acme:platform).',
    );
  }
  const audience = options.audience ?? issuerId;
  if (audience !== undefined && (audience.trim() === '' || audience.length > 256)) {
    throw new InputError('INVALID_OIDC_OPTION', 'The OIDC audience must be 1-256 characters.');
  }
  return {
    trust: new Set(options.trust.map(normaliseProviderUrl)),
    audience,
    policies: options.policies.map(parsePolicy),
  };
}

/** https, or http on a loopback host (a local test provider); no credentials, query or fragment. */
export function normaliseProviderUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('INVALID_OIDC_ISSUER', `--trust-oidc "${value}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError(
      'INVALID_OIDC_ISSUER',
      `--trust-oidc "${value}" must be https:// (plain http is accepted only on a loopback address, for testing).`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      'INVALID_OIDC_ISSUER',
      `--trust-oidc "${value}" must not contain credentials, a query or a fragment.`,
    );
  }
  // the token's `iss` is compared exactly; GitHub's has no trailing slash
  return url.toString().replace(/\/+$/, '');
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const CLAIM_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * `repository=acme/infra,environment=prod:prod-db`. The team is after the last ':' (team names
 * hold none, values may: GitHub's `sub` does). `*` in a value matches any run of characters.
 */
export function parsePolicy(text: string): OidcPolicy {
  const usage = `--oidc-policy "${text}" must be CLAIM=VALUE[,CLAIM=VALUE…]:TEAM, e.g. repository=acme/infra,environment=prod:prod-db`;
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new InputError('INVALID_OIDC_POLICY', usage);
  const team = text.slice(colon + 1);
  try {
    validateTeamName(team);
  } catch {
    throw new InputError(
      'INVALID_OIDC_POLICY',
      `${usage}; "${team}" is not a team name (letters, digits, ".", "_", "-").`,
    );
  }
  const conditions = text
    .slice(0, colon)
    .split(',')
    .map((part) => {
      const eq = part.indexOf('=');
      const claim = part.slice(0, eq).trim();
      const value = part.slice(eq + 1);
      if (eq <= 0 || !CLAIM_RE.test(claim) || value === '')
        throw new InputError('INVALID_OIDC_POLICY', usage);
      return { claim, value, pattern: globPattern(value) };
    });
  if (new Set(conditions.map((c) => c.claim)).size !== conditions.length) {
    throw new InputError('INVALID_OIDC_POLICY', `${usage}; each claim may appear once.`);
  }
  return { text, conditions, team };
}

function globPattern(value: string): RegExp {
  const escaped = value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

/** The first policy whose every condition holds; a claim that is absent or not a scalar never matches. */
export function matchPolicy(
  policies: readonly OidcPolicy[],
  claims: Record<string, unknown>,
): OidcPolicy | undefined {
  return policies.find((policy) =>
    policy.conditions.every(({ claim, pattern }) => {
      const actual = claims[claim];
      if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean')
        return false;
      return pattern.test(String(actual));
    }),
  );
}

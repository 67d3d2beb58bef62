import type { ErrorHint, HintOption } from '../errors.js';
import { errorMessage, isPassgeniError } from '../errors.js';

/**
 * The CLI's words for an error hint: the flag, and the environment variable the CLI also reads
 * for it (src/cli/issuer-options.ts).
 */
const FLAGS: Record<HintOption, { flag: string; env?: string }> = {
  'issuer-url': { flag: '--issuer-url', env: 'PASSGENI_ISSUER_URL' },
  'api-key': { flag: '--api-key', env: 'PASSGENI_API_KEY' },
  jwks: { flag: '--jwks FILE|URL' },
  store: { flag: '--store URI' },
  bind: { flag: '--bind' },
  'require-fips-mode': { flag: '--require-fips-mode' },
  shard: { flag: '--shard I/N' },
  'max-rate': { flag: '--max-rate' },
  'expiring-within': { flag: '--expiring-within' },
  trust: { flag: '--trust ISSUER_ID=JWKS_URL', env: 'PASSGENI_TRUST' },
  witness: { flag: '--witness VKEY (repeat for each witness)' },
  'tsa-cert': { flag: '--tsa-cert FILE' },
};

const CREATE_API_KEY = 'Create one with `passgeni api-key create --team NAME` on the issuer.';

function named(option: HintOption): string {
  const { flag, env } = FLAGS[option];
  return env ? `${flag} (env ${env})` : flag;
}

export function cliHint(hint: ErrorHint): string {
  if ('revoke' in hint) return `Revoke it with: passgeni revoke ${hint.revoke} --reason ${hint.reason}.`;
  const { flag } = FLAGS[hint.option];
  if (hint.certify) return `Certify with ${flag}.`;
  switch (hint.fix ?? 'set') {
    case 'drop':
      return `To go on without it, drop ${flag}.`;
    case 'check':
      return `Check ${named(hint.option)}.`;
    case 'set': {
      const alternative = hint.or ? ` or ${named(hint.or)}` : '';
      const create = hint.option === 'api-key' ? ` ${CREATE_API_KEY}` : '';
      return `Pass ${named(hint.option)}${alternative}.${create}`;
    }
  }
}

/** A message with its hint, if any, worded for the command line. */
export function withCliHint(message: string, hint: ErrorHint | undefined): string {
  return hint ? `${message} ${cliHint(hint)}` : message;
}

/** The message the CLI prints for anything thrown. */
export function cliErrorMessage(error: unknown): string {
  return isPassgeniError(error) ? withCliHint(error.message, error.hint) : errorMessage(error);
}

import type { ErrorHint, HintOption } from '../errors.js';

/** The action's words for an error hint: the input that holds the setting. */
const INPUTS: Record<HintOption, { input: string; about?: string }> = {
  'issuer-url': { input: 'issuer-url' },
  'api-key': {
    input: 'api-key',
    about: 'create one with `passgeni api-key create --team NAME` on the issuer and keep it in a secret',
  },
  jwks: { input: 'jwks', about: 'a URL, a file or inline JSON' },
  store: { input: 'store', about: 'one store URI a line' },
  bind: { input: 'bind-credential' },
  'require-fips-mode': { input: 'require-fips-mode' },
  shard: { input: 'shard' },
  'max-rate': { input: 'max-rate' },
  'expiring-within': { input: 'expiring-within' },
  trust: { input: 'trust', about: 'ISSUER_ID=JWKS_URL lines' },
  witness: { input: 'witnesses', about: 'one verifier key a line' },
  'tsa-cert': { input: 'tsa-cert', about: "the TSA's certificate: PEM text or a file in the workspace" },
};

function named(option: HintOption): string {
  const { input, about } = INPUTS[option];
  return `the ${input} input${about ? ` (${about})` : ''}`;
}

export function actionHint(hint: ErrorHint): string {
  if ('revoke' in hint) {
    return `Revoke it with the revoke action (certificate: ${hint.revoke}, reason: ${hint.reason}).`;
  }
  const { input } = INPUTS[hint.option];
  if (hint.certify) return `Certify with ${input}: true.`;
  switch (hint.fix ?? 'set') {
    case 'drop':
      return `To go on without it, set ${input}: false.`;
    case 'check':
      return `Check ${named(hint.option)}.`;
    case 'set':
      return `Set ${named(hint.option)}${hint.or ? ` or ${named(hint.or)}` : ''}.`;
  }
}

/** A message with its hint, if any, worded for a workflow author. */
export function withActionHint(message: string, hint: ErrorHint | undefined): string {
  return hint ? `${message} ${actionHint(hint)}` : message;
}

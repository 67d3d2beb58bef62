import { describe, expect, it } from 'vitest';
import { actionHint } from '../../src/action/hints.js';
import { failureMessage } from '../../src/action/step.js';
import { cliErrorMessage, cliHint } from '../../src/cli/hints.js';
import { InputError, type ErrorHint } from '../../src/errors.js';

// One hint, two front ends: the CLI names a flag, the actions name an input.
describe('wording of error hints', () => {
  it.each<[ErrorHint, string, string]>([
    [
      { option: 'api-key' },
      'Pass --api-key (env PASSGENI_API_KEY). Create one with `passgeni api-key create --team NAME` on the issuer.',
      'Set the api-key input (create one with `passgeni api-key create --team NAME` on the issuer and keep it in a secret).',
    ],
    [
      { option: 'api-key', fix: 'check' },
      'Check --api-key (env PASSGENI_API_KEY).',
      'Check the api-key input (create one with `passgeni api-key create --team NAME` on the issuer and keep it in a secret).',
    ],
    [
      { option: 'issuer-url', fix: 'check' },
      'Check --issuer-url (env PASSGENI_ISSUER_URL).',
      'Check the issuer-url input.',
    ],
    [
      { option: 'jwks', or: 'issuer-url' },
      'Pass --jwks FILE|URL or --issuer-url (env PASSGENI_ISSUER_URL).',
      'Set the jwks input (a URL, a file or inline JSON) or the issuer-url input.',
    ],
    [
      { option: 'require-fips-mode', fix: 'drop' },
      'To go on without it, drop --require-fips-mode.',
      'To go on without it, set require-fips-mode: false.',
    ],
    [{ option: 'bind', certify: true }, 'Certify with --bind.', 'Certify with bind-credential: true.'],
    [
      { revoke: 'c0ffee', reason: 'not-stored' },
      'Revoke it with: passgeni revoke c0ffee --reason not-stored.',
      'Revoke it with the revoke action (certificate: c0ffee, reason: not-stored).',
    ],
  ])('%j → %s | %s', (hint, cli, action) => {
    expect(cliHint(hint)).toBe(cli);
    expect(actionHint(hint)).toBe(action);
  });

  it("appends the hint to a project error's message; other errors keep theirs (the action marks them unexpected)", () => {
    const error = new InputError('RATE', 'The maximum rate must be above 0.', {
      hint: { option: 'max-rate', fix: 'check' },
    });
    expect(cliErrorMessage(error)).toBe('The maximum rate must be above 0. Check --max-rate.');
    expect(failureMessage(error)).toBe('The maximum rate must be above 0. Check the max-rate input.');
    expect(cliErrorMessage(new Error('boom'))).toBe('boom');
    expect(failureMessage(new Error('boom'))).toBe('Unexpected error: boom');
  });
});

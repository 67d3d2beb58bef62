import { describe, expect, it } from 'vitest';
import { actionHint } from '../../src/action/hints.js';
import { failureMessage } from '../../src/action/step.js';
import { InputError, type ErrorHint } from '../../src/errors.js';

describe('action wording of error hints', () => {
  it.each<[ErrorHint, string]>([
    [
      { option: 'api-key' },
      'Set the api-key input (create one with `passgeni api-key create --team NAME` on the issuer and keep it in a secret).',
    ],
    [{ option: 'issuer-url', fix: 'check' }, 'Check the issuer-url input.'],
    [
      { option: 'jwks', or: 'issuer-url' },
      'Set the jwks input (a URL, a file or inline JSON) or the issuer-url input.',
    ],
    [{ option: 'require-fips-mode', fix: 'drop' }, 'To go on without it, set require-fips-mode: false.'],
    [{ option: 'bind', certify: true }, 'Certify with bind-credential: true.'],
    [
      { revoke: 'c0ffee', reason: 'not-stored' },
      'Revoke it with the revoke action (certificate: c0ffee, reason: not-stored).',
    ],
  ])('%j → %s', (hint, words) => {
    expect(actionHint(hint)).toBe(words);
  });

  it("appends the hint to a project error's message; a foreign error is marked unexpected", () => {
    const error = new InputError('RATE', 'The maximum rate must be above 0.', {
      hint: { option: 'max-rate', fix: 'check' },
    });
    expect(failureMessage(error)).toBe('The maximum rate must be above 0. Check the max-rate input.');
    expect(failureMessage(new Error('boom'))).toBe('Unexpected error: boom');
  });
});

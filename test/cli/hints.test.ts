import { describe, expect, it } from 'vitest';
import { cliErrorMessage, cliHint } from '../../src/cli/hints.js';
import { InputError, type ErrorHint } from '../../src/errors.js';

describe('CLI wording of error hints', () => {
  it.each<[ErrorHint, string]>([
    [
      { option: 'api-key' },
      'Pass --api-key (env PASSGENI_API_KEY). Create one with `passgeni api-key create --team NAME` on the issuer.',
    ],
    [{ option: 'api-key', fix: 'check' }, 'Check --api-key (env PASSGENI_API_KEY).'],
    [{ option: 'jwks', or: 'issuer-url' }, 'Pass --jwks FILE|URL or --issuer-url (env PASSGENI_ISSUER_URL).'],
    [{ option: 'require-fips-mode', fix: 'drop' }, 'To go on without it, drop --require-fips-mode.'],
    [{ option: 'bind', certify: true }, 'Certify with --bind.'],
    [
      { revoke: 'c0ffee', reason: 'not-stored' },
      'Revoke it with: passgeni revoke c0ffee --reason not-stored.',
    ],
  ])('%j → %s', (hint, words) => {
    expect(cliHint(hint)).toBe(words);
  });

  it('appends the hint to the message; other errors keep theirs', () => {
    const error = new InputError('SHARD', 'The shard must be I/N.', {
      hint: { option: 'shard', fix: 'check' },
    });
    expect(cliErrorMessage(error)).toBe('The shard must be I/N. Check --shard I/N.');
    expect(cliErrorMessage(new Error('boom'))).toBe('boom');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The core names no front end's flag or environment variable in what it says to users: it
 * carries a hint (src/errors.ts) that the CLI words as a flag and an action as an input.
 * Comments may name flags; string literals may not.
 */
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const CORE = [
  'engine.ts',
  'errors.ts',
  'verification.ts',
  ...readdirSync(join(SRC, 'issuer-client')).map((f) => `issuer-client/${f}`),
  // The manifest schema's descriptions document the commands for manifest authors; they are
  // not messages.
  ...readdirSync(join(SRC, 'rotation'))
    .filter((f) => f !== 'manifest-schema.ts')
    .map((f) => `rotation/${f}`),
];
/** Node's own flag: the same advice from every front end. */
const ALLOWED = new Set(['--enable-fips']);

function flagsInStrings(source: string): string[] {
  const code = source
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
  const literals = code.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g) ?? [];
  return literals
    .flatMap((literal) => literal.match(/--[a-z][a-z-]*|\bPASSGENI_[A-Z_]+/g) ?? [])
    .filter((flag) => !ALLOWED.has(flag));
}

describe('core wording', () => {
  it.each(CORE.filter((f) => f.endsWith('.ts')))('%s names no CLI flag or variable in a string', (file) => {
    expect(flagsInStrings(readFileSync(join(SRC, file), 'utf8'))).toEqual([]);
  });

  it('the guard finds a flag in a message', () => {
    expect(
      flagsInStrings("throw new InputError('X', 'pass --issuer-url or set PASSGENI_ISSUER_URL');"),
    ).toEqual(['--issuer-url', 'PASSGENI_ISSUER_URL']);
  });
});

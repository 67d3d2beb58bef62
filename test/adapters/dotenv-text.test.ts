import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import dotenv from 'dotenv';
import { DotenvValueError, parseDotenv, setDotenvValue } from '../../adapters/internal/dotenv-text.js';

// dotenv 18 has a second, hand-written parser behind { fast: true }; values must survive both.
const parseFast = (text: string): Record<string, string> =>
  (dotenv.parse as (src: string, options: { fast: boolean }) => Record<string, string>)(text, { fast: true });

const FILE = [
  '# database settings',
  'DB_HOST=db.internal # primary',
  "export DB_USER='app'",
  'DB_PASSWORD="old value"   # rotated by passgeni',
  '',
  'EMPTY=',
  'MULTI="line one',
  'line two"',
  'URL=`https://x?a=1#frag`',
  'TAIL=last',
].join('\n');

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 64,
});

function expectSameAsDotenv(text: string): void {
  expect(Object.fromEntries(parseDotenv(text))).toEqual(dotenv.parse(text));
}

describe('dotenv text', () => {
  it('parses the way the dotenv package does', () => {
    expectSameAsDotenv(FILE);
    expectSameAsDotenv(FILE.replace(/\n/g, '\r\n'));
  });

  it('replaces only the value, keeping prefix, spacing, comments and other lines', () => {
    const out = setDotenvValue(FILE, 'DB_PASSWORD', 'n#w $ecret');
    expect(out).toBe(FILE.replace('"old value"', "'n#w $ecret'"));
    expect(dotenv.parse(out).DB_PASSWORD).toBe('n#w $ecret');
    expect(setDotenvValue(FILE, 'DB_USER', 'simple')).toBe(FILE.replace("'app'", 'simple'));
    expect(setDotenvValue(FILE, 'EMPTY', 'v')).toBe(FILE.replace('EMPTY=', 'EMPTY=v'));
  });

  it('appends a missing key, adding a line break first when the file lacks one', () => {
    expect(setDotenvValue(FILE, 'NEW', 'x y')).toBe(`${FILE}\nNEW='x y'\n`);
    expect(setDotenvValue('', 'NEW', 'v')).toBe('NEW=v\n');
    expect(setDotenvValue('A=1\r\n', 'NEW', 'v')).toBe('A=1\r\nNEW=v\r\n');
  });

  it('keeps CRLF line endings byte for byte', () => {
    const crlf = FILE.replace(/\n/g, '\r\n');
    expect(setDotenvValue(crlf, 'TAIL', 'x"y')).toBe(crlf.replace('TAIL=last', `TAIL='x"y'`));
  });

  it('picks a quoting that survives every quote character but one', () => {
    for (const value of [
      `it's`,
      'a`b',
      `a'b\`c`,
      `a'b"c`,
      'back\\slash\\',
      `"\\n"`,
      ' lead and trail ',
      '#',
      '',
    ]) {
      const out = setDotenvValue('A=1\n', 'K', value);
      expect(dotenv.parse(out).K).toBe(value);
      expect(parseFast(out).K).toBe(value);
    }
  });

  it('refuses values dotenv cannot read back, before anything is produced', () => {
    expect(() => setDotenvValue('', 'K', `a'b"c\`d`)).toThrow(DotenvValueError);
    expect(() => setDotenvValue('', 'K', `a'b\`c\\n`)).toThrow(/Exclude ' or `/);
    expect(() => setDotenvValue('', 'K', 'line\nbreak')).toThrow(/control character/);
  });

  it('property: printable ASCII round-trips through dotenv.parse (both parsers) or is refused', () => {
    fc.assert(
      fc.property(printable, fc.boolean(), (value, existing) => {
        const base = existing ? FILE : FILE.replace('DB_PASSWORD="old value"   # rotated by passgeni\n', '');
        let out: string;
        try {
          out = setDotenvValue(base, 'DB_PASSWORD', value);
        } catch (error) {
          expect(error).toBeInstanceOf(DotenvValueError);
          const hasAllQuotes =
            value.includes("'") && value.includes('`') && (value.includes('"') || /\\[nr]/.test(value));
          expect(hasAllQuotes).toBe(true);
          return;
        }
        const expected = { ...dotenv.parse(base), DB_PASSWORD: value };
        expect(dotenv.parse(out)).toEqual(expected);
        expect(parseFast(out)).toEqual({ ...parseFast(base), DB_PASSWORD: value });
      }),
      { numRuns: 2000 },
    );
  });
});

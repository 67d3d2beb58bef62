import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { GenerationParams } from '../../src/policy/index.js';
import { buildCharset, paramsFromCharset, parseGenerationParams } from '../../src/policy/index.js';

const valid = (): GenerationParams => paramsFromCharset(20, buildCharset({ exclude: '"\'' }));

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    parseGenerationParams(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMS', exitCode: 2 });
    return (error as InputError).details?.issues as Array<{ path: string; message: string }>;
  }
  throw new Error('expected INVALID_PARAMS');
}

describe('parseGenerationParams', () => {
  it('accepts parameters built from a charset and returns them unchanged', () => {
    const params = valid();
    expect(params.excluded_characters).toBe(2);
    expect(parseGenerationParams(JSON.parse(JSON.stringify(params)))).toEqual(params);
  });

  it('rejects flags and pool size that disagree with the class sizes, listing each', () => {
    const params = { ...valid(), has_special: false, char_pool_size: 94 };
    const paths = issuesOf(params).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['has_special', 'char_pool_size']));
  });

  it('rejects out-of-range values, listing every one', () => {
    const params = {
      ...valid(),
      length: 4097,
      excluded_characters: 95,
      class_sizes: { upper: 27, lower: 26, digit: 11, special: 30 },
    };
    const paths = issuesOf(params).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['length', 'excluded_characters', 'class_sizes.upper', 'class_sizes.digit']),
    );
  });

  it('rejects non-integers and wrong types', () => {
    const paths = issuesOf({ ...valid(), length: 20.5, has_upper: 'yes' }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['length', 'has_upper']));
  });

  it('rejects unknown keys, at the top and inside class_sizes', () => {
    const params = { ...valid(), password: 'x', class_sizes: { ...valid().class_sizes, emoji: 1 } };
    const issues = issuesOf(params);
    expect(issues.some((i) => i.message.includes('password'))).toBe(true);
    expect(issues.some((i) => i.path === 'class_sizes' && i.message.includes('emoji'))).toBe(true);
  });

  it('rejects a length that cannot hold every included class, and an empty pool', () => {
    expect(issuesOf({ ...valid(), length: 3 }).map((i) => i.path)).toContain('length');
    const empty = {
      ...valid(),
      has_upper: false,
      has_lower: false,
      has_numbers: false,
      has_special: false,
      char_pool_size: 0,
      class_sizes: { upper: 0, lower: 0, digit: 0, special: 0 },
    };
    expect(issuesOf(empty).map((i) => i.path)).toContain('class_sizes');
  });

  it('rejects missing fields and non-objects', () => {
    const { class_sizes: _omit, ...rest } = valid();
    expect(issuesOf(rest).map((i) => i.path)).toContain('class_sizes');
    expect(issuesOf(null).length).toBeGreaterThan(0);
    expect(issuesOf([1, 2]).length).toBeGreaterThan(0);
  });
});

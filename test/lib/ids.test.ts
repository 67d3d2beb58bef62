import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isId, isIdAnyCase } from '../../src/lib/ids.js';

describe('certificate ids', () => {
  it('accepts every id the issuer makes (crypto.randomUUID)', () => {
    for (let i = 0; i < 1000; i++) expect(isId(randomUUID())).toBe(true);
  });

  it('rejects upper case, other versions and variants, and anything not a string', () => {
    for (const value of [
      '3F1C2A9E-0D6B-4F4E-8A7B-1C2D3E4F5A6B',
      '3f1c2a9e-0d6b-5f4e-8a7b-1c2d3e4f5a6b', // version 5
      '3f1c2a9e-0d6b-4f4e-7a7b-1c2d3e4f5a6b', // variant 0xxx
      '3f1c2a9e0d6b4f4e8a7b1c2d3e4f5a6b',
      ' 3f1c2a9e-0d6b-4f4e-8a7b-1c2d3e4f5a6b',
      42,
    ]) {
      expect(isId(value)).toBe(false);
    }
  });

  it('accepts an id as typed in any case, and nothing else', () => {
    expect(isIdAnyCase('3F1C2A9E-0D6B-4F4E-8A7B-1C2D3E4F5A6B')).toBe(true);
    expect(isIdAnyCase('3F1C2A9E-0D6B-5F4E-8A7B-1C2D3E4F5A6B')).toBe(false);
    expect(isIdAnyCase('not-an-id')).toBe(false);
  });
});

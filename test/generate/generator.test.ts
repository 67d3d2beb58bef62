import { dictionary } from '@zxcvbn-ts/language-common';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGenerator, generateCredential, isCommonPassword } from '../../src/generate/index.js';
import { COMMON_PASSWORD_KINDS, kindOf } from '../../src/generate/blocklist.js';
import {
  CHAR_CLASSES,
  DEFAULT_CLASS_SETS,
  STANDARD_IDS,
  buildCharset,
  resolvePolicy,
} from '../../src/policy/index.js';

const PRINTABLE = CHAR_CLASSES.map((c) => DEFAULT_CLASS_SETS[c]).join('');

/** A random source that replays `bytes` over and over, and remembers every buffer it filled. */
function scripted(bytes: readonly number[]): { random: (b: Uint8Array) => void; buffers: Uint8Array[] } {
  const buffers: Uint8Array[] = [];
  let k = 0;
  return {
    buffers,
    random(buffer) {
      buffers.push(buffer);
      for (let i = 0; i < buffer.length; i++) buffer[i] = bytes[k++ % bytes.length] as number;
    },
  };
}

/**
 * A seeded source of bytes 1..187: never zero (so zeroing is visible) and always accepted for a
 * 94-character pool. Keeps a copy of what it wrote into each buffer.
 */
function seeded(seed: number): {
  random: (b: Uint8Array) => void;
  buffers: Uint8Array[];
  written: Uint8Array[];
} {
  const buffers: Uint8Array[] = [];
  const written: Uint8Array[] = [];
  let x = seed >>> 0 || 1;
  return {
    buffers,
    written,
    random(buffer) {
      for (let i = 0; i < buffer.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        buffer[i] = ((x >>> 0) % 187) + 1;
      }
      buffers.push(buffer);
      written.push(buffer.slice());
    },
  };
}

/** Bytes that a pool of `pool` characters maps to `text` (byte b names pool[b % n]). */
function bytesFor(pool: string, text: string): number[] {
  return [...text].map((ch) => pool.indexOf(ch));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createGenerator (properties)', () => {
  const request = fc
    .record({
      classes: fc.subarray([...CHAR_CLASSES], { minLength: 1 }),
      exclude: fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 30 }),
      symbols: fc.option(
        fc.string({ unit: fc.constantFrom(...DEFAULT_CLASS_SETS.special), minLength: 1, maxLength: 12 }),
        {
          nil: undefined,
        },
      ),
      extra: fc.integer({ min: 0, max: 60 }),
    })
    .map(({ classes, exclude, symbols, extra }) => {
      const charset = buildCharset({ classes, exclude, ...(symbols !== undefined && { symbols }) });
      const included = CHAR_CLASSES.filter((c) => charset.classes[c] !== '');
      return { charset, included, exclude, symbols, length: Math.max(1, included.length) + extra };
    })
    .filter(({ included }) => included.length > 0);

  it('outputs the requested length, allowed characters only, and every included class', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ charset, included, exclude, symbols, length }) => {
        const next = await createGenerator(charset, length);
        const problems: string[] = [];
        for (let i = 0; i < 20; i++) {
          const s = next();
          if (s.length !== length) problems.push(`length ${s.length}`);
          for (const ch of s) {
            if (!charset.pool.includes(ch)) problems.push(`outside the pool: ${ch}`);
            if (exclude.includes(ch)) problems.push(`excluded: ${ch}`);
            if (symbols !== undefined && DEFAULT_CLASS_SETS.special.includes(ch) && !symbols.includes(ch)) {
              problems.push(`not a chosen symbol: ${ch}`);
            }
          }
          for (const cls of included) {
            if (![...s].some((ch) => charset.classes[cls].includes(ch))) problems.push(`missing ${cls}`);
          }
          if (await isCommonPassword(s)) problems.push('common password');
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses impossible shapes instead of looping', async () => {
    const charset = buildCharset();
    await expect(createGenerator(charset, 3)).rejects.toMatchObject({ code: 'IMPOSSIBLE_REQUEST' });
    await expect(createGenerator(charset, 4097)).rejects.toMatchObject({ code: 'IMPOSSIBLE_REQUEST' });
    await expect(createGenerator(buildCharset({ classes: [] }), 10)).rejects.toMatchObject({
      code: 'IMPOSSIBLE_REQUEST',
    });
  });
});

describe('generateCredential', () => {
  it('returns the policy figures with a fresh timestamp', async () => {
    const policy = resolvePolicy({ standard: 'HIPAA', length: 24 });
    const before = Date.now();
    const credential = await generateCredential(policy);
    expect(credential.password).toHaveLength(24);
    expect(credential.params).toEqual(policy.params);
    expect(credential.entropyBits).toBe(policy.entropyBits);
    expect(credential.standardsMet).toEqual(policy.standardsMet);
    expect(credential.generatedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('honours exclusions and custom symbols for every standard (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STANDARD_IDS),
        fc.string({ unit: fc.constantFrom(...`'"\\/@\`$ {}`), maxLength: 6 }),
        fc.integer({ min: 0, max: 20 }),
        async (standard, exclude, extra) => {
          // the generator draws the same way whatever the runtime's FIPS state; FIPS-140-3 needs one
          const randomSource = {
            fips_mode: true,
            fips_provider: { name: 'OpenSSL FIPS Provider', version: '3.0.9' },
          };
          const base = resolvePolicy({ standard, randomSource });
          const policy = resolvePolicy({
            standard,
            randomSource,
            exclude,
            symbols: '!#%+-=?@^_~',
            length: base.length + extra,
          });
          const { password } = await generateCredential(policy);
          expect(password).toHaveLength(policy.length);
          for (const ch of password) {
            expect(exclude).not.toContain(ch);
            expect(policy.charset.pool).toContain(ch);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('zeroes the random pool and the output buffer before returning', async () => {
    const source = seeded(42);
    const allocated: Buffer[] = [];
    const alloc = Buffer.alloc.bind(Buffer);
    vi.spyOn(Buffer, 'alloc').mockImplementation(((size: number) => {
      const b = alloc(size);
      allocated.push(b);
      return b;
    }) as typeof Buffer.alloc);

    const { password } = await generateCredential(resolvePolicy({ standard: 'HIPAA' }), {
      random: source.random,
    });

    expect(password).toHaveLength(20);
    expect(source.buffers.length).toBeGreaterThan(0);
    for (const b of source.buffers) expect(b.every((x) => x === 0)).toBe(true);
    expect(allocated.length).toBeGreaterThan(0);
    for (const b of allocated) expect(b.every((x) => x === 0)).toBe(true);
  });

  it('uses crypto.getRandomValues by default, in chunks of at most 65,536 bytes', async () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    await generateCredential(resolvePolicy({ standard: 'NIST', length: 4096 }));
    expect(spy).toHaveBeenCalled();
    for (const [buffer] of spy.mock.calls)
      expect((buffer as Uint8Array).byteLength).toBeLessThanOrEqual(65536);
  });
});

describe('createGenerator buffers', () => {
  it('zeroes every pool byte it consumed and leaves the rest untouched', async () => {
    const source = seeded(7);
    const next = await createGenerator(buildCharset(), 20, { random: source.random });
    next();
    next();
    expect(source.buffers).toHaveLength(1);
    const pool = source.buffers[0] as Uint8Array;
    const consumed = pool.findIndex((x) => x !== 0);
    expect(consumed).toBeGreaterThanOrEqual(40);
    expect(
      Buffer.from(pool.subarray(consumed)).equals(
        Buffer.from((source.written[0] as Uint8Array).subarray(consumed)),
      ),
    ).toBe(true);
  });
});

describe('blocklist in the generator', () => {
  it('rejects a blocklisted draw and redraws', async () => {
    const charset = buildCharset({ classes: ['lower'] });
    const second = 'zqxjvkwp';
    expect(await isCommonPassword(second)).toBe(false);
    const source = scripted([...bytesFor(charset.pool, 'password'), ...bytesFor(charset.pool, second)]);
    expect((await createGenerator(charset, 8, { random: source.random }))()).toBe(second);
  });

  it('compares ignoring case: PassWord is rejected as well', async () => {
    const charset = buildCharset({ classes: ['upper', 'lower'] });
    const second = 'ZqXjVkWp';
    const source = scripted([...bytesFor(charset.pool, 'PassWord'), ...bytesFor(charset.pool, second)]);
    expect((await createGenerator(charset, 8, { random: source.random }))()).toBe(second);
  });

  it('the same draw without a blocklist hit is returned as is (control)', async () => {
    const charset = buildCharset({ classes: ['lower'] });
    const source = scripted(bytesFor(charset.pool, 'zqxjvkwp'));
    expect((await createGenerator(charset, 8, { random: source.random }))()).toBe('zqxjvkwp');
  });

  it('never emits a common password where they are dense (6 digits)', async () => {
    const charset = buildCharset({ classes: ['digit'] });
    const next = await createGenerator(charset, 6);
    let common = 0;
    for (let i = 0; i < 100_000; i++) if (await isCommonPassword(next())) common++;
    expect(common).toBe(0);
  });
});

describe('bounded loops', () => {
  it('throws GENERATION_FAILED after repeated whole-string rejections', async () => {
    // Every byte names "A": a 4-class string can never be completed.
    const source = scripted([0]);
    const next = await createGenerator(buildCharset(), 20, { random: source.random });
    expect(() => next()).toThrow(expect.objectContaining({ code: 'GENERATION_FAILED' }));
  });

  it('throws GENERATION_FAILED when the random source yields no usable byte', async () => {
    const source = scripted([255]); // 255 ≥ 188 = 2·94: always rejected
    const next = await createGenerator(buildCharset(), 20, { random: source.random });
    expect(() => next()).toThrow(expect.objectContaining({ code: 'GENERATION_FAILED' }));
    // It gives up after one full pool (64 KiB) without a usable byte.
    expect(source.buffers.length).toBe(1);
  });
});

describe('a failing random source', () => {
  it('propagates the error, and the next call refills instead of reusing consumed bytes', async () => {
    const source = seeded(3);
    let calls = 0;
    const next = await createGenerator(buildCharset({ classes: ['lower', 'digit'] }), 16, {
      random(buffer) {
        calls++;
        if (calls === 1) throw new Error('entropy source unavailable');
        source.random(buffer);
      },
    });
    expect(() => next()).toThrow('entropy source unavailable');
    const s = next();
    expect(s).toMatch(/^[a-z0-9]{16}$/);
    expect(s).toMatch(/[a-z]/);
    expect(s).toMatch(/[0-9]/);
    expect(calls).toBe(2);
  });
});

describe('isCommonPassword', () => {
  it('knows common passwords, ignoring case', async () => {
    for (const s of ['password', 'PassWord', 'PASSWORD', '123456', 'qwerty', 'letmein']) {
      expect(await isCommonPassword(s)).toBe(true);
    }
  });

  it('checks the whole string, not substrings', async () => {
    expect(await isCommonPassword('password')).toBe(true);
    expect(await isCommonPassword('password-Zq7!xV9#kT2')).toBe(false);
    expect(await isCommonPassword('')).toBe(false);
  });

  it('holds every entry of the shipped list', async () => {
    const list = dictionary['passwords-common'];
    expect(list).toHaveLength(49_233);
    const missing: string[] = [];
    for (const entry of list) {
      if (!(await isCommonPassword(entry)) || !(await isCommonPassword(entry.toUpperCase())))
        missing.push(entry);
    }
    expect(missing).toEqual([]);
  });

  it('the precomputed length/kinds table matches the shipped list, so skipped lookups are safe', () => {
    const list = dictionary['passwords-common'];
    const table: number[] = [];
    for (const entry of new Set(list.map((e) => e.toLowerCase()))) {
      let kinds = 0;
      for (let i = 0; i < entry.length; i++) kinds |= kindOf(entry.charCodeAt(i));
      while (table.length <= entry.length) table.push(0);
      table[entry.length] = (table[entry.length] as number) | (1 << kinds);
    }
    // On failure, paste the received table into COMMON_PASSWORD_KINDS in src/generate/blocklist.ts.
    expect([...COMMON_PASSWORD_KINDS]).toEqual(table);
  });
});

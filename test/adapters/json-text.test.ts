import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  JsonTextError,
  memberText,
  parseObjectText,
  spliceMember,
} from '../../adapters/internal/json-text.js';

const RDS = `{
  "username": "admin",
  "password": "old-secret",
  "engine": "postgres",
  "host": "db.internal",
  "port": 5432.0,
  "ratio": 1e3,
  "big": 12345678901234567890,
  "name": "caf\\u00e9 \\"quoted\\"",
  "nested": {"password": "not-this-one", "list": [1, "}", {"x": "]"}]}
}`;

describe('spliceMember', () => {
  it('changes only the named top-level member, keeping every other byte', () => {
    const out = spliceMember(RDS, 'password', JSON.stringify('n3w"pa$$\\word'));
    expect(out).toBe(RDS.replace('"old-secret"', () => JSON.stringify('n3w"pa$$\\word')));
    expect(JSON.parse(out).password).toBe('n3w"pa$$\\word');
    expect(JSON.parse(out).nested.password).toBe('not-this-one');
  });

  it('appends a missing key in the style of the last member', () => {
    expect(spliceMember(RDS, 'api_key', '"k"')).toBe(RDS.replace(/\n}$/, ',\n  "api_key": "k"\n}'));
    expect(spliceMember('{"a":1}', 'b', '"x"')).toBe('{"a":1,"b":"x"}');
    expect(spliceMember('{}', 'b', '"x"')).toBe('{"b":"x"}');
    expect(spliceMember(' { } \n', 'b', '"x"')).toBe(' {"b":"x" } \n');
  });

  it('refuses what it cannot edit safely', () => {
    expect(() => spliceMember('not json', 'a', '"x"')).toThrow(JsonTextError);
    expect(() => spliceMember('["a"]', 'a', '"x"')).toThrow(/not an object/);
    expect(() => spliceMember('"text"', 'a', '"x"')).toThrow(/not an object/);
    expect(() => spliceMember('{"a":1,"a":2}', 'a', '"x"')).toThrow(/2 times/);
  });

  it('finds nested member text without re-serialising', () => {
    const response = '{"request_id":"r","data":{"data":{"port": 5432.0 ,"x":"y"},"metadata":{"version":3}}}';
    expect(memberText(response, ['data', 'data'])).toBe('{"port": 5432.0 ,"x":"y"}');
    expect(memberText(response, ['data', 'metadata', 'version'])).toBe('3');
    expect(memberText(response, ['data', 'missing'])).toBeUndefined();
  });

  it('property: any object, any whitespace: only the target member changes', () => {
    const key = fc.string({ maxLength: 8 });
    const scalar = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(key, scalar, { maxKeys: 3 }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 6 }),
        fc.constantFrom('', ' ', '\n  ', '\t'),
        key,
        fc.string(),
        (members, ws, target, credential) => {
          const text = `{${ws}${members.map(([k, v]) => `${JSON.stringify(k)}${ws}:${ws}${JSON.stringify(v)}`).join(`,${ws}`)}${ws}}`;
          const out = spliceMember(text, target, JSON.stringify(credential));
          const parsed = parseObjectText(out).value;
          expect(parsed[target]).toBe(credential);
          const layout = parseObjectText(out).layout;
          for (const [k, v] of members) {
            if (k === target) continue;
            const member = layout.members.find((m) => m.key === k);
            expect(member && out.slice(member.valueStart, member.valueEnd)).toBe(JSON.stringify(v));
          }
          expect(layout.members.map((m) => m.key)).toEqual(
            members.some(([k]) => k === target)
              ? members.map(([k]) => k)
              : [...members.map(([k]) => k), target],
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

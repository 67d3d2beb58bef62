import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STANDARDS } from '../../src/policy/index.js';

// docs/standards.md restates the table for readers; this keeps the two from drifting apart.
describe('docs/standards.md', () => {
  const doc = readFileSync(new URL('../../docs/standards.md', import.meta.url), 'utf8');
  const rows = new Map(
    doc
      .split('\n')
      .filter((line) => /^\|\s*[A-Z0-9-]+\s*\|/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      )
      .map((cells) => [cells[0], cells] as const),
  );

  it.each(STANDARDS.map((s) => [s.id, s] as const))('lists %s with the values in the table', (id, rule) => {
    expect(rows.get(id)).toEqual([
      rule.id,
      rule.name,
      rule.certifiable ? 'yes' : 'no',
      String(rule.minLength),
      String(rule.defaultLength),
      rule.requiredClasses.length ? rule.requiredClasses.join(', ') : 'none',
      String(rule.minEntropyBits),
      String(rule.rotationDays),
      rule.basis.kind === 'clause' ? 'clause' : 'product baseline',
    ]);
  });
});

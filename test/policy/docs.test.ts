import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STANDARDS } from '../../src/policy/index.js';
import { clausesByKindMarkdown, standardsTableMarkdown } from '../../src/policy/table-doc.js';

/**
 * docs/standards.md and the README restate the table for readers: their blocks are generated from
 * the data, so they cite exactly the clauses and periods the issuer computes with.
 * PASSGENI_UPDATE_DOCS=1 rewrites the blocks.
 */
const BLOCKS = [
  {
    file: '../../docs/standards.md',
    name: 'standards-table',
    render: () => standardsTableMarkdown(STANDARDS),
  },
  {
    file: '../../docs/standards.md',
    name: 'clauses-by-kind',
    render: () => clausesByKindMarkdown(STANDARDS),
  },
  { file: '../../README.md', name: 'standards-table', render: () => standardsTableMarkdown(STANDARDS) },
];

function block(name: string): RegExp {
  return new RegExp(`(<!-- ${name}:start[^>]*-->\\n)([\\s\\S]*?)(\\n<!-- ${name}:end -->)`);
}

describe('the standards table in the docs', () => {
  it.each(BLOCKS.map((b) => [`${b.file.slice(6)} ${b.name}`, b] as const))(
    '%s is generated from the table',
    (_, b) => {
      const url = new URL(b.file, import.meta.url);
      const doc = readFileSync(url, 'utf8');
      const re = block(b.name);
      const expected = b.render();
      if (process.env.PASSGENI_UPDATE_DOCS === '1') {
        writeFileSync(
          url,
          doc.replace(re, (_m, start: string, _old, end: string) => `${start}${expected}${end}`),
        );
        return;
      }
      expect(doc).toMatch(re);
      expect(re.exec(doc)?.[2]).toBe(expected);
    },
  );
});

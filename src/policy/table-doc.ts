import { CREDENTIAL_KINDS } from './types.js';
import type { Citation, KindRule, StandardRule } from './types.js';

/**
 * The standards table as Markdown, for docs/standards.md and the README: generated from the data
 * so the documents cite exactly the clauses, links and periods the issuer computes with (the docs
 * tests rewrite and compare these blocks).
 */

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function classesCell(rule: StandardRule): string {
  return rule.requiredClasses.length ? rule.requiredClasses.join(', ') : 'none';
}

export function rotationCell(rule: KindRule): string {
  if (rule.rotationFromRiskAnalysis) return 'your risk analysis';
  return rule.rotationDays > 0 ? `${rule.rotationDays} days` : 'on compromise';
}

function basisCell(rule: KindRule): string {
  return rule.basis === 'clause' ? 'clause' : 'product baseline';
}

function citationLine(citation: Citation): string {
  return `[${citation.clause}](${citation.url}): ${citation.says}`;
}

/** The summary table: one row per standard, rotation and basis per kind. */
export function standardsTableMarkdown(standards: readonly StandardRule[]): string {
  const header = [
    'id',
    'name',
    'certifiable',
    'min length',
    'default length',
    'required classes',
    'min entropy (bits)',
    'rotation: service',
    'rotation: user',
    'basis: service',
    'basis: user',
  ];
  const rows = standards.map((rule) => [
    rule.id,
    rule.name,
    rule.certifiable ? 'yes' : 'no',
    String(rule.minLength),
    String(rule.defaultLength),
    classesCell(rule),
    String(rule.minEntropyBits),
    rotationCell(rule.kinds.service),
    rotationCell(rule.kinds.user),
    basisCell(rule.kinds.service),
    basisCell(rule.kinds.user),
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

/** Per standard and kind: what governs it, its rotation, and every clause cited, with its link. */
export function clausesByKindMarkdown(standards: readonly StandardRule[]): string {
  const out: string[] = [];
  for (const rule of standards) {
    out.push(`### ${rule.id}: ${rule.name}`);
    for (const kind of CREDENTIAL_KINDS) {
      const k = rule.kinds[kind];
      out.push(
        [
          `**${kind}** (${basisCell(k)}; rotation: ${rotationCell(k)}). ${k.governs}`,
          '',
          `- Rotation: ${k.rotation}`,
          ...k.citations.map((c) => `- ${citationLine(c)}`),
        ].join('\n'),
      );
    }
    out.push(
      ['String rules rest on:', '', ...rule.basis.sources.map((c) => `- ${citationLine(c)}`)].join('\n'),
    );
  }
  return out.join('\n\n');
}

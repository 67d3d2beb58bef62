import { escapeHtml } from '../lib/html.js';
import { DEFAULT_CLASS_SETS } from './charset.js';
import { exactEntropyBits } from './entropy.js';
import { CHAR_CLASSES } from './limits.js';
import { CREDENTIAL_KINDS } from './types.js';
import type { Citation, ClassRequirement, CredentialKind, KindRule, StandardRule } from './types.js';

/**
 * A written password policy an organisation can adopt, generated from the standards table so the
 * document and the generator can never disagree. One document model, two renderers: Markdown for
 * repositories and wikis, and a self-contained HTML page for auditors.
 */

type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][]; toFillIn?: true };

export interface RenderPolicyOptions {
  organisation?: string;
  generatedAt?: Date;
}

const CLASS_NAMES: Record<ClassRequirement, string> = {
  upper: 'upper-case letters',
  lower: 'lower-case letters',
  letter: 'letters (either case)',
  digit: 'digits',
  special: 'special characters',
};

function classesText(rule: StandardRule): string {
  const classes =
    rule.requiredClasses.length === 0
      ? 'No character class is required.'
      : `At least one of each: ${rule.requiredClasses.map((c) => CLASS_NAMES[c]).join(', ')}.`;
  const runs = [
    ...(rule.maxRepeat !== undefined ? [`${rule.maxRepeat} identical characters`] : []),
    ...(rule.maxClassRepeat !== undefined ? [`${rule.maxClassRepeat} characters of one class`] : []),
  ];
  return runs.length ? `${classes} At most ${runs.join(', and at most ')} in a row.` : classes;
}

const KIND_WORDS: Record<CredentialKind, string> = {
  service: 'Service credentials (database, API, service accounts)',
  user: 'User passwords (a person logs in)',
};

function kindRotationText(kindRule: KindRule): string {
  if (kindRule.rotationFromRiskAnalysis) {
    return 'At the period set by the targeted risk analysis, and immediately on suspected or confirmed compromise.';
  }
  return kindRule.rotationDays > 0
    ? `Change at least every ${kindRule.rotationDays} days, and immediately on suspected or confirmed compromise.`
    : 'No periodic change; change immediately on suspected or confirmed compromise.';
}

function rotationText(rule: StandardRule): string {
  return CREDENTIAL_KINDS.map((kind) => `${KIND_WORDS[kind]}: ${kindRotationText(rule.kinds[kind])}`).join(
    ' ',
  );
}

/** "clause: what it says (link)", the one way a citation is written out. */
export function citationText(citation: Citation): string {
  return `${citation.clause}: ${citation.says} (${citation.url})`;
}

function basisLabel(rule: StandardRule): string {
  return rule.basis.kind === 'clause' ? 'framework clause' : 'product baseline';
}

function buildDocument(
  rule: StandardRule,
  title: string,
  organisation: string | undefined,
  date: string,
): Block[] {
  const who = organisation ?? 'the organisation';
  const defaultBits = exactEntropyBits(
    rule.defaultLength,
    CHAR_CLASSES.map((c) => DEFAULT_CLASS_SETS[c].length),
    { maxRepeat: rule.maxRepeat, maxClassRepeat: rule.maxClassRepeat },
  );
  const baselineNote =
    rule.basis.kind === 'product-baseline'
      ? `${rule.name} does not set numeric password rules. Where this policy states a number without a clause, it is a product baseline: a documented choice from the PassGeni standards table, benchmarked as stated beside it. It is not a requirement of ${rule.name}.`
      : `Where a basis below reads "Product baseline", ${rule.name} sets no number: the value is a documented choice from the PassGeni standards table, benchmarked as stated, and not a requirement of ${rule.name}.`;
  return [
    { kind: 'heading', level: 1, text: title },
    {
      kind: 'table',
      header: ['Field', 'Value'],
      rows: [
        ...(organisation === undefined ? [] : [['Organisation', organisation]]),
        ['Standard', `${rule.name} (${rule.id})`],
        ['Generated', date],
        [
          'Basis',
          rule.basis.kind === 'clause'
            ? 'Framework clauses, with product baselines where stated'
            : 'Product baseline (the framework sets no number)',
        ],
        ['Review', 'At least every 12 months, and whenever the standard or the systems in scope change'],
      ],
    },
    // Left blank on purpose: an auditor asks who owns and who approved the policy, which version
    // is in force and since when; only the organisation can fill that in.
    { kind: 'heading', level: 2, text: 'Document control' },
    {
      kind: 'table',
      header: ['Field', 'To fill in'],
      toFillIn: true,
      rows: [
        ['Policy owner (name, role)', ''],
        ['Approved by (name, role, date)', ''],
        ['Version', ''],
        ['Effective date', ''],
        ['Next review due', ''],
      ],
    },
    { kind: 'heading', level: 2, text: '1. Purpose and scope' },
    {
      kind: 'paragraph',
      text: `This policy sets how ${who} creates, stores, rotates and retires passwords and other shared secrets (database, service-account and API credentials) for systems in scope of ${rule.name}. It applies to every credential created for those systems, whether from a workstation or by automation, and to everyone who administers them.`,
    },
    { kind: 'paragraph', text: baselineNote },
    { kind: 'heading', level: 2, text: '2. Credential rules' },
    {
      kind: 'table',
      header: ['Rule', 'Requirement', 'Basis'],
      rows: [
        ['Minimum length', `${rule.minLength} characters (default ${rule.defaultLength})`, rule.basis.length],
        ['Character classes', classesText(rule), rule.basis.classes],
        [
          'Minimum entropy',
          `${rule.minEntropyBits} bits, computed exactly from the generation parameters`,
          rule.basis.entropy,
        ],
        ...CREDENTIAL_KINDS.map((kind) => [
          `Rotation: ${kind}`,
          kindRotationText(rule.kinds[kind]),
          rule.kinds[kind].rotation,
        ]),
      ],
    },
    {
      kind: 'paragraph',
      text: `Credentials may be made stronger than these rules (longer, more character classes) but never weaker. At the default length of ${rule.defaultLength} characters drawn from all 94 printable ASCII characters with every class present, a credential carries ${defaultBits} bits of entropy.`,
    },
    { kind: 'heading', level: 2, text: '3. Generation' },
    {
      kind: 'list',
      items: [
        'Credentials are generated by a machine, never chosen by a person, from an approved cryptographically secure random source (the operating system or OpenSSL DRBG behind crypto.getRandomValues; a FIPS 140-3 validated module in approved mode where FIPS is in scope).',
        'Every character is drawn uniformly by rejection sampling (no modulo bias), and a whole credential that misses one of its character classes is discarded and drawn again, so every allowed credential is equally likely.',
        'Entropy is stated exactly: log2 of the number of credentials the generator can produce under the class rules, rounded down to two decimals, never estimated from the output.',
        'Every credential is checked, as a whole and ignoring case, against a list of common and breached passwords, and redrawn if it appears there.',
        'Characters a target system rejects may be excluded, and the special-character set may be narrowed, only while the rules in section 2 still hold.',
      ],
    },
    { kind: 'heading', level: 2, text: '4. Storage and handling' },
    {
      kind: 'list',
      items: [
        'Credentials are written directly into an approved secrets manager (for example AWS Secrets Manager, HashiCorp Vault, Doppler or Kubernetes Secrets) and read from there at run time.',
        'Credentials never appear in source code, configuration files in version control, tickets, chat, e-mail, logs, job summaries or URLs.',
        'Access to each secret is limited to the people and workloads that need it, and the secrets manager keeps previous versions so that a change can be rolled back.',
        'Each secret carries the URL of its compliance certificate (see section 7), so its origin can be checked where it is stored.',
      ],
    },
    { kind: 'heading', level: 2, text: '5. Rotation' },
    {
      kind: 'paragraph',
      text: rotationText(rule),
    },
    {
      kind: 'list',
      items: CREDENTIAL_KINDS.map(
        (kind) => `${KIND_WORDS[kind]}: ${rule.kinds[kind].governs} ${rule.kinds[kind].rotation}`,
      ),
    },
    {
      kind: 'paragraph',
      text: 'Frameworks disagree on periodic change (NIST SP 800-63B-4 forbids requiring it; PCI DSS and the DISA STIGs require it in some cases). Where several frameworks apply to the same system, the owner records which one sets the rotation period.',
    },
    { kind: 'heading', level: 2, text: '6. Compromise and revocation' },
    {
      kind: 'list',
      items: [
        'On suspected or confirmed exposure, the credential is replaced at once with a newly generated one, and the old one is disabled in the target system.',
        'The compliance certificate of the exposed credential is revoked with the reason recorded; the record is kept, so the history stays auditable.',
        'The incident is recorded and handled under the incident-response procedure.',
      ],
    },
    { kind: 'heading', level: 2, text: '7. Evidence' },
    {
      kind: 'list',
      items: [
        `Each credential is issued with a signed compliance certificate (an ES256 JSON Web Token) recording the standard (${rule.id}), the generation parameters, the exact entropy, the random source and whether the runtime was in FIPS mode, when the credential was generated, and every standard the parameters satisfy. The certificate never contains the credential.`,
        "Certificates can be verified offline with any JOSE library against the issuer's published keys, or at their URL, which also shows revocation.",
        'An optional credential binding (a salted scrypt digest) lets an auditor who holds the stored credential confirm that it is the certified one.',
        'The register of certificates, and an inventory of secrets with their certificate status, is kept as audit evidence.',
      ],
    },
    { kind: 'heading', level: 2, text: '8. Review' },
    {
      kind: 'paragraph',
      text: `The policy owner reviews this policy at least every 12 months, when ${rule.name} is revised, and after any incident involving a credential in scope. Exceptions are approved in writing by the owner, with a reason and an end date.`,
    },
    { kind: 'heading', level: 2, text: 'Sources' },
    {
      kind: 'list',
      items: [
        ...new Set(
          [...rule.basis.sources, ...CREDENTIAL_KINDS.flatMap((kind) => rule.kinds[kind].citations)].map(
            citationText,
          ),
        ),
      ],
    },
    {
      kind: 'paragraph',
      text: `Generated by PassGeni from its standards table (${rule.id}, ${basisLabel(rule)}).`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Markdown

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

function renderMarkdown(blocks: Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`);
        break;
      case 'paragraph':
        out.push(escapeMarkdown(block.text));
        break;
      case 'list':
        out.push(block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n'));
        break;
      case 'table': {
        const row = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
        out.push([row(block.header), row(block.header.map(() => '---')), ...block.rows.map(row)].join('\n'));
        break;
      }
    }
  }
  return `${out.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML

const STYLE = [
  // long citations (URLs, rule ids) wrap rather than widen the page on a phone
  'body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;overflow-wrap:anywhere}',
  'table{border-collapse:collapse;width:100%;margin:1rem 0}',
  'th,td{border:1px solid #c9d1d9;padding:.4rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}',
  'th{background:#f3f4f6}',
  'h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}',
  // the document-control cells are written in by hand on a printout: room for a name and a date
  'table.fill td:last-child{height:2.4rem;width:60%}',
  '@page{size:A4;margin:18mm 16mm}',
  '@media print{body{margin:0;max-width:none;font-size:11pt}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}tr,h2{break-inside:avoid}h2{break-after:avoid}}',
].join('');

function renderHtml(blocks: Block[], title: string): string {
  const body = blocks.map((block) => {
    switch (block.kind) {
      case 'heading':
        return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
      case 'paragraph':
        return `<p>${escapeHtml(block.text)}</p>`;
      case 'list':
        return `<ul>\n${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>`;
      case 'table':
        return [
          block.toFillIn ? '<table class="fill">' : '<table>',
          `<thead><tr>${block.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
          '<tbody>',
          ...block.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
          '</tbody>',
          '</table>',
        ].join('\n');
    }
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderPolicy(
  rule: StandardRule,
  format: 'md' | 'html',
  options: RenderPolicyOptions = {},
): string {
  const named = options.organisation?.trim();
  const title = named ? `${named} password policy: ${rule.name}` : `Password policy: ${rule.name}`;
  const date = (options.generatedAt ?? new Date()).toISOString().slice(0, 10);
  const blocks = buildDocument(rule, title, named || undefined, date);
  return format === 'md' ? renderMarkdown(blocks) : renderHtml(blocks, title);
}

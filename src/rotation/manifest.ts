import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { parseStoreUri } from '../../adapters/index.js';
import { entropySource } from '../certificate/entropy-source.js';
import { InputError, errorMessage } from '../errors.js';
import {
  DEFAULT_CREDENTIAL_KIND,
  resolvePolicy,
  resolveStandard,
  type CharClass,
  type CredentialKind,
  type StandardId,
  type StandardRule,
} from '../policy/index.js';
import type * as z from '../zod.js';
import {
  credentialSchema,
  defaultsSchema,
  manifestSchema,
  type ManifestCredentialInput,
  type ManifestDefaults,
} from './manifest-schema.js';

/**
 * Loading a manifest: YAML with source positions → shape (zod) → meaning (standards, store URIs,
 * ids, policies). Every problem found in any step is collected and reported together with its
 * line and column, because a manifest is usually fixed in one sitting from one CI log. When
 * anything is wrong, nothing is returned, so nothing can be rotated from a half-valid manifest.
 */

export interface ManifestIssue {
  /** Where in the document, e.g. `credentials[1].stores[0]`; empty for the document itself. */
  path: string;
  line: number;
  column: number;
  message: string;
}

export class ManifestError extends InputError {
  readonly issues: ManifestIssue[];
  constructor(source: string, issues: ManifestIssue[]) {
    const listed = issues.map(
      (i) => `  ${source}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`,
    );
    super(
      'MANIFEST_INVALID',
      `The rotation manifest ${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was rotated:\n${listed.join('\n')}`,
      { details: { manifest: source, errors: issues } },
    );
    this.issues = issues;
  }
}

/** One credential with the manifest's defaults applied and every name resolved. */
export interface ManifestCredential {
  id: string;
  standard: StandardId;
  /** Store URIs as written; relative `file://` paths are opened against the manifest's directory. */
  stores: string[];
  /** Age after which the credential is rotated; 0 = never for age alone. */
  rotateEveryDays: number;
  /** Which setting the period came from, for dry-run explanations. */
  rotationFrom: 'credential' | 'defaults' | 'standard' | 'none';
  label?: string;
  /** service (the default) or user. */
  kind?: CredentialKind;
  /** The system that must accept the new credential (a target URI). */
  target?: string;
  targetCredentialFrom?: string;
  strategy?: 'single' | 'alternating';
  length?: number;
  exclude?: string;
  symbols?: string;
  classes?: CharClass[];
  bind: boolean;
  /** Line of the credential in the manifest, for messages. */
  line: number;
}

export interface Manifest {
  /** The file name (or a description) the manifest was read from, for messages. */
  source: string;
  /** Relative `file://` store paths are resolved against this directory. */
  baseDir: string;
  credentials: ManifestCredential[];
}

/**
 * Reads and parses the manifest at `file`. Messages name it as `source` (default: `file`), e.g.
 * the path as the user wrote it when `file` was resolved against another directory. An
 * unreadable file's error code (ENOENT, EACCES) is in the error's details as `errno`.
 */
export async function loadManifest(file: string, options: { source?: string } = {}): Promise<Manifest> {
  const source = options.source ?? file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      'MANIFEST_UNREADABLE',
      `Cannot read the rotation manifest ${source}${code ? ` (${code})` : ''}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}.`,
      { details: { manifest: source, ...(code !== undefined && { errno: code }) } },
    );
  }
  return parseManifest(text, { source, baseDir: path.dirname(path.resolve(file)) });
}

export function parseManifest(text: string, options: { source?: string; baseDir?: string } = {}): Manifest {
  const source = options.source ?? 'passgeni.yml';
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = new Locator(doc, lineCounter);
  const issues: ManifestIssue[] = [];

  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    issues.push({ path: '', line: pos.line, column: pos.col, message: `YAML: ${firstLine(error.message)}` });
  }
  // A broken YAML structure makes every later message a guess; a repeated key does not.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) throw new ManifestError(source, sortIssues(issues));

  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  const shape = manifestSchema.safeParse(raw);
  const shapeIssuePaths: string[] = [];
  if (!shape.success) {
    // zod may run a value's checks after its type already failed; the type is what matters then.
    const wrongType = new Set(
      shape.error.issues.filter((i) => i.code === 'invalid_type').map((i) => JSON.stringify(i.path)),
    );
    const relevant = shape.error.issues.filter(
      (i) => i.code === 'invalid_type' || !wrongType.has(JSON.stringify(i.path)),
    );
    for (const issue of relevant) {
      issues.push(...describeZodIssue(issue, locate));
      shapeIssuePaths.push(formatPath(issue.path.filter((p): p is string | number => typeof p !== 'symbol')));
    }
  }
  // The meaning checks run on whatever parts have the right shape, so a manifest with a typo in
  // a key AND an unknown standard gets both reported in the same run.
  const shapeFailedWithin = (prefix: string): boolean =>
    shapeIssuePaths.some((p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`));
  const view = record(raw);
  const defaults = record(view?.defaults);
  const defaultStandard =
    typeof defaults?.standard === 'string'
      ? standardOrIssue(defaults.standard, ['defaults', 'standard'], locate, issues)
      : undefined;

  const rules: (StandardRule | undefined)[] = [];
  const firstIdAt = new Map<string, number>();
  const storeOwner = new Map<string, number>();
  const list = Array.isArray(view?.credentials) ? (view.credentials as unknown[]) : [];
  list.forEach((item, index) => {
    const input = record(item);
    if (!input) return;
    const at = (...rest: (string | number)[]): (string | number)[] => ['credentials', index, ...rest];
    const id = typeof input.id === 'string' ? input.id : undefined;
    if (id !== undefined) {
      const seen = firstIdAt.get(id);
      if (seen !== undefined) {
        const first = locate.position(['credentials', seen, 'id']).line;
        issues.push(
          locate.issue(
            at('id'),
            `duplicate id "${id}" (first used by credentials[${seen}] on line ${first})`,
          ),
        );
      } else {
        firstIdAt.set(id, index);
      }
    }

    let rule: StandardRule | undefined;
    if (typeof input.standard === 'string')
      rule = standardOrIssue(input.standard, at('standard'), locate, issues);
    else if (input.standard === undefined && typeof defaults?.standard === 'string') rule = defaultStandard;
    else if (input.standard === undefined && defaults?.standard === undefined) {
      issues.push(locate.issue(at(), 'no standard: set "standard" here or in "defaults"'));
    }
    rules[index] = rule;

    const stores = Array.isArray(input.stores) ? (input.stores as unknown[]) : [];
    stores.forEach((uri, storeIndex) => {
      if (typeof uri !== 'string') return;
      let key: string;
      try {
        const storeUri = parseStoreUri(uri);
        key =
          storeUri.kind === 'file'
            ? `file:${path.resolve(baseDir, storeUri.path)}#${storeUri.key}`
            : storeUri.uri;
      } catch (error) {
        // In a manifest, relative file paths are relative to the manifest, not the working directory.
        const message = errorMessage(error).replace(
          'resolved against the working directory',
          'relative to the manifest',
        );
        issues.push(locate.issue(at('stores', storeIndex), message));
        return;
      }
      const owner = storeOwner.get(key);
      if (owner === undefined) {
        storeOwner.set(key, index);
      } else {
        const ownerId = record(list[owner])?.id;
        issues.push(
          locate.issue(
            at('stores', storeIndex),
            owner === index
              ? `"${uri}" is listed twice for this credential`
              : `"${uri}" is also a store of credentials[${owner}]${typeof ownerId === 'string' ? ` ("${ownerId}")` : ''}; two credentials would overwrite each other`,
          ),
        );
      }
    });

    if (!rule) return;
    if (!rule.certifiable) {
      issues.push(
        locate.issue(
          input.standard !== undefined ? at('standard') : ['defaults', 'standard'],
          `${rule.id} is reported in standards_met but cannot be certified to; use another certifiable standard whose rules cover it (see \`passgeni standards\`)`,
        ),
      );
      return;
    }
    // A weak length or a bad character set is found now, not half-way through a rotation.
    if (POLICY_FIELDS.some((f) => shapeFailedWithin(formatPath(at(f))) || shapeFailedWithin(`defaults.${f}`)))
      return;
    try {
      const loose = input as ManifestCredentialInput;
      // FIPS-140-3 is refused now, not half-way through, when this runtime is not in FIPS mode
      resolvePolicy({
        standard: rule.id,
        randomSource: runtimeSource(),
        ...mergeDefaults(loose, (defaults ?? {}) as ManifestDefaults).policy,
      });
    } catch (error) {
      // Point at the setting that made the policy weak: the credential's own, else the default.
      const own = POLICY_FIELDS.find((f) => input[f] !== undefined);
      const inherited = POLICY_FIELDS.find((f) => defaults?.[f] !== undefined);
      const where = own ? at(own) : inherited ? ['defaults', inherited] : at();
      issues.push(locate.issue(where, errorMessage(error)));
    }
  });

  if (issues.length > 0 || !shape.success) throw new ManifestError(source, sortIssues(issues));

  const manifestDefaults: ManifestDefaults = shape.data.defaults ?? {};
  const credentials = shape.data.credentials.map((input, index): ManifestCredential => {
    const rule = rules[index] as StandardRule;
    const merged = mergeDefaults(input, manifestDefaults);
    return {
      id: input.id,
      standard: rule.id,
      stores: input.stores.map((s) => s.trim()),
      ...rotationPeriod(input, manifestDefaults, rule, merged.policy.kind ?? DEFAULT_CREDENTIAL_KIND),
      ...(input.label !== undefined && { label: input.label }),
      ...(input.target !== undefined && { target: input.target }),
      ...(input.target_credential_from !== undefined && {
        targetCredentialFrom: input.target_credential_from,
      }),
      ...(input.strategy !== undefined && { strategy: input.strategy }),
      ...merged.policy,
      bind: merged.bind,
      line: locate.position(['credentials', index]).line,
    };
  });
  return { source, baseDir, credentials };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * An explicit per-credential period is the owner's decision and wins. Otherwise the shorter of
 * the manifest default and the standard's recommendation applies: a blanket default must not
 * silently stretch a standard that asks for more frequent rotation (PCI DSS, DoD STIG).
 */
function rotationPeriod(
  input: ManifestCredentialInput,
  defaults: ManifestDefaults,
  rule: StandardRule,
  kind: CredentialKind,
): Pick<ManifestCredential, 'rotateEveryDays' | 'rotationFrom'> {
  if (input.rotate_every_days !== undefined)
    return { rotateEveryDays: input.rotate_every_days, rotationFrom: 'credential' };
  const fromDefaults = defaults.rotate_every_days ?? 0;
  const fromStandard = rule.kinds[kind].rotationDays;
  if (fromDefaults > 0 && (fromStandard === 0 || fromDefaults <= fromStandard)) {
    return { rotateEveryDays: fromDefaults, rotationFrom: 'defaults' };
  }
  if (fromStandard > 0) return { rotateEveryDays: fromStandard, rotationFrom: 'standard' };
  return { rotateEveryDays: 0, rotationFrom: 'none' };
}

const POLICY_FIELDS = ['kind', 'length', 'exclude', 'symbols', 'classes'] as const;
type PolicyFields = Pick<ManifestCredential, (typeof POLICY_FIELDS)[number]>;

function mergeDefaults(
  input: ManifestCredentialInput,
  defaults: ManifestDefaults,
): { policy: PolicyFields; bind: boolean } {
  const policy: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) {
    const value = input[field] ?? defaults[field];
    if (value !== undefined) policy[field] = Array.isArray(value) ? [...new Set(value)] : value;
  }
  return { policy: policy as PolicyFields, bind: input.bind ?? defaults.bind ?? false };
}

function standardOrIssue(
  name: string,
  at: (string | number)[],
  locate: Locator,
  issues: ManifestIssue[],
): StandardRule | undefined {
  try {
    return resolveStandard(name);
  } catch (error) {
    issues.push(locate.issue(at, errorMessage(error)));
    return undefined;
  }
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': ['version', 'defaults', 'credentials'],
  defaults: Object.keys(defaultsSchema.shape),
  credential: Object.keys(credentialSchema.shape),
};

function describeZodIssue(issue: z.core.$ZodIssue, locate: Locator): ManifestIssue[] {
  const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const kind = at.length === 0 ? '' : at[0] === 'defaults' ? 'defaults' : 'credential';
    const allowed = KNOWN_KEYS[kind] ?? [];
    return issue.keys.map((key) =>
      locate.issue([...at, key], `unknown key "${key}" (allowed here: ${allowed.join(', ')})`, {
        atKey: true,
      }),
    );
  }
  if (issue.code === 'invalid_type' && locate.node(at) === undefined && at.length > 0) {
    const field = at[at.length - 1];
    return [locate.issue(at, typeof field === 'number' ? 'is missing' : `"${String(field)}" is required`)];
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const word = issue.code === 'too_small' ? 'at least' : 'at most';
    const unit =
      issue.origin === 'array'
        ? ` item${Number(bound) === 1 ? '' : 's'}`
        : issue.origin === 'string'
          ? ' characters'
          : '';
    return [locate.issue(at, `must be ${word} ${String(bound)}${unit}`)];
  }
  return [locate.issue(at, issue.message.replace(/^Invalid input: /, ''))];
}

/** Maps a path in the parsed value back to where it was written. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  node(at: (string | number)[]): Node | undefined {
    if (at.length === 0) return (this.doc.contents as Node | null) ?? undefined;
    const found = this.doc.getIn(at, true) as unknown;
    return found && typeof found === 'object' && 'range' in found ? (found as Node) : undefined;
  }

  /** The key of `at`'s last step inside its map, e.g. the `bogus` in `bogus: 1`. */
  private keyNode(at: (string | number)[]): Node | undefined {
    const parent = this.node(at.slice(0, -1));
    const last = at[at.length - 1];
    if (!isMap(parent)) return undefined;
    for (const pair of parent.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === last) return pair.key;
    }
    return undefined;
  }

  position(at: (string | number)[], options: { atKey?: boolean } = {}): { line: number; column: number } {
    let node = options.atKey ? this.keyNode(at) : undefined;
    // A missing value is reported where its nearest enclosing node starts.
    for (let depth = at.length; node === undefined && depth >= 0; depth--)
      node = this.node(at.slice(0, depth));
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, column: 1 };
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  issue(at: (string | number)[], message: string, options: { atKey?: boolean } = {}): ManifestIssue {
    return { path: formatPath(at), ...this.position(at, options), message };
  }
}

function formatPath(at: (string | number)[]): string {
  let out = '';
  for (const step of at) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** In line order, each once (a bad default is found again by every credential inheriting it). */
function sortIssues(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const key = `${i.line}:${i.column}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

let cachedSource: ReturnType<typeof entropySource> | undefined;
/** The runtime's random source, read once per process: every credential is generated here. */
function runtimeSource(): ReturnType<typeof entropySource> {
  cachedSource ??= entropySource();
  return cachedSource;
}

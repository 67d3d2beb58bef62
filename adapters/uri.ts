import { StoreError } from './store.js';
import type { StoreKind } from './store.js';

/**
 * Store URIs are parsed by hand rather than with WHATWG `URL`: an AWS ARN (`arn:aws:…:secret:x`)
 * is not a valid URL host, and `URL` would silently lower-case or re-encode parts of a Vault
 * path. Every component is percent-decoded once, so a `#` or `/` that belongs to a name can be
 * written as `%23` / `%2F` (e.g. a nested Vault mount `vault://team%2Fkv/app#key`).
 */

export interface ParsedAwsUri {
  kind: 'aws-sm';
  uri: string;
  /** Secret name or full ARN, as AWS expects it in `SecretId`. */
  secretId: string;
  /** The region named by an ARN; it wins over the environment's region. */
  arnRegion?: string;
  /** A top-level key of a JSON secret; undefined when the whole secret is the credential. */
  jsonKey?: string;
  /** `?create=true`: create the secret when it does not exist. */
  create: boolean;
}

export interface ParsedVaultUri {
  kind: 'vault';
  uri: string;
  mount: string;
  path: string;
  key: string;
}

export interface ParsedDopplerUri {
  kind: 'doppler';
  uri: string;
  project: string;
  config: string;
  name: string;
}

export interface ParsedK8sUri {
  kind: 'k8s';
  uri: string;
  namespace: string;
  name: string;
  key: string;
}

export interface ParsedFileUri {
  kind: 'file';
  uri: string;
  /** As written in the URI; relative paths are resolved against `baseDir` when opened. */
  path: string;
  key: string;
  format: 'dotenv' | 'json';
}

/** Where a GitHub Actions secret lives: a repository, one of its environments, or an organization. */
export type GitHubSecretScope =
  | { level: 'repo'; owner: string; repo: string }
  | { level: 'env'; owner: string; repo: string; environment: string }
  | { level: 'org'; org: string };

export interface ParsedGitHubUri {
  kind: 'gh';
  uri: string;
  scope: GitHubSecretScope;
  /** The secret's name; the certificate URL goes to the variable `<name>_PASSGENI_CERT_URL`. */
  name: string;
}

export interface ParsedGcpUri {
  kind: 'gcp-sm';
  uri: string;
  project: string;
  secret: string;
  /** A top-level key of a JSON secret; undefined when the whole secret is the credential. */
  jsonKey?: string;
}

export interface ParsedAzureUri {
  kind: 'azure-kv';
  uri: string;
  /** A vault name (`myvault` → myvault.vault.azure.net) or, with a dot, the vault's host. */
  vault: string;
  secret: string;
  /** `?expires=certificate`: the new version's expiresOn is the certificate's expiry. */
  expiresWithCertificate: boolean;
}

export type ParsedStoreUri =
  | ParsedAzureUri
  | ParsedAwsUri
  | ParsedVaultUri
  | ParsedDopplerUri
  | ParsedK8sUri
  | ParsedFileUri
  | ParsedGitHubUri
  | ParsedGcpUri;

/** A prefix for `list` (inventory): which secrets to enumerate. */
export type ParsedStorePrefix =
  | { kind: 'aws-sm'; uri: string; namePrefix: string }
  | { kind: 'vault'; uri: string; mount: string; pathPrefix: string }
  | { kind: 'file'; uri: string; path: string }
  | { kind: 'gh'; uri: string; scope: GitHubSecretScope }
  | { kind: 'gcp-sm'; uri: string; project: string; idPrefix: string }
  | { kind: 'azure-kv'; uri: string; vault: string; namePrefix: string };

const STORE_SHAPES: Record<StoreKind, string> = {
  'aws-sm': 'aws-sm://<secret name or ARN>[#<json-key>][?create=true]',
  vault: 'vault://<mount>/<path>#<key>',
  doppler: 'doppler://<project>/<config>/<SECRET_NAME>',
  k8s: 'k8s://<namespace>/<secret>#<key>',
  file: 'file://<path>#<KEY> (relative paths are resolved against the working directory)',
  'azure-kv': 'azure-kv://<vault name or host>/<secret>[?expires=certificate]',
  'gcp-sm': 'gcp-sm://<project>/<secret>[#<json-key>]',
  gh: 'gh://<owner>/<repo>/<NAME>, gh://<owner>/<repo>/env/<environment>/<NAME> or gh://<org>/<NAME> (organization)',
};

function invalid(uri: string, problem: string, kind?: StoreKind): StoreError {
  const shapes = kind
    ? `Expected ${STORE_SHAPES[kind]}.`
    : `Expected one of: ${Object.values(STORE_SHAPES).join(', ')}.`;
  return new StoreError('STORE_URI_INVALID', `Store URI "${uri}" is invalid: ${problem}. ${shapes}`, {
    store: uri,
  });
}

function decode(uri: string, part: string, what: string, kind: StoreKind): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(uri, `${what} "${part}" has a malformed %-escape`, kind);
  }
}

interface RawParts {
  kind: StoreKind;
  body: string;
  fragment: string | undefined;
  query: URLSearchParams | undefined;
}

function splitUri(uri: string): RawParts {
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!schemeMatch) throw invalid(uri, 'it has no scheme (such as vault://)');
  const scheme = (schemeMatch[1] ?? '').toLowerCase() as StoreKind;
  if (!Object.hasOwn(STORE_SHAPES, scheme)) throw invalid(uri, `unknown store scheme "${scheme}"`);
  let rest = uri.slice(schemeMatch[0].length);
  let fragment: string | undefined;
  let queryText: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf('?');
  if (question >= 0) {
    queryText = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  // DESIGN writes `aws-sm://name#key?create=true` (query after the key). No legitimate key needs
  // a literal `?create=…` suffix, so accept that order too.
  if (fragment !== undefined && queryText === undefined) {
    const trailing = /\?((?:create)=[^?#]*)$/.exec(fragment);
    if (trailing) {
      queryText = trailing[1];
      fragment = fragment.slice(0, trailing.index);
    }
  }
  return {
    kind: scheme,
    body: rest,
    fragment,
    query: queryText === undefined ? undefined : new URLSearchParams(queryText),
  };
}

/**
 * Keys that name Object.prototype machinery: as a property of a plain object `__proto__` is
 * swallowed by the setter, so the credential could land while its certificate record silently
 * did not. No real secret needs these names, so they are refused before anything is issued.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkedKey(uri: string, key: string, kind: StoreKind): string {
  if (RESERVED_KEYS.has(key)) {
    throw invalid(
      uri,
      `"${key}" cannot be used as a key (it is reserved by JavaScript objects); choose another key name`,
      kind,
    );
  }
  return key;
}

function requireKey(uri: string, parts: RawParts): string {
  if (parts.fragment === undefined || parts.fragment === '') {
    throw invalid(uri, 'the key inside the secret is missing (add #<key>)', parts.kind);
  }
  return checkedKey(uri, decode(uri, parts.fragment, 'key', parts.kind), parts.kind);
}

function segments(uri: string, parts: RawParts, what: string): string[] {
  const raw = parts.body.split('/');
  return raw.map((segment) => {
    if (segment === '') throw invalid(uri, `${what} has an empty path segment`, parts.kind);
    const decoded = decode(uri, segment, 'path segment', parts.kind);
    if (decoded === '.' || decoded === '..') {
      throw invalid(uri, `"${decoded}" is not allowed as a path segment`, parts.kind);
    }
    return decoded;
  });
}

const AWS_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

function parseAws(uri: string, parts: RawParts): ParsedAwsUri {
  const secretId = decode(uri, parts.body, 'secret name', 'aws-sm');
  let arnRegion: string | undefined;
  if (secretId.startsWith('arn:')) {
    const arn = AWS_ARN.exec(secretId);
    if (!arn) throw invalid(uri, 'the ARN is not a Secrets Manager secret ARN', 'aws-sm');
    arnRegion = arn[1];
  } else if (!AWS_NAME.test(secretId)) {
    throw invalid(uri, 'a secret name is 1-512 characters of letters, digits and / _ + = . @ -', 'aws-sm');
  }
  let create = false;
  for (const [name, value] of parts.query ?? []) {
    if (name !== 'create') throw invalid(uri, `unknown option "${name}" (only create=true|false)`, 'aws-sm');
    if (value !== 'true' && value !== 'false') throw invalid(uri, `create must be true or false`, 'aws-sm');
    create = value === 'true';
  }
  if (create && arnRegion !== undefined) {
    throw invalid(uri, 'a secret cannot be created from an ARN; name it instead', 'aws-sm');
  }
  const parsed: ParsedAwsUri = { kind: 'aws-sm', uri, secretId, create };
  if (arnRegion !== undefined) parsed.arnRegion = arnRegion;
  if (parts.fragment !== undefined) {
    if (parts.fragment === '') throw invalid(uri, 'the #json-key is empty', 'aws-sm');
    parsed.jsonKey = checkedKey(uri, decode(uri, parts.fragment, 'JSON key', 'aws-sm'), 'aws-sm');
  }
  return parsed;
}

function parseVault(uri: string, parts: RawParts): ParsedVaultUri {
  const segs = segments(uri, parts, 'the Vault path');
  if (segs.length < 2) throw invalid(uri, 'both a mount and a secret path are needed', 'vault');
  const [mount, ...path] = segs as [string, ...string[]];
  return { kind: 'vault', uri, mount, path: path.join('/'), key: requireKey(uri, parts) };
}

const DOPPLER_NAME = /^[A-Z_][A-Z0-9_]*$/;

function parseDoppler(uri: string, parts: RawParts): ParsedDopplerUri {
  if (parts.fragment !== undefined) {
    throw invalid(uri, 'a Doppler secret has no keys inside it (remove the #…)', 'doppler');
  }
  const segs = segments(uri, parts, 'the Doppler address');
  if (segs.length !== 3) throw invalid(uri, 'exactly project, config and secret name are needed', 'doppler');
  const [project, config, name] = segs as [string, string, string];
  if (!DOPPLER_NAME.test(name)) {
    throw invalid(
      uri,
      `Doppler secret names are upper-case letters, digits and underscores, not starting with a digit ("${name}" is not)`,
      'doppler',
    );
  }
  return { kind: 'doppler', uri, project, config, name };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const K8S_DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function parseK8s(uri: string, parts: RawParts): ParsedK8sUri {
  const segs = segments(uri, parts, 'the Kubernetes address');
  if (segs.length !== 2) throw invalid(uri, 'exactly a namespace and a secret name are needed', 'k8s');
  const [namespace, name] = segs as [string, string];
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw invalid(uri, `namespace "${namespace}" is not a DNS-1123 label`, 'k8s');
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw invalid(uri, `secret name "${name}" is not a DNS-1123 subdomain`, 'k8s');
  }
  const key = requireKey(uri, parts);
  if (key.length > 253 || !K8S_DATA_KEY.test(key)) {
    throw invalid(uri, `data key "${key}" may only contain letters, digits, "-", "_" and "."`, 'k8s');
  }
  return { kind: 'k8s', uri, namespace, name, key };
}

/** The key pattern the dotenv format can hold on the left of `=`. */
const DOTENV_KEY = /^[\w.-]+$/;

function parseFilePath(uri: string, parts: RawParts): string {
  if (parts.body === '') throw invalid(uri, 'the file path is empty', 'file');
  // `file://localhost/abs` is the RFC 8089 spelling of `file:///abs`.
  const body = parts.body.startsWith('localhost/') ? parts.body.slice('localhost'.length) : parts.body;
  const path = decode(uri, body, 'file path', 'file');
  if (path.includes('\0')) throw invalid(uri, 'the file path contains a NUL character', 'file');
  return path;
}

function parseFile(uri: string, parts: RawParts): ParsedFileUri {
  const path = parseFilePath(uri, parts);
  if (path.endsWith('/')) throw invalid(uri, 'the path names a directory, not a file', 'file');
  const key = requireKey(uri, parts);
  const format = path.toLowerCase().endsWith('.json') ? 'json' : 'dotenv';
  if (format === 'dotenv' && !DOTENV_KEY.test(key)) {
    throw invalid(
      uri,
      `dotenv keys may only contain letters, digits, "_", "." and "-" ("${key}" does not)`,
      'file',
    );
  }
  return { kind: 'file', uri, path, key, format };
}

/*
 * GitHub: the number of segments says the level, so no owner or repository name can be misread
 * as a keyword: 2 = organization, 3 = repository, 5 = environment (the 3rd segment must be `env`).
 */
const GITHUB_SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** The scope from the segments before the secret name: 1 = organization, 2 = repository, 4 = environment. */
function githubScope(uri: string, segs: string[]): GitHubSecretScope {
  const owner = segs[0] ?? '';
  if (!GITHUB_OWNER.test(owner))
    throw invalid(uri, `"${owner}" is not a GitHub user or organization name`, 'gh');
  if (segs.length === 1) return { level: 'org', org: owner };
  const repo = segs[1] ?? '';
  if (!GITHUB_REPO.test(repo)) throw invalid(uri, `"${repo}" is not a GitHub repository name`, 'gh');
  if (segs.length === 2) return { level: 'repo', owner, repo };
  if (segs.length === 4 && segs[2] === 'env') {
    const environment = segs[3] ?? '';
    if (environment.length > 255) throw invalid(uri, 'an environment name is at most 255 characters', 'gh');
    return { level: 'env', owner, repo, environment };
  }
  throw invalid(uri, 'the path has the wrong number of segments', 'gh');
}

function parseGitHub(uri: string, parts: RawParts): ParsedGitHubUri {
  if (parts.fragment !== undefined) {
    throw invalid(uri, 'a GitHub secret has no keys inside it (remove the #…)', 'gh');
  }
  const segs = segments(uri, parts, 'the GitHub address');
  const name = segs.pop() ?? '';
  if (!GITHUB_SECRET_NAME.test(name) || /^github_/i.test(name) || name.length > 200) {
    throw invalid(
      uri,
      `GitHub secret names are letters, digits and underscores, not starting with a digit or GITHUB_ ("${name}" is not)`,
      'gh',
    );
  }
  return { kind: 'gh', uri, scope: githubScope(uri, segs), name };
}

/** A project id (6-30 characters) or a project number. */
const GCP_PROJECT = /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/;
const GCP_SECRET = /^[A-Za-z0-9_-]{1,255}$/;

function parseGcp(uri: string, parts: RawParts): ParsedGcpUri {
  const segs = segments(uri, parts, 'the Secret Manager address');
  if (segs.length !== 2) throw invalid(uri, 'exactly a project and a secret id are needed', 'gcp-sm');
  const [project, secret] = segs as [string, string];
  if (!GCP_PROJECT.test(project))
    throw invalid(uri, `"${project}" is not a Google Cloud project id or number`, 'gcp-sm');
  if (!GCP_SECRET.test(secret)) {
    throw invalid(uri, 'a secret id is 1-255 letters, digits, "-" and "_"', 'gcp-sm');
  }
  const parsed: ParsedGcpUri = { kind: 'gcp-sm', uri, project, secret };
  if (parts.fragment !== undefined) {
    if (parts.fragment === '') throw invalid(uri, 'the #json-key is empty', 'gcp-sm');
    parsed.jsonKey = checkedKey(uri, decode(uri, parts.fragment, 'JSON key', 'gcp-sm'), 'gcp-sm');
  }
  return parsed;
}

/** A vault name is 3-24 letters, digits and hyphens; with a dot it is the vault's host (other clouds). */
const AZURE_VAULT = /^(?:[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/;
const AZURE_SECRET = /^[A-Za-z0-9-]{1,127}$/;

function parseAzure(uri: string, parts: RawParts): ParsedAzureUri {
  if (parts.fragment !== undefined)
    throw invalid(uri, 'a Key Vault secret has no keys inside it (remove the #…)', 'azure-kv');
  const segs = segments(uri, parts, 'the Key Vault address');
  if (segs.length !== 2) throw invalid(uri, 'exactly a vault and a secret name are needed', 'azure-kv');
  const [vault, secret] = segs as [string, string];
  if (!AZURE_VAULT.test(vault))
    throw invalid(uri, `"${vault}" is not a Key Vault name (3-24 letters, digits and -) or host`, 'azure-kv');
  if (!AZURE_SECRET.test(secret))
    throw invalid(uri, 'a secret name is 1-127 letters, digits and "-"', 'azure-kv');
  let expiresWithCertificate = false;
  for (const [name, value] of parts.query ?? []) {
    if (name !== 'expires' || value !== 'certificate') {
      throw invalid(uri, `unknown option "${name}=${value}" (only expires=certificate)`, 'azure-kv');
    }
    expiresWithCertificate = true;
  }
  return { kind: 'azure-kv', uri, vault: vault.toLowerCase(), secret, expiresWithCertificate };
}

/** Parses and validates a store URI without touching the network or the disk. */
export function parseStoreUri(input: string): ParsedStoreUri {
  const uri = input.trim();
  const parts = splitUri(uri);
  if (parts.query !== undefined && parts.kind !== 'aws-sm' && parts.kind !== 'azure-kv') {
    throw invalid(uri, 'this store takes no ?options', parts.kind);
  }
  switch (parts.kind) {
    case 'aws-sm':
      return parseAws(uri, parts);
    case 'vault':
      return parseVault(uri, parts);
    case 'doppler':
      return parseDoppler(uri, parts);
    case 'k8s':
      return parseK8s(uri, parts);
    case 'file':
      return parseFile(uri, parts);
    case 'gh':
      return parseGitHub(uri, parts);
    case 'gcp-sm':
      return parseGcp(uri, parts);
    case 'azure-kv':
      return parseAzure(uri, parts);
  }
}

/**
 * Parses a prefix for `list`. Listing is offered where the API can enumerate without reading
 * secret values: AWS (ListSecrets), Vault (LIST on metadata), files and GitHub (the secrets'
 * dates and the certificate URL variables).
 */
export function parseStorePrefix(input: string): ParsedStorePrefix {
  const uri = input.trim();
  const parts = splitUri(uri);
  const invalidPrefix = (problem: string): StoreError =>
    new StoreError(
      'STORE_URI_INVALID',
      `Store prefix "${uri}" is invalid: ${problem}. Expected one of: aws-sm://[<name prefix>], vault://<mount>[/<path prefix>], file://<file or directory>, gh://<owner>/<repo>[/env/<environment>], gh://<org>, gcp-sm://<project>[/<secret id prefix>], azure-kv://<vault>[/<name prefix>].`,
      { store: uri },
    );
  if (parts.fragment !== undefined || parts.query !== undefined) {
    throw invalidPrefix('a prefix takes no #key or ?options');
  }
  switch (parts.kind) {
    case 'aws-sm': {
      const namePrefix = decode(uri, parts.body, 'name prefix', 'aws-sm');
      if (namePrefix.startsWith('arn:')) throw invalidPrefix('list by name prefix, not by ARN');
      if (namePrefix !== '' && !AWS_NAME.test(namePrefix))
        throw invalidPrefix('the name prefix has invalid characters');
      return { kind: 'aws-sm', uri, namePrefix };
    }
    case 'vault': {
      const trimmed = parts.body.replace(/\/+$/, '');
      if (trimmed === '') throw invalidPrefix('the mount is missing');
      const segs = segments(uri, { ...parts, body: trimmed }, 'the Vault prefix');
      const [mount, ...rest] = segs as [string, ...string[]];
      return { kind: 'vault', uri, mount, pathPrefix: rest.join('/') };
    }
    case 'file':
      return { kind: 'file', uri, path: parseFilePath(uri, parts) };
    case 'gh':
      return {
        kind: 'gh',
        uri,
        scope: githubScope(
          uri,
          segments(uri, { ...parts, body: parts.body.replace(/\/+$/, '') }, 'the GitHub prefix'),
        ),
      };
    case 'gcp-sm': {
      const [project = '', ...rest] = parts.body.split('/');
      if (!GCP_PROJECT.test(project)) throw invalidPrefix('the Google Cloud project is missing or malformed');
      const idPrefix = rest.join('/');
      if (idPrefix !== '' && !GCP_SECRET.test(idPrefix))
        throw invalidPrefix('the secret id prefix has invalid characters');
      return { kind: 'gcp-sm', uri, project, idPrefix };
    }
    case 'azure-kv': {
      const [vault = '', ...rest] = parts.body.split('/');
      if (!AZURE_VAULT.test(vault)) throw invalidPrefix('the vault is missing or malformed');
      const namePrefix = rest.join('/');
      if (namePrefix !== '' && !AZURE_SECRET.test(namePrefix))
        throw invalidPrefix('the name prefix has invalid characters');
      return { kind: 'azure-kv', uri, vault: vault.toLowerCase(), namePrefix };
    }
    default:
      throw invalidPrefix(`${parts.kind}:// stores cannot be listed`);
  }
}

/** Percent-encodes what would otherwise be read as URI syntax inside one component. */
export function encodeUriComponentLoose(value: string): string {
  return value.replace(/[%#?]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

import type { StoredSecretRef } from '../store.js';
import type { ParsedStorePrefix } from '../uri.js';
import type { GitHubClient } from './client.js';
import { CERT_URL_SUFFIX, scopePaths } from './paths.js';

type GitHubPrefix = Extract<ParsedStorePrefix, { kind: 'gh' }>;

async function allPages<T>(
  client: GitHubClient,
  doing: string,
  route: string,
  params: Record<string, unknown>,
  field: string,
  perPage: number,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const data = await client.call<Record<string, unknown>>(doing, route, {
      ...params,
      per_page: perPage,
      page,
    });
    const batch = (Array.isArray(data[field]) ? data[field] : []) as T[];
    items.push(...batch);
    const total = typeof data.total_count === 'number' ? data.total_count : items.length;
    if (batch.length < perPage || items.length >= total) return items;
  }
}

/**
 * Every Actions secret of the scope, with the certificate URL from its variable and the time its
 * value last changed (a value changed after its certificate is flagged by the inventory). Only
 * names, dates and variables are read: GitHub never returns a secret's value.
 */
export async function* listGitHubSecrets(
  client: GitHubClient,
  prefix: GitHubPrefix,
): AsyncIterable<StoredSecretRef> {
  const paths = scopePaths(prefix.scope);
  const secrets = await allPages<{ name: string; updated_at?: string }>(
    client,
    `list the Actions secrets of the ${paths.label}`,
    `GET ${paths.prefix}/secrets`,
    paths.params,
    'secrets',
    100,
  );
  const variables = await allPages<{ name: string; value: string; updated_at?: string }>(
    client,
    `list the Actions variables of the ${paths.label}`,
    `GET ${paths.prefix}/variables`,
    paths.params,
    'variables',
    30,
  );
  const urls = new Map(variables.map((v) => [v.name.toUpperCase(), v]));
  const base = prefix.uri.replace(/\/+$/, '');
  for (const secret of secrets) {
    const variable = urls.get(`${secret.name.toUpperCase()}${CERT_URL_SUFFIX}`);
    yield {
      uri: `${base}/${secret.name}`,
      certUrl: variable === undefined || variable.value === '' ? undefined : variable.value,
      ...(secret.updated_at !== undefined && { valueUpdatedAt: secret.updated_at }),
      ...(variable?.updated_at !== undefined && { certAttachedAt: variable.updated_at }),
    };
  }
}

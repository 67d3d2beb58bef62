import type { GitHubSecretScope } from '../uri.js';

/** The REST path prefix under which a scope's secrets and variables live, with its parameters. */
export interface ScopePaths {
  prefix: string;
  params: Record<string, string>;
  /** How messages name the scope: `repository acme/api`, `environment prod of acme/api`, … */
  label: string;
}

export function scopePaths(scope: GitHubSecretScope): ScopePaths {
  switch (scope.level) {
    case 'repo':
      return {
        prefix: '/repos/{owner}/{repo}/actions',
        params: { owner: scope.owner, repo: scope.repo },
        label: `repository ${scope.owner}/${scope.repo}`,
      };
    case 'env':
      return {
        prefix: '/repos/{owner}/{repo}/environments/{environment_name}',
        params: { owner: scope.owner, repo: scope.repo, environment_name: scope.environment },
        label: `environment "${scope.environment}" of ${scope.owner}/${scope.repo}`,
      };
    case 'org':
      return {
        prefix: '/orgs/{org}/actions',
        params: { org: scope.org },
        label: `organization ${scope.org}`,
      };
  }
}

/** The Actions variable that carries a secret's certificate URL. */
export function certUrlVariable(secretName: string): string {
  return `${secretName.toUpperCase()}_PASSGENI_CERT_URL`;
}

export const CERT_URL_SUFFIX = '_PASSGENI_CERT_URL';

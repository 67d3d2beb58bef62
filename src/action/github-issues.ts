import type { getOctokit } from '@actions/github';
import { PassgeniError, errorMessage } from '../errors.js';
import { httpRequest, type HttpRequest, type HttpResponse } from '../lib/http.js';
import { DEFAULT_RETRY, httpRequestWithRetry, parseRetryAfter, withRetry } from '../lib/retry.js';

/**
 * One GitHub issue per certificate that needs attention (verify action, `open-issues: true`).
 *
 * The issue is found again by a marker in its body, `<!-- passgeni-cert:<id> -->`, among the
 * repository's open issues. The list API is used rather than search because search is indexed
 * with a delay: a re-run a minute later could miss the issue it just opened and open a second.
 *
 * Octokit comes from @actions/github (imported only when a step opens issues, so other runs do not
 * load it), but its requests go through the project's HTTP client: the same time limits, size
 * limit and refusal of cross-host redirects as every other outbound call, and a token that never
 * follows a redirect to a host the workflow did not name.
 */
export interface CertificateAttention {
  certId: string;
  certUrl: string | undefined;
  /** Short, for the issue title: "expired", "revoked", "expires in 12 days"… */
  headline: string;
  /** Markdown paragraphs about the current state, for the issue body or a comment. */
  details: string[];
  /** Public name for people, e.g. the certificate's label. */
  name: string | undefined;
}

export interface IssueTarget {
  token: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** GITHUB_API_URL; GitHub Enterprise Server has its own. */
  apiUrl: string;
  /** Link to the workflow run, for the comments. */
  runUrl: string | undefined;
}

export type IssueAction =
  { action: 'opened' | 'commented' | 'closed'; number: number; url: string } | { action: 'none' };

/** A certificate id as it may appear inside an HTML comment: nothing that could end it. */
export function issueMarker(certId: string): string {
  return `<!-- passgeni-cert:${certId.replace(/[^A-Za-z0-9._:-]/g, '_')} -->`;
}

type Octokit = ReturnType<typeof getOctokit>;

interface OpenIssue {
  number: number;
  html_url: string;
  body?: string | null;
  pull_request?: unknown;
}

/** Opens, comments on or closes the certificate's issue; `attention` undefined means it is fine. */
export async function syncCertificateIssue(
  target: IssueTarget,
  certId: string,
  attention: CertificateAttention | undefined,
): Promise<IssueAction> {
  const [owner, repo] = target.repository.split('/');
  if (!owner || !repo) {
    throw new PassgeniError(
      'GITHUB_REPOSITORY_UNKNOWN',
      `open-issues needs the repository (GITHUB_REPOSITORY as owner/name); got "${target.repository.slice(0, 100)}". Run the action in a GitHub Actions job.`,
      { exitCode: 2 },
    );
  }
  const github = await client(target);
  const marker = issueMarker(certId);
  try {
    const existing = await findIssue(github, owner, repo, marker);
    const run = target.runUrl ? `\n\n[Workflow run](${target.runUrl})` : '';
    if (attention !== undefined) {
      const details = attention.details.join('\n\n');
      if (existing === undefined) {
        const { data } = await github.rest.issues.create({
          owner,
          repo,
          title: `PassGeni certificate ${attention.headline}: ${attention.name ?? attention.certId}`.slice(
            0,
            250,
          ),
          body: `${marker}\n${details}${run}\n\n${FOOTER}`,
        });
        return { action: 'opened', number: data.number, url: data.html_url };
      }
      await github.rest.issues.createComment({
        owner,
        repo,
        issue_number: existing.number,
        body: `Still needs attention: the certificate ${attention.headline}.\n\n${details}${run}`,
      });
      return { action: 'commented', number: existing.number, url: existing.html_url };
    }
    if (existing === undefined) return { action: 'none' };
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: existing.number,
      body: `The certificate verifies again and is not close to expiry; closing.${run}`,
    });
    await github.rest.issues.update({
      owner,
      repo,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { action: 'closed', number: existing.number, url: existing.html_url };
  } catch (error) {
    throw githubFailed(error);
  }
}

const FOOTER =
  '_Opened by the PassGeni verify action (`open-issues: true`). Later runs comment here while the certificate needs attention, and close this issue once it verifies again with time to spare. Keep the first line of this description: it is how the action finds this issue._';

async function findIssue(
  github: Octokit,
  owner: string,
  repo: string,
  marker: string,
): Promise<OpenIssue | undefined> {
  // Issues we opened are most likely recent; pages stop at the first match.
  for await (const { data } of github.paginate.iterator(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    sort: 'created',
    direction: 'desc',
    per_page: 100,
  })) {
    const found = (data as OpenIssue[]).find(
      (issue) => issue.pull_request === undefined && (issue.body ?? '').includes(marker),
    );
    if (found) return found;
  }
  return undefined;
}

async function client(target: IssueTarget): Promise<Octokit> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(target.token, {
    baseUrl: target.apiUrl.replace(/\/+$/, ''),
    request: { fetch: projectFetch },
  });
}

/**
 * The slice of `fetch` Octokit uses, answered by the project's HTTP client. GitHub's rate limits
 * (429, or 403 with Retry-After) are waited out. Reads and the closing PATCH are also retried
 * after a server error or a failed exchange; a POST is not, since it may have created the issue
 * or comment and a second one would be the duplicate this feature exists to avoid.
 */
async function projectFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' || input instanceof URL ? input : input.url;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const method = (init.method ?? 'GET').toUpperCase();
  const request: HttpRequest = {
    url,
    method,
    headers,
    ...(typeof init.body === 'string' && { body: init.body }),
  };
  const response: HttpResponse =
    method === 'POST'
      ? await withRetry(
          DEFAULT_RETRY,
          () => httpRequest(request),
          (outcome) =>
            outcome.ok && rateLimited(outcome.value)
              ? (parseRetryAfter(outcome.value.headers['retry-after']) ?? 0)
              : null,
        )
      : await httpRequestWithRetry(DEFAULT_RETRY, request, (r) => rateLimited(r) || r.status >= 500);
  const out = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  const empty = response.status === 204 || response.status === 205 || response.status === 304;
  return new Response(empty ? null : response.text, { status: response.status, headers: out });
}

/**
 * GitHub's limits that are worth waiting for: 429, and the secondary limit's 403 with Retry-After.
 * An exhausted hourly quota (403, no Retry-After) would outlast any sensible wait.
 */
function rateLimited(response: HttpResponse): boolean {
  return (
    response.status === 429 || (response.status === 403 && response.headers['retry-after'] !== undefined)
  );
}

function githubFailed(error: unknown): PassgeniError {
  const status = (error as { status?: unknown }).status;
  const permission =
    status === 403 || status === 404
      ? ' The token may not write issues: give the job `permissions: { issues: write }` (and keep `contents: read`), or pass a token that can in github-token. Workflows run for pull requests from forks get a read-only token.'
      : '';
  return new PassgeniError(
    'GITHUB_ISSUES_FAILED',
    `open-issues: GitHub refused or failed the request${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${errorMessage(error).slice(0, 300)}.${permission}`,
  );
}

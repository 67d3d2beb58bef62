import type { Workload } from './types.js';

/**
 * `verify --require-workflow PATTERN`: does the certificate come from that workflow? The pattern
 * is matched against the workload's `job_workflow_ref` (the workflow file that actually ran the
 * job, a reusable one included) and `workflow_ref` (the calling workflow); either may match.
 * `*` matches any run of characters; a pattern without `@` ignores the ref, so
 * `acme/infra/.github/workflows/rotate.yml` accepts any branch and `…@refs/heads/main` only main.
 */
export function workflowMatches(pattern: string, workload: Workload | undefined): boolean {
  if (workload === undefined) return false;
  const glob = globRegExp(pattern);
  return [workload.job_workflow_ref, workload.workflow_ref].some((ref) => {
    if (ref === undefined) return false;
    return glob.test(pattern.includes('@') ? ref : ref.replace(/@[^@]*$/, ''));
  });
}

function globRegExp(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

/** One line for people: `acme/infra .github/workflows/rotate.yml@refs/heads/main, run 42 (attempt 1), environment prod`. */
export function describeWorkload(workload: Workload): string {
  const ref = workload.job_workflow_ref ?? workload.workflow_ref;
  const parts = [
    ref ?? workload.repository ?? 'unnamed workload',
    ...(workload.sha !== undefined ? [`commit ${workload.sha.slice(0, 12)}`] : []),
    ...(workload.run_id !== undefined
      ? [
          `run ${workload.run_id}${workload.run_attempt !== undefined ? ` (attempt ${workload.run_attempt})` : ''}`,
        ]
      : []),
    ...(workload.environment !== undefined ? [`environment ${workload.environment}`] : []),
  ];
  return `${parts.join(', ')} — vouched for by ${workload.issuer}`;
}

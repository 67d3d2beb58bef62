import { assertedClaims } from '../certificate/claims.js';
import { DAY_MS } from '../lib/time.js';
import type { VerifyReport } from '../verification.js';
import { withActionHint } from './hints.js';
import { syncCertificateIssue, type CertificateAttention, type IssueAction } from './github-issues.js';
import type { ActionRuntime } from './runtime.js';

/** Without min-days-remaining, a certificate this close to expiry gets an issue (not a failure). */
export const DEFAULT_ISSUE_DAYS = 30;

/**
 * What the verify action's issue says, or undefined when the certificate needs nothing: it holds
 * and has more than `days` left. Everything here is public (ids, URLs, labels, reasons).
 */
export function certificateAttention(
  report: VerifyReport,
  days: number,
  now: number,
): CertificateAttention | undefined {
  const certId = report.cert_id;
  if (certId === undefined) return undefined;
  const exp = report.claims ? report.claims.exp * 1000 : undefined;
  const rotateBy = report.claims?.rotate_by ? Date.parse(report.claims.rotate_by) : Number.NaN;
  // A certificate past its rotate_by no longer verifies, so the deadline is whichever comes first.
  const rotationFirst = Number.isFinite(rotateBy) && (exp === undefined || rotateBy < exp);
  const deadline = rotationFirst ? rotateBy : exp;
  let headline: string;
  if (!report.valid) {
    headline = report.reasons.some((r) => r.code === 'ROTATION_OVERDUE')
      ? 'is overdue for rotation'
      : report.status === 'valid'
        ? 'fails a required check'
        : `is ${report.status}`;
  } else if (deadline !== undefined && deadline - now < days * DAY_MS) {
    const left = Math.floor((deadline - now) / DAY_MS);
    const when = left === 0 ? 'within a day' : `in ${left} day${left === 1 ? '' : 's'}`;
    headline = rotationFirst ? `is due for rotation ${when}` : `expires ${when}`;
  } else {
    return undefined;
  }
  const claims = report.claims;
  const label = claims ? assertedClaims(claims).label : undefined;
  const link = report.cert_url ? `[${code(certId)}](${report.cert_url})` : code(certId);
  const facts = [
    `- Certificate: ${link}`,
    `- Status: ${report.status}${report.live ? '' : ' (offline check: no live status)'}`,
    ...(claims ? [`- Standard: ${code(claims.compliance_standard)}`] : []),
    ...(label ? [`- Label (client-asserted): ${code(label)}`] : []),
    ...(exp !== undefined ? [`- Expires: ${new Date(exp).toISOString()}`] : []),
    ...(claims?.rotate_by ? [`- Rotate by: ${claims.rotate_by}`] : []),
  ];
  const reasons = report.reasons.map((r) => `- ${r.code}: ${oneLine(withActionHint(r.message, r.hint))}`);
  return {
    certId,
    certUrl: report.cert_url,
    headline,
    name: label,
    details: [
      `The certificate ${headline}. Rotate the credential and re-certify it (\`passgeni rotate\` or the rotate action), then update what points at the certificate.`,
      facts.join('\n'),
      ...(reasons.length ? [`Reasons:\n${reasons.join('\n')}`] : []),
    ],
  };
}

export interface IssueInputs {
  githubToken: string | undefined;
  minDaysRemaining: number | undefined;
}

/** Opens, comments on or closes the certificate's issue, and says so in the log and outputs. */
export async function openIssueFor(
  report: VerifyReport,
  inputs: IssueInputs,
  runtime: ActionRuntime,
): Promise<IssueAction> {
  if (report.cert_id === undefined) {
    runtime.warning('open-issues: the certificate has no known id, so no issue can track it.');
    return { action: 'none' };
  }
  const env = runtime.env;
  const repository = env.GITHUB_REPOSITORY ?? '';
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const attention = certificateAttention(report, inputs.minDaysRemaining ?? DEFAULT_ISSUE_DAYS, Date.now());
  const done = await syncCertificateIssue(
    {
      token: inputs.githubToken ?? '',
      repository,
      apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
      runUrl: env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    },
    report.cert_id,
    attention,
  );
  if (done.action !== 'none') {
    runtime.info(`open-issues: ${done.action} issue #${done.number} (${done.url}).`);
    runtime.setOutput('issue-number', String(done.number));
    runtime.setOutput('issue-url', done.url);
  }
  return done;
}

/** In a code span, GitHub renders no mention, link or markup: a label cannot ping a team. */
function code(text: string): string {
  return `\`${oneLine(text).replace(/`/g, "'")}\``;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

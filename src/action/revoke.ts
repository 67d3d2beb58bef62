import { InputError } from '../errors.js';
import type { CertificateStatusResponse } from '../issuer-client/types.js';
import { parseCertificateUrl } from '../issuer-client/public.js';
import { Inputs } from './inputs.js';
import { issuerBearer, openHttpIssuer } from './issuer.js';
import type { ActionRuntime } from './runtime.js';
import { actionMain, runStep, type Failed } from './step.js';
import { heading, table } from './summary.js';

/**
 * The revoke action (actions/revoke/action.yml). Revocation is non-destructive and idempotent at
 * the issuer: the record stays, its status becomes revoked, and revoking again answers with the
 * first revocation.
 */
export interface RevokeInputs {
  certificate: string;
  reason: string;
  issuerUrl?: string;
  /** Absent: the job's OIDC token is used (keyless). */
  apiKey: string | undefined;
  oidcAudience: string | undefined;
  showSummary: boolean;
}

export type RevokeOutcome = { ok: true; record: CertificateStatusResponse } | Failed;

export function readRevokeInputs(env: NodeJS.ProcessEnv): RevokeInputs {
  const inputs = new Inputs(env);
  const issuerUrl = inputs.string('issuer-url', { maxLength: 2048 });
  return {
    certificate: inputs.required('certificate', { maxLength: 2048 }),
    reason: inputs.required('reason', { maxLength: 200 }),
    apiKey: inputs.string('api-key', { maxLength: 4096 }),
    oidcAudience: inputs.string('oidc-audience', { maxLength: 2048 }),
    showSummary: inputs.boolean('show-summary', true),
    ...(issuerUrl !== undefined && { issuerUrl }),
  };
}

export async function run(
  inputs: RevokeInputs,
  { runtime }: { runtime: ActionRuntime },
): Promise<RevokeOutcome> {
  return runStep(runtime, [inputs.apiKey], async () => {
    const fromUrl = parseCertificateUrl(inputs.certificate);
    const id = fromUrl?.id ?? inputs.certificate;
    const issuerUrl = inputs.issuerUrl ?? fromUrl?.base;
    if (issuerUrl === undefined) {
      throw new InputError(
        'ISSUER_REQUIRED',
        "Revoking a certificate by id needs the issuer: set the issuer-url input, or give the certificate URL (…/cert/<id>) as 'certificate'.",
      );
    }
    const bearer = await issuerBearer({ ...inputs, issuerUrl }, runtime);
    const issuer = openHttpIssuer(issuerUrl, bearer, runtime);
    let record: CertificateStatusResponse;
    try {
      record = await issuer.revokeCertificate(id, inputs.reason);
    } finally {
      await issuer.close();
    }
    const certId = record.claims.jti;
    runtime.setOutput('status', record.status);
    runtime.setOutput('revoked-at', record.revoked_at ?? '');
    runtime.setOutput('revocation-reason', record.revocation_reason ?? '');
    runtime.setOutput('cert-id', certId);
    if (record.revocation_reason !== undefined && record.revocation_reason !== inputs.reason) {
      runtime.notice(
        `Certificate ${certId} was already revoked on ${record.revoked_at ?? 'an earlier date'} (reason ${record.revocation_reason}); that revocation stands.`,
      );
    } else {
      runtime.info(
        `Revoked certificate ${certId}${record.revoked_at ? ` at ${record.revoked_at}` : ''} (reason ${inputs.reason}).`,
      );
    }
    if (inputs.showSummary) {
      runtime.appendSummary(
        heading('PassGeni certificate revoked') +
          table([
            [
              'Certificate',
              fromUrl ? { text: certId, href: inputs.certificate, code: true } : { text: certId, code: true },
            ],
            ['Status', record.status],
            ['Revoked at', record.revoked_at ?? ''],
            ['Reason', record.revocation_reason ?? inputs.reason],
          ]),
      );
    }
    return { ok: true as const, record };
  });
}

export const main = actionMain(readRevokeInputs, run);

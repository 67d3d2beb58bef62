import type { Command } from 'commander';
import { openIssuerClient } from '../../issuer-client/index.js';
import { parseCertificateUrl } from '../../issuer-client/public.js';
import { addIssuerOptions, issuerSelection, type IssuerCliOptions } from '../issuer-options.js';
import { printJson, printText } from '../output.js';
import { runCommand } from '../run-command.js';
import { VERSION } from '../../version.js';

interface RevokeOptions extends IssuerCliOptions {
  reason: string;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('revoke')
    .description('Revoke a certificate. Non-destructive: the record stays, its status becomes revoked.')
    .argument('<certificate>', 'certificate id or URL')
    .requiredOption('-r, --reason <reason>', 'why, e.g. rotated, compromised, decommissioned, not-stored');
  addIssuerOptions(command)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nA certificate URL selects its own issuer unless --issuer-url is given. Exit codes: 0 revoked, 2 bad input, 3 issuer failure.',
    )
    .action(runCommand((certificate: string, options: RevokeOptions) => revoke(certificate, options)));
}

async function revoke(input: string, options: RevokeOptions): Promise<number> {
  const fromUrl = parseCertificateUrl(input);
  const selection = issuerSelection(options);
  if (fromUrl && !selection.issuerUrl) selection.issuerUrl = fromUrl.base;
  const issuer = await openIssuerClient({
    ...selection,
    userAgent: `passgeni-cli/${VERSION}`,
    existingOnly: true,
  });
  try {
    const record = await issuer.revokeCertificate(fromUrl?.id ?? input.trim(), options.reason);
    if (options.json) {
      printJson({
        cert_id: record.claims.jti,
        status: record.status,
        revoked_at: record.revoked_at,
        revocation_reason: record.revocation_reason,
      });
    } else {
      printText(
        `Revoked ${record.claims.jti}${record.revoked_at ? ` at ${record.revoked_at}` : ''} (reason: ${record.revocation_reason ?? options.reason}).`,
      );
    }
    return 0;
  } finally {
    await issuer.close();
  }
}

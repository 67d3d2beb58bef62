import type { Command } from 'commander';
import { openIssuerClient } from '../../issuer-client/index.js';
import { parseCertificateUrl } from '../../issuer-client/public.js';
import { addIssuerOptions, issuerSelection, type IssuerCliOptions } from '../issuer-options.js';
import { printJson, printText } from '../output.js';
import { runCommand } from '../run-command.js';
import { VERSION } from '../../version.js';

interface ActivateOptions extends IssuerCliOptions {
  json?: boolean;
}

/**
 * `passgeni activate`: the step a certify run does itself once a store holds the credential, by
 * hand, for a run that stored the credential but could not reach the issuer afterwards
 * (ACTIVATION_FAILED). Only for a credential you have checked is in its store.
 */
export function register(program: Command): void {
  const command = program
    .command('activate')
    .description(
      'Activate a pending certificate once its credential is confirmed stored (after a certify run failed with ACTIVATION_FAILED).',
    )
    .argument('<certificate>', 'certificate id or URL');
  addIssuerOptions(command)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nA certificate URL selects its own issuer unless --issuer-url is given. Activating an active certificate changes nothing. Exit codes: 0 active, 2 bad input, 3 issuer failure or refusal (revoked, past its activation deadline).',
    )
    .action(runCommand((certificate: string, options: ActivateOptions) => activate(certificate, options)));
}

async function activate(input: string, options: ActivateOptions): Promise<number> {
  const fromUrl = parseCertificateUrl(input);
  const selection = issuerSelection(options);
  if (fromUrl && !selection.issuerUrl) selection.issuerUrl = fromUrl.base;
  const issuer = await openIssuerClient({ ...selection, userAgent: `passgeni-cli/${VERSION}` });
  try {
    const record = await issuer.activateCertificate(fromUrl?.id ?? input.trim());
    if (options.json) {
      printJson({ cert_id: record.claims.jti, status: record.status });
    } else {
      printText(`Certificate ${record.claims.jti} is ${record.status}.`);
    }
    return 0;
  } finally {
    await issuer.close();
  }
}

import { Option, type Command } from 'commander';
import type { CertificateSummary } from '../../issuer-client/index.js';
import { addIssuerOptions, type IssuerCliOptions } from '../issuer-options.js';
import {
  REGISTRY_FORMATS,
  parsePageSize,
  printListing,
  type Column,
  type RegistryFormat,
} from '../registry-output.js';
import { runCommand } from '../run-command.js';

interface ListOptions extends IssuerCliOptions {
  team?: string;
  status?: string;
  standard?: string;
  since?: string;
  format: RegistryFormat;
  json?: boolean;
  pageSize?: string;
}

const COLUMNS: Array<Column<CertificateSummary>> = [
  { header: 'cert_id', value: (c) => c.cert_id },
  { header: 'team', value: (c) => c.team ?? '' },
  { header: 'status', value: (c) => c.status },
  { header: 'standard', value: (c) => c.compliance_standard },
  { header: 'label', value: (c) => c.label ?? '' },
  { header: 'issued_at', value: (c) => c.issued_at },
  { header: 'expires_at', value: (c) => c.expires_at },
  { header: 'revoked_at', value: (c) => c.revoked_at ?? '' },
  { header: 'revocation_reason', value: (c) => c.revocation_reason ?? '' },
  { header: 'cert_url', value: (c) => c.cert_url },
];

/** `passgeni certificates list`: the issuer's registry, every page of GET /api/v1/certificates. */
export function register(program: Command): void {
  const certificates = program
    .command('certificates')
    .description("Read the issuer's registry of certificates.");
  const list = certificates
    .command('list')
    .description(
      "List the certificates an issuer issued, newest first: your team's, or with an admin key every team's.",
    )
    .option('--team <name>', "only this team (another team's needs an admin key)")
    .addOption(
      new Option('--status <status>', 'only certificates in this status').choices([
        'valid',
        'pending',
        'expired',
        'revoked',
      ]),
    )
    .option('--standard <id>', 'only certificates issued to this standard, e.g. HIPAA')
    .option('--since <date>', 'only certificates issued at or after this date or time (2025-01-31, ISO 8601)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...REGISTRY_FORMATS]).default('text'),
    )
    .option('--json', 'same as --format json, and errors as JSON')
    .option('--page-size <n>', 'certificates per request to the issuer (1-200, default 50)');
  addIssuerOptions(list)
    .addHelpText(
      'after',
      `
Examples:
  passgeni certificates list --issuer-url https://certs.example.com --api-key - < key.txt --format csv > registry.csv
  passgeni certificates list --status revoked --since 2025-01-01 --format md
  passgeni certificates list --data-dir ./.passgeni --format json     (the local issuer: every team)

Exit codes: 0 listed, 2 bad input (dates, options, a key that may not read that team), 3 issuer failure.`,
    )
    .action(runCommand((options: ListOptions) => listCertificates(options)));
}

async function listCertificates(options: ListOptions): Promise<number> {
  const limit = parsePageSize(options.pageSize);
  return printListing(options, 'certificates', COLUMNS, async (issuer, cursor) => {
    const page = await issuer.listCertificates({
      ...(options.team !== undefined && { team: options.team }),
      ...(options.status !== undefined && { status: options.status }),
      ...(options.standard !== undefined && { standard: options.standard }),
      ...(options.since !== undefined && { since: options.since }),
      ...(limit !== undefined && { limit }),
      ...(cursor !== undefined && { cursor }),
    });
    return { rows: page.certificates, cursor: page.next_cursor };
  });
}

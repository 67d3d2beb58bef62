import { Option, type Command } from 'commander';
import type { AuditTrailEvent } from '../../issuer-client/index.js';
import { addIssuerOptions, type IssuerCliOptions } from '../issuer-options.js';
import {
  REGISTRY_FORMATS,
  collect,
  parsePageSize,
  printListing,
  type Column,
  type RegistryFormat,
} from '../registry-output.js';
import { runCommand } from '../run-command.js';

interface EventsOptions extends IssuerCliOptions {
  team?: string;
  type?: string[];
  since?: string;
  until?: string;
  format: RegistryFormat;
  json?: boolean;
  pageSize?: string;
}

const COLUMNS: Array<Column<AuditTrailEvent>> = [
  { header: 'at', value: (e) => e.at },
  { header: 'type', value: (e) => e.type },
  { header: 'team', value: (e) => e.team ?? '' },
  { header: 'api_key_id', value: (e) => e.api_key_id ?? '' },
  { header: 'ip', value: (e) => e.ip ?? '' },
  { header: 'cert_id', value: (e) => e.cert_id ?? '' },
  { header: 'count', value: (e) => String(e.count) },
  { header: 'detail', value: (e) => (Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : '') },
  { header: 'id', value: (e) => e.id },
];

/** `passgeni events`: the issuer's audit trail, every page of GET /api/v1/events. */
export function register(program: Command): void {
  const command = program
    .command('events')
    .description(
      "The issuer's audit trail, newest first: who issued, looked at, revoked what, refused and flagged requests. Your team's, or with an admin key every team's.",
    )
    .option('--team <name>', "only this team (another team's needs an admin key)")
    .option(
      '--type <type>',
      'only these event types, e.g. certificate.issued,certificate.revoked (repeat or comma-separate)',
      collect,
    )
    .option('--since <date>', 'events at or after this date or time (2025-01-31, ISO 8601)')
    .option('--until <date>', 'events before this date or time')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...REGISTRY_FORMATS]).default('text'),
    )
    .option('--json', 'same as --format json, and errors as JSON')
    .option('--page-size <n>', 'events per request to the issuer (1-200, default 50)');
  addIssuerOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  passgeni events --issuer-url https://certs.example.com --api-key - < admin-key.txt --since 2025-01-01 --format csv > trail.csv
  passgeni events --type team.flagged,rate_limited --format md
  passgeni events --team payments --type certificate.revoked --format json

Exit codes: 0 listed, 2 bad input (dates, options, a key that may not read that team), 3 issuer failure.`,
    )
    .action(runCommand((options: EventsOptions) => listEvents(options)));
}

async function listEvents(options: EventsOptions): Promise<number> {
  const limit = parsePageSize(options.pageSize);
  const types = (options.type ?? [])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return printListing(options, 'events', COLUMNS, async (issuer, cursor) => {
    const page = await issuer.listEvents({
      ...(options.team !== undefined && { team: options.team }),
      ...(types.length > 0 && { types }),
      ...(options.since !== undefined && { since: options.since }),
      ...(options.until !== undefined && { until: options.until }),
      ...(limit !== undefined && { limit }),
      ...(cursor !== undefined && { cursor }),
    });
    return { rows: page.events, cursor: page.next_cursor };
  });
}

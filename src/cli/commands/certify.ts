import type { Command } from 'commander';
import { openStore } from '../../../adapters/index.js';
import {
  certifyAndStore,
  type CertifyReport,
  type CertifyRequest,
  type ProgressEvent,
} from '../../engine.js';
import { openIssuerClient } from '../../issuer-client/index.js';
import { addIssuerOptions, issuerSelection, type IssuerCliOptions } from '../issuer-options.js';
import { collect, parseClassList, parsePositiveInt } from '../parse.js';
import { printJson, printNotice, printText } from '../output.js';
import { runCommand } from '../run-command.js';
import { VERSION } from '../../version.js';

/** The flags are named as the engine's request fields, so the options are the request. */
interface CertifyOptions extends IssuerCliOptions, Omit<CertifyRequest, 'stores'> {
  store: string[];
  outputCredential?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('certify')
    .description(
      'Generate a credential, get a compliance certificate for it, and write it to your secrets manager(s).',
    )
    .requiredOption('-s, --standard <standard>', 'standard to certify to (see `passgeni standards`)')
    .requiredOption(
      '--store <uri>',
      'where to write it; repeat for several (aws-sm://, vault://, doppler://, k8s://, file://, gh://, gcp-sm://, azure-kv://)',
      collect,
      [],
    )
    .option(
      '--kind <kind>',
      'service (a machine uses it: database, API, service account; the default) or user (a person logs in with it)',
    )
    .option(
      '--rotate-every-days <n>',
      "your rotation period in days, from your targeted risk analysis (never longer than the standard's period for the kind)",
      parsePositiveInt,
    )
    .option('-l, --length <n>', "length (default: the standard's default length)", parsePositiveInt)
    .option('-x, --exclude <chars>', 'characters the target system rejects')
    .option('--symbols <set>', 'use this set of punctuation characters instead of all 32')
    .option(
      '--classes <list>',
      'character classes to include: upper,lower,digit,special (default: all)',
      parseClassList,
    )
    .option(
      '--label <label>',
      'a label recorded in the certificate, e.g. prod/db/admin (certificates are public)',
    )
    .option(
      '--bind',
      'bind the certificate to the credential with a scrypt digest (verify with --credential-from)',
    )
    .option('--output-credential', 'also print the credential (off by default: it goes only to the stores)')
    .option('--require-fips-mode', 'fail unless Node.js runs with OpenSSL in FIPS mode')
    .option(
      '--target <uri>',
      'also set the credential on the system that checks it: postgresql://ADMIN@HOST:PORT/DB#ROLE (docs/rotation.md)',
    )
    .option(
      '--strategy <strategy>',
      'alternating: the target names two accounts (#app_a,app_b); rotate the one not in use and store {"username","password"}',
    )
    .option(
      '--target-credential-from <store-uri>',
      "read the target admin's password from this store (when not in the URI or the environment)",
    )
    .option(
      '--wait-for-log',
      "wait (up to 3 s) for a remote issuer to log the certificate, and record its log index in file stores' sidecars (the local issuer's is recorded anyway)",
    );
  addIssuerOptions(command)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Without --issuer-url the local issuer runs in-process on --data-dir (default ./.passgeni), and
\`passgeni serve\` on the same directory publishes its certificates.

Examples:
  passgeni certify --standard HIPAA --store file://./secrets.env#DB_PASSWORD
  passgeni certify --standard SOC2 --store file://./app.env#DB_PASSWORD \
    --target postgresql://rotator@db.internal:5432/app?sslmode=verify-full#app
  passgeni certify --standard PCI-DSS --store aws-sm://prod/db#password --store vault://secret/prod/db#password \\
    --issuer-url https://certs.example.com --label prod/db/admin --bind

FIPS-140-3 is certified only from a runtime with OpenSSL in FIPS mode (node --enable-fips with a
validated FIPS provider configured); elsewhere it exits 2. See docs/standards.md.

Exit codes: 0 stored and certified, 2 bad input (nothing was done), 3 issuer or store failure (the
message says exactly which stores hold the new credential).`,
    )
    .action(runCommand((options: CertifyOptions) => certify(options)));
}

async function certify(options: CertifyOptions): Promise<number> {
  const issuer = await openIssuerClient({
    ...issuerSelection(options),
    userAgent: `passgeni-cli/${VERSION}`,
  });
  try {
    // the engine reads only its request's fields
    const report = await certifyAndStore(
      { ...options, stores: options.store },
      {
        issuer,
        openStore: (uri) => openStore(uri),
        ...(process.stderr.isTTY && !options.json && { onProgress: showProgress }),
      },
    );
    print(report, options);
    return 0;
  } finally {
    await issuer.close();
  }
}

function showProgress(event: ProgressEvent): void {
  switch (event.step) {
    case 'policy':
      printNotice(`· ${event.standard}: ${event.length} characters, ${event.entropyBits} bits`);
      break;
    case 'session':
      printNotice(`· asking ${event.issuer} for a certificate (parameters only)`);
      break;
    case 'certificate':
      printNotice(`· certificate ${event.certId}`);
      break;
    case 'store':
      printNotice(
        `· ${event.ok ? 'stored in' : 'FAILED'} ${event.store}${event.version ? ` (version ${event.version})` : ''}`,
      );
      break;
    case 'target':
      printNotice(`· set on ${event.target} and logged in as ${event.account}`);
      break;
    case 'activated':
      printNotice(`· activated ${event.certId} (a store holds the credential)`);
      break;
    case 'revoked':
      printNotice(`· revoked ${event.certId} (${event.reason})`);
      break;
  }
}

function print(report: CertifyReport, options: CertifyOptions): void {
  const { credential, ...rest } = report;
  if (options.json) {
    printJson({ ...rest, ...(options.outputCredential && { credential }) });
    return;
  }
  printText(
    [
      `Certified and stored: ${report.compliance_standard}, ${report.entropy_bits} bits`,
      `  certificate   ${report.cert_url}`,
      `  standards met ${report.standards_met.join(', ')}`,
      `  expires       ${report.expires_at}`,
      ...report.stored.flatMap((s) => [
        `  stored in     ${s.store}${s.version ? ` (version ${s.version})` : ''}`,
        ...(s.notice ? [`  note          ${s.notice}`] : []),
      ]),
      ...(report.log
        ? [
            `  logged at     index ${report.log.leaf_index} of the issuer's log (checkpoint of size ${report.log.tree_size})`,
          ]
        : []),
      ...(report.warnings ?? []).map((w) => `  warning       ${w}`),
      ...(options.outputCredential ? [`  credential    ${credential}`] : []),
    ].join('\n'),
  );
}

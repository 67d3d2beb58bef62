import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { openStore } from '../../../adapters/index.js';
import { assertedClaims } from '../../certificate/claims.js';
import { describeWorkload, loadJwks, type CertificateClaims } from '../../certificate/index.js';
import { openIssuerClient, type IssuerClient } from '../../issuer-client/index.js';
import { isIdAnyCase } from '../../lib/ids.js';
import { resolveStandard } from '../../policy/index.js';
import { InputError } from '../../errors.js';
import { DEFAULT_LOCAL_PUBLIC_URL } from '../../issuer-client/local.js';
import { configuredAnchors, localAnchor, TrustStore } from '../../trust/index.js';
import type { AttestationCheck } from '../../attestation.js';
import { describeLogOutcome } from '../../trust/transparency.js';
import { addLogOptions, logRequirementOf, type LogCliOptions } from '../log-options.js';
import { verifyCertificate, type TrustDecision, type VerifyReport } from '../../verification.js';
import { withCliHint } from '../hints.js';
import { addIssuerOptions, issuerSelection, type IssuerCliOptions } from '../issuer-options.js';
import { printJson, printText } from '../output.js';
import { collect, parseNonNegativeInt } from '../parse.js';
import { runCommand } from '../run-command.js';

interface VerifyOptions extends IssuerCliOptions, LogCliOptions {
  jwks?: string;
  issuer?: string;
  requireStandard?: string;
  minDaysRemaining?: number;
  requireWorkflow?: string;
  attestation?: string;
  attestationTrustedRoot?: string;
  credentialFrom?: string;
  trust: string[];
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('verify')
    .description(
      'Verify a compliance certificate: ES256 signature, claims, expiry, live revocation status and, optionally, that a stored credential is the certified one.',
    )
    .argument(
      '<certificate>',
      'a certificate URL (…/cert/<id>), a certificate id, a JWT, or a file holding the JWT',
    )
    .option('--jwks <file|url>', "the issuer's public keys (default: fetched from the issuer)")
    .option('--issuer <iss>', 'require this issuer id (the `iss` claim)')
    .option(
      '--trust <issuer=jwks>',
      'trust this issuer: ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST names a file of such lines)',
      collect,
      [],
    )
    .option('--require-standard <standard>', 'require this standard among standards_met')
    .option(
      '--require-workflow <pattern>',
      'require the certificate to come from this CI workflow (its workload claim), e.g. acme/infra/.github/workflows/rotate.yml@refs/heads/main; * matches anything',
    )
    .option(
      '--attestation <bundle-file|auto>',
      "also verify a Sigstore attestation of the certificate (signature, Rekor inclusion, signed by the workflow its workload names); auto: fetch it from GitHub's attestations API (token from GITHUB_TOKEN or GH_TOKEN)",
    )
    .option(
      '--attestation-trusted-root <file>',
      'the Sigstore trusted_root.json to verify --attestation against (`gh attestation trusted-root`)',
    )
    .option('--min-days-remaining <n>', 'require at least this many days before expiry', parseNonNegativeInt)
    .option(
      '--credential-from <store-uri>',
      'check that the credential in this store is the one the certificate is bound to',
    );
  addLogOptions(command);
  addIssuerOptions(command)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
With --trust (or PASSGENI_TRUST), a certificate is valid only from a trusted issuer: a URL must be
under its base, the \`iss\` must be its id, and the signature must verify with its pinned keys
(UNTRUSTED_ISSUER, ISSUER_MISMATCH otherwise). Without, a URL is checked against its own host's
keys for this call only, and the output says so: anyone who controls that host could make it pass.
A JWT with --jwks is verified fully offline (no revocation status). --require-log (or --log-key)
also checks the certificate's inclusion proof in the issuer's transparency log against a checkpoint
whose signature verifies (docs/transparency.md); --require-timestamp --tsa-cert FILE also checks that
checkpoint's RFC 3161 timestamp against the pinned TSA certificate. A certificate id is looked up
at --issuer-url, or in the local issuer's --data-dir. \`passgeni trust <issuer-url>\` prints the
line to pin an issuer.

Exit codes: 0 valid, 1 not valid (every reason is printed), 2 bad input, 3 issuer unreachable.`,
    )
    .action(runCommand((certificate: string, options: VerifyOptions) => verify(certificate, options)));
}

async function verify(input: string, options: VerifyOptions): Promise<number> {
  const certificate = readCertificateArgument(input);
  const selection = issuerSelection(options);
  const issuerUrl = selection.issuerUrl && selection.issuerUrl !== 'local' ? selection.issuerUrl : undefined;
  // The local issuer is opened only when asked for by id (or explicitly), never as a side effect
  // of an auditor verifying a JWT offline.
  const useLocal =
    !issuerUrl && !options.jwks && (isIdAnyCase(certificate) || selection.issuerUrl === 'local');
  // A malformed pair is a usage error before anything is fetched.
  const anchors = configuredAnchors(options.trust);
  let local: IssuerClient | undefined;
  try {
    if (useLocal) {
      local = await openIssuerClient({ ...selection, issuerUrl: 'local', existingOnly: true });
      anchors.unshift(localAnchor(local, selection.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL));
    }
    const report = await verifyCertificate({
      certificate,
      issuerBase: issuerUrl,
      issuer: local,
      // The local issuer alone is not "trust configured": it is trusted with its own keys either way.
      trust: anchors.length > (local ? 1 : 0) ? new TrustStore(anchors) : undefined,
      jwks: options.jwks === undefined ? undefined : await loadJwks(options.jwks),
      issuerId: options.issuer,
      checks: {
        requireStandard:
          options.requireStandard === undefined ? undefined : resolveStandard(options.requireStandard).id,
        minDaysRemaining: options.minDaysRemaining,
      },
      requireWorkflow: options.requireWorkflow,
      credentialFrom:
        options.credentialFrom === undefined ? undefined : await openStore(options.credentialFrom),
      log: logRequirementOf(options),
    });
    const attestation = await checkAttestation(report, certificate, options);
    const valid = report.valid && (attestation?.valid ?? true);
    // JSON is the report as data (a reason's hint included); the text words hints as flags.
    if (options.json) printJson(attestation ? { ...report, valid, attestation } : report);
    else printText(describe(report) + (attestation ? `\n${describeAttestation(attestation)}` : ''));
    return valid ? 0 : 1;
  } finally {
    await local?.close();
  }
}

/** Anything that is not a URL, an id or a JWT is read as a file holding the JWT. */
function readCertificateArgument(input: string): string {
  const trimmed = input.trim();
  if (/^https?:\/\//.test(trimmed) || isIdAnyCase(trimmed) || /^[\w-]+\.[\w-]+\.[\w-]*$/.test(trimmed))
    return trimmed;
  if (existsSync(trimmed)) return readCertificateFile(trimmed);
  return trimmed; // verifyCertificate explains what shapes it accepts
}

/** A certificate is about 1.5 KB; a far larger file is not one, and is not read into memory. */
const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

function readCertificateFile(path: string): string {
  const unreadable = (why: string) =>
    new InputError(
      'CERTIFICATE_FILE_UNREADABLE',
      `Cannot read the certificate from ${JSON.stringify(path)}: ${why}. Give a certificate URL, id or JWT, or a file holding the JWT.`,
    );
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw unreadable('it is a directory');
    if (stat.size > MAX_CERTIFICATE_FILE_BYTES)
      throw unreadable(`it is ${stat.size} bytes, far larger than a certificate`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable((error as NodeJS.ErrnoException).code ?? 'it could not be read');
  }
  return text.trim();
}

function describe(report: VerifyReport): string {
  // "NOT VALID (valid)" read as a contradiction: say which part held and which did not
  const head = report.valid
    ? 'VALID'
    : report.status === 'valid'
      ? 'NOT VALID (the certificate itself is valid; a check below failed)'
      : `NOT VALID (${report.status})`;
  const lines = [head, ...report.reasons.map((r) => `  - ${withCliHint(r.message, r.hint)} [${r.code}]`)];
  for (const w of report.warnings ?? []) lines.push(`  ! ${w.message} [${w.code}]`);
  const c = report.claims;
  if (c && typeof (c as { entropy_source?: unknown }).entropy_source === 'string') {
    // a hosted PassGeni certificate: its own claim set (docs/protocol.md)
    const hosted = c as unknown as { char_pool_size: number; entropy_source: string; email?: string };
    lines.push(
      `  certificate   ${report.cert_url ?? c.jti}`,
      `  issuer        ${c.iss} (hosted PassGeni, claim set ${String(c.cert_version)})`,
      `  standard      ${c.compliance_standard}`,
      `  standards met ${c.standards_met.join(', ')}`,
      `  entropy       ${c.entropy_bits} bits, ${c.generation_params.length} characters from a pool of ${hosted.char_pool_size}`,
      `  issued at     ${new Date(c.iat * 1000).toISOString()}`,
      `  expires       ${new Date(c.exp * 1000).toISOString()}`,
      `  entropy from  ${hosted.entropy_source}`,
    );
  } else if (c) {
    const said = assertedClaims(c);
    const source = said.entropy_source;
    lines.push(
      `  certificate   ${report.cert_url ?? c.jti}`,
      `  issuer        ${c.iss}`,
      '  verified by the issuer (from the generation parameters):',
      `  standard      ${c.compliance_standard}`,
      `  kind          ${c.cert_version === 2 ? c.credential_kind : 'not recorded (version 1 certificate)'}`,
      `  standards met ${c.standards_met.join(', ')}`,
      `  entropy       ${c.entropy_bits} bits, ${c.generation_params.length} characters from a pool of ${c.generation_params.char_pool_size}`,
      `  expires       ${new Date(c.exp * 1000).toISOString()}`,
      ...(c.rotate_by ? [`  rotate by     ${c.rotate_by}${rotationBasis(c)}`] : []),
      ...(c.cert_version === 2 && c.workload ? [`  workload      ${describeWorkload(c.workload)}`] : []),
      `  asserted by the client (recorded, not verified${c.cert_version === 1 ? '; version 1 certificate' : ''}):`,
      `  generated at  ${said.generated_at}`,
      `  FIPS mode     ${source.fips_mode ? 'yes' : 'no'} (${source.api}, ${source.runtime}, OpenSSL ${source.openssl}${source.fips_provider ? `, provider ${source.fips_provider.name} ${source.fips_provider.version}` : ''})`,
      ...(said.label !== undefined ? [`  label         ${said.label}`] : []),
      ...(said.credential_binding
        ? ['  binding       present (a commitment: checked only with --credential-from)']
        : []),
    );
  }
  lines.push(
    report.live
      ? `  status        ${report.status} (checked with the issuer)`
      : report.trust === undefined
        ? '  status        not checked: the certificate was refused before any key or status was read'
        : '  status        not checked with the issuer (offline verification: signature and claims only)',
  );
  if (report.binding !== 'not-checked') lines.push(`  binding       ${report.binding}`);
  if (report.trust) lines.push(`  trust         ${describeTrust(report.trust)}`);
  if (report.log) lines.push(`  log           ${describeLogOutcome(report.log)}`);
  return lines.join('\n');
}

function rotationBasis(c: CertificateClaims): string {
  if (c.cert_version !== 2 || c.rotation_basis === undefined) return '';
  return c.rotation_basis === 'risk-analysis'
    ? " (the user's risk analysis)"
    : ` (the standard's clause for ${c.credential_kind} credentials)`;
}

function describeTrust(trust: TrustDecision): string {
  switch (trust.source) {
    case 'configured':
      return `${trust.issuer} (a configured trusted issuer)`;
    case 'local':
      return "the local issuer's own keys";
    case 'jwks-option':
      return 'the keys given with --jwks';
    case 'issuer-url':
      return `the keys of --issuer-url ${trust.issuer} (no --trust configured: its issuer id is not pinned)`;
    case 'url':
      return `taken from the certificate URL's host ${trust.issuer} (no --trust configured): anyone who controls that host could make this pass`;
  }
}

/** `--attestation`: the Sigstore bundle checked against the certificate (src/attestation.ts). */
async function checkAttestation(
  report: VerifyReport,
  certificate: string,
  options: VerifyOptions,
): Promise<AttestationCheck | undefined> {
  if (options.attestation === undefined) return undefined;
  if (options.attestationTrustedRoot === undefined) {
    throw new InputError(
      'INPUT_REQUIRED',
      '--attestation needs --attestation-trusted-root FILE: the Sigstore trusted_root.json to check it against (`gh attestation trusted-root > trusted_root.json`).',
    );
  }
  const trustedRoot = readJsonFile(options.attestationTrustedRoot, '--attestation-trusted-root');
  const bundle =
    options.attestation === 'auto' ? undefined : readJsonFile(options.attestation, '--attestation');
  const jwt = report.claims && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(certificate) ? certificate : undefined;
  if (report.claims === undefined || jwt === undefined) {
    return {
      valid: false,
      reasons: [
        {
          code: 'ATTESTATION_NEEDS_JWT',
          message:
            'An attestation is checked against the certificate JWT itself (its SHA-256): give the JWT or a file holding it, with a certificate that verifies.',
        },
      ],
    };
  }
  const { verifyAttestation } = await import('../../attestation.js');
  if (bundle !== undefined) return verifyAttestation({ jwt, claims: report.claims, bundle, trustedRoot });
  const claims = report.claims;
  const { fetchAttestationBundles } = await import('../../attestation-github.js');
  const lookup = await fetchAttestationBundles({
    jwt,
    repository: claims.cert_version === 2 ? claims.workload?.repository : undefined,
    env: process.env,
  });
  if (!lookup.found) return { valid: false, reasons: [{ code: lookup.code, message: lookup.message }] };
  // A re-run job attests the same certificate again: any one bundle that holds is enough.
  let first: AttestationCheck | undefined;
  for (const candidate of lookup.bundles) {
    const check = await verifyAttestation({ jwt, claims, bundle: candidate, trustedRoot });
    if (check.valid) return { ...check, source: lookup.url };
    first ??= check;
  }
  return { ...first!, source: lookup.url };
}

function readJsonFile(path: string, flag: string): unknown {
  try {
    const stat = statSync(path);
    if (stat.size > MAX_CERTIFICATE_FILE_BYTES * 8) throw new Error('too large');
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    throw new InputError(
      'ATTESTATION_FILE_UNREADABLE',
      `${flag} ${JSON.stringify(path)} is not a readable JSON file.`,
    );
  }
}

function describeAttestation(check: AttestationCheck): string {
  if (!check.valid) {
    return ['ATTESTATION NOT VALID', ...check.reasons.map((r) => `  - ${r.message} [${r.code}]`)].join('\n');
  }
  return [
    'ATTESTATION VALID',
    `  signed by     ${check.signer?.subject_alternative_name ?? '?'} (OIDC issuer ${check.signer?.issuer ?? '?'})`,
    ...(check.tlog
      ? [
          `  logged        Rekor entry ${check.tlog.log_index}${check.tlog.integrated_time ? ` at ${check.tlog.integrated_time}` : ''}`,
        ]
      : []),
    ...(check.source ? [`  fetched from  ${check.source}`] : []),
  ].join('\n');
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { SIGNING_KEY_ENV } from '../../certificate/index.js';
import { InputError } from '../../errors.js';
import type { Issuer, IssuerLogger, RunningServer } from '../../issuer/index.js';
import { issuerStorage, nonEmpty } from '../issuer-options.js';
import { collect } from '../parse.js';
import { printJsonLine, printNotice } from '../output.js';
import { runCommand } from '../run-command.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  issuerId?: string;
  keyFile?: string;
  rotateKey?: boolean;
  trustProxy?: string;
  // these have defaults, so commander always sets them
  certDays: number;
  auditRetentionDays: number;
  activationTimeout: number;
  ipCertLimit: number;
  keyMinuteLimit: number;
  keyBurst: number;
  keyRefill: number;
  flagThreshold: number;
  metricsToken?: string;
  poolSize?: number;
  // repeatable, default []
  trustOidc: string[];
  oidcAudience?: string;
  oidcPolicy: string[];
  logKeyFile?: string;
  logWitness: string[];
  tsaUrl?: string;
  logLevel: string;
  json?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the certificate authority (issuer) over HTTP: sessions, certificates, revocation, JWKS.',
    )
    .option('--port <port>', 'port to listen on', parsePort, 8787)
    .option(
      '--host <address>',
      'address to listen on (0.0.0.0 for every interface, e.g. in a container)',
      '127.0.0.1',
    )
    .option(
      '--data-dir <dir>',
      'data directory: embedded database and generated key (env PASSGENI_DATA_DIR; default ./.passgeni)',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL instead of the embedded database, for several replicas (env DATABASE_URL)',
    )
    .option(
      '--public-url <url>',
      'URL certificates are published under (env PASSGENI_PUBLIC_URL; default http://<host>:<port>)',
    )
    .option(
      '--issuer-id <id>',
      'the iss claim of certificates: an https URL you control or a URN (env PASSGENI_ISSUER_ID; default: a URN derived from the first signing key, urn:ietf:params:oauth:jwk-thumbprint:sha-256:<kid>)',
    )
    .option(
      '--key-file <file>',
      `ES256 private key, JWK or PEM, mode 0600 (default: ${SIGNING_KEY_ENV}, else <data-dir>/signing-key.jwk)`,
    )
    .option(
      '--rotate-key',
      'write a new signing key over the key file before starting; older keys stay in the JWKS',
    )
    .option(
      '--trust-proxy <value>',
      'believe X-Forwarded-For from: "true" (any), a hop count, or comma-separated proxy addresses/CIDRs (default: no proxy)',
    )
    .option('--cert-days <days>', 'certificate lifetime in days', parseWhole(1, 3650), 365)
    .option(
      '--audit-retention-days <days>',
      'delete audit events (usage_events) older than this (0 = keep forever)',
      parseWhole(0, 36500),
      400,
    )
    .option(
      '--activation-timeout <minutes>',
      'revoke (not-stored) a certificate not activated within this many minutes of issuance',
      parseWhole(1, 1440),
      15,
    )
    .option(
      '--ip-cert-limit <n>',
      'attempts without a valid API key per client address per hour; keys have their own limits (0 = off)',
      parseWhole(0),
      10,
    )
    .option(
      '--key-minute-limit <n>',
      'requests per API key per minute, for keys created without --per-minute (0 = off)',
      parseWhole(0),
      60,
    )
    .option(
      '--key-burst <n>',
      'requests per API key at once before the steady rate applies, for keys created without --burst (0 = off)',
      parseWhole(0),
      5,
    )
    .option('--key-refill <per-second>', 'steady requests per second per API key after a burst', parseRate, 1)
    .option(
      '--flag-threshold <n>',
      'flag a team issuing more than this many certificates in 24 h (0 = off)',
      parseWhole(0),
      50,
    )
    .option('--metrics-token <token>', 'require this bearer token on /metrics (env PASSGENI_METRICS_TOKEN)')
    .option(
      '--trust-oidc <issuer-url>',
      'accept OIDC ID tokens from this provider instead of API keys (repeatable; e.g. https://token.actions.githubusercontent.com)',
      collect,
      [],
    )
    .option('--oidc-audience <aud>', 'the audience OIDC tokens must be issued for (default the issuer id)')
    .option(
      '--oidc-policy <CLAIM=VALUE[,…]:TEAM>',
      'map tokens whose claims match to a team (repeatable, first match wins; e.g. repository_owner=acme:platform)',
      collect,
      [],
    )
    .option('--pool-size <n>', 'PostgreSQL connections per pool (two pools per process)', parseWhole(1, 1000))
    .option('--log-key-file <file>', "the transparency log's Ed25519 key, PKCS#8 PEM (env PASSGENI_LOG_KEY)")
    .option(
      '--log-witness <url=vkey>',
      'ask this witness (C2SP tlog-witness) to cosign each log checkpoint: URL=VERIFIER_KEY; repeat for several',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--tsa-url <url>',
      'have each log checkpoint timestamped by this RFC 3161 time-stamping authority (docs/transparency.md)',
    )
    .addOption(
      new Option('--log-level <level>', 'log level of the JSON logs on stdout')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .option('--json', 'print the start-up summary as one JSON line on stdout')
    .addHelpText(
      'after',
      `
Logs are JSON lines on stdout; keys, tokens and Authorization headers are never logged.
SIGINT/SIGTERM stop accepting connections, finish requests in flight and close the database.
Create API keys with \`passgeni api-key create --team NAME\` (same --data-dir or DATABASE_URL).
Operations (replicas, key rotation, backups, metrics): docs/operations.md.`,
    )
    .action(runCommand((options: ServeOptions) => serve(options)));
}

async function serve(options: ServeOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { databaseUrl, dataDir } = issuerStorage(options, env);
  const publicUrl =
    options.publicUrl ??
    nonEmpty(env.PASSGENI_PUBLIC_URL) ??
    `http://${urlHost(options.host)}:${options.port}`;
  if (
    options.publicUrl === undefined &&
    nonEmpty(env.PASSGENI_PUBLIC_URL) === undefined &&
    !isLoopback(options.host)
  ) {
    printNotice(
      `passgeni: no --public-url: certificate URLs will be ${publicUrl}. Set --public-url to the address people and verifiers use; it is written beside every certificate in your stores.`,
    );
  }
  const issuerId = options.issuerId ?? nonEmpty(env.PASSGENI_ISSUER_ID);
  const metricsToken = options.metricsToken ?? nonEmpty(env.PASSGENI_METRICS_TOKEN);
  const trustProxy = parseTrustProxy(options.trustProxy);
  // notices go to stderr in both modes, so --json keeps stdout machine-readable
  const notice = (m: string) => printNotice(m);

  // imported here so other commands never load the server, the database engines or fastify
  const issuerModule = await import('../../issuer/index.js');

  let retireKid: string | undefined;
  if (options.rotateKey) {
    if (!options.keyFile && nonEmpty(env[SIGNING_KEY_ENV]) !== undefined) {
      throw new InputError(
        'ROTATE_KEY_UNSUPPORTED',
        `The signing key comes from ${SIGNING_KEY_ENV}; rotate it by putting a new key there (\`passgeni keygen\`) and restarting. The old key stays in the JWKS.`,
      );
    }
    if (!options.keyFile && databaseUrl !== undefined) {
      throw new InputError('ROTATE_KEY_UNSUPPORTED', 'With DATABASE_URL, pass the --key-file to rotate.');
    }
    const path = options.keyFile ?? join(dataDir, issuerModule.DATA_DIR_KEY_FILE);
    const rotated = issuerModule.rotateKeyFile(path);
    retireKid = rotated.previous?.kid;
    notice(
      `passgeni: rotated the signing key in ${path}: new kid ${rotated.current.kid}` +
        (rotated.previous ? `, previous kid ${rotated.previous.kid} stays in the JWKS` : '') +
        (rotated.archivedPath
          ? `. The previous private key was moved to ${rotated.archivedPath}; delete it once nothing signs with it.`
          : '.'),
    );
  }

  const logger = deferredLogger();
  let issuer: Issuer | undefined;
  let server: RunningServer | undefined;
  try {
    issuer = await issuerModule.openIssuer({
      publicUrl,
      ...(issuerId !== undefined && { issuerId }),
      ...(databaseUrl !== undefined ? { databaseUrl } : { dataDir }),
      ...(options.keyFile !== undefined && { keyFile: options.keyFile }),
      env,
      limits: {
        ipCertificatesPerHour: options.ipCertLimit,
        keyRequestsPerMinute: options.keyMinuteLimit,
        keyBurst: options.keyBurst,
        keyRefillPerSecond: options.keyRefill,
        teamFlagThreshold: options.flagThreshold,
      },
      certificateDays: options.certDays,
      auditRetentionDays: options.auditRetentionDays,
      activationTimeoutMinutes: options.activationTimeout,
      oidc: {
        trust: options.trustOidc,
        policies: options.oidcPolicy,
        ...(options.oidcAudience !== undefined && { audience: options.oidcAudience }),
      },
      ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
      ...(options.logKeyFile !== undefined && { logKeyFile: options.logKeyFile }),
      logWitnesses: options.logWitness.map(parseWitnessFlag),
      ...(options.tsaUrl !== undefined && { tsaUrl: options.tsaUrl }),
      logger,
      onNotice: notice,
    });
    if (retireKid !== undefined && retireKid !== issuer.kid) await issuer.retireSigningKey(retireKid);
    server = await issuerModule.startServer({
      issuer,
      port: options.port,
      host: options.host,
      ...(trustProxy !== undefined && { trustProxy }),
      ...(metricsToken !== undefined && { metricsToken }),
      logger: { level: options.logLevel },
    });
  } catch (error) {
    await server?.close().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    throw error;
  }
  logger.attach(server.app.log);
  if (databaseUrl === undefined) issuerModule.recordServingUrl(dataDir, server.url);

  const summary = {
    url: server.url,
    public_url: issuer.publicUrl,
    issuer_id: issuer.issuerId,
    jwks_url: issuer.jwksUrl,
    kid: issuer.kid,
    key_source: issuer.keySource,
    database:
      databaseUrl !== undefined
        ? issuerModule.redactDatabaseUrl(databaseUrl)
        : `pglite:${join(dataDir, 'db')}`,
    ...(issuer.oidcAudience !== undefined && {
      oidc: { trusted: issuer.oidcProviders, audience: issuer.oidcAudience, policies: options.oidcPolicy },
    }),
    pid: process.pid,
  };
  server.app.log.info(summary, 'issuer listening');
  if (options.json) printJsonLine(summary);
  else {
    printNotice(
      `passgeni issuer listening on ${server.url}\n  public URL  ${summary.public_url}\n  issuer id   ${summary.issuer_id}\n  signing kid ${summary.kid} (${summary.key_source})\n  database    ${summary.database}` +
        (summary.oidc
          ? `\n  OIDC        ${summary.oidc.trusted.join(', ')} (audience ${summary.oidc.audience}; ${summary.oidc.policies.length} polic${summary.oidc.policies.length === 1 ? 'y' : 'ies'})`
          : ''),
    );
  }

  await waitForSignal(server.app.log);
  server.app.log.info({}, 'shutting down: finishing requests in flight');
  await server.close();
  await issuer.close();
  server.app.log.info({}, 'stopped');
  return 0;
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
function waitForSignal(log: IssuerLogger): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        log.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      received = true;
      log.info({ signal }, 'signal received');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * The issuer is opened before the HTTP server (which owns the pino logger) exists; until then
 * its few log lines go to stderr as JSON.
 */
function deferredLogger(): IssuerLogger & { attach(target: IssuerLogger): void } {
  let target: IssuerLogger | undefined;
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (obj: Record<string, unknown>, msg: string): void => {
      if (target) target[level](obj, msg);
      else process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...obj, msg })}\n`);
    };
  return { info: at('info'), warn: at('warn'), error: at('error'), attach: (t) => (target = t) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return Number(value);
}

function parseWhole(min: number, max = 2_147_483_647): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 1_000_000) {
    throw new InvalidArgumentError('expected a number of requests per second above 0.');
  }
  return n;
}

function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (!/^[0-9a-f.:/,\s]+$/i.test(v)) {
    throw new InputError(
      'INVALID_TRUST_PROXY',
      '--trust-proxy takes "true", "false", a number of hops, or comma-separated proxy addresses/CIDRs (e.g. 10.0.0.0/8).',
    );
  }
  return value;
}

/** `--log-witness URL=VKEY`: the URL up to the first "=" (a verifier key may end in base64 padding). */
function parseWitnessFlag(value: string): { url: string; verifierKey: string } {
  const at = value.indexOf('=');
  const url = value.slice(0, at);
  if (at < 0 || !/^https?:\/\/\S+$/.test(url)) {
    throw new InputError(
      'INVALID_OPTION',
      "--log-witness takes URL=VERIFIER_KEY: the witness's submission URL and the key `passgeni witness` prints.",
    );
  }
  return { url, verifierKey: value.slice(at + 1) };
}

import { readFileSync } from 'node:fs';
import type { Client, ClientConfig } from 'pg';
import { libpqPassword } from './libpq-env.js';
import { scramSha256Verifier } from './scram.js';
import {
  TargetError,
  hostPort,
  printableTargetUri,
  type RestoreOutcome,
  type Target,
  type TargetOptions,
} from './target.js';

/**
 * `postgresql://ADMIN[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…&sslrootcert=…&service=…]#ROLE`: sets
 * ROLE's password with ADMIN's connection. The password is sent as a SCRAM-SHA-256 verifier
 * computed here, so the plaintext never reaches the server; `test` then logs in as ROLE over
 * SCRAM, which proves the password without sending it either.
 */
export interface ParsedPostgresUri {
  uri: string;
  host: string;
  port: number;
  database: string;
  admin: string;
  adminPassword: string | undefined;
  role: string;
  sslmode: SslMode;
  sslrootcert: string | undefined;
  service: string | undefined;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];
const SHAPE = 'postgresql://ADMIN@HOST[:PORT]/DATABASE[?sslmode=…]#ROLE';

/** The libpq parameters a target may carry; `password` is not one (give it in the URI's userinfo). */
const PARAMETERS = ['sslmode', 'sslrootcert', 'service'];

export function parsePostgresUri(uri: string, env: NodeJS.ProcessEnv): ParsedPostgresUri {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(printableTargetUri(uri, PARAMETERS), 'it is not a URI');
  }
  const safe = printableTargetUri(uri, PARAMETERS);
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') throw invalid(safe, 'wrong scheme');
  const role = decodeURIComponent(url.hash.slice(1));
  if (!role) throw invalid(safe, 'it names no role after #');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid(safe, 'it names no host');
  const admin = decodeURIComponent(url.username) || env.PGUSER;
  if (!admin) throw invalid(safe, 'it names no admin user before @');
  const sslmode = url.searchParams.get('sslmode') ?? env.PGSSLMODE ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw invalid(safe, `sslmode must be one of ${SSL_MODES.join(', ')}`);
  }
  for (const key of url.searchParams.keys()) {
    if (!PARAMETERS.includes(key)) throw invalid(safe, `unknown parameter ${key}`);
  }
  return {
    uri: safe,
    host,
    port: url.port ? Number(url.port) : 5432,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || admin,
    admin,
    adminPassword: url.password ? decodeURIComponent(url.password) : undefined,
    role,
    sslmode: sslmode as SslMode,
    sslrootcert: url.searchParams.get('sslrootcert') ?? env.PGSSLROOTCERT,
    service: url.searchParams.get('service') ?? undefined,
  };
}

/** The URI without its password, for messages and reports. */
function invalid(uri: string, problem: string): TargetError {
  return new TargetError('TARGET_URI_INVALID', `Target "${uri}" is invalid: ${problem}. Expected ${SHAPE}.`, {
    target: uri,
  });
}

type Previous = { kind: 'read'; secret: string | null } | { kind: 'unreadable'; reason: string };

export class PostgresTarget implements Target {
  readonly kind = 'postgresql';
  readonly uri: string;
  readonly account: string;
  readonly location: string;
  private previous: Previous = { kind: 'unreadable', reason: 'pre-flight did not run' };

  constructor(
    private readonly parsed: ParsedPostgresUri,
    private readonly options: TargetOptions,
  ) {
    this.uri = parsed.uri;
    this.account = parsed.role;
    this.location = `postgresql://${hostPort(parsed.host, parsed.port)}/${encodeURIComponent(parsed.database)}`;
  }

  async preflight(): Promise<void> {
    await this.asAdmin(async (client) => {
      const { rows } = await client.query<{
        exists: boolean;
        role_super: boolean | null;
        role_login: boolean | null;
        admin_super: boolean;
        admin_createrole: boolean;
        admin_option: boolean;
        admin_is_role: boolean;
        version: number;
      }>(
        `SELECT r.oid IS NOT NULL AS exists, r.rolsuper AS role_super, r.rolcanlogin AS role_login,
                me.rolsuper AS admin_super, me.rolcreaterole AS admin_createrole,
                me.oid = r.oid AS admin_is_role,
                r.oid IS NOT NULL AND pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION') AS admin_option,
                current_setting('server_version_num')::int AS version
           FROM pg_roles me LEFT JOIN pg_roles r ON r.rolname = $1
          WHERE me.rolname = current_user`,
        [this.parsed.role],
      );
      const row = rows[0];
      if (!row?.exists) {
        throw new TargetError(
          'TARGET_ACCOUNT_MISSING',
          `Role "${this.parsed.role}" does not exist on ${this.uri}. Create it (CREATE ROLE … LOGIN) or correct the role after # in the target URI.`,
          { target: this.uri },
        );
      }
      if (!row.role_login) {
        throw new TargetError(
          'TARGET_ACCOUNT_MISSING',
          `Role "${this.parsed.role}" on ${this.uri} has NOLOGIN, so no password of it can be tested. ALTER ROLE … LOGIN, or name the role that logs in.`,
          { target: this.uri },
        );
      }
      // PostgreSQL 16 requires ADMIN OPTION on the role besides CREATEROLE; 15 and older only
      // CREATEROLE, and only a superuser may change a superuser's password. Any role may change
      // its own (the AWS rotation function's single-user strategy logs in as the role itself).
      const mayAlter =
        row.admin_super ||
        row.admin_is_role ||
        (row.admin_createrole && !row.role_super && (row.version < 160000 || row.admin_option));
      if (!mayAlter) {
        throw new TargetError(
          'TARGET_PRIVILEGE_MISSING',
          `Admin "${this.parsed.admin}" may not change the password of role "${this.parsed.role}" on ${this.uri}: it needs CREATEROLE${row.version >= 160000 ? ' and ADMIN OPTION on the role' : ''}${row.role_super ? ' (and superuser, since the role is a superuser)' : ''}. See docs/rotation.md, "Least-privilege grants".`,
          { target: this.uri },
        );
      }
      // The previous verifier is what restore puts back; only a superuser may read pg_authid.
      if (row.admin_super) {
        const previous = await client.query<{ rolpassword: string | null }>(
          'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
          [this.parsed.role],
        );
        this.previous = { kind: 'read', secret: previous.rows[0]?.rolpassword ?? null };
      } else {
        this.previous = {
          kind: 'unreadable',
          reason: `admin "${this.parsed.admin}" is not a superuser, so the previous verifier in pg_authid could not be read`,
        };
      }
    }, 'preflight');
  }

  async apply(credential: string): Promise<void> {
    await this.setSecret(scramSha256Verifier(credential), 'apply');
  }

  async test(credential: string): Promise<void> {
    const client = await this.connect(this.parsed.role, () => Promise.resolve(credential), 'test');
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => {});
    }
  }

  async restore(): Promise<RestoreOutcome> {
    if (this.previous.kind === 'unreadable') return { restored: false, reason: this.previous.reason };
    try {
      await this.setSecret(this.previous.secret, 'restore');
      return { restored: true };
    } catch (error) {
      return { restored: false, reason: error instanceof Error ? error.message : 'unknown error' };
    }
  }

  /**
   * As AWS's alternating-users PostgreSQL rotation: the clone logs in and is a member of `like`,
   * so it holds like's privileges without copying them (and follows later grants to `like`).
   */
  async createLike(like: string, credential: string): Promise<boolean> {
    let created = false;
    await this.asAdmin(async (client) => {
      const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [this.parsed.role]);
      if (rows.length > 0) return;
      const verifier = scramSha256Verifier(credential);
      try {
        // one statement: a failure leaves no role behind
        await client.query(
          `CREATE ROLE ${client.escapeIdentifier(this.parsed.role)} LOGIN PASSWORD ${client.escapeLiteral(verifier)} IN ROLE ${client.escapeIdentifier(like)}`,
        );
        created = true;
      } catch (error) {
        // a concurrent run created it first: it exists now, and apply sets its password
        if ((error as { code?: unknown }).code !== '42710') throw error;
      }
    }, 'apply');
    return created;
  }

  async close(): Promise<void> {}

  /** ALTER ROLE with a stored form (SCRAM or md5 verifier) or NULL; never a plaintext. */
  private async setSecret(secret: string | null, step: Step): Promise<void> {
    await this.asAdmin(async (client) => {
      const role = client.escapeIdentifier(this.parsed.role);
      await client.query(
        `ALTER ROLE ${role} PASSWORD ${secret === null ? 'NULL' : client.escapeLiteral(secret)}`,
      );
    }, step);
  }

  private async asAdmin(work: (client: Client) => Promise<void>, step: Step): Promise<void> {
    const client = await this.connect(this.parsed.admin, () => Promise.resolve(this.adminPassword()), step);
    try {
      await work(client);
    } catch (error) {
      throw this.describe(error, step, this.parsed.admin);
    } finally {
      await client.end().catch(() => {});
    }
  }

  private adminPassword(): string {
    const { parsed, options } = this;
    const found =
      parsed.adminPassword ??
      options.adminPassword ??
      libpqPassword(
        {
          host: parsed.host,
          port: parsed.port,
          database: parsed.database,
          user: parsed.admin,
          service: parsed.service,
        },
        options.env ?? process.env,
      );
    if (found === undefined) {
      throw new TargetError(
        'TARGET_AUTH_MISSING',
        `${this.uri} asks for a password for admin "${parsed.admin}" and none was found: give it in the URI, with --target-credential-from <store URI>, in PGPASSWORD, in the service file (PGSERVICE) or in ~/.pgpass.`,
        { target: this.uri },
      );
    }
    return found;
  }

  /**
   * Connects per sslmode, as libpq does: `prefer`/`allow` try TLS without verifying and fall back
   * to plain TCP when the server has no TLS; `require` insists on TLS; `verify-ca` checks the
   * chain against sslrootcert; `verify-full` also the host name.
   */
  private async connect(user: string, password: () => Promise<string>, step: Step): Promise<Client> {
    const { default: pg } = await import('pg');
    const { parsed } = this;
    const timeout = this.options.timeoutMs ?? 10_000;
    const base: ClientConfig = {
      host: parsed.host,
      port: parsed.port,
      database: parsed.database,
      user,
      password,
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      application_name: 'passgeni',
    };
    const ca = parsed.sslrootcert ? readFileSync(parsed.sslrootcert) : undefined;
    const ssl: ClientConfig['ssl'] =
      parsed.sslmode === 'disable'
        ? false
        : parsed.sslmode === 'verify-full'
          ? { rejectUnauthorized: true, ...(ca && { ca }) }
          : parsed.sslmode === 'verify-ca'
            ? { rejectUnauthorized: true, ...(ca && { ca }), checkServerIdentity: () => undefined }
            : { rejectUnauthorized: false };
    const attempt = async (withSsl: ClientConfig['ssl']) => {
      const client = new pg.Client({ ...base, ssl: withSsl });
      client.on('error', () => {});
      try {
        await client.connect();
        return client;
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
    };
    try {
      try {
        return await attempt(ssl);
      } catch (error) {
        const noTls = error instanceof Error && /does not support SSL/i.test(error.message);
        if (noTls && (parsed.sslmode === 'prefer' || parsed.sslmode === 'allow')) return await attempt(false);
        throw error;
      }
    } catch (error) {
      throw this.describe(error, step, user);
    }
  }

  /** A driver error, reworded: the driver's text may quote the statement (and so the verifier). */
  private describe(error: unknown, step: Step, user: string): TargetError {
    if (error instanceof TargetError) return error;
    const code = (error as { code?: unknown } | undefined)?.code;
    // the driver's error is not kept as the cause: it could quote the statement
    const target = this.uri;
    if (code === '28P01' || code === '28000') {
      return step === 'test'
        ? new TargetError(
            'TARGET_TEST_FAILED',
            `Logging in to ${target} as "${user}" with the new password was refused (${code === '28P01' ? 'password authentication failed, or the role has expired (VALID UNTIL)' : 'pg_hba.conf rejects the role'}).`,
            { target },
          )
        : new TargetError(
            'TARGET_AUTH_FAILED',
            `${target} refused admin "${user}" (${code === '28P01' ? 'wrong password' : 'not allowed by pg_hba.conf'}). Check the admin credential.`,
            { target },
          );
    }
    if (code === '42501') {
      return new TargetError(
        'TARGET_PRIVILEGE_MISSING',
        `Admin "${this.parsed.admin}" lacks the privilege to change the password of role "${this.parsed.role}" on ${target}. See docs/rotation.md, "Least-privilege grants".`,
        { target },
      );
    }
    if (code === '3D000') {
      return new TargetError(
        'TARGET_URI_INVALID',
        `Database "${this.parsed.database}" does not exist on ${target}.`,
        { target },
      );
    }
    const text = error instanceof Error ? error.message : '';
    const network =
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/.test(code);
    if (network || /timeout|terminated|Connection terminated/i.test(text)) {
      return new TargetError(
        'TARGET_UNREACHABLE',
        `${target} could not be reached${typeof code === 'string' ? ` (${code})` : ''} during ${STEP_WORDS[step]}. Check the host and port, and that it accepts connections from here.`,
        { target },
      );
    }
    if (/SSL|certificate|self.signed/i.test(text)) {
      return new TargetError(
        'TARGET_UNREACHABLE',
        `The TLS connection to ${target} failed during ${STEP_WORDS[step]} (sslmode=${this.parsed.sslmode}): check the server certificate and sslrootcert.`,
        { target },
      );
    }
    return new TargetError(
      step === 'test' ? 'TARGET_TEST_FAILED' : 'TARGET_APPLY_FAILED',
      `${target} failed during ${STEP_WORDS[step]}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}.`,
      { target },
    );
  }
}

type Step = 'preflight' | 'apply' | 'test' | 'restore';
const STEP_WORDS: Record<Step, string> = {
  preflight: 'the pre-flight check',
  apply: 'setting the new password',
  test: 'the test login with the new password',
  restore: 'restoring the previous password',
};

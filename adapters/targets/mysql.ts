import { createHash } from 'node:crypto';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import {
  TargetError,
  hostPort,
  printableTargetUri,
  type RestoreOutcome,
  type Target,
  type TargetOptions,
} from './target.js';
import { commonJsExports } from '../../src/lib/cjs.js';

/**
 * `mysql://ADMIN[:PASSWORD]@HOST[:PORT][?ssl-mode=…]#USER@HOSTPART` — MySQL 8 and MariaDB.
 *
 * When USER authenticates with mysql_native_password, the new password is sent pre-hashed
 * (`*` + SHA1(SHA1(password))): MariaDB `IDENTIFIED BY PASSWORD '*…'`, MySQL `IDENTIFIED WITH
 * mysql_native_password AS '*…'`, so the plaintext never reaches the server. Any other plugin
 * (MySQL's caching_sha2_password, MariaDB's ed25519) takes the plaintext in `IDENTIFIED BY`: then
 * the plaintext crosses the connection, and this target refuses unless the connection is TLS
 * (the servers mask the password in their own logs). The admin password: in the URI, from
 * --target-credential-from, or MYSQL_PWD.
 */
export interface ParsedMysqlUri {
  uri: string;
  host: string;
  port: number;
  admin: string;
  adminPassword: string | undefined;
  user: string;
  hostPart: string;
  sslMode: SslMode;
}

const SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
type SslMode = (typeof SSL_MODES)[number];
const SHAPE = 'mysql://ADMIN@HOST[:PORT][?ssl-mode=…]#USER@HOSTPART';

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a bare % (any host) is common in a host part
  }
}

export function parseMysqlUri(uri: string): ParsedMysqlUri {
  let url: URL;
  try {
    url = new URL(uri.replace(/#.*$/, ''));
  } catch {
    throw invalid(printableTargetUri(uri, ['ssl-mode']), 'it is not a URI');
  }
  const fragment = /#(.*)$/.exec(uri)?.[1] ?? '';
  const safe = printableTargetUri(uri, ['ssl-mode']);
  const account = decode(fragment);
  const at = account.lastIndexOf('@');
  const user = at < 0 ? account : account.slice(0, at);
  const hostPart = at < 0 ? '%' : account.slice(at + 1);
  if (!user) throw invalid(safe, 'it names no user after #');
  if (!url.hostname) throw invalid(safe, 'it names no host');
  if (!url.username) throw invalid(safe, 'it names no admin user before @');
  for (const key of url.searchParams.keys()) {
    if (key !== 'ssl-mode') throw invalid(safe, `unknown parameter ${key}`);
  }
  const sslMode = (url.searchParams.get('ssl-mode') ?? 'PREFERRED').toUpperCase();
  if (!(SSL_MODES as readonly string[]).includes(sslMode)) {
    throw invalid(safe, `ssl-mode must be one of ${SSL_MODES.join(', ')}`);
  }
  return {
    uri: safe,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 3306,
    admin: decode(url.username),
    adminPassword: url.password ? decode(url.password) : undefined,
    user,
    hostPart,
    sslMode: sslMode as SslMode,
  };
}

function invalid(uri: string, problem: string): TargetError {
  return new TargetError('TARGET_URI_INVALID', `Target "${uri}" is invalid: ${problem}. Expected ${SHAPE}.`, {
    target: uri,
  });
}

/** mysql_native_password's stored form: `*` and the upper-case hex of SHA1(SHA1(password)). */
export function mysqlNativeHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

/** The authentication clause of SHOW CREATE USER, which ALTER USER accepts back as it is. */
const AUTH_CLAUSE =
  /IDENTIFIED (?:BY PASSWORD '[^']*'|VIA [\w]+(?: USING '[^']*')?(?: OR [\w]+(?: USING '[^']*')?)*|WITH '?\w+'?(?: AS (?:'[^']*'|0x[0-9A-Fa-f]+))?)/;

type Step = 'preflight' | 'apply' | 'test' | 'restore';

export class MysqlTarget implements Target {
  readonly kind = 'mysql';
  readonly uri: string;
  readonly account: string;
  readonly location: string;
  private plugin = 'mysql_native_password';
  private mariadb = true;
  private previousClause: string | undefined;
  /** An account administering itself logs in with what apply set, to put the previous one back. */
  private applied: string | undefined;

  constructor(
    private readonly parsed: ParsedMysqlUri,
    private readonly options: TargetOptions,
  ) {
    this.uri = parsed.uri;
    this.account = `${parsed.user}@${parsed.hostPart}`;
    this.location = `mysql://${hostPort(parsed.host, parsed.port)}`;
  }

  async preflight(): Promise<void> {
    await this.asAdmin('preflight', async (db) => {
      const [versionRows] = await db.query('SELECT VERSION() AS v');
      this.mariadb = /mariadb/i.test(String((versionRows as { v: string }[])[0]?.v));
      const [rows] = await db.query('SHOW CREATE USER ?@?', [this.parsed.user, this.parsed.hostPart]);
      const clause = AUTH_CLAUSE.exec(firstCell(rows))?.[0];
      this.previousClause = clause;
      this.plugin = pluginOf(clause);
      if (this.plugin !== 'mysql_native_password' && !(await isTls(db))) {
        throw this.plaintextRefused(this.plugin);
      }
    });
  }

  async apply(credential: string): Promise<void> {
    await this.asAdmin('apply', async (db) => {
      const account = db.format('?@?', [this.parsed.user, this.parsed.hostPart]);
      if (this.plugin === 'mysql_native_password') {
        await db.query(this.setNativeHash(account, mysqlNativeHash(credential)));
      } else {
        // checked at pre-flight: this connection is TLS
        await db.query(`ALTER USER ${account} IDENTIFIED BY ?`, [credential]);
      }
    });
    if (this.isSelf()) this.applied = credential;
  }

  async test(credential: string): Promise<void> {
    const db = await this.connect(this.parsed.user, credential, 'test');
    try {
      await db.query('SELECT 1');
    } finally {
      await db.end().catch(() => {});
    }
  }

  async restore(): Promise<RestoreOutcome> {
    const clause = this.previousClause;
    if (clause === undefined)
      return { restored: false, reason: 'SHOW CREATE USER showed no password to restore' };
    try {
      await this.asAdmin('restore', async (db) => {
        const account = db.format('?@?', [this.parsed.user, this.parsed.hostPart]);
        const hash = /^IDENTIFIED BY PASSWORD '([^']*)'$/.exec(clause)?.[1];
        await db.query(
          hash !== undefined && this.isSelf()
            ? this.setNativeHash(account, hash)
            : `ALTER USER ${account} ${clause}`,
        );
      });
      return { restored: true };
    } catch (error) {
      return { restored: false, reason: error instanceof Error ? error.message : 'unknown error' };
    }
  }

  /**
   * As AWS's alternating-users MySQL rotation: the clone gets the template's authentication
   * plugin and every grant SHOW GRANTS lists for it (roles and default role included). A grant
   * failing part-way drops the clone again, so a retry starts from scratch rather than from a
   * clone with half the grants.
   */
  async createLike(like: string, credential: string): Promise<boolean> {
    let created = false;
    await this.asAdmin('apply', async (db) => {
      const account = db.format('?@?', [this.parsed.user, this.parsed.hostPart]);
      const [existing] = await db.query('SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?', [
        this.parsed.user,
        this.parsed.hostPart,
      ]);
      if ((existing as unknown[]).length > 0) return;
      const template = { user: like, host: this.parsed.hostPart };
      const [versionRows] = await db.query('SELECT VERSION() AS v');
      this.mariadb = /mariadb/i.test(String((versionRows as { v: string }[])[0]?.v));
      const [userRows] = await db.query('SHOW CREATE USER ?@?', [template.user, template.host]);
      const plugin = pluginOf(AUTH_CLAUSE.exec(firstCell(userRows))?.[0]);
      const [grantRows] = await db.query('SHOW GRANTS FOR ?@?', [template.user, template.host]);
      const grants = (grantRows as Record<string, unknown>[]).map((row) => String(Object.values(row)[0]));
      if (plugin === 'mysql_native_password') {
        const hash = mysqlNativeHash(credential);
        await db.query(
          this.mariadb
            ? `CREATE USER ${account} IDENTIFIED BY PASSWORD '${hash}'`
            : `CREATE USER ${account} IDENTIFIED WITH mysql_native_password AS '${hash}'`,
        );
      } else {
        if (!(await isTls(db))) throw this.plaintextRefused(plugin);
        await db.query(
          this.mariadb
            ? `CREATE USER ${account} IDENTIFIED VIA ${plugin} USING PASSWORD(?)`
            : `CREATE USER ${account} IDENTIFIED WITH ${plugin} BY ?`,
          [credential],
        );
      }
      created = true;
      try {
        for (const grant of grants) {
          const statement = regrant(grant, template, account);
          if (statement !== undefined) await db.query(statement);
        }
      } catch (error) {
        await db.query(`DROP USER ${account}`).catch(() => {});
        created = false;
        throw error;
      }
    });
    return created;
  }

  async close(): Promise<void> {}

  private isSelf(): boolean {
    return this.parsed.admin === this.parsed.user;
  }

  /**
   * The statement that gives a mysql_native_password account this stored hash. An account
   * changing its own password (the AWS rotation function's single-user strategy) has no CREATE
   * USER privilege: MariaDB lets it SET PASSWORD, but not ALTER USER.
   */
  private setNativeHash(account: string, hash: string): string {
    if (this.mariadb) {
      return this.isSelf()
        ? `SET PASSWORD FOR ${account} = '${hash}'`
        : `ALTER USER ${account} IDENTIFIED BY PASSWORD '${hash}'`;
    }
    return `ALTER USER ${account} IDENTIFIED WITH mysql_native_password AS '${hash}'`;
  }

  private plaintextRefused(plugin: string): TargetError {
    return new TargetError(
      'TARGET_PRIVILEGE_MISSING',
      `"${this.account}" authenticates with ${plugin}, which takes the password in plaintext; the connection to ${this.uri} is not TLS, so it is refused. Connect with ?ssl-mode=REQUIRED (or VERIFY_IDENTITY), or switch the user to mysql_native_password. See docs/rotation.md.`,
      { target: this.uri },
    );
  }

  private async asAdmin(step: Step, work: (db: Connection) => Promise<void>): Promise<void> {
    const password =
      (step === 'restore' ? this.applied : undefined) ??
      this.parsed.adminPassword ??
      this.options.adminPassword ??
      ((this.options.env ?? process.env).MYSQL_PWD || undefined);
    const db = await this.connect(this.parsed.admin, password, step);
    try {
      await work(db);
    } catch (error) {
      throw this.describe(error, step, this.parsed.admin);
    } finally {
      await db.end().catch(() => {});
    }
  }

  private async connect(user: string, password: string | undefined, step: Step): Promise<Connection> {
    const mysql = commonJsExports(await import('mysql2/promise'));
    const { parsed } = this;
    const base: ConnectionOptions = {
      host: parsed.host,
      port: parsed.port,
      user,
      ...(password !== undefined && { password }),
      connectTimeout: this.options.timeoutMs ?? 10_000,
    };
    const ssl: ConnectionOptions['ssl'] | undefined =
      parsed.sslMode === 'DISABLED'
        ? undefined
        : parsed.sslMode === 'VERIFY_IDENTITY'
          ? { rejectUnauthorized: true, verifyIdentity: true }
          : parsed.sslMode === 'VERIFY_CA'
            ? { rejectUnauthorized: true }
            : { rejectUnauthorized: false };
    try {
      try {
        return await mysql.createConnection({ ...base, ...(ssl && { ssl }) });
      } catch (error) {
        const noTls = /does not support secure connection/i.test(error instanceof Error ? error.message : '');
        if (noTls && parsed.sslMode === 'PREFERRED') return await mysql.createConnection(base);
        throw error;
      }
    } catch (error) {
      if (password === undefined && step !== 'test' && errno(error) === 1045) {
        throw new TargetError(
          'TARGET_AUTH_MISSING',
          `${this.uri} asks for a password for admin "${user}" and none was found: give it in the URI, with --target-credential-from <store URI>, or in MYSQL_PWD.`,
          { target: this.uri },
        );
      }
      throw this.describe(error, step, user);
    }
  }

  /** A driver error, reworded: the driver's text may quote the statement. */
  private describe(error: unknown, step: Step, user: string): TargetError {
    if (error instanceof TargetError) return error;
    const target = this.uri;
    const number = errno(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    if (number === 1045 || number === 1698) {
      return step === 'test'
        ? new TargetError(
            'TARGET_TEST_FAILED',
            `${target} refused "${this.account}" with the new password.`,
            { target },
          )
        : new TargetError(
            'TARGET_AUTH_FAILED',
            `${target} refused admin "${user}": check the admin credential.`,
            { target },
          );
    }
    if (number === 1396 || number === 1133) {
      return new TargetError(
        'TARGET_ACCOUNT_MISSING',
        `User ${this.account} does not exist on ${target}. Create it, or correct USER@HOSTPART after # in the target URI.`,
        { target },
      );
    }
    if (number === 1227 || number === 1044 || number === 1142 || number === 1370) {
      return new TargetError(
        'TARGET_PRIVILEGE_MISSING',
        `Admin "${this.parsed.admin}" lacks the privilege to change ${this.account} on ${target}: it needs CREATE USER, and SELECT on mysql.* to read the user's plugin and previous hash (SHOW CREATE USER) so that a failed rotation can be undone. See docs/rotation.md, "Least-privilege grants".`,
        { target },
      );
    }
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST)$/.test(
        code,
      )
    ) {
      return new TargetError(
        'TARGET_UNREACHABLE',
        `${target} could not be reached (${code}) during ${step}. Check the host and port.`,
        {
          target,
        },
      );
    }
    return new TargetError(
      step === 'test' ? 'TARGET_TEST_FAILED' : 'TARGET_APPLY_FAILED',
      `${target} failed during ${step}${number !== undefined ? ` (error ${number})` : ''}.`,
      { target },
    );
  }
}

function errno(error: unknown): number | undefined {
  const value = (error as { errno?: unknown } | undefined)?.errno;
  return typeof value === 'number' ? value : undefined;
}

function pluginOf(clause: string | undefined): string {
  if (clause === undefined || /^IDENTIFIED BY PASSWORD/.test(clause)) return 'mysql_native_password';
  return /^IDENTIFIED (?:VIA|WITH) '?(\w+)/.exec(clause)?.[1] ?? 'mysql_native_password';
}

async function isTls(db: Connection): Promise<boolean> {
  const [rows] = await db.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  return String((rows as { Value?: string }[])[0]?.Value ?? '') !== '';
}

function firstCell(rows: unknown): string {
  return String(Object.values((rows as Record<string, unknown>[])[0] ?? {})[0] ?? '');
}

/**
 * One line of SHOW GRANTS for the template, addressed to `account` instead: the global USAGE
 * line (the account itself, created already) is skipped, and an authentication clause MariaDB
 * prints after the account is dropped; WITH GRANT/ADMIN OPTION is kept, so the grants match.
 */
function regrant(
  line: string,
  template: { user: string; host: string },
  account: string,
): string | undefined {
  const quoted = `\`${template.user.replace(/`/g, '``')}\`@\`${template.host.replace(/`/g, '``')}\``;
  if (/^SET DEFAULT ROLE /.test(line)) {
    const at = line.lastIndexOf(` FOR ${quoted}`);
    return at < 0 ? undefined : `${line.slice(0, at)} FOR ${account}`;
  }
  if (/^GRANT USAGE ON \*\.\* TO /.test(line)) return undefined;
  const at = line.lastIndexOf(` TO ${quoted}`);
  if (!/^GRANT /.test(line) || at < 0) return undefined;
  const option = /\bWITH (GRANT|ADMIN) OPTION\b/.exec(line.slice(at))?.[0];
  return `${line.slice(0, at)} TO ${account}${option ? ` ${option}` : ''}`;
}

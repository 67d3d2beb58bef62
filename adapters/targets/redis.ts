import { createHash } from 'node:crypto';
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
 * `redis://ADMIN[:PASSWORD]@HOST[:PORT]#USER` (`rediss://` for TLS): sets an ACL user's password
 * with `ACL SETUSER USER resetpass #<sha256> on`. The hash is computed here, so the plaintext
 * never reaches the server (nor its slowlog, MONITOR or the ACL file). When the server has an ACL
 * file, `ACL SAVE` writes the change to it, so a restart does not bring the old password back.
 * The admin password: in the URI, from --target-credential-from, or REDISCLI_AUTH (as redis-cli).
 */
export interface ParsedRedisUri {
  uri: string;
  tls: boolean;
  host: string;
  port: number;
  admin: string;
  adminPassword: string | undefined;
  user: string;
}

const SHAPE = 'redis://ADMIN@HOST[:PORT]#USER (rediss:// for TLS)';

export function parseRedisUri(uri: string): ParsedRedisUri {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(printableTargetUri(uri, []), 'it is not a URI');
  }
  const safe = printableTargetUri(uri, []);
  const user = decodeURIComponent(url.hash.slice(1));
  if (!user) throw invalid(safe, 'it names no ACL user after #');
  if (!url.hostname) throw invalid(safe, 'it names no host');
  if (url.pathname !== '' && url.pathname !== '/') throw invalid(safe, 'a target names no database');
  if (url.search !== '') throw invalid(safe, 'a target takes no parameters');
  return {
    uri: safe,
    tls: url.protocol === 'rediss:',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 6379,
    admin: decodeURIComponent(url.username) || 'default',
    adminPassword: url.password ? decodeURIComponent(url.password) : undefined,
    user,
  };
}

function invalid(uri: string, problem: string): TargetError {
  return new TargetError('TARGET_URI_INVALID', `Target "${uri}" is invalid: ${problem}. Expected ${SHAPE}.`, {
    target: uri,
  });
}

/** The form `ACL SETUSER … #<hash>` takes: SHA-256 of the password, lower-case hex. */
export function redisPasswordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/** What this target uses of a client (the driver's own type is generic over modules and RESP). */
interface RedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  ping(): Promise<unknown>;
  destroy(): void;
}
type Step = 'preflight' | 'apply' | 'test' | 'restore';

export class RedisTarget implements Target {
  readonly kind = 'redis';
  readonly uri: string;
  readonly account: string;
  readonly location: string;
  /**
   * The user's password hashes, nopass and on/off flags at pre-flight: exactly what restore puts
   * back (its key, channel and command rules are never touched).
   */
  private previous: { hashes: string[]; nopass: boolean; enabled: boolean } | undefined;

  constructor(
    private readonly parsed: ParsedRedisUri,
    private readonly options: TargetOptions,
  ) {
    this.uri = parsed.uri;
    this.account = parsed.user;
    this.location = `${parsed.tls ? 'rediss' : 'redis'}://${hostPort(parsed.host, parsed.port)}`;
  }

  async preflight(): Promise<void> {
    await this.asAdmin('preflight', async (client) => {
      const reply = (await client.sendCommand(['ACL', 'GETUSER', this.parsed.user])) as unknown;
      if (reply === null) {
        throw new TargetError(
          'TARGET_ACCOUNT_MISSING',
          `ACL user "${this.parsed.user}" does not exist on ${this.uri}. Create it (ACL SETUSER ${this.parsed.user} on …) or correct the user after # in the target URI.`,
          { target: this.uri },
        );
      }
      const fields = pairs(reply);
      const flags = (fields.get('flags') as string[] | undefined) ?? [];
      const passwords = (fields.get('passwords') as string[] | undefined) ?? [];
      this.previous = {
        hashes: passwords.map(String),
        nopass: flags.includes('nopass'),
        enabled: flags.includes('on'),
      };
    });
  }

  async apply(credential: string): Promise<void> {
    await this.setUser([`#${redisPasswordHash(credential)}`, 'on'], 'apply');
  }

  async test(credential: string): Promise<void> {
    const client = await this.connect(this.parsed.user, credential, 'test');
    try {
      await client.ping();
    } catch (error) {
      // the login (AUTH) succeeded, which is what proves the password; a user whose ACL does not
      // allow PING is still logged in
      if (!/^NOPERM/.test(error instanceof Error ? error.message : ''))
        throw this.describe(error, 'test', this.parsed.user);
    } finally {
      client.destroy();
    }
  }

  async restore(): Promise<RestoreOutcome> {
    if (!this.previous) return { restored: false, reason: 'pre-flight did not read the user' };
    try {
      // resetpass leaves a user with no password that no password opens; nopass only if it was
      const { hashes, nopass, enabled } = this.previous;
      await this.setUser(
        [...hashes.map((h) => `#${h}`), ...(nopass ? ['nopass'] : []), enabled ? 'on' : 'off'],
        'restore',
      );
      return { restored: true };
    } catch (error) {
      return { restored: false, reason: error instanceof Error ? error.message : 'unknown error' };
    }
  }

  async close(): Promise<void> {}

  private async setUser(rules: string[], step: Step): Promise<void> {
    await this.asAdmin(step, async (client) => {
      await client.sendCommand(['ACL', 'SETUSER', this.parsed.user, 'resetpass', ...rules]);
      // Persist to the ACL file when there is one; without one the server's config file (or
      // nothing) holds users, and CONFIG REWRITE is the operator's call.
      const aclfile = (await client.sendCommand(['CONFIG', 'GET', 'aclfile'])) as unknown;
      const path = Array.isArray(aclfile) ? aclfile[1] : (aclfile as Record<string, unknown> | null)?.aclfile;
      if (typeof path === 'string' && path !== '') await client.sendCommand(['ACL', 'SAVE']);
    });
  }

  private adminPassword(): string | undefined {
    return (
      this.parsed.adminPassword ??
      this.options.adminPassword ??
      ((this.options.env ?? process.env).REDISCLI_AUTH || undefined)
    );
  }

  private async asAdmin(step: Step, work: (client: RedisClient) => Promise<void>): Promise<void> {
    const password = this.adminPassword();
    if (password === undefined && this.parsed.admin !== 'default') {
      throw new TargetError(
        'TARGET_AUTH_MISSING',
        `No password was found for admin "${this.parsed.admin}" of ${this.uri}: give it in the URI, with --target-credential-from <store URI>, or in REDISCLI_AUTH.`,
        { target: this.uri },
      );
    }
    const client = await this.connect(this.parsed.admin, password, step);
    try {
      await work(client);
    } catch (error) {
      throw this.describe(error, step);
    } finally {
      client.destroy();
    }
  }

  private async connect(user: string, password: string | undefined, step: Step): Promise<RedisClient> {
    const { createClient } = commonJsExports(await import('redis'));
    const timeout = this.options.timeoutMs ?? 10_000;
    const client = createClient({
      socket: {
        host: this.parsed.host,
        port: this.parsed.port,
        connectTimeout: timeout,
        reconnectStrategy: false,
        ...(this.parsed.tls && { tls: true as const, servername: this.parsed.host }),
      },
      username: user,
      ...(password !== undefined && { password }),
      // a ping the server must answer, so a broken connection fails rather than hangs
      disableOfflineQueue: true,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      return client as unknown as RedisClient;
    } catch (error) {
      client.destroy();
      throw this.describe(error, step, user);
    }
  }

  /** A client error, reworded: the raw text could quote a command, and so a hash. */
  private describe(error: unknown, step: Step, user = this.parsed.admin): TargetError {
    if (error instanceof TargetError) return error;
    const text = error instanceof Error ? error.message : '';
    const code = (error as { code?: unknown } | undefined)?.code;
    if (/^WRONGPASS|^NOAUTH|invalid username-password/i.test(text)) {
      return step === 'test'
        ? new TargetError('TARGET_TEST_FAILED', `${this.uri} refused "${user}" with the new password.`, {
            target: this.uri,
          })
        : new TargetError(
            'TARGET_AUTH_FAILED',
            `${this.uri} refused admin "${user}": check the admin credential.`,
            {
              target: this.uri,
            },
          );
    }
    if (/^NOPERM/.test(text)) {
      return new TargetError(
        'TARGET_PRIVILEGE_MISSING',
        `Admin "${this.parsed.admin}" of ${this.uri} lacks a permission it needs (ACL GETUSER/SETUSER/SAVE, CONFIG GET aclfile). See docs/rotation.md, "Least-privilege grants".`,
        { target: this.uri },
      );
    }
    if (typeof code === 'string' || /timeout|closed|ECONN|socket/i.test(text)) {
      return new TargetError(
        'TARGET_UNREACHABLE',
        `${this.uri} could not be reached${typeof code === 'string' ? ` (${code})` : ''} during ${step === 'preflight' ? 'the pre-flight check' : step}. Check the host and port.`,
        { target: this.uri },
      );
    }
    return new TargetError(
      step === 'test' ? 'TARGET_TEST_FAILED' : 'TARGET_APPLY_FAILED',
      `${this.uri} failed during ${step}.`,
      {
        target: this.uri,
      },
    );
  }
}

/** ACL GETUSER's reply, a flat [key, value, …] list (RESP2) or a map (RESP3). */
function pairs(reply: unknown): Map<string, unknown> {
  if (Array.isArray(reply)) {
    const map = new Map<string, unknown>();
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]);
    return map;
  }
  return new Map(Object.entries((reply ?? {}) as Record<string, unknown>));
}

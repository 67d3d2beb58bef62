import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '../../adapters/store.js';
import { CERT_URL_TAG, TARGET_TAG } from '../../adapters/aws-secrets-manager/tags.js';
import { openTarget, type Target } from '../../adapters/targets/index.js';
import { hostPort, targetDisplay } from '../../adapters/targets/target.js';
import { certifyAndStore } from '../engine.js';
import { PassgeniError } from '../errors.js';
import { HttpIssuerClient } from '../issuer-client/http.js';

/**
 * A native AWS Secrets Manager rotation function (docs/rotation.md, "The AWS rotation function"):
 * AWS's four steps for a database secret in AWS's JSON shape (`engine`, `host`, `port`,
 * `username`, `password`, `dbname`, and `masterarn` for alternating users), each idempotent
 * because AWS retries them:
 *
 * - createSecret: generate, certify (the issuer sees parameters only) and store as AWSPENDING
 *   under the rotation's token, tagging the secret with `passgeni-cert-url`;
 * - setSecret: set the pending password on the database (SCRAM verifier / pre-hashed);
 * - testSecret: log in with it;
 * - finishSecret: move AWSCURRENT to it.
 *
 * Environment: PASSGENI_ISSUER_URL, PASSGENI_API_KEY (or PASSGENI_API_KEY_SECRET_ARN, a secret
 * holding it), PASSGENI_STANDARD (default SOC2), PASSGENI_SSLMODE (PostgreSQL, default require).
 */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

interface DatabaseSecret {
  engine: string;
  host: string;
  port?: number | string;
  username: string;
  password: string;
  dbname?: string;
  masterarn?: string;
  [key: string]: unknown;
}

/** Characters RDS refuses in a master password, and quoting trouble in connection strings. */
const UNSUPPORTED = '/@"\' \\';

export async function handler(event: RotationEvent, client = new SecretsManagerClient({})): Promise<void> {
  const rotation = new Rotation(client, event.SecretId, event.ClientRequestToken);
  await rotation.checkToken();
  switch (event.Step) {
    case 'createSecret':
      return rotation.createSecret();
    case 'setSecret':
      return rotation.setSecret();
    case 'testSecret':
      return rotation.testSecret();
    case 'finishSecret':
      return rotation.finishSecret();
    default:
      throw new PassgeniError('LAMBDA_STEP_UNKNOWN', `Unknown rotation step ${String(event.Step)}.`);
  }
}

class Rotation {
  private stages: Record<string, string[]> = {};

  constructor(
    private readonly sm: SecretsManagerClient,
    private readonly secretId: string,
    private readonly token: string,
  ) {}

  async checkToken(): Promise<void> {
    const described = await this.sm.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    if (!described.RotationEnabled) {
      throw new PassgeniError('LAMBDA_ROTATION_DISABLED', `Rotation is not enabled on ${this.secretId}.`);
    }
    this.stages = described.VersionIdsToStages ?? {};
    // RotateSecret stages the token AWSPENDING (without a value) before calling createSecret; a
    // token staged otherwise belongs to a rotation that was superseded, and must not move stages.
    if (!(this.token in this.stages)) {
      throw new PassgeniError(
        'LAMBDA_TOKEN_UNKNOWN',
        `Version ${this.token} of ${this.secretId} is not staged for rotation.`,
      );
    }
    if (!this.isCurrent() && !this.stages[this.token]?.includes('AWSPENDING')) {
      throw new PassgeniError(
        'LAMBDA_TOKEN_NOT_PENDING',
        `Version ${this.token} of ${this.secretId} is neither AWSPENDING nor AWSCURRENT: another rotation superseded it. Start a new rotation (aws secretsmanager rotate-secret).`,
      );
    }
  }

  private isCurrent(): boolean {
    return this.stages[this.token]?.includes('AWSCURRENT') ?? false;
  }

  async createSecret(): Promise<void> {
    if (this.isCurrent() || this.stages[this.token]?.includes('AWSPENDING')) {
      // a retry: the pending version exists (PutSecretValue is keyed by the token)
      if (this.isCurrent() || (await this.read('AWSPENDING', this.token)) !== undefined) return;
    }
    const current = (await this.read('AWSCURRENT'))!;
    const pendingUser = current.masterarn ? alternate(current.username, current.engine) : current.username;
    const issuer = new HttpIssuerClient({
      url: requiredEnv('PASSGENI_ISSUER_URL'),
      apiKey: await this.apiKey(),
    });
    const store: SecretStore = {
      uri: `aws-sm://${this.secretId} (AWSPENDING)`,
      kind: 'aws-sm',
      unsupportedCharacters: UNSUPPORTED,
      preflight: async () => {},
      readCredential: async () => undefined,
      readCertificateUrl: async () => undefined,
      write: async ({ credential, certUrl }) => {
        const put = await this.sm.send(
          new PutSecretValueCommand({
            SecretId: this.secretId,
            ClientRequestToken: this.token,
            SecretString: JSON.stringify({ ...current, username: pendingUser, password: credential }),
            VersionStages: ['AWSPENDING'],
          }),
        );
        await this.sm.send(
          new TagResourceCommand({
            SecretId: this.secretId,
            Tags: [
              { Key: CERT_URL_TAG, Value: certUrl },
              // what `inventory` shows as the secret's target (docs/stores.md, "The target")
              {
                Key: TARGET_TAG,
                // alternating: the user, then its clone (the longer name), whichever is pending
                Value: displayOf(
                  current,
                  current.masterarn
                    ? [current.username, pendingUser].sort((a, b) => a.length - b.length)
                    : [pendingUser],
                ),
              },
            ],
          }),
        );
        return { store: this.secretId, ...(put.VersionId !== undefined && { version: put.VersionId }) };
      },
    };
    try {
      await certifyAndStore(
        { standard: process.env.PASSGENI_STANDARD ?? 'SOC2', stores: [store.uri] },
        { issuer, openStore: async () => store },
      );
    } finally {
      await issuer.close();
    }
  }

  async setSecret(): Promise<void> {
    const pending = await this.pending();
    const target = await this.target(pending);
    // a retry after the password was set: nothing to do
    if (await accepts(target, pending.password)) return;
    if (pending.masterarn) {
      // the first rotation of alternating users clones the user in the current version
      const current = (await this.read('AWSCURRENT'))!;
      if (await target.createLike?.(current.username, pending.password)) return;
    }
    await target.preflight();
    await target.apply(pending.password);
  }

  async testSecret(): Promise<void> {
    const pending = await this.pending();
    // a login as the pending user needs no administrator: no other secret is read
    const target = await openTarget(targetUri(pending, pending.username), {
      adminPassword: pending.password,
    });
    await target.test(pending.password);
  }

  async finishSecret(): Promise<void> {
    if (this.isCurrent()) return;
    const current = Object.entries(this.stages).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
    await this.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: this.secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: this.token,
        ...(current !== undefined && { RemoveFromVersionId: current }),
      }),
    );
  }

  private async pending(): Promise<DatabaseSecret> {
    const pending = await this.read('AWSPENDING', this.token);
    if (!pending) {
      throw new PassgeniError(
        'LAMBDA_PENDING_MISSING',
        `${this.secretId} has no AWSPENDING version ${this.token}: createSecret did not run.`,
      );
    }
    return pending;
  }

  /**
   * The database, administered by the master secret (alternating users) or, for a single user,
   * by the user itself with the password that still works (current, else previous): a role may
   * change its own password.
   */
  private async target(pending: DatabaseSecret): Promise<Target> {
    if (pending.masterarn) {
      const master = await this.read('AWSCURRENT', undefined, pending.masterarn);
      if (!master) {
        throw new PassgeniError(
          'LAMBDA_MASTER_MISSING',
          `The master secret ${pending.masterarn} named by ${this.secretId} (masterarn) has no AWSCURRENT version.`,
        );
      }
      // whoever may edit this secret must not be able to aim the master's privileges at another
      // database: the master secret has to describe the same server
      if (master.host !== pending.host || portOf(master) !== portOf(pending)) {
        throw new PassgeniError(
          'LAMBDA_MASTER_HOST_MISMATCH',
          `The master secret ${pending.masterarn} is for ${master.host}:${portOf(master)}, but ${this.secretId} is for ${pending.host}:${portOf(pending)}: refusing to use it. Set masterarn to the master secret of the same database.`,
        );
      }
      return openTarget(targetUri(pending, master.username), { adminPassword: master.password });
    }
    for (const stage of ['AWSCURRENT', 'AWSPREVIOUS'] as const) {
      const known = await this.read(stage).catch(() => undefined);
      if (!known) continue;
      const target = await openTarget(targetUri(pending, pending.username), {
        adminPassword: known.password,
      });
      if (await accepts(target, known.password)) return target;
    }
    // neither works: the pending one may already be set (a retry), which setSecret checks first
    return openTarget(targetUri(pending, pending.username), { adminPassword: pending.password });
  }

  private async read(
    stage: string,
    versionId?: string,
    secretId = this.secretId,
  ): Promise<DatabaseSecret | undefined> {
    try {
      const value = await this.sm.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(versionId !== undefined && { VersionId: versionId }),
        }),
      );
      return JSON.parse(value.SecretString ?? '{}') as DatabaseSecret;
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  private async apiKey(): Promise<string> {
    const arn = process.env.PASSGENI_API_KEY_SECRET_ARN;
    if (!arn) return requiredEnv('PASSGENI_API_KEY');
    const value = await this.sm.send(new GetSecretValueCommand({ SecretId: arn }));
    return value.SecretString ?? '';
  }
}

async function accepts(target: Target, password: string): Promise<boolean> {
  try {
    await target.test(password);
    return true;
  } catch {
    return false;
  }
}

/** AWS's alternating-users convention: `user` ↔ `user_clone`, within the engine's name limit. */
function alternate(username: string, engine: string): string {
  if (username.endsWith('_clone')) return username.slice(0, -'_clone'.length);
  const clone = `${username}_clone`;
  const limit = /^postgres/.test(engine) ? 63 : /^mariadb/.test(engine) ? 80 : 32;
  if (clone.length > limit) {
    throw new PassgeniError(
      'LAMBDA_USERNAME_TOO_LONG',
      `"${clone}" (the alternating user of "${username}") is longer than ${engine}'s limit of ${limit} characters: use a shorter username.`,
    );
  }
  return clone;
}

function portOf(secret: DatabaseSecret): number {
  return Number(secret.port ?? (/^postgres/.test(secret.engine) ? 5432 : 3306));
}

/** The target's display form (never the admin or a parameter), as the engine records it. */
function displayOf(secret: DatabaseSecret, users: readonly string[]): string {
  const at = hostPort(secret.host, portOf(secret));
  if (/^postgres/.test(secret.engine)) {
    return targetDisplay(`postgresql://${at}/${encodeURIComponent(secret.dbname ?? 'postgres')}`, users);
  }
  return targetDisplay(
    `mysql://${at}`,
    users.map((user) => `${user}@%`),
  );
}

function targetUri(secret: DatabaseSecret, admin: string): string {
  const host = secret.host.includes(':') ? `[${secret.host}]` : secret.host;
  const enc = encodeURIComponent;
  if (/^postgres/.test(secret.engine)) {
    const sslmode = process.env.PASSGENI_SSLMODE ?? 'require';
    return `postgresql://${enc(admin)}@${host}:${portOf(secret)}/${enc(secret.dbname ?? 'postgres')}?sslmode=${sslmode}#${enc(secret.username)}`;
  }
  if (/^(mysql|mariadb)/.test(secret.engine)) {
    return `mysql://${enc(admin)}@${host}:${portOf(secret)}?ssl-mode=${process.env.PASSGENI_SSL_MODE ?? 'REQUIRED'}#${enc(secret.username)}@%25`;
  }
  throw new PassgeniError(
    'LAMBDA_ENGINE_UNSUPPORTED',
    `Engine "${secret.engine}" is not supported: postgres, mysql or mariadb.`,
  );
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new PassgeniError('LAMBDA_CONFIG_MISSING', `Set ${name} in the function's environment.`);
  return value;
}

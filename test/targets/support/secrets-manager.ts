import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import nock from 'nock';
import { handler, type RotationEvent } from '../../../src/lambda/rotate.js';

/**
 * AWS Secrets Manager at the HTTP level, just far enough for a rotation function: versions and
 * their staging labels as the service keeps them (RotateSecret stages the new token AWSPENDING
 * without a value; PutSecretValue is idempotent per token; moving AWSCURRENT moves AWSPREVIOUS),
 * answering the real SDK through nock. Every call is recorded, so a test can assert exactly what
 * each step asked of the service.
 */

const ENDPOINT = 'https://secretsmanager.us-east-1.amazonaws.com';
const OPS = ['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'TagResource', 'UpdateSecretVersionStage'];

interface Version {
  value: string | undefined;
  stages: string[];
}

interface Secret {
  name: string;
  versions: Map<string, Version>;
  tags: Record<string, string>;
  rotationEnabled: boolean;
}

export function arnOf(name: string): string {
  return `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbCdEf`;
}

export class SecretsManagerDouble {
  readonly secrets = new Map<string, Secret>();
  /** `Op name [stage][@version]`, in the order the function made them; versions as `v0`, `t1`, `t2`… */
  readonly calls: string[] = [];
  private readonly labels = new Map<string, string>([['v-initial', 'v0']]);

  /** A secret whose first version (AWSCURRENT) holds `value`; returns its ARN. */
  add(name: string, value: unknown, options: { rotationEnabled?: boolean } = {}): string {
    const versions = new Map<string, Version>([
      ['v-initial', { value: JSON.stringify(value), stages: ['AWSCURRENT'] }],
    ]);
    this.secrets.set(arnOf(name), {
      name,
      versions,
      tags: {},
      rotationEnabled: options.rotationEnabled ?? false,
    });
    return arnOf(name);
  }

  /** What RotateSecret does before it invokes the function: a new token, staged AWSPENDING. */
  startRotation(arn: string): string {
    const secret = this.secret(arn);
    const token = randomUUID();
    this.labels.set(token, `t${this.labels.size}`);
    for (const version of secret.versions.values()) {
      version.stages = version.stages.filter((stage) => stage !== 'AWSPENDING');
    }
    secret.versions.set(token, { value: undefined, stages: ['AWSPENDING'] });
    return token;
  }

  /** The parsed value of the version holding `stage`. */
  value<T = Record<string, unknown>>(arn: string, stage = 'AWSCURRENT'): T {
    const found = this.find(this.secret(arn), stage);
    if (!found?.value) throw new Error(`no ${stage} value`);
    return JSON.parse(found.value) as T;
  }

  stagesOf(arn: string): Record<string, string[]> {
    return Object.fromEntries([...this.secret(arn).versions].map(([id, v]) => [id, [...v.stages].sort()]));
  }

  tags(arn: string): Record<string, string> {
    return this.secret(arn).tags;
  }

  /** Intercepts the service's endpoint with nock (the caller keeps other hosts disconnected). */
  intercept(): void {
    for (const op of OPS) {
      nock(ENDPOINT)
        .persist()
        .post('/')
        .matchHeader('x-amz-target', `secretsmanager.${op}`)
        // nock 15 hands a reply function the request (fetch's Request)
        .reply(async (req: Request) => {
          const [status, json] = this.handle(op, (await req.json()) as Record<string, unknown>);
          return [status, json as Record<string, unknown>, { 'content-type': 'application/x-amz-json-1.1' }];
        });
    }
  }

  private secret(arn: string): Secret {
    const secret = this.secrets.get(arn);
    if (!secret) throw new Error(`no secret ${arn}`);
    return secret;
  }

  private find(secret: Secret, stage: string | undefined, versionId?: string) {
    for (const [id, v] of secret.versions) {
      if (versionId !== undefined && id !== versionId) continue;
      if (stage !== undefined && !v.stages.includes(stage)) continue;
      return { id, ...v };
    }
    return undefined;
  }

  private log(op: string, secret: Secret, detail = ''): void {
    this.calls.push(`${op} ${secret.name}${detail ? ` ${detail}` : ''}`);
  }

  handle(op: string, body: Record<string, unknown>): [number, unknown] {
    const secret = this.secrets.get(String(body.SecretId));
    if (!secret)
      return [
        400,
        { __type: 'ResourceNotFoundException', message: 'Secrets Manager can’t find the specified secret.' },
      ];
    const ARN = arnOf(secret.name);
    const token = (id: unknown) => (id === undefined ? '' : `@${this.labels.get(String(id)) ?? String(id)}`);
    switch (op) {
      case 'DescribeSecret':
        this.log(op, secret);
        return [
          200,
          {
            ARN,
            Name: secret.name,
            RotationEnabled: secret.rotationEnabled,
            VersionIdsToStages: Object.fromEntries([...secret.versions].map(([id, v]) => [id, v.stages])),
          },
        ];
      case 'GetSecretValue': {
        const stage =
          (body.VersionStage as string | undefined) ?? (body.VersionId ? undefined : 'AWSCURRENT');
        this.log(op, secret, `${stage ?? ''}${token(body.VersionId)}`);
        const found = this.find(secret, stage, body.VersionId as string | undefined);
        return found?.value !== undefined
          ? [
              200,
              {
                ARN,
                Name: secret.name,
                VersionId: found.id,
                SecretString: found.value,
                VersionStages: found.stages,
              },
            ]
          : [
              400,
              {
                __type: 'ResourceNotFoundException',
                message: `Secrets Manager can't find the specified secret value for staging label: ${stage ?? ''}`,
              },
            ];
      }
      case 'PutSecretValue': {
        const id = String(body.ClientRequestToken);
        const stages = (body.VersionStages as string[] | undefined) ?? ['AWSCURRENT'];
        this.log(op, secret, `${stages.join(',')}${token(id)}`);
        const existing = secret.versions.get(id);
        if (existing?.value !== undefined) {
          return existing.value === body.SecretString
            ? [200, { ARN, Name: secret.name, VersionId: id, VersionStages: existing.stages }]
            : [
                400,
                { __type: 'ResourceExistsException', message: 'A version with this token already exists.' },
              ];
        }
        // a staging label is on one version at a time: it moves to this one
        for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => !stages.includes(s));
        secret.versions.set(id, {
          value: String(body.SecretString),
          stages: [...new Set([...(existing?.stages ?? []), ...stages])],
        });
        return [200, { ARN, Name: secret.name, VersionId: id, VersionStages: stages }];
      }
      case 'TagResource':
        this.log(op, secret, (body.Tags as { Key: string }[]).map((t) => t.Key).join(','));
        for (const tag of body.Tags as { Key: string; Value: string }[]) secret.tags[tag.Key] = tag.Value;
        return [200, {}];
      case 'UpdateSecretVersionStage': {
        const stage = String(body.VersionStage);
        this.log(op, secret, `${stage}${token(body.MoveToVersionId)} from${token(body.RemoveFromVersionId)}`);
        const holder = this.find(secret, stage);
        if (holder && holder.id !== body.RemoveFromVersionId && holder.id !== body.MoveToVersionId) {
          return [400, { __type: 'InvalidParameterException', message: `${stage} is on ${holder.id}` }];
        }
        const from = secret.versions.get(String(body.RemoveFromVersionId));
        const to = secret.versions.get(String(body.MoveToVersionId));
        if (!to) return [400, { __type: 'ResourceNotFoundException', message: 'no such version' }];
        if (stage === 'AWSCURRENT' && from) {
          for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
          from.stages.push('AWSPREVIOUS');
        }
        if (from) from.stages = from.stages.filter((s) => s !== stage);
        // the rotation is over once the new version is current: AWSPENDING goes with it
        to.stages = [...to.stages.filter((s) => s !== stage && s !== 'AWSPENDING'), stage];
        return [200, { ARN, Name: secret.name }];
      }
      default:
        return [400, { __type: 'InvalidRequestException', message: op }];
    }
  }
}

/** A real SDK client with fixed test credentials, pointed (by default) at ENDPOINT. */
export function testClient(): SecretsManagerClient {
  return new SecretsManagerClient({
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    maxAttempts: 1,
  });
}

export const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type Step = (typeof STEPS)[number];

/**
 * One whole rotation as AWS drives it: each step run, then run again (AWS retries a step whose
 * invocation it did not see succeed). Returns the Secrets Manager calls of each run.
 */
export async function rotate(
  sm: SecretsManagerDouble,
  arn: string,
  afterRun: (step: Step, attempt: 'first' | 'retry') => Promise<void> = async () => {},
  client = testClient(),
): Promise<{ token: string; calls: Record<Step, { first: string[]; retry: string[] }> }> {
  const token = sm.startRotation(arn);
  const calls = {} as Record<Step, { first: string[]; retry: string[] }>;
  for (const Step of STEPS) {
    const event: RotationEvent = { SecretId: arn, ClientRequestToken: token, Step };
    const runs: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const start = sm.calls.length;
      await handler(event, client);
      runs.push(sm.calls.slice(start));
      await afterRun(Step, i === 0 ? 'first' : 'retry');
    }
    calls[Step] = { first: runs[0]!, retry: runs[1]! };
  }
  return { token, calls };
}

/** What each step asks of Secrets Manager, first run and retry (versions labelled v0, t1, t2…). */
export function expectedCalls(name: string, token: string, previous: string, master?: string) {
  const describe = `DescribeSecret ${name}`;
  const pending = `GetSecretValue ${name} AWSPENDING@${token}`;
  const current = `GetSecretValue ${name} AWSCURRENT`;
  const admin = master ? [`GetSecretValue ${master} AWSCURRENT`] : [current];
  return {
    createSecret: {
      first: [
        describe,
        pending,
        current,
        `PutSecretValue ${name} AWSPENDING@${token}`,
        `TagResource ${name} passgeni-cert-url,passgeni-target`,
      ],
      retry: [describe, pending],
    },
    // single user: logs in as the user with the current password (the retry finds it changed
    // and tries the previous one); alternating: the master, and the current user as template
    setSecret: {
      first: [describe, pending, ...admin, ...(master ? [current] : [])],
      retry: [describe, pending, ...admin, ...(master ? [] : [`GetSecretValue ${name} AWSPREVIOUS`])],
    },
    testSecret: { first: [describe, pending], retry: [describe, pending] },
    finishSecret: {
      first: [describe, `UpdateSecretVersionStage ${name} AWSCURRENT@${token} from@${previous}`],
      retry: [describe],
    },
  };
}

import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler, type RotationEvent } from '../../src/lambda/rotate.js';
import { useNockLoopbackOnly, useTestIssuer } from '../support/hooks.js';
import { SHARED, canLogin, query, scratch } from './support/postgres.js';

/**
 * The AWS rotation function (issue 18): its four steps against a Secrets Manager double at the
 * HTTP level (nock, the real SDK) and the real PostgreSQL, each step retried once as AWS does.
 */

useNockLoopbackOnly();
const issuer = useTestIssuer();
const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/app-AbCdEf';

/** Secrets Manager's versions and stages, just far enough for a rotation. */
class SecretsManagerDouble {
  versions = new Map<string, { value: string; stages: string[] }>();
  tags: Record<string, string> = {};
  puts = 0;

  constructor(initial: string) {
    this.versions.set('v-initial', { value: initial, stages: ['AWSCURRENT'] });
  }

  find(stage: string, versionId?: string) {
    for (const [id, v] of this.versions) {
      if ((versionId === undefined || id === versionId) && v.stages.includes(stage)) return { id, ...v };
    }
    return undefined;
  }

  handle(op: string, body: Record<string, unknown>): [number, unknown] {
    switch (op) {
      case 'DescribeSecret':
        return [
          200,
          {
            ARN,
            Name: 'prod/app',
            RotationEnabled: true,
            VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, v]) => [id, v.stages])),
          },
        ];
      case 'GetSecretValue': {
        const found = this.find(
          String(body.VersionStage ?? 'AWSCURRENT'),
          body.VersionId as string | undefined,
        );
        return found
          ? [
              200,
              {
                ARN,
                Name: 'prod/app',
                VersionId: found.id,
                SecretString: found.value,
                VersionStages: found.stages,
              },
            ]
          : [400, { __type: 'ResourceNotFoundException', message: 'no such version' }];
      }
      case 'PutSecretValue': {
        this.puts++;
        const id = String(body.ClientRequestToken);
        const existing = this.versions.get(id);
        if (existing && existing.value !== body.SecretString)
          return [400, { __type: 'ResourceExistsException', message: 'exists' }];
        for (const v of this.versions.values()) v.stages = v.stages.filter((s) => s !== 'AWSPENDING');
        const stages = (body.VersionStages as string[]) ?? ['AWSCURRENT'];
        this.versions.set(id, {
          value: String(body.SecretString),
          stages: [...(existing?.stages ?? []), ...stages].filter((s, i, all) => all.indexOf(s) === i),
        });
        return [200, { ARN, Name: 'prod/app', VersionId: id, VersionStages: stages }];
      }
      case 'TagResource':
        for (const tag of body.Tags as { Key: string; Value: string }[]) this.tags[tag.Key] = tag.Value;
        return [200, {}];
      case 'UpdateSecretVersionStage': {
        const stage = String(body.VersionStage);
        const from = this.versions.get(String(body.RemoveFromVersionId));
        if (from)
          from.stages = [
            ...from.stages.filter((s) => s !== stage),
            ...(stage === 'AWSCURRENT' ? ['AWSPREVIOUS'] : []),
          ];
        for (const v of this.versions.values())
          if (v !== from && stage === 'AWSCURRENT') v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
        const to = this.versions.get(String(body.MoveToVersionId))!;
        to.stages = [...to.stages.filter((s) => s !== 'AWSPENDING'), stage];
        return [200, { ARN, Name: 'prod/app' }];
      }
      default:
        return [400, { __type: 'InvalidRequestException', message: op }];
    }
  }
}

let sm: SecretsManagerDouble;
let client: SecretsManagerClient;

beforeEach(() => {
  process.env.PASSGENI_ISSUER_URL = issuer.url;
  process.env.PASSGENI_API_KEY = issuer.apiKey;
  process.env.PASSGENI_SSLMODE = 'disable';
  client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    maxAttempts: 1,
  });
});

function intercept(double: SecretsManagerDouble): void {
  const ops = [
    'DescribeSecret',
    'GetSecretValue',
    'PutSecretValue',
    'TagResource',
    'UpdateSecretVersionStage',
  ];
  for (const op of ops) {
    nock('https://secretsmanager.us-east-1.amazonaws.com')
      .persist()
      .post('/')
      .matchHeader('x-amz-target', `secretsmanager.${op}`)
      // nock 15 hands a reply function the request (fetch's Request)
      .reply(async (req: Request) => {
        const request = (await req.json()) as Record<string, unknown>;
        const [status, json] = double.handle(op, request);
        return [status, json as Record<string, unknown>, { 'content-type': 'application/x-amz-json-1.1' }];
      });
  }
}

describe('the rotation function (src/lambda/rotate.ts, built to dist/lambda/rotate.js)', () => {
  it('is built as one self-contained file exporting the handler', async () => {
    const built = (await import(new URL('../../dist/lambda/rotate.js', import.meta.url).href)) as {
      handler?: unknown;
    };
    expect(typeof built.handler).toBe('function');
  });

  it('rotates a PostgreSQL single-user secret, each step retried once, and tags the certificate URL', async () => {
    const db = await scratch();
    try {
      const app = db.role('app');
      await query(SHARED, `CREATE ROLE ${app} LOGIN PASSWORD 'old-password'`);
      sm = new SecretsManagerDouble(
        JSON.stringify({
          engine: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          username: app,
          password: 'old-password',
          dbname: db.database,
        }),
      );
      intercept(sm);
      const token = randomUUID();
      const event = (Step: RotationEvent['Step']): RotationEvent => ({
        SecretId: ARN,
        ClientRequestToken: token,
        Step,
      });
      sm.handle = wrapDescribe(sm, token);

      for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
        await handler(event(step), client);
        await handler(event(step), client); // AWS retries a step: nothing changes the second time
      }
      expect(sm.puts).toBe(1);
      const current = JSON.parse(sm.find('AWSCURRENT')!.value) as {
        username: string;
        password: string;
        host: string;
      };
      expect(current.username).toBe(app);
      expect(current.host).toBe('127.0.0.1');
      expect(current.password).not.toBe('old-password');
      expect(await canLogin(SHARED, db.database, app, current.password)).toBe(true);
      expect(await canLogin(SHARED, db.database, app, 'old-password')).toBe(false);
      expect(sm.find('AWSPREVIOUS')).toBeDefined();
      const certUrl = sm.tags['passgeni-cert-url']!;
      expect(certUrl).toMatch(new RegExp(`^${issuer.url}/cert/`));
      const status = await fetch(certUrl, { headers: { accept: 'application/json' } });
      expect(((await status.json()) as { status: string }).status).toBe('valid');
    } finally {
      await db.drop();
    }
  });
});

/** DescribeSecret lists the rotation's token, as it does once RotateSecret has started. */
function wrapDescribe(double: SecretsManagerDouble, token: string): SecretsManagerDouble['handle'] {
  const original = double.handle.bind(double);
  return (op, body) => {
    const [status, json] = original(op, body);
    if (op === 'DescribeSecret') {
      const stages = (json as { VersionIdsToStages: Record<string, string[]> }).VersionIdsToStages;
      stages[token] ??= [];
    }
    return [status, json];
  };
}

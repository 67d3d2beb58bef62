import { describe, expect, it } from 'vitest';
import { openStore, parseStorePrefix, parseStoreUri } from '../../adapters/index.js';
import { StoreError } from '../../adapters/store.js';

function invalid(uri: string): StoreError {
  try {
    parseStoreUri(uri);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    const storeError = error as StoreError;
    expect(storeError.code).toBe('STORE_URI_INVALID');
    expect(storeError.exitCode).toBe(2);
    return storeError;
  }
  throw new Error(`expected ${uri} to be rejected`);
}

describe('parseStoreUri', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the reserved key %s in every store kind (it would drop the certificate URL)',
    (key) => {
      for (const uri of [
        `file://x.json#${key}`,
        `file://.env#${key}`,
        `aws-sm://prod/db#${key}`,
        `vault://secret/app#${key}`,
        `k8s://default/app#${key}`,
      ]) {
        const error = invalid(uri);
        expect(error.message).toContain(`"${key}" cannot be used as a key`);
        expect(error.message).toContain('choose another key name');
      }
    },
  );

  it('parses AWS names, ARNs, JSON keys and ?create in either position', () => {
    expect(parseStoreUri('aws-sm://prod/db')).toEqual({
      kind: 'aws-sm',
      uri: 'aws-sm://prod/db',
      secretId: 'prod/db',
      create: false,
    });
    expect(parseStoreUri('aws-sm://prod/db#password?create=true')).toMatchObject({
      secretId: 'prod/db',
      jsonKey: 'password',
      create: true,
    });
    expect(parseStoreUri('aws-sm://prod/db?create=true#password')).toMatchObject({
      jsonKey: 'password',
      create: true,
    });
    expect(parseStoreUri('aws-sm://app#a%23b')).toMatchObject({ jsonKey: 'a#b' });
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
    expect(parseStoreUri(`aws-sm://${arn}#password`)).toMatchObject({
      secretId: arn,
      arnRegion: 'eu-west-1',
    });
  });

  it('parses Vault mount, nested path, key and an escaped nested mount', () => {
    expect(parseStoreUri('vault://secret/team/app/db#password')).toEqual({
      kind: 'vault',
      uri: 'vault://secret/team/app/db#password',
      mount: 'secret',
      path: 'team/app/db',
      key: 'password',
    });
    expect(parseStoreUri('vault://team%2Fkv/app#k')).toMatchObject({ mount: 'team/kv', path: 'app' });
  });

  it('parses Doppler, Kubernetes and file URIs', () => {
    const cases: [string, Record<string, string>][] = [
      ['doppler://backend/prd/DB_PASSWORD', { project: 'backend', config: 'prd', name: 'DB_PASSWORD' }],
      [
        'k8s://payments/db-credentials#password',
        { namespace: 'payments', name: 'db-credentials', key: 'password' },
      ],
      ['file://.env#DB_PASSWORD', { path: '.env', key: 'DB_PASSWORD', format: 'dotenv' }],
      [
        'file:///etc/app/secrets.json#db.password',
        { path: '/etc/app/secrets.json', key: 'db.password', format: 'json' },
      ],
    ];
    for (const [uri, parsed] of cases) expect(parseStoreUri(uri)).toMatchObject(parsed);
  });

  it('rejects malformed URIs with the expected shape in the message', () => {
    expect(invalid('vault://secret/app').message).toContain('vault://<mount>/<path>#<key>');
    expect(invalid('vault://secret#k').message).toContain('mount and a secret path');
    expect(invalid('nope://x').message).toContain('aws-sm://<secret name or ARN>');
    expect(invalid('secret/app').message).toContain('no scheme');
    expect(invalid('doppler://p/c/db_password').message).toContain('upper-case');
    expect(invalid('doppler://p/c/1PASSWORD').message).toContain('not starting with a digit');
    expect(invalid('doppler://p/c').message).toContain('doppler://<project>/<config>/<SECRET_NAME>');
    expect(invalid('k8s://Payments/db#k').message).toContain('DNS-1123');
    expect(invalid('k8s://ns/db#bad/key').message).toContain('data key');
    expect(invalid('file://.env').message).toContain('#<KEY>');
    expect(invalid('file://.env#BAD KEY').message).toContain('dotenv keys');
    expect(invalid('aws-sm://bad name').message).toContain('1-512 characters');
    expect(invalid('aws-sm://x?create=yes').message).toContain('true or false');
    expect(invalid('aws-sm://x?force=true').message).toContain('unknown option');
    expect(
      invalid('aws-sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:x?create=true').message,
    ).toContain('cannot be created from an ARN');
    expect(invalid('vault://secret/../app#k').message).toContain('not allowed');
    expect(invalid('vault://secret//app#k').message).toContain('empty path segment');
    expect(invalid('vault://secret/a%zz#k').message).toContain('malformed %-escape');
  });
});

describe('parseStorePrefix', () => {
  it('accepts listable prefixes and refuses the others', () => {
    expect(parseStorePrefix('aws-sm://')).toMatchObject({ kind: 'aws-sm', namePrefix: '' });
    expect(parseStorePrefix('aws-sm://prod/')).toMatchObject({ namePrefix: 'prod/' });
    expect(parseStorePrefix('vault://secret/team/')).toMatchObject({ mount: 'secret', pathPrefix: 'team' });
    expect(parseStorePrefix('file://secrets')).toMatchObject({ kind: 'file', path: 'secrets' });
    expect(() => parseStorePrefix('doppler://p/c')).toThrow(/cannot be listed/);
    expect(() => parseStorePrefix('vault://secret/app#k')).toThrow(/no #key/);
  });
});

describe('openStore', () => {
  it('opens each kind and reports missing credentials before any network call', async () => {
    const env = {};
    await expect(openStore('doppler://p/c/NAME', { env })).rejects.toMatchObject({
      code: 'STORE_AUTH_MISSING',
    });
    await expect(openStore('vault://secret/app#k', { env })).rejects.toMatchObject({
      code: 'STORE_AUTH_MISSING',
    });
    await expect(
      openStore('vault://secret/app#k', { env: {}, vault: { auth: 'jwt', jwt: 'x' } }),
    ).rejects.toThrow(/role/);
    await expect(
      openStore('k8s://ns/s#k', { env: { KUBECONFIG: '/nonexistent/kubeconfig' } }),
    ).rejects.toMatchObject({
      code: 'STORE_AUTH_MISSING',
    });
    const file = await openStore('file://x.env#A', { baseDir: '/tmp' });
    expect(file.kind).toBe('file');
    const aws = await openStore('aws-sm://x', { env: { AWS_REGION: 'us-east-1' } });
    expect(aws.kind).toBe('aws-sm');
    const vault = await openStore('vault://secret/app#k', { env: { VAULT_TOKEN: 't' } });
    expect(vault.kind).toBe('vault');
  });
});

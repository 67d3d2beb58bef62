import { createServer, type AddressInfo, type Socket } from 'node:net';
import { expect } from 'vitest';
import nock from 'nock';
import { StoreError } from '../../adapters/store.js';
import type { SecretStore, StoreErrorCode, StoreWriteRequest } from '../../adapters/store.js';

/** The certificate every adapter test attaches. */
export const CERT = {
  certUrl: 'https://certs.example.test/cert/5b1f',
  certId: '5b1f2c3d-0000-4000-8000-000000000001',
};

/** Awaits a promise that must reject with a StoreError and returns the error. */
export async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected the operation to fail').toBeInstanceOf(StoreError);
  return caught as StoreError;
}

/**
 * Every surface an error can leak through: its message, its string form, its JSON form (what the
 * CLI prints with --json), its stack, and its cause chain.
 */
export function expectNoSecrets(error: StoreError, secrets: readonly string[]): void {
  const surfaces = [
    error.message,
    String(error),
    JSON.stringify(error),
    error.stack ?? '',
    JSON.stringify(error.details ?? {}),
    String(error.cause ?? ''),
  ];
  for (const secret of secrets) {
    for (const surface of surfaces) expect(surface).not.toContain(secret);
  }
  expect(error.cause).toBeUndefined();
}

/** Every interceptor was used, and nothing else was called. */
export function expectAllCallsMade(): void {
  expect(nock.pendingMocks()).toEqual([]);
}

export function resetNock(): void {
  nock.cleanAll();
  nock.disableNetConnect();
}

/** Captures raw request bodies of a scope, in order, as sent on the wire. */
export function recordBodies(scope: nock.Scope): string[] {
  const bodies: string[] = [];
  scope.on('request', (_req: unknown, _interceptor: unknown, body: string) => bodies.push(body));
  return bodies;
}

/** Writes through a store that must refuse with `code`, and returns the error. */
export async function writeFails(
  store: Promise<SecretStore>,
  request: StoreWriteRequest,
  code: StoreErrorCode,
): Promise<StoreError> {
  const error = await storeError((await store).write(request));
  expect(error.code).toBe(code);
  return error;
}

/**
 * A loopback server that accepts connections and never answers: what hung certify for minutes
 * before the stores had time limits. `close` drops the held sockets too.
 */
export async function stalledServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

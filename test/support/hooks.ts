import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { IssuerOptions } from '../../src/issuer/index.js';
import { startTestIssuer, type TestIssuer } from './issuer-server.js';

/**
 * One real test issuer for every test of the file that calls this (at its top level or in a
 * describe): started before them, closed after. The returned object reads through to it, so it
 * can be used like the TestIssuer itself once the tests run.
 */
export function useTestIssuer(options: Partial<IssuerOptions> = {}): TestIssuer {
  let started: TestIssuer | undefined;
  beforeAll(async () => {
    started = await startTestIssuer(options);
  });
  afterAll(() => started?.close());
  const get = (): TestIssuer => {
    if (!started) throw new Error('the test issuer is started in beforeAll');
    return started;
  };
  return {
    get issuer() {
      return get().issuer;
    },
    get server() {
      return get().server;
    },
    get url() {
      return get().url;
    },
    get apiKey() {
      return get().apiKey;
    },
    get trustLine() {
      return get().trustLine;
    },
    close: () => get().close(),
  };
}

/** Every test starts with no nock interceptors and no network but loopback (the test issuer). */
export function useNockLoopbackOnly(): void {
  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

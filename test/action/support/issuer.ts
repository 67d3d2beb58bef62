import { afterAll, beforeAll } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../../support/issuer-server.js';

/**
 * A real issuer on loopback for the tests of one file: started before them, closed after. Its
 * abuse limits are off, since one file issues many certificates from the one loopback address.
 * The fields are read when a test runs, after the issuer has started.
 */
export function useTestIssuer(): Omit<TestIssuer, 'close'> {
  let started: TestIssuer | undefined;
  beforeAll(async () => {
    started = await startTestIssuer({
      limits: { ipCertificatesPerHour: 0, keyRequestsPerMinute: 0, keyBurst: 0 },
    });
  });
  afterAll(async () => {
    await started?.close();
  });
  const running = (): TestIssuer => {
    if (started === undefined)
      throw new Error('the test issuer is read before it started (use it in a test)');
    return started;
  };
  return {
    get issuer() {
      return running().issuer;
    },
    get server() {
      return running().server;
    },
    get url() {
      return running().url;
    },
    get apiKey() {
      return running().apiKey;
    },
  };
}

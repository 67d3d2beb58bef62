import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { AdapterContext } from '../options.js';
import { withRetry } from '../../src/lib/retry.js';
import { GRPC, grpcCode, mapGcpError } from './errors.js';

const DEFAULT_TIMEOUT_MS = 30_000;
type AuthClientOption = NonNullable<
  NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>['authClient']
>;

/** A retried call that never retries a write which may have happened (addVersion). */
export type Retrying = 'retry' | 'once';

export interface GcpClient {
  readonly sdk: SecretManagerServiceClient;
  readonly callOptions: { timeout: number };
  /** Runs `call`, retrying throttling (and, for `retry`, unavailability), and words any failure. */
  run<T>(doing: string, retrying: Retrying, call: () => Promise<T>): Promise<T>;
  /** Resolves the credentials once; every call goes through it first. */
  ready(doing: string): Promise<void>;
  /** Like `run`, but the given status codes (e.g. NOT_FOUND) give `undefined` instead of an error. */
  runUnless<T>(doing: string, codes: readonly number[], call: () => Promise<T>): Promise<T | undefined>;
}

/**
 * The Secret Manager client over its REST transport (HTTP/1.1 + JSON, `fallback: true`) rather
 * than gRPC: one transport for every network and proxy, and the same wire format as the REST
 * reference. Credentials are Application Default Credentials (a workload identity federation
 * config from google-github-actions/auth included) unless an auth client is given.
 */
export function createGcpClient(context: AdapterContext, uri: string, secrets: () => string[]): GcpClient {
  const gcp = context.options.gcp ?? {};
  const apiEndpoint = gcp.apiEndpoint ?? context.env.PASSGENI_GCP_SM_ENDPOINT;
  const sdk = new SecretManagerServiceClient({
    fallback: true,
    ...(gcp.authClient !== undefined && {
      authClient: gcp.authClient as AuthClientOption,
    }),
    ...(apiEndpoint !== undefined && { apiEndpoint }),
  });
  const retry = context.retry;
  const attempt = <T>(retrying: Retrying, call: () => Promise<T>): Promise<T> =>
    withRetry(retry, call, (outcome) => {
      if (outcome.ok) return null;
      const code = grpcCode(outcome.error);
      // RESOURCE_EXHAUSTED means the request was refused, so even a write may be repeated.
      if (code === GRPC.RESOURCE_EXHAUSTED) return 0;
      if (retrying === 'retry' && (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED)) return 0;
      return null;
    });
  // Credentials are resolved before the SDK's first call: when none are found, the SDK's stub
  // creation would otherwise reject in promises nobody awaits, and the process would die of an
  // unhandled rejection instead of reporting STORE_AUTH_MISSING.
  let credentials: Promise<unknown> | undefined;
  const ready = async (doing: string): Promise<void> => {
    // With ADC the SDK holds a GoogleAuth to resolve; a given auth client is already resolved.
    const auth = sdk.auth as { getClient?: () => Promise<unknown> };
    credentials ??= typeof auth.getClient === 'function' ? auth.getClient() : Promise.resolve(auth);
    try {
      await credentials;
    } catch (error) {
      credentials = undefined;
      throw mapGcpError(uri, doing, error, secrets());
    }
  };
  return {
    sdk,
    callOptions: { timeout: gcp.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS },
    ready,
    async run<T>(doing: string, retrying: Retrying, call: () => Promise<T>): Promise<T> {
      await ready(doing);
      try {
        return await attempt(retrying, call);
      } catch (error) {
        throw mapGcpError(uri, doing, error, secrets());
      }
    },
    async runUnless<T>(
      doing: string,
      codes: readonly number[],
      call: () => Promise<T>,
    ): Promise<T | undefined> {
      try {
        return await attempt('retry', call);
      } catch (error) {
        const code = grpcCode(error);
        if (code !== undefined && codes.includes(code)) return undefined;
        throw mapGcpError(uri, doing, error, secrets());
      }
    },
  };
}

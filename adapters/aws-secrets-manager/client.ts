import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AdapterContext } from '../options.js';
import { StoreError } from '../store.js';

/** The SDK sets no timeout of its own: a stalled endpoint would hang certify indefinitely. */
export const AWS_CONNECT_TIMEOUT_MS = 5_000;
export const AWS_REQUEST_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 600_000;

function timeout(
  context: AdapterContext,
  option: number | undefined,
  [optionName, variable]: [string, string],
  fallback: number,
): number {
  const raw = option ?? context.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new StoreError(
      'STORE_CONFIG_INVALID',
      `${option !== undefined ? optionName : variable} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; leave it unset for the default (${fallback}).`,
      { store: 'aws-sm', exitCode: 2 },
    );
  }
  return value;
}

/** The SDK client, configured from the caller's environment rather than only process.env. */
export function createClient(context: AdapterContext, arnRegion?: string): SecretsManagerClient {
  const { env, options } = context;
  const config: SecretsManagerClientConfig = {
    maxAttempts: options.aws?.maxAttempts ?? context.retry.maxAttempts,
    requestHandler: {
      connectionTimeout: timeout(
        context,
        options.aws?.connectionTimeoutMs,
        ['aws.connectionTimeoutMs', 'PASSGENI_AWS_CONNECT_TIMEOUT_MS'],
        AWS_CONNECT_TIMEOUT_MS,
      ),
      requestTimeout: timeout(
        context,
        options.aws?.requestTimeoutMs,
        ['aws.requestTimeoutMs', 'PASSGENI_AWS_REQUEST_TIMEOUT_MS'],
        AWS_REQUEST_TIMEOUT_MS,
      ),
      // Without this the handler only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      // The SDK builds its own agents, which the process-wide proxy setting does not reach.
      ...proxyAgents(env),
    },
  };
  const region = arnRegion ?? options.aws?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  // The default chain reads process.env; when the caller hands us another environment, its static
  // keys (the chain's first source) must come from there.
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return new SecretsManagerClient(config);
}

/** Agents that go through HTTPS_PROXY / HTTP_PROXY (minus NO_PROXY) when any is set, as Node reads them. */
function proxyAgents(env: NodeJS.ProcessEnv): { httpAgent?: HttpAgent; httpsAgent?: HttpsAgent } {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(
    (name) => (env[name] ?? '') !== '',
  );
  if (!proxied) return {};
  const options = { keepAlive: true, maxSockets: 50, proxyEnv: env };
  return { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
}

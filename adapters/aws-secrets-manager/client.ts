import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AdapterContext } from '../options.js';

/** The SDK client, configured from the caller's environment rather than only process.env. */
export function createClient(context: AdapterContext, arnRegion?: string): SecretsManagerClient {
  const { env, options } = context;
  const config: SecretsManagerClientConfig = {
    maxAttempts: options.aws?.maxAttempts ?? context.retry.maxAttempts,
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

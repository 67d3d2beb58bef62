import { PassgeniError } from '../errors.js';
import { HttpIssuerClient } from '../issuer-client/http.js';
import { HOSTED_KEY, HostedIssuerClient } from '../issuer-client/hosted.js';
import type { IssuerClient } from '../issuer-client/types.js';
import { httpRequest, jsonBody } from '../lib/http.js';
import { VERSION } from '../version.js';
import { getIdToken } from './oidc.js';
import type { ActionRuntime } from './runtime.js';

/**
 * The HTTP client for the issuer the action talks to. The action never uses the in-process local
 * issuer: a runner is ephemeral, and a certificate needs a durable public home. (Importing the
 * client module directly, not the issuer-client index, also keeps the embedded database out of
 * the bundle.)
 */
export function openHttpIssuer(url: string, apiKey: string, runtime: ActionRuntime): IssuerClient {
  warnIfPlainHttp(url, runtime);
  const userAgent = `passgeni-action/${VERSION}`;
  // a key of the hosted service's form (pk_live_…) selects its protocol (docs/protocol.md)
  if (HOSTED_KEY.test(apiKey)) return new HostedIssuerClient({ url, apiKey, userAgent });
  return new HttpIssuerClient({ url, apiKey, userAgent });
}

/** How an action authenticates to the issuer: its `api-key` input, or else the job's OIDC token. */
export interface IssuerAuthInputs {
  issuerUrl: string;
  apiKey: string | undefined;
  /** The audience to request the OIDC token for; default: the one the issuer publishes. */
  oidcAudience: string | undefined;
}

/**
 * The bearer for the issuer: the API key when one is given, or (keyless, `permissions: id-token:
 * write`) a fresh OIDC token of the job for the issuer's audience, masked before anything can print.
 */
export async function issuerBearer(inputs: IssuerAuthInputs, runtime: ActionRuntime): Promise<string> {
  if (inputs.apiKey !== undefined) return inputs.apiKey;
  const audience = inputs.oidcAudience ?? (await publishedAudience(inputs.issuerUrl));
  const token = await getIdToken({
    env: runtime.env,
    audience,
    purpose: 'the issuer (no api-key given, so the job authenticates with its OIDC token)',
    fallback: 'give an api-key there instead',
  });
  runtime.mask(token);
  return token;
}

/**
 * The audience the issuer expects (its identity document's `oidc_audience`, else its issuer id), so
 * a workflow names only the issuer's URL, even when the issuer id is not that URL.
 */
async function publishedAudience(issuerUrl: string): Promise<string> {
  const url = `${issuerUrl.replace(/\/+$/, '')}/.well-known/passgeni-issuer`;
  const failed = (why: string) =>
    new PassgeniError(
      'ISSUER_AUDIENCE_UNKNOWN',
      `No api-key was given, so the step authenticates with the job's OIDC token, but the issuer's audience could not be read from ${url} (${why}). Set the oidc-audience input to the issuer's --oidc-audience (by default its issuer id), or give an api-key.`,
      { exitCode: 3 },
    );
  let document: unknown;
  try {
    const response = await httpRequest({ url, timeoutMs: 10_000, maxBodyBytes: 64 * 1024 });
    if (response.status !== 200) throw failed(`HTTP ${response.status}`);
    document = jsonBody(response);
  } catch (error) {
    if (error instanceof PassgeniError) throw error;
    throw failed(error instanceof Error ? error.message : 'network error');
  }
  const doc = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  const audience = typeof doc.oidc_audience === 'string' ? doc.oidc_audience : doc.issuer;
  if (typeof audience !== 'string' || audience === '') throw failed('it names no issuer id');
  return audience;
}

function warnIfPlainHttp(url: string, runtime: ActionRuntime): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // the client rejects it with its own message
  }
  const loopback =
    ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname) || parsed.hostname.startsWith('127.');
  if (parsed.protocol === 'http:' && !loopback) {
    runtime.warning(
      `issuer-url ${parsed.origin} is plain http: the API key crosses the network unencrypted. Use https.`,
    );
  }
}

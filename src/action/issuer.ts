import { HttpIssuerClient } from '../issuer-client/http.js';
import { HOSTED_KEY, HostedIssuerClient } from '../issuer-client/hosted.js';
import type { IssuerClient } from '../issuer-client/types.js';
import { VERSION } from '../version.js';
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

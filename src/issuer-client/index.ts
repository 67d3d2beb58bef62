import { HttpIssuerClient } from './http.js';
import { HostedIssuerClient, HOSTED_KEY } from './hosted.js';
import type { IssuerClient, IssuerRegistry } from './types.js';

export * from './types.js';
export { HttpIssuerClient, type HttpIssuerOptions } from './http.js';
export { HostedIssuerClient, HOSTED_KEY, type HostedIssuerOptions } from './hosted.js';
export { IssuerError } from './errors.js';

export interface IssuerSelection {
  /** --issuer-url / PASSGENI_ISSUER_URL; absent (or "local") means the in-process local issuer. */
  issuerUrl?: string;
  apiKey?: string;
  /** Data directory of the local issuer (default ./.passgeni). */
  dataDir?: string;
  /** Public URL the local issuer's certificates are published under (what `passgeni serve` will use). */
  publicUrl?: string;
  userAgent?: string;
  /**
   * Open the local issuer only if its data directory exists: commands that only read (verify,
   * revoke) must not create an issuer, with a new signing key, wherever they are run.
   */
  existingOnly?: boolean;
}

/**
 * An issuer URL selects the HTTP client (the hosted PassGeni protocol when the key is `pk_live_…`); otherwise the local issuer runs the same service core
 * in-process on the local data directory, so `certify` works offline on a fresh machine. The local
 * issuer is imported lazily: it brings the database engine, which HTTP users never need.
 */
export async function openIssuerClient(selection: IssuerSelection): Promise<IssuerClient & IssuerRegistry> {
  const url = selection.issuerUrl?.trim();
  if (url && url !== 'local') {
    // A key of the hosted service's form (pk_live_…) selects its protocol, whatever the URL.
    if (HOSTED_KEY.test(selection.apiKey ?? '')) {
      return new HostedIssuerClient({
        url,
        apiKey: selection.apiKey ?? '',
        ...(selection.userAgent !== undefined && { userAgent: selection.userAgent }),
      });
    }
    return new HttpIssuerClient({
      url,
      apiKey: selection.apiKey ?? '',
      ...(selection.userAgent !== undefined && { userAgent: selection.userAgent }),
    });
  }
  const { openLocalIssuerClient } = await import('./local.js');
  return openLocalIssuerClient(selection);
}

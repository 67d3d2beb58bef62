import { StoreError, urlNotAttached } from './store.js';
import type { SecretStore, StoreErrorCode, StoreWriteRequest, StoreWriteResult } from './store.js';
import type { AdapterContext } from './options.js';
import type { ParsedDopplerUri } from './uri.js';
import { HttpError, jsonBody } from '../src/lib/http.js';
import type { HttpResponse } from '../src/lib/http.js';
import { httpRequestWithRetry, parseRetryAfter } from '../src/lib/retry.js';
import type { RetryPolicy } from '../src/lib/retry.js';
import { quoteServerMessages } from './internal/redact.js';
import { exchangeOidcToken } from './doppler-oidc.js';

/*
 * Doppler's REST API over node:https rather than @dopplerhq/node-sdk 1.3.0, because the SDK
 *  - loses Retry-After (it reads `headers["Retry-After"]`, but Node lower-cases header names), so
 *    a 429 cannot be retried when Doppler asks;
 *  - turns every error body into the message "[object Object]";
 *  - retries POSTs itself on 5xx and network errors, and console.logs network errors, which
 *    bypasses our own retry policy and message scrubbing.
 * The three endpoints used are small and stable.
 */

const DEFAULT_API = 'https://api.doppler.com';
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** A response, with how many attempts it took (for the rate-limit message). */
type DopplerResponse = HttpResponse & { attempts?: number };
const NOTE_PREFIX = 'PassGeni certificate';

const TOKEN_HINT =
  'Use a token that can write this config: a service token with read/write access (dp.st.…), a service ' +
  'account token (dp.sa.…) with write access to the project, or a personal/CLI token; pass it as ' +
  'DOPPLER_TOKEN. Notes apply to the secret in every environment of the project, which a ' +
  'config-scoped service token may not be allowed to change.';

interface DopplerSecret {
  raw: string;
  note: string;
}

/**
 * A Doppler note is one text for the secret across all environments, so each config gets its own
 * line (`PassGeni certificate (prd): https://…`) and any text the team wrote is kept.
 */
export function composeNote(existing: string, config: string, certUrl: string): string {
  const line = `${NOTE_PREFIX} (${config}): ${certUrl}`;
  const kept = existing
    .split('\n')
    .filter((l) => !l.startsWith(`${NOTE_PREFIX} (${config}): `))
    .join('\n')
    .trimEnd();
  return kept === '' ? line : `${kept}\n${line}`;
}

export function certUrlFromNote(note: string, config: string): string | undefined {
  const prefix = `${NOTE_PREFIX} (${config}): `;
  const line = note.split('\n').findLast((l) => l.startsWith(prefix));
  const url = line?.slice(prefix.length).trim();
  return url === '' ? undefined : url;
}

export class DopplerStore implements SecretStore {
  readonly kind = 'doppler' as const;
  readonly uri: string;

  constructor(
    private readonly parsed: ParsedDopplerUri,
    private readonly token: string,
    private readonly api: URL,
    private readonly retry: RetryPolicy,
  ) {
    this.uri = parsed.uri;
  }

  private get where(): string {
    return `${this.parsed.project}/${this.parsed.config}/${this.parsed.name}`;
  }

  /** 429 waits as long as Retry-After says; 5xx and network failures back off. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    payload?: unknown,
    query?: URLSearchParams,
  ): Promise<DopplerResponse> {
    const url = new URL(path, this.api);
    if (query) url.search = query.toString();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.token}`,
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    try {
      return await httpRequestWithRetry(
        this.retry,
        { method, url, headers, ...(payload !== undefined && { body: JSON.stringify(payload) }) },
        (response) => RETRYABLE.has(response.status),
      );
    } catch (error) {
      if (error instanceof HttpError) {
        throw new StoreError(
          'STORE_UNAVAILABLE',
          `Could not reach Doppler at ${this.api.origin}${error.code ? ` (${error.code})` : ''}.`,
          { store: this.uri },
        );
      }
      throw error;
    }
  }

  private failure(response: DopplerResponse, doing: string, secrets: (string | undefined)[]): StoreError {
    const body = jsonBody(response) as { messages?: unknown } | undefined;
    const said = quoteServerMessages(body?.messages, [this.token, ...secrets]);
    let code: StoreErrorCode = 'STORE_WRITE_FAILED';
    let message: string;
    if (response.status === 401) {
      code = 'STORE_ACCESS_DENIED';
      message = `Doppler rejected the token when trying to ${doing} (HTTP 401)${said}. ${TOKEN_HINT}`;
    } else if (response.status === 403) {
      code = 'STORE_ACCESS_DENIED';
      message = `The Doppler token may not ${doing} (HTTP 403)${said}. ${TOKEN_HINT}`;
    } else if (response.status === 404) {
      code = 'STORE_NOT_FOUND';
      message = `Doppler found no project "${this.parsed.project}" with config "${this.parsed.config}" to ${doing} (HTTP 404)${said}.`;
    } else if (response.status === 429) {
      code = 'STORE_THROTTLED';
      const after = parseRetryAfter(response.headers['retry-after']);
      message = `Doppler rate-limited the request to ${doing} (HTTP 429, ${response.attempts ?? 1} attempt(s))${after !== undefined ? `; it asks to wait ${Math.ceil(after / 1000)} s` : ''}${said}.`;
    } else if (response.status >= 500) {
      code = 'STORE_UNAVAILABLE';
      message = `Doppler failed to ${doing} (HTTP ${response.status})${said}; retry later.`;
    } else {
      message = `Doppler refused to ${doing} (HTTP ${response.status})${said}.`;
    }
    return new StoreError(code, message, { store: this.uri });
  }

  private async readSecret(secrets: (string | undefined)[]): Promise<DopplerSecret | undefined> {
    const { project, config, name } = this.parsed;
    const response = await this.send(
      'GET',
      '/v3/configs/config/secret',
      undefined,
      new URLSearchParams({ project, config, name }),
    );
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw this.failure(response, `read ${this.where}`, secrets);
    const value = (jsonBody(response) as { value?: { raw?: unknown; note?: unknown } } | undefined)?.value;
    return {
      raw: typeof value?.raw === 'string' ? value.raw : '',
      note: typeof value?.note === 'string' ? value.note : '',
    };
  }

  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    const { project, config, name } = this.parsed;
    const previous = await this.readSecret([request.credential]);
    const secrets = [request.credential, previous?.raw];

    if (previous?.raw !== request.credential) {
      // originalValue makes Doppler apply the change only if the secret still holds what we read,
      // so a concurrent writer is detected instead of overwritten. Doppler keeps the old value in
      // the config's history.
      const change: Record<string, unknown> = { name, value: request.credential };
      if (previous !== undefined) {
        change.originalName = name;
        change.originalValue = previous.raw;
      }
      const response = await this.send('POST', '/v3/configs/config/secrets', {
        project,
        config,
        change_requests: [change],
      });
      if (response.status !== 200) {
        if (
          response.status >= 400 &&
          response.status < 500 &&
          ![401, 403, 404, 429].includes(response.status)
        ) {
          // Either a concurrent change (originalValue no longer matched) or our own earlier attempt
          // whose response was lost: the current value tells which.
          const now = await this.readSecret(secrets);
          if (now?.raw === request.credential) return this.attachNote(request, now.note);
          if (now?.raw !== previous?.raw) {
            throw new StoreError(
              'STORE_CONFLICT',
              `Doppler secret ${this.where} was changed by someone else after it was read; nothing was overwritten. Re-run to write on top of the new value.`,
              { store: this.uri },
            );
          }
        }
        throw this.failure(response, `update ${this.where}`, secrets);
      }
    }
    return this.attachNote(request, previous?.note ?? '');
  }

  private async attachNote(request: StoreWriteRequest, existingNote: string): Promise<StoreWriteResult> {
    const { project, config, name } = this.parsed;
    const note = composeNote(existingNote, config, request.certUrl);
    const response = await this.send('POST', '/v3/configs/config/secrets/note', {
      project,
      config,
      secret: name,
      note,
    });
    if (response.status !== 200) {
      const failure = this.failure(response, `set the note of ${this.where}`, [request.credential]);
      throw urlNotAttached(this.uri, 'in Doppler', failure.message);
    }
    return { store: this.uri };
  }

  /** A read: checks the token, the project and the config (a missing secret is created by the write). */
  async preflight(): Promise<void> {
    await this.readSecret([]);
  }

  async readCredential(): Promise<string | undefined> {
    return (await this.readSecret([]))?.raw;
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const secret = await this.readSecret([]);
    return secret === undefined ? undefined : certUrlFromNote(secret.note, this.parsed.config);
  }
}

export async function openDopplerStore(
  parsed: ParsedDopplerUri,
  context: AdapterContext,
): Promise<DopplerStore> {
  const rawApi = context.env.DOPPLER_API_HOST ?? DEFAULT_API;
  let api: URL;
  try {
    api = new URL(rawApi);
  } catch {
    throw new StoreError('STORE_AUTH_MISSING', `DOPPLER_API_HOST "${rawApi}" is not a URL.`, {
      store: parsed.uri,
    });
  }
  const identity = context.options.doppler?.identity ?? context.env.DOPPLER_IDENTITY_ID;
  let token = context.options.dopplerToken ?? context.env.DOPPLER_TOKEN;
  if (!token && identity) {
    const oidcToken = context.options.doppler?.oidcToken ?? context.env.DOPPLER_OIDC_TOKEN;
    if (!oidcToken) {
      throw new StoreError(
        'STORE_AUTH_MISSING',
        `Doppler identity ${identity} needs an OIDC token to log in with (DOPPLER_OIDC_TOKEN, or the action's doppler-identity input, which requests the job's token).`,
        { store: parsed.uri },
      );
    }
    token = await exchangeOidcToken({ api, identity, oidcToken, retry: context.retry, store: parsed.uri });
    context.options.onSecret?.(token);
  }
  if (!token) {
    throw new StoreError(
      'STORE_AUTH_MISSING',
      `No Doppler token: set DOPPLER_TOKEN (or pass one), or DOPPLER_IDENTITY_ID with an OIDC token for a service-account identity. ${TOKEN_HINT}`,
      { store: parsed.uri },
    );
  }
  return new DopplerStore(parsed, token, api, context.retry);
}

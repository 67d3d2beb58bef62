import { StoreError } from '../../adapters/store.js';
import type { SecretStore, StoreWriteRequest, StoreWriteResult } from '../../adapters/store.js';
import type { ProgressEvent, StoredLocation, StoreFailure } from '../engine.js';
import { PassgeniError, errorMessage, isPassgeniError } from '../errors.js';
import type { IssuedCertificate } from '../issuer-client/types.js';

/** The stores' steps of certify-and-store: checked before anything happens, then written in order. */

/**
 * Every store is checked before a credential is generated or a session opened: a missing directory
 * or region found after issuance would cost an issued-then-revoked certificate and the allowance.
 */
export async function preflightStores(stores: readonly SecretStore[]): Promise<void> {
  const results = await Promise.allSettled(stores.map((store) => store.preflight()));
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected'
      ? [
          {
            store: stores[i]!.uri,
            code: isPassgeniError(result.reason) ? result.reason.code : 'STORE_CHECK_FAILED',
            message: errorMessage(result.reason),
          },
        ]
      : [],
  );
  if (failures.length === 0) return;
  throw new StoreCheckError(failures);
}

/** A store failed its pre-flight check: nothing was generated, certified or written. */
export class StoreCheckError extends PassgeniError {
  readonly failures: { store: string; code: string; message: string }[];

  constructor(failures: { store: string; code: string; message: string }[]) {
    // An unreachable store may be fine on the next run; anything else needs the user to act.
    const transient = failures.every((f) => TRANSIENT_STORE_CODES.has(f.code));
    super(
      'STORE_CHECK_FAILED',
      `${failures.map((f) => `${f.store}: ${f.message.replace(/\.$/, '')}`).join('; ')}. Nothing was generated, certified or written.`,
      {
        exitCode: transient ? 3 : 2,
        details: { failures },
      },
    );
    this.failures = failures;
  }
}

const TRANSIENT_STORE_CODES = new Set(['STORE_UNAVAILABLE', 'STORE_THROTTLED']);

/**
 * Stores are written one after another, in the order given: the user's first store is usually
 * the primary one, and a sequential run makes "which stores hold the new value" easy to state.
 */
export async function writeStores(
  stores: SecretStore[],
  credential: string,
  cert: IssuedCertificate,
  /** What the stores record beside the certificate URL. */
  recorded: Pick<StoreWriteRequest, 'attestationUrl' | 'target'>,
  progress: (event: ProgressEvent) => void,
  /** Called after each store that now holds the credential. */
  onHeld: () => Promise<void>,
): Promise<{ stored: StoredLocation[]; failures: StoreFailure[] }> {
  const stored: StoredLocation[] = [];
  const failures: StoreFailure[] = [];
  for (const store of stores) {
    try {
      const result: StoreWriteResult = await store.write({
        credential,
        certUrl: cert.cert_url,
        certId: cert.cert_id,
        certExpiresAt: cert.expires_at,
        ...recorded,
      });
      stored.push({
        store: store.uri,
        ...(result.version !== undefined && { version: result.version }),
        ...(result.notice !== undefined && { notice: result.notice }),
      });
      progress({
        step: 'store',
        store: store.uri,
        ok: true,
        ...(result.version !== undefined && { version: result.version }),
        ...(result.notice !== undefined && { notice: result.notice }),
      });
      await onHeld();
    } catch (error) {
      const failure = describeStoreFailure(store.uri, error, credential);
      if (failure.credentialWritten) {
        // The value landed but its certificate URL did not: the store does hold the new credential.
        stored.push({ store: store.uri, ...(failure.version !== undefined && { version: failure.version }) });
      }
      failures.push(failure);
      progress({ step: 'store', store: store.uri, ok: false, code: failure.code });
      if (failure.credentialWritten) await onHeld();
    }
  }
  return { stored, failures };
}

function describeStoreFailure(uri: string, error: unknown, credential: string): StoreFailure {
  const code = isPassgeniError(error) ? error.code : 'STORE_WRITE_FAILED';
  // Adapters build their own messages, but a foreign error could still echo the request, so the
  // credential is scrubbed here as a last line of defence.
  const message = scrub(errorMessage(error), credential);
  if (error instanceof StoreError) {
    return {
      store: uri,
      code,
      message,
      credentialWritten: error.credentialWritten,
      ...(error.version !== undefined && { version: error.version }),
    };
  }
  return { store: uri, code, message, credentialWritten: false };
}

export function scrub(text: string, secret: string): string {
  return secret ? text.split(secret).join('[REDACTED]') : text;
}

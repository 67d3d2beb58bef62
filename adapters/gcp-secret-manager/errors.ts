import { StoreError } from '../store.js';
import type { StoreErrorCode } from '../store.js';
import { redact } from '../internal/redact.js';

/** gRPC status codes, which the REST transport reports too. */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export const PERMISSION_HINT =
  'The principal needs roles/secretmanager.secretVersionAdder (add versions) and permission ' +
  'secretmanager.secrets.update (labels and annotations) on the secret, plus ' +
  'roles/secretmanager.secretAccessor when the URI names a #json-key (the current value is read to ' +
  'keep the other keys).';

export const AUTH_HINT =
  'Provide Application Default Credentials: in GitHub Actions, google-github-actions/auth with ' +
  'workload identity federation (it sets GOOGLE_APPLICATION_CREDENTIALS); elsewhere, ' +
  '`gcloud auth application-default login` or a service account attached to the runtime.';

/** The fields of a GoogleError we read; its message is not shown as is. */
interface GoogleFailure {
  code?: unknown;
  details?: unknown;
  message?: unknown;
}

export function grpcCode(error: unknown): number | undefined {
  const code = (error as GoogleFailure | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** ADC finds nothing: google-auth-library throws a plain Error saying so. */
function isMissingCredentials(error: unknown): boolean {
  const message = (error as GoogleFailure | undefined)?.message;
  return typeof message === 'string' && /Could not load the default credentials/i.test(message);
}

export function mapGcpError(
  uri: string,
  doing: string,
  error: unknown,
  secrets: readonly string[],
): StoreError {
  if (isMissingCredentials(error)) {
    return new StoreError('STORE_AUTH_MISSING', `No Google Cloud credentials to ${doing}. ${AUTH_HINT}`, {
      store: uri,
    });
  }
  const code = grpcCode(error);
  // A GoogleError decoded from an answer carries the server's message (`details` is a list of
  // structured details, or the message itself in older transports).
  const failure = error as GoogleFailure | undefined;
  const text =
    typeof failure?.details === 'string' && failure.details !== ''
      ? failure.details
      : code !== undefined && typeof failure?.message === 'string'
        ? failure.message
        : '';
  const said = text !== '' ? ` (Google said: ${redact(text, secrets)})` : '';
  let storeCode: StoreErrorCode = 'STORE_WRITE_FAILED';
  let message: string;
  switch (code) {
    case GRPC.UNAUTHENTICATED:
      storeCode = 'STORE_ACCESS_DENIED';
      message = `Google Cloud rejected the credentials when trying to ${doing}${said}. ${AUTH_HINT}`;
      break;
    case GRPC.PERMISSION_DENIED:
      storeCode = 'STORE_ACCESS_DENIED';
      message = `The Google Cloud principal may not ${doing}${said}. ${PERMISSION_HINT}`;
      break;
    case GRPC.NOT_FOUND:
      storeCode = 'STORE_NOT_FOUND';
      message = `Google Cloud found nothing to ${doing}${said}: check the project and secret name (passgeni does not create secrets).`;
      break;
    case GRPC.RESOURCE_EXHAUSTED:
      storeCode = 'STORE_THROTTLED';
      message = `Secret Manager rate-limited the request to ${doing}${said}; retry later.`;
      break;
    case GRPC.ABORTED:
    case GRPC.FAILED_PRECONDITION:
      storeCode = 'STORE_CONFLICT';
      message = `Secret Manager refused to ${doing} because the secret changed since it was read${said}; re-run.`;
      break;
    case GRPC.UNAVAILABLE:
    case GRPC.DEADLINE_EXCEEDED:
    case GRPC.INTERNAL:
    case undefined:
      storeCode = 'STORE_UNAVAILABLE';
      message = `Could not reach Secret Manager to ${doing}${said}; retry later.`;
      break;
    default:
      message = `Secret Manager refused to ${doing} (status ${code})${said}.`;
  }
  return new StoreError(storeCode, message, { store: uri });
}

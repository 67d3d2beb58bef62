import path from 'node:path';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { ConfigurationOptions, V1Secret } from '@kubernetes/client-node';
import { StoreError, urlForKey } from './store.js';
import type { SecretStore, StoreErrorCode, StoreWriteRequest, StoreWriteResult } from './store.js';
import type { AdapterContext } from './options.js';
import type { ParsedK8sUri } from './uri.js';
import { parseRetryAfter, withRetry } from '../src/lib/retry.js';
import type { RetryPolicy } from '../src/lib/retry.js';

/*
 * client-node 2.x sends requests with the `undici` package's fetch (not Node's global fetch and
 * not node:http). nock 15 still sees them: its @mswjs/interceptors layer intercepts at the socket
 * level. test/adapters/kubernetes.test.ts proves it with a kubeconfig pointing at https://k8s.test.
 */

/** undici's own limits are 300 s per phase, far longer than a certify run should hang on a stalled API server. */
export const K8S_REQUEST_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 600_000;

function requestTimeout(context: AdapterContext, store: string): number {
  const option = context.options.k8s?.requestTimeoutMs;
  const raw = option ?? context.env.PASSGENI_K8S_REQUEST_TIMEOUT_MS;
  if (raw === undefined || raw === '') return K8S_REQUEST_TIMEOUT_MS;
  const value = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new StoreError(
      'STORE_CONFIG_INVALID',
      `${option !== undefined ? 'k8s.requestTimeoutMs' : 'PASSGENI_K8S_REQUEST_TIMEOUT_MS'} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; leave it unset for the default (${K8S_REQUEST_TIMEOUT_MS}).`,
      { store, exitCode: 2 },
    );
  }
  return value;
}

/** Per-request options that abort a request still unanswered after `ms` (a fresh timer per attempt). */
function withTimeout(ms: number, options?: ConfigurationOptions): ConfigurationOptions {
  return {
    ...options,
    middleware: [
      ...(options?.middleware ?? []),
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

export const CERT_URL_ANNOTATION = 'passgeni.ai/cert-url';
export const CERT_KEY_ANNOTATION = 'passgeni.ai/cert-key';
/** The certificate's Sigstore attestation, when the run attested it. */
export const ATTESTATION_URL_ANNOTATION = 'passgeni.ai/attestation-url';
/** The target the secret is rotated on (display form); removed by a write without one. */
export const TARGET_ANNOTATION = 'passgeni.ai/target';

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Loads kubeconfig like `kubectl`: KUBECONFIG (from our env), ~/.kube/config, then in-cluster. */
function loadKubeConfig(env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  const files = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (files.length === 0) kc.loadFromDefault();
  for (const file of files) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
  return kc;
}

export class KubernetesStore implements SecretStore {
  readonly kind = 'k8s' as const;
  readonly uri: string;

  constructor(
    private readonly parsed: ParsedK8sUri,
    private readonly api: CoreV1Api,
    private readonly retry: RetryPolicy,
    private readonly timeoutMs: number = K8S_REQUEST_TIMEOUT_MS,
  ) {
    this.uri = parsed.uri;
  }

  private get where(): string {
    return `Secret ${this.parsed.namespace}/${this.parsed.name}`;
  }

  /** Retries 429, 5xx and network failures; a write is safe to retry because it carries a precondition. */
  private call<T>(run: () => Promise<T>): Promise<T> {
    return withRetry(this.retry, run, (outcome) => {
      if (outcome.ok) return null;
      const status = statusOf(outcome.error);
      if (status === undefined) {
        return networkCode(outcome.error) !== undefined || isTimeout(outcome.error) ? 0 : null;
      }
      if (status !== 429 && status < 500) return null;
      return parseRetryAfter((outcome.error as ApiException<unknown>).headers['retry-after']) ?? 0;
    });
  }

  /** Our own message: ApiException's message embeds the response body, which can quote the object. */
  private failure(doing: string, error: unknown, status = statusOf(error)): StoreError {
    const { namespace, name } = this.parsed;
    let code: StoreErrorCode = 'STORE_WRITE_FAILED';
    let message: string;
    if (status === undefined && isTimeout(error)) {
      code = 'STORE_UNAVAILABLE';
      message = `The Kubernetes API did not answer within ${this.timeoutMs} ms when trying to ${doing} ${this.where}. Check the API server and network, or raise PASSGENI_K8S_REQUEST_TIMEOUT_MS.`;
    } else if (status === undefined) {
      code = 'STORE_UNAVAILABLE';
      message = `Could not reach the Kubernetes API to ${doing} ${this.where} (${networkCode(error) ?? 'network error'}).`;
    } else if (status === 401) {
      code = 'STORE_ACCESS_DENIED';
      message = `The Kubernetes API rejected the kubeconfig credentials (HTTP 401) when trying to ${doing} ${this.where}.`;
    } else if (status === 403) {
      code = 'STORE_ACCESS_DENIED';
      message = `Kubernetes RBAC denied the request to ${doing} ${this.where} (HTTP 403). Grant a Role in namespace "${namespace}" with verbs ["get", "patch"] on resource "secrets" (resourceNames: ["${name}"]).`;
    } else if (status === 404) {
      code = 'STORE_NOT_FOUND';
      message = `${this.where} does not exist. passgeni does not create Kubernetes Secrets; create it first (kubectl create secret generic ${name} -n ${namespace}).`;
    } else if (status === 409) {
      code = 'STORE_CONFLICT';
      message = `${this.where} was changed by another writer after it was read (resourceVersion precondition failed, HTTP 409); nothing was overwritten. Re-run to write on top of it.`;
    } else if (status === 422) {
      code = 'STORE_INVALID_VALUE';
      message = `Kubernetes rejected the change to ${this.where} as invalid (HTTP 422), e.g. the Secret is immutable or too large.`;
    } else if (status === 429) {
      code = 'STORE_THROTTLED';
      message = `The Kubernetes API rate-limited the request to ${doing} ${this.where} (HTTP 429) after ${this.retry.maxAttempts} attempts.`;
    } else if (status >= 500) {
      code = 'STORE_UNAVAILABLE';
      message = `The Kubernetes API failed to ${doing} ${this.where} (HTTP ${status}); retry later.`;
    } else {
      message = `The Kubernetes API refused to ${doing} ${this.where} (HTTP ${status}).`;
    }
    return new StoreError(code, message, { store: this.uri });
  }

  private async read(): Promise<V1Secret | undefined> {
    const { namespace, name } = this.parsed;
    try {
      return await this.call(() =>
        this.api.readNamespacedSecret({ name, namespace }, withTimeout(this.timeoutMs)),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.failure('read', error);
    }
  }

  private holds(secret: V1Secret | undefined, encoded: string, request: StoreWriteRequest): boolean {
    return (
      secret?.data?.[this.parsed.key] === encoded &&
      secret.metadata?.annotations?.[CERT_URL_ANNOTATION] === request.certUrl
    );
  }

  /**
   * One JSON merge patch carries the value and the certificate annotations, so they change
   * together. `metadata.resourceVersion` in the patch is a precondition: the API server answers
   * 409 if the Secret changed since we read it. Other data keys and annotations are untouched.
   */
  async write(request: StoreWriteRequest): Promise<StoreWriteResult> {
    const { namespace, name, key } = this.parsed;
    const current = await this.read();
    if (current === undefined) throw this.failure('write', undefined, 404);
    const encoded = Buffer.from(request.credential, 'utf8').toString('base64');
    const resourceVersion = current.metadata?.resourceVersion;
    if (this.holds(current, encoded, request)) {
      return { store: this.uri, ...(resourceVersion !== undefined && { version: resourceVersion }) };
    }
    const body = {
      metadata: {
        ...(resourceVersion !== undefined && { resourceVersion }),
        annotations: {
          [CERT_URL_ANNOTATION]: request.certUrl,
          [CERT_KEY_ANNOTATION]: key,
          // null (removed by the merge patch) when this run did not attest: never an earlier one's
          [ATTESTATION_URL_ANNOTATION]: request.attestationUrl ?? null,
          [TARGET_ANNOTATION]: request.target ?? null,
        },
      },
      data: { [key]: encoded },
    };
    try {
      const updated = await this.call(() =>
        this.api.patchNamespacedSecret(
          { name, namespace, body },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withTimeout(this.timeoutMs)),
        ),
      );
      const version = updated.metadata?.resourceVersion;
      return { store: this.uri, ...(version !== undefined && { version }) };
    } catch (error) {
      if (statusOf(error) === 409) {
        // A retried patch whose first attempt succeeded also fails its precondition.
        const now = await this.read();
        const version = now?.metadata?.resourceVersion;
        if (this.holds(now, encoded, request))
          return { store: this.uri, ...(version !== undefined && { version }) };
      }
      throw this.failure('patch', error);
    }
  }

  /** The write patches an existing Secret, so it must exist and be readable. */
  async preflight(): Promise<void> {
    if ((await this.read()) === undefined) throw this.failure('write', undefined, 404);
  }

  async readCredential(): Promise<string | undefined> {
    const encoded = (await this.read())?.data?.[this.parsed.key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  }

  async readCertificateUrl(): Promise<string | undefined> {
    const annotations = (await this.read())?.metadata?.annotations;
    return urlForKey(annotations?.[CERT_URL_ANNOTATION], annotations?.[CERT_KEY_ANNOTATION], this.parsed.key);
  }
}

export function openKubernetesStore(parsed: ParsedK8sUri, context: AdapterContext): KubernetesStore {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(context.env);
  } catch (error) {
    // The YAML parser's message can quote the file, and kubeconfigs hold tokens: name the problem only.
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoreError(
      'STORE_AUTH_MISSING',
      `The kubeconfig could not be loaded${code ? ` (${code})` : ' (it is not valid kubeconfig YAML)'}. Set KUBECONFIG or run inside a pod with a service account.`,
      { store: parsed.uri },
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || (cluster.name === 'cluster' && cluster.server === 'http://localhost:8080')) {
    throw new StoreError(
      'STORE_AUTH_MISSING',
      'No Kubernetes cluster is configured: set KUBECONFIG, create ~/.kube/config, or run inside a pod with a service account.',
      { store: parsed.uri },
    );
  }
  return new KubernetesStore(
    parsed,
    kc.makeApiClient(CoreV1Api),
    context.retry,
    requestTimeout(context, parsed.uri),
  );
}

import {
  parseRetryAfter,
  withRetry
} from "./chunk-WH3FE2IX.js";
import {
  StoreError,
  urlForKey
} from "./chunk-YNJCMOEG.js";
import "./chunk-QUX7DFRJ.js";
import "./chunk-FKYOR5TL.js";

// adapters/kubernetes.ts
import path from "node:path";
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  setHeaderOptions
} from "@kubernetes/client-node";
var K8S_REQUEST_TIMEOUT_MS = 3e4;
var MAX_TIMEOUT_MS = 6e5;
function requestTimeout(context, store) {
  const option = context.options.k8s?.requestTimeoutMs;
  const raw = option ?? context.env.PASSGENI_K8S_REQUEST_TIMEOUT_MS;
  if (raw === void 0 || raw === "") return K8S_REQUEST_TIMEOUT_MS;
  const value = typeof raw === "number" ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new StoreError(
      "STORE_CONFIG_INVALID",
      `${option !== void 0 ? "k8s.requestTimeoutMs" : "PASSGENI_K8S_REQUEST_TIMEOUT_MS"} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; leave it unset for the default (${K8S_REQUEST_TIMEOUT_MS}).`,
      { store, exitCode: 2 }
    );
  }
  return value;
}
function withTimeout(ms, options) {
  return {
    ...options,
    middleware: [
      ...options?.middleware ?? [],
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response))
      }
    ],
    middlewareMergeStrategy: "append"
  };
}
function isTimeout(error) {
  return error?.name === "TimeoutError";
}
var CERT_URL_ANNOTATION = "passgeni.ai/cert-url";
var CERT_KEY_ANNOTATION = "passgeni.ai/cert-key";
function statusOf(error) {
  return error instanceof ApiException ? error.code : void 0;
}
function networkCode(error) {
  const cause = error?.cause;
  return typeof cause?.code === "string" ? cause.code : void 0;
}
function loadKubeConfig(env) {
  const kc = new KubeConfig();
  const files = (env.KUBECONFIG ?? "").split(path.delimiter).filter((f) => f !== "");
  if (files.length === 0) kc.loadFromDefault();
  for (const file of files) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
  return kc;
}
var KubernetesStore = class {
  constructor(parsed, api, retry, timeoutMs = K8S_REQUEST_TIMEOUT_MS) {
    this.parsed = parsed;
    this.api = api;
    this.retry = retry;
    this.timeoutMs = timeoutMs;
    this.uri = parsed.uri;
  }
  parsed;
  api;
  retry;
  timeoutMs;
  kind = "k8s";
  uri;
  get where() {
    return `Secret ${this.parsed.namespace}/${this.parsed.name}`;
  }
  /** Retries 429, 5xx and network failures; a write is safe to retry because it carries a precondition. */
  call(run) {
    return withRetry(this.retry, run, (outcome) => {
      if (outcome.ok) return null;
      const status = statusOf(outcome.error);
      if (status === void 0) {
        return networkCode(outcome.error) !== void 0 || isTimeout(outcome.error) ? 0 : null;
      }
      if (status !== 429 && status < 500) return null;
      return parseRetryAfter(outcome.error.headers["retry-after"]) ?? 0;
    });
  }
  /** Our own message: ApiException's message embeds the response body, which can quote the object. */
  failure(doing, error, status = statusOf(error)) {
    const { namespace, name } = this.parsed;
    let code = "STORE_WRITE_FAILED";
    let message;
    if (status === void 0 && isTimeout(error)) {
      code = "STORE_UNAVAILABLE";
      message = `The Kubernetes API did not answer within ${this.timeoutMs} ms when trying to ${doing} ${this.where}. Check the API server and network, or raise PASSGENI_K8S_REQUEST_TIMEOUT_MS.`;
    } else if (status === void 0) {
      code = "STORE_UNAVAILABLE";
      message = `Could not reach the Kubernetes API to ${doing} ${this.where} (${networkCode(error) ?? "network error"}).`;
    } else if (status === 401) {
      code = "STORE_ACCESS_DENIED";
      message = `The Kubernetes API rejected the kubeconfig credentials (HTTP 401) when trying to ${doing} ${this.where}.`;
    } else if (status === 403) {
      code = "STORE_ACCESS_DENIED";
      message = `Kubernetes RBAC denied the request to ${doing} ${this.where} (HTTP 403). Grant a Role in namespace "${namespace}" with verbs ["get", "patch"] on resource "secrets" (resourceNames: ["${name}"]).`;
    } else if (status === 404) {
      code = "STORE_NOT_FOUND";
      message = `${this.where} does not exist. passgeni does not create Kubernetes Secrets; create it first (kubectl create secret generic ${name} -n ${namespace}).`;
    } else if (status === 409) {
      code = "STORE_CONFLICT";
      message = `${this.where} was changed by another writer after it was read (resourceVersion precondition failed, HTTP 409); nothing was overwritten. Re-run to write on top of it.`;
    } else if (status === 422) {
      code = "STORE_INVALID_VALUE";
      message = `Kubernetes rejected the change to ${this.where} as invalid (HTTP 422), e.g. the Secret is immutable or too large.`;
    } else if (status === 429) {
      code = "STORE_THROTTLED";
      message = `The Kubernetes API rate-limited the request to ${doing} ${this.where} (HTTP 429) after ${this.retry.maxAttempts} attempts.`;
    } else if (status >= 500) {
      code = "STORE_UNAVAILABLE";
      message = `The Kubernetes API failed to ${doing} ${this.where} (HTTP ${status}); retry later.`;
    } else {
      message = `The Kubernetes API refused to ${doing} ${this.where} (HTTP ${status}).`;
    }
    return new StoreError(code, message, { store: this.uri });
  }
  async read() {
    const { namespace, name } = this.parsed;
    try {
      return await this.call(
        () => this.api.readNamespacedSecret({ name, namespace }, withTimeout(this.timeoutMs))
      );
    } catch (error) {
      if (statusOf(error) === 404) return void 0;
      throw this.failure("read", error);
    }
  }
  holds(secret, encoded, request) {
    return secret?.data?.[this.parsed.key] === encoded && secret.metadata?.annotations?.[CERT_URL_ANNOTATION] === request.certUrl;
  }
  /**
   * One JSON merge patch carries the value and the certificate annotations, so they change
   * together. `metadata.resourceVersion` in the patch is a precondition: the API server answers
   * 409 if the Secret changed since we read it. Other data keys and annotations are untouched.
   */
  async write(request) {
    const { namespace, name, key } = this.parsed;
    const current = await this.read();
    if (current === void 0) throw this.failure("write", void 0, 404);
    const encoded = Buffer.from(request.credential, "utf8").toString("base64");
    const resourceVersion = current.metadata?.resourceVersion;
    if (this.holds(current, encoded, request)) {
      return { store: this.uri, ...resourceVersion !== void 0 && { version: resourceVersion } };
    }
    const body = {
      metadata: {
        ...resourceVersion !== void 0 && { resourceVersion },
        annotations: { [CERT_URL_ANNOTATION]: request.certUrl, [CERT_KEY_ANNOTATION]: key }
      },
      data: { [key]: encoded }
    };
    try {
      const updated = await this.call(
        () => this.api.patchNamespacedSecret(
          { name, namespace, body },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch, withTimeout(this.timeoutMs))
        )
      );
      const version = updated.metadata?.resourceVersion;
      return { store: this.uri, ...version !== void 0 && { version } };
    } catch (error) {
      if (statusOf(error) === 409) {
        const now = await this.read();
        const version = now?.metadata?.resourceVersion;
        if (this.holds(now, encoded, request))
          return { store: this.uri, ...version !== void 0 && { version } };
      }
      throw this.failure("patch", error);
    }
  }
  /** The write patches an existing Secret, so it must exist and be readable. */
  async preflight() {
    if (await this.read() === void 0) throw this.failure("write", void 0, 404);
  }
  async readCredential() {
    const encoded = (await this.read())?.data?.[this.parsed.key];
    return encoded === void 0 ? void 0 : Buffer.from(encoded, "base64").toString("utf8");
  }
  async readCertificateUrl() {
    const annotations = (await this.read())?.metadata?.annotations;
    return urlForKey(annotations?.[CERT_URL_ANNOTATION], annotations?.[CERT_KEY_ANNOTATION], this.parsed.key);
  }
};
function openKubernetesStore(parsed, context) {
  let kc;
  try {
    kc = loadKubeConfig(context.env);
  } catch (error) {
    const code = error.code;
    throw new StoreError(
      "STORE_AUTH_MISSING",
      `The kubeconfig could not be loaded${code ? ` (${code})` : " (it is not valid kubeconfig YAML)"}. Set KUBECONFIG or run inside a pod with a service account.`,
      { store: parsed.uri }
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || cluster.name === "cluster" && cluster.server === "http://localhost:8080") {
    throw new StoreError(
      "STORE_AUTH_MISSING",
      "No Kubernetes cluster is configured: set KUBECONFIG, create ~/.kube/config, or run inside a pod with a service account.",
      { store: parsed.uri }
    );
  }
  return new KubernetesStore(
    parsed,
    kc.makeApiClient(CoreV1Api),
    context.retry,
    requestTimeout(context, parsed.uri)
  );
}
export {
  CERT_KEY_ANNOTATION,
  CERT_URL_ANNOTATION,
  K8S_REQUEST_TIMEOUT_MS,
  KubernetesStore,
  openKubernetesStore
};

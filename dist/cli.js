#!/usr/bin/env node
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL
} from "./chunks/chunk-QHKQQRMR.js";
import {
  CHAR_CLASSES,
  DAY_MS,
  FIPS_HOWTO,
  MAX_LENGTH,
  STANDARDS,
  VERSION,
  breaksRunLimits,
  countStrings,
  createVerifier,
  credentialMisfit,
  decodeCertificate,
  entropySource,
  escapeHtml,
  hasRunLimits,
  renderPolicy,
  resolvePolicy,
  resolveStandard,
  runLimitsOf
} from "./chunks/chunk-KBWD4TVH.js";
import {
  DEFAULT_RETRY,
  httpRequestWithRetry,
  parseRetryAfter
} from "./chunks/chunk-WH3FE2IX.js";
import {
  parseStorePrefix,
  parseStoreUri
} from "./chunks/chunk-XMJ75GVQ.js";
import {
  StoreError
} from "./chunks/chunk-YNJCMOEG.js";
import {
  checkCredentialBinding
} from "./chunks/chunk-UMWL732H.js";
import {
  IssuerError,
  answerLost,
  issuerUnreachable
} from "./chunks/chunk-ZGSGJXAR.js";
import {
  SIGNING_KEY_ENV,
  exportSigningKey,
  generateSigningKey,
  loadJwks,
  parseJwks
} from "./chunks/chunk-IEG7A5BP.js";
import {
  HttpError,
  checkHttpLimitEnv,
  httpRequest,
  jsonBody,
  useProxyFromEnv
} from "./chunks/chunk-QUX7DFRJ.js";
import {
  isIdAnyCase,
  parseClaims,
  zod_exports
} from "./chunks/chunk-VFYYTOKF.js";
import {
  InputError,
  PassgeniError,
  errorMessage,
  isPassgeniError
} from "./chunks/chunk-FKYOR5TL.js";

// src/cli/main.ts
import { Command, CommanderError } from "commander";

// adapters/options.ts
function resolveContext(options = {}) {
  return {
    env: options.env ?? process.env,
    baseDir: options.baseDir ?? process.cwd(),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    options
  };
}

// adapters/index.ts
async function openStore(uri, options) {
  const parsed = parseStoreUri(uri);
  const context2 = resolveContext(options);
  switch (parsed.kind) {
    case "aws-sm":
      return new (await import("./chunks/aws-secrets-manager-EHYDJJQZ.js")).AwsSecretsManagerStore(parsed, context2);
    case "vault": {
      const vault = await import("./chunks/vault-I2DL3BCA.js");
      return new vault.VaultStore(parsed, await vault.openClient(context2, parsed.uri));
    }
    case "doppler":
      return (await import("./chunks/doppler-F3VAVTLT.js")).openDopplerStore(parsed, context2);
    case "k8s":
      return (await import("./chunks/kubernetes-Q37U6U5R.js")).openKubernetesStore(parsed, context2);
    case "file":
      return new (await import("./chunks/file-UZKJYC7E.js")).FileStore(parsed, context2.baseDir);
  }
}
async function openStoreLister(prefixUri, options) {
  const prefix = parseStorePrefix(prefixUri);
  const context2 = resolveContext(options);
  switch (prefix.kind) {
    case "aws-sm": {
      const { createClient, listSecrets } = await import("./chunks/aws-secrets-manager-EHYDJJQZ.js");
      return { list: () => listSecrets(createClient(context2), prefix) };
    }
    case "vault": {
      const vault = await import("./chunks/vault-I2DL3BCA.js");
      const client = await vault.openClient(context2, prefix.uri);
      return { list: () => vault.listVault(client, prefix) };
    }
    case "file": {
      const { listFiles } = await import("./chunks/file-UZKJYC7E.js");
      return { list: () => listFiles(context2.baseDir, prefix) };
    }
  }
}

// src/engine.ts
import { randomUUID } from "node:crypto";

// src/generate/random.ts
var defaultRandom = (buffer) => {
  crypto.getRandomValues(buffer);
};

// src/generate/blocklist.ts
var entries;
var COMMON_PASSWORD_KINDS = [
  0,
  0,
  0,
  14,
  46,
  174,
  238,
  238,
  238,
  238,
  110,
  46,
  174,
  14,
  14,
  174,
  14,
  14,
  12,
  4,
  12
];
var KIND_LETTER = 1;
var KIND_DIGIT = 2;
var KIND_SPECIAL = 4;
function loadCommonPasswords() {
  entries ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) => new Set(dictionary["passwords-common"].map((entry) => entry.toLowerCase()))
  );
  return entries;
}
function commonPasswordsMayMatch(length, kinds) {
  return ((COMMON_PASSWORD_KINDS[length] ?? 0) & 1 << kinds) !== 0;
}

// src/generate/sampler.ts
var CLASS_SHIFT = 8;
var ACCEPT_SHIFT = 16;
var MIN_ATTEMPTS = 1e4;
async function createSampler(charset, length, random, poolSize, limits = {}) {
  const { table, need, kinds, classOf } = compile(charset, length);
  const maxAttempts = attemptsFor(charset, length, limits);
  const runLimited = hasRunLimits(limits);
  const blocklist = commonPasswordsMayMatch(length, kinds) ? await loadCommonPasswords() : void 0;
  const pool = new Uint8Array(poolSize);
  const out = Buffer.alloc(length);
  let pos = poolSize;
  function next() {
    let lastRefill = -1;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let mask = 0;
      for (let i = 0; i < length; ) {
        if (pos === poolSize) {
          const progress = attempt * length + i;
          if (progress === lastRefill) {
            wipeOut();
            throw failed("the random source returned no usable bytes");
          }
          lastRefill = progress;
          random(pool);
          pos = 0;
        }
        const entry = table[pool[pos]];
        pool[pos++] = 0;
        out[i] = entry;
        mask |= entry;
        i += entry >>> ACCEPT_SHIFT;
      }
      if ((mask & need) !== need) continue;
      if (runLimited && breaksRunLimits(out, length, classOf, limits)) continue;
      const candidate = out.toString("latin1", 0, length);
      if (blocklist?.has(candidate.toLowerCase())) continue;
      wipeOut();
      return candidate;
    }
    wipeOut();
    throw failed(`${maxAttempts} candidates in a row were rejected`);
  }
  function wipeOut() {
    for (let i = 0; i < length; i++) out[i] = 0;
  }
  return {
    next,
    wipe() {
      pool.fill(0);
      wipeOut();
      pos = poolSize;
    }
  };
}
function failed(why) {
  return new PassgeniError(
    "GENERATION_FAILED",
    `Could not generate a credential: ${why}. Nothing was generated; check the random source and that the character set is not almost entirely excluded.`
  );
}
function compile(charset, length) {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `The length must be a whole number from 1 to ${MAX_LENGTH}; got ${String(length)}.`
    );
  }
  const codes = [];
  const bits = [];
  const classOf = new Uint8Array(256);
  let need = 0;
  let kinds = 0;
  for (const [index, cls] of CHAR_CLASSES.entries()) {
    const chars = charset.classes[cls];
    for (const ch of chars) {
      codes.push(ch.charCodeAt(0));
      bits.push(1 << index);
      classOf[ch.charCodeAt(0)] = index;
    }
    if (chars.length > 0) {
      need |= 1 << index;
      kinds |= kindOf(cls);
    }
  }
  const n = codes.length;
  const table = new Int32Array(256);
  const limit = 256 - 256 % n;
  for (let b = 0; b < limit; b++) {
    table[b] = codes[b % n] | bits[b % n] << CLASS_SHIFT | 1 << ACCEPT_SHIFT;
  }
  return { table, need: need << CLASS_SHIFT, kinds, classOf };
}
function kindOf(cls) {
  return cls === "digit" ? KIND_DIGIT : cls === "special" ? KIND_SPECIAL : KIND_LETTER;
}
function attemptsFor(charset, length, limits) {
  const sizes = CHAR_CLASSES.map((c) => charset.classes[c].length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = countStrings(length, sizes, limits);
  if (count === 0n) {
    throw new InputError(
      "IMPOSSIBLE_REQUEST",
      `No ${length}-character credential has every included class${hasRunLimits(limits) ? " within the run limits" : ""}.`
    );
  }
  const all = BigInt(total) ** BigInt(length);
  const scale = all.toString(2).length > 60 ? BigInt(all.toString(2).length - 60) : 0n;
  const p = Number(count >> scale) / Number(all >> scale);
  return Math.max(MIN_ATTEMPTS, Math.ceil(44.4 / p));
}

// src/generate/credential.ts
function poolSizeFor(length) {
  return Math.min(65536, Math.max(256, 2 ** Math.ceil(Math.log2(length * 4))));
}
async function generateCredential(policy, options = {}) {
  const random = options.random ?? defaultRandom;
  const sampler = await createSampler(
    policy.charset,
    policy.length,
    random,
    poolSizeFor(policy.length),
    runLimitsOf(policy.params)
  );
  try {
    const password = sampler.next();
    return {
      password,
      params: policy.params,
      entropyBits: policy.entropyBits,
      standardsMet: [...policy.standardsMet],
      generatedAt: /* @__PURE__ */ new Date()
    };
  } finally {
    sampler.wipe();
  }
}

// src/generate/generator.ts
var BULK_POOL_BYTES = 65536;
async function createGenerator(charset, length, options = {}) {
  return (await createSampler(charset, length, options.random ?? defaultRandom, BULK_POOL_BYTES, options.limits)).next;
}

// src/engine.ts
var CertifyStoreError = class extends PassgeniError {
  stored;
  failures;
  certId;
  certUrl;
  certificateState;
  constructor(args) {
    const { stored, failures, cert, certificateState: certificateState2, activationError } = args;
    const list2 = (some) => some.map((f) => `${f.store}: ${f.message.replace(/\.$/, "")}`).join("; ");
    const notWritten = failures.filter((f) => !f.credentialWritten);
    const urlMissing = failures.filter((f) => f.credentialWritten);
    const total = stored.length + notWritten.length;
    const summary2 = [
      `The credential is stored in ${stored.length} of ${total} store${total === 1 ? "" : "s"}`,
      ...notWritten.length ? [`writing it failed in ${notWritten.length}: ${list2(notWritten)}`] : [],
      ...urlMissing.length ? [`the certificate URL could not be attached in ${urlMissing.length}: ${list2(urlMissing)}`] : []
    ].join("; ");
    const where = stored.length ? `The new credential IS stored in ${stored.map((s) => s.store + (s.version ? ` (version ${s.version})` : "")).join(", ")}, with certificate ${cert.cert_url}.` : "The new credential was not stored anywhere; every previous secret is unchanged.";
    const activationFailed = stored.length > 0 && activationError !== void 0;
    const deadline = cert.activate_by ?? "its activation deadline";
    const reason = activationError?.replace(/\.$/, "") ?? "";
    const certNote = activationFailed ? certificateState2 === "revoked" ? ` Certificate ${cert.cert_id} could not be activated (${reason}) and is revoked (not-stored), so the credential above has no valid certificate: run certify again to replace it.` : ` Certificate ${cert.cert_id} is PENDING, not valid: the issuer could not be told that a store holds the credential (${reason}). Activate it before ${deadline} with: passgeni activate ${cert.cert_id} (same issuer and API key). Otherwise the issuer revokes it (not-stored) and the stores above keep a credential without a valid certificate.` : certificateState2 === "revoked" ? ` Certificate ${cert.cert_id} was revoked (reason not-stored).` : certificateState2 === "pending" ? ` Certificate ${cert.cert_id} could not be revoked now; it is pending (not valid) and the issuer revokes it (not-stored) at ${deadline}.` : certificateState2 === "revocation-failed" ? ` Certificate ${cert.cert_id} could NOT be revoked.` : "";
    const code = activationFailed ? "ACTIVATION_FAILED" : stored.length ? "PARTIALLY_STORED" : "NOT_STORED";
    super(code, `${summary2}. ${where}${certNote}`, {
      exitCode: 3,
      details: {
        stored,
        failures,
        cert_id: cert.cert_id,
        cert_url: cert.cert_url,
        certificate_state: certificateState2,
        ...cert.activate_by !== void 0 && certificateState2 === "pending" && { activate_by: cert.activate_by }
      },
      ...certificateState2 === "revocation-failed" && {
        hint: { revoke: cert.cert_id, reason: "not-stored" }
      }
    });
    this.stored = stored;
    this.failures = failures;
    this.certId = cert.cert_id;
    this.certUrl = cert.cert_url;
    this.certificateState = certificateState2;
  }
};
async function certifyAndStore(request, deps) {
  const progress = deps.onProgress ?? (() => {
  });
  if (request.stores.length === 0) {
    throw new PassgeniError(
      "NO_STORE",
      "Name at least one store to write the credential to, e.g. file://./secrets.env#DB_PASSWORD.",
      { exitCode: 2, hint: { option: "store" } }
    );
  }
  const source = entropySource({
    ...deps.fipsMode && { fipsMode: deps.fipsMode },
    ...deps.fipsProvider && { fipsProvider: deps.fipsProvider }
  });
  if (request.requireFipsMode && !source.fips_mode) {
    throw new PassgeniError(
      "FIPS_MODE_REQUIRED",
      `FIPS mode was required but this Node.js runtime is not in FIPS mode. ${FIPS_HOWTO}`,
      {
        exitCode: 2,
        hint: { option: "require-fips-mode", fix: "drop" }
      }
    );
  }
  let policy = resolvePolicy({ ...request, randomSource: source });
  if (!policy.standard.certifiable) {
    throw new PassgeniError(
      "STANDARD_NOT_CERTIFIABLE",
      `${policy.standard.id} is reported in standards_met but cannot be the standard a certificate is issued for. Certify to another standard in \`passgeni standards\` whose rules cover it; ${policy.standard.id} is then listed when the parameters meet it.`,
      { exitCode: 2 }
    );
  }
  if (source.fips_mode && source.fips_provider === void 0) {
    throw new PassgeniError(
      "FIPS_PROVIDER_UNKNOWN",
      "This Node.js runtime is in FIPS mode but the FIPS provider's name and version could not be read (passgeni asks the provider module through `openssl list -providers`), and an issuer accepts no FIPS claim without them. Put the openssl command of the same OpenSSL installation on PATH, with the same OPENSSL_CONF and OPENSSL_MODULES as Node.",
      { exitCode: 2 }
    );
  }
  const stores = await Promise.all(request.stores.map((uri) => deps.openStore(uri)));
  await preflightStores(stores);
  const storeExclusions = [...new Set(stores.flatMap((store) => [...store.unsupportedCharacters ?? ""]))].filter((c) => !(request.exclude ?? "").includes(c)).join("");
  if (storeExclusions) {
    policy = resolvePolicy({
      ...request,
      randomSource: source,
      exclude: `${request.exclude ?? ""}${storeExclusions}`
    });
  }
  progress({
    step: "policy",
    standard: policy.standard.id,
    length: policy.length,
    entropyBits: policy.entropyBits
  });
  const generated = await (deps.generate ?? generateCredential)(policy);
  progress({ step: "session", issuer: deps.issuer.description });
  const session = await deps.issuer.createSession({
    standard: policy.standard.id,
    generation_params: generated.params,
    entropy_source: source
  });
  let binding;
  if (request.bind) {
    const { computeCredentialBinding } = await import("./chunks/binding-VIVEBZQI.js");
    binding = await computeCredentialBinding(generated.password);
  }
  const cert = await deps.issuer.issueCertificate(
    {
      generation_session_id: session.generation_session_id,
      generated_at: generated.generatedAt.toISOString(),
      ...binding && { credential_binding: binding },
      ...request.label !== void 0 && { label: request.label }
    },
    { idempotencyKey: randomUUID() }
  );
  progress({ step: "certificate", certId: cert.cert_id, certUrl: cert.cert_url });
  const activation = new Activation(deps.issuer, cert, progress);
  const { stored, failures } = await writeStores(
    stores,
    generated.password,
    cert,
    progress,
    () => activation.run()
  );
  if (failures.length === 0 && activation.state === "valid") {
    return {
      cert_id: cert.cert_id,
      cert_url: cert.cert_url,
      certificate: cert.certificate,
      expires_at: cert.expires_at,
      compliance_standard: cert.compliance_standard,
      standards_met: cert.standards_met,
      entropy_bits: cert.entropy_bits,
      stored,
      credential: generated.password
    };
  }
  if (stored.length > 0) {
    throw new CertifyStoreError({
      stored,
      failures,
      cert,
      certificateState: activation.state === "valid" ? "valid" : activation.state,
      ...activation.error !== void 0 && { activationError: activation.error }
    });
  }
  let certificateState2;
  try {
    await deps.issuer.revokeCertificate(cert.cert_id, "not-stored");
    certificateState2 = "revoked";
    progress({ step: "revoked", certId: cert.cert_id, reason: "not-stored" });
  } catch {
    certificateState2 = cert.status === "pending" ? "pending" : "revocation-failed";
  }
  throw new CertifyStoreError({ stored, failures, cert, certificateState: certificateState2 });
}
var Activation = class {
  constructor(issuer, cert, progress) {
    this.issuer = issuer;
    this.cert = cert;
    this.progress = progress;
    this.state = cert.status === "pending" ? "pending" : "valid";
  }
  issuer;
  cert;
  progress;
  state;
  error;
  tried = false;
  async run() {
    if (this.tried || this.state !== "pending") return;
    this.tried = true;
    try {
      await this.issuer.activateCertificate(this.cert.cert_id);
      this.state = "valid";
      this.progress({ step: "activated", certId: this.cert.cert_id });
    } catch (error) {
      this.error = errorMessage(error);
      const code = isPassgeniError(error) ? error.code : "";
      if (code === "ACTIVATION_EXPIRED" || code === "CERTIFICATE_REVOKED") this.state = "revoked";
    }
  }
};
async function preflightStores(stores) {
  const results = await Promise.allSettled(stores.map((store) => store.preflight()));
  const failures = results.flatMap(
    (result, i) => result.status === "rejected" ? [
      {
        store: stores[i].uri,
        code: isPassgeniError(result.reason) ? result.reason.code : "STORE_CHECK_FAILED",
        message: errorMessage(result.reason)
      }
    ] : []
  );
  if (failures.length === 0) return;
  throw new StoreCheckError(failures);
}
var StoreCheckError = class extends PassgeniError {
  failures;
  constructor(failures) {
    const transient = failures.every((f) => TRANSIENT_STORE_CODES.has(f.code));
    super(
      "STORE_CHECK_FAILED",
      `${failures.map((f) => `${f.store}: ${f.message.replace(/\.$/, "")}`).join("; ")}. Nothing was generated, certified or written.`,
      {
        exitCode: transient ? 3 : 2,
        details: { failures }
      }
    );
    this.failures = failures;
  }
};
var TRANSIENT_STORE_CODES = /* @__PURE__ */ new Set(["STORE_UNAVAILABLE", "STORE_THROTTLED"]);
async function writeStores(stores, credential, cert, progress, onHeld) {
  const stored = [];
  const failures = [];
  for (const store of stores) {
    try {
      const result = await store.write({
        credential,
        certUrl: cert.cert_url,
        certId: cert.cert_id
      });
      stored.push({
        store: store.uri,
        ...result.version !== void 0 && { version: result.version },
        ...result.notice !== void 0 && { notice: result.notice }
      });
      progress({
        step: "store",
        store: store.uri,
        ok: true,
        ...result.version !== void 0 && { version: result.version },
        ...result.notice !== void 0 && { notice: result.notice }
      });
      await onHeld();
    } catch (error) {
      const failure2 = describeStoreFailure(store.uri, error, credential);
      if (failure2.credentialWritten) {
        stored.push({ store: store.uri, ...failure2.version !== void 0 && { version: failure2.version } });
      }
      failures.push(failure2);
      progress({ step: "store", store: store.uri, ok: false, code: failure2.code });
      if (failure2.credentialWritten) await onHeld();
    }
  }
  return { stored, failures };
}
function describeStoreFailure(uri, error, credential) {
  const code = isPassgeniError(error) ? error.code : "STORE_WRITE_FAILED";
  const message = scrub(errorMessage(error), credential);
  if (error instanceof StoreError) {
    return {
      store: uri,
      code,
      message,
      credentialWritten: error.credentialWritten,
      ...error.version !== void 0 && { version: error.version }
    };
  }
  return { store: uri, code, message, credentialWritten: false };
}
function scrub(text, secret) {
  return secret ? text.split(secret).join("[REDACTED]") : text;
}

// src/issuer-client/http.ts
import { randomUUID as randomUUID2 } from "node:crypto";

// src/lib/pacer.ts
import { performance } from "node:perf_hooks";
var SPACING_DECAY = 0.98;
var MIN_SPACING_MS = 50;
var JITTER_MS = 250;
var AdaptivePacer = class {
  constructor(max, now = () => performance.now()) {
    this.max = max;
    this.now = now;
    if (!(max >= 1)) throw new RangeError("max must be at least 1");
    this.window = max;
  }
  max;
  now;
  window;
  inFlight = 0;
  spacingMs = 0;
  lastStart = Number.NEGATIVE_INFINITY;
  pausedUntil = 0;
  lastDecrease = Number.NEGATIVE_INFINITY;
  urgent = [];
  normal = [];
  timer;
  /** Requests that may be in flight now. */
  get limit() {
    return Math.max(1, Math.floor(this.window));
  }
  /**
   * Resolves when one more request may be sent; call the returned function with whether the
   * server accepted it (false: refused for its rate, and `refused` has been told).
   */
  async acquire(urgent = false) {
    await new Promise((resolve4) => {
      (urgent ? this.urgent : this.normal).push(resolve4);
      this.dispatch();
    });
    let done = false;
    return (passed) => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (passed) {
        this.window = Math.min(this.max, this.window + 1 / this.window);
        const spacing = this.spacingMs * SPACING_DECAY;
        this.spacingMs = spacing < MIN_SPACING_MS ? 0 : spacing;
      }
      this.dispatch();
    };
  }
  /**
   * The server refused a request for its rate and asked for this wait; `spacingMs` is the pace it
   * asked for (a token bucket's time between tokens), 0 when it named none.
   */
  refused(waitMs, spacingMs = 0) {
    const now = this.now();
    if (now >= this.lastDecrease + Math.max(waitMs, 1e3)) {
      this.window = Math.max(1, this.window / 2);
      this.lastDecrease = now;
    }
    this.spacingMs = Math.max(this.spacingMs, spacingMs);
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs + Math.random() * JITTER_MS);
  }
  /** Starts waiting requests while the limit, any pause and the spacing allow. */
  dispatch() {
    while (this.inFlight < this.limit && this.urgent.length + this.normal.length > 0) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil, this.lastStart + this.spacingMs) - now;
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = void 0;
          this.dispatch();
        }, wait);
        return;
      }
      this.inFlight++;
      this.lastStart = now;
      (this.urgent.shift() ?? this.normal.shift())();
    }
  }
};

// src/issuer-client/http.ts
var DEFAULT_RATE_LIMIT_WAIT_MS = 6e4;
var DEFAULT_RATE_LIMIT_RETRIES = 8;
var MAX_IN_FLIGHT = 16;
var MAX_BODY_BYTES = 1024 * 1024;
var responses;
function loadResponses() {
  responses ??= import("./chunks/responses-QWCZ3FGD.js");
  return responses;
}
var HttpIssuerClient = class {
  constructor(config) {
    this.config = config;
    let base;
    try {
      base = new URL(config.url.endsWith("/") ? config.url : `${config.url}/`);
    } catch {
      throw new IssuerError("ISSUER_URL_INVALID", `The issuer URL "${config.url}" is not a valid URL.`, {
        exitCode: 2,
        hint: { option: "issuer-url", fix: "check" }
      });
    }
    if (base.protocol !== "https:" && base.protocol !== "http:") {
      throw new IssuerError(
        "ISSUER_URL_INVALID",
        "The issuer URL must start with https:// (or http:// for a local issuer).",
        { exitCode: 2, hint: { option: "issuer-url", fix: "check" } }
      );
    }
    if (!config.apiKey) {
      throw new IssuerError("ISSUER_API_KEY_MISSING", "An API key is needed for the issuer.", {
        exitCode: 2,
        hint: { option: "api-key" }
      });
    }
    this.base = base;
    this.description = base.origin + base.pathname.replace(/\/$/, "");
    this.retry = {
      ...DEFAULT_RETRY,
      ...config.maxAttempts !== void 0 && { maxAttempts: config.maxAttempts },
      ...config.baseDelayMs !== void 0 && { baseDelayMs: config.baseDelayMs }
    };
  }
  config;
  description;
  base;
  retry;
  /** One per client, i.e. per API key: the issuer limits the key, so its requests share one pace. */
  pacer = new AdaptivePacer(MAX_IN_FLIGHT);
  async createSession(request) {
    const body = await this.request("POST", "api/v1/sessions", request, [201]);
    return (await loadResponses()).parseSessionResponse(body, this.description);
  }
  async issueCertificate(request, options = {}) {
    const idempotencyKey = options.idempotencyKey ?? randomUUID2();
    try {
      const body = await this.request("POST", "api/v1/certificates", request, [200, 201], true, {
        urgent: true,
        headers: { "idempotency-key": idempotencyKey }
      });
      return (await loadResponses()).parseIssuedCertificate(body, this.description);
    } catch (error) {
      if (error instanceof IssuerError && error.mayHaveArrived) throw answerLost(this.description, error);
      if (error instanceof IssuerError && error.code === "SESSION_USED" && error.retried && typeof error.body?.cert_id === "string") {
        const existing = await this.getCertificate(error.body.cert_id);
        const claims = existing.claims;
        return {
          cert_id: claims.jti,
          cert_url: new URL(`cert/${encodeURIComponent(claims.jti)}`, this.base).toString(),
          certificate: existing.certificate,
          expires_at: new Date(claims.exp * 1e3).toISOString(),
          standards_met: claims.standards_met,
          compliance_standard: claims.compliance_standard,
          entropy_bits: claims.entropy_bits
        };
      }
      throw error;
    }
  }
  async activateCertificate(id) {
    return this.toStatus(
      await this.request("POST", `api/v1/certificates/${encodeURIComponent(id)}/activate`, void 0, [200])
    );
  }
  async getCertificate(id) {
    return this.toStatus(
      await this.request("GET", `api/v1/certificates/${encodeURIComponent(id)}`, void 0, [200])
    );
  }
  async revokeCertificate(id, reason) {
    return this.toStatus(
      await this.request("POST", `api/v1/certificates/${encodeURIComponent(id)}/revoke`, { reason }, [200])
    );
  }
  async listCertificates(query) {
    const { team, since, status, standard: standard2, limit, cursor } = query;
    const path3 = withQuery("api/v1/certificates", { team, since, status, standard: standard2, limit, cursor });
    return (await loadResponses()).parseCertificatePage(
      await this.request("GET", path3, void 0, [200]),
      this.description
    );
  }
  async listEvents(query) {
    const { team, since, until, types, limit, cursor } = query;
    const type = types && types.length > 0 ? types.join(",") : void 0;
    const path3 = withQuery("api/v1/events", { team, type, since, until, limit, cursor });
    return (await loadResponses()).parseEventPage(
      await this.request("GET", path3, void 0, [200]),
      this.description
    );
  }
  async jwks() {
    const body = await this.request("GET", ".well-known/jwks.json", void 0, [200], false);
    return (await loadResponses()).parseJwks(body);
  }
  async close() {
  }
  async toStatus(body) {
    return (await loadResponses()).parseStatusResponse(body, this.description);
  }
  async request(method, path3, body, ok, auth = true, options = {}) {
    let response;
    let retried = false;
    const maxWait = this.config.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    const maxRetries = this.config.maxRateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
    for (let limited = 0; ; limited++) {
      const release = await this.pacer.acquire(options.urgent === true || limited > 0);
      try {
        response = await httpRequestWithRetry(
          this.retry,
          {
            url: new URL(path3, this.base),
            method,
            headers: {
              accept: "application/json",
              "user-agent": this.config.userAgent ?? "passgeni",
              ...auth && { authorization: `Bearer ${this.config.apiKey}` },
              ...body !== void 0 && { "content-type": "application/json" },
              ...options.headers
            },
            ...body !== void 0 && { body: JSON.stringify(body) },
            ...this.config.timeoutMs !== void 0 && { timeoutMs: this.config.timeoutMs },
            maxBodyBytes: MAX_BODY_BYTES
          },
          (answer) => !ok.includes(answer.status) && answer.status >= 500
        );
      } catch (cause) {
        release(true);
        throw issuerUnreachable(this.description, cause, method === "POST");
      }
      retried ||= response.attempts > 1;
      if (response.status !== 429) {
        release(true);
        break;
      }
      const waitMs = preciseWait(response) ?? parseRetryAfter(response.headers["retry-after"]) ?? // an issuer that names no wait gets the plain backoff of a transient failure
      Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** limited);
      const reported = limited >= maxRetries || waitMs > maxWait;
      if (!reported) this.pacer.refused(waitMs, refillInterval(response));
      release(false);
      if (reported) break;
      retried = true;
    }
    const payload = jsonBody(response);
    if (ok.includes(response.status)) return payload;
    const { parseErrorBody } = await loadResponses();
    throw fromErrorResponse(response.status, parseErrorBody(payload), this.description, retried);
  }
};
function preciseWait(response) {
  const ms = bodyNumber(response, "retry_after_ms");
  const header = parseRetryAfter(response.headers["retry-after"]);
  return ms !== void 0 && (header === void 0 || ms <= header) ? ms : void 0;
}
function refillInterval(response) {
  return Math.min(bodyNumber(response, "refill_interval_ms") ?? 0, DEFAULT_RATE_LIMIT_WAIT_MS);
}
function bodyNumber(response, name) {
  const value = jsonBody(response)?.[name];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : void 0;
}
function withQuery(path3, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== void 0) query.set(name, String(value));
  const text = query.toString();
  return text === "" ? path3 : `${path3}?${text}`;
}
function fromErrorResponse(status, body, issuer, retried) {
  const code = body ? body.code : `HTTP_${status}`;
  const serverMessage = body ? body.error.slice(0, 500).replace(/\.$/, "") : `HTTP ${status}`;
  const retryAfter = typeof body?.retry_after === "number" ? ` in ${body.retry_after} s` : " later";
  const advice = status === 429 ? ` The issuer is rate-limiting this key or address; try again${retryAfter}, or ask its operator for a key with a higher per-minute limit.` : "";
  return new IssuerError(code, `The issuer at ${issuer} refused the request: ${serverMessage}.${advice}`, {
    status,
    retried,
    // a server error may come after the request took effect (or from a proxy in front of it)
    mayHaveArrived: status >= 500,
    // a certificate that does not exist is the same answer whichever command asked: exit 1
    // a request the issuer refuses as it stands (bad input, a key that may not do this) is the
    // user's to fix, as the local issuer says too (exit 2)
    exitCode: code === "CERTIFICATE_NOT_FOUND" ? 1 : status === 422 || status === 400 || status === 403 ? 2 : 3,
    ...body && { body },
    ...status === 401 && { hint: { option: "api-key", fix: "check" } }
  });
}

// src/issuer-client/index.ts
async function openIssuerClient(selection) {
  const url = selection.issuerUrl?.trim();
  if (url && url !== "local") {
    return new HttpIssuerClient({
      url,
      apiKey: selection.apiKey ?? "",
      ...selection.userAgent !== void 0 && { userAgent: selection.userAgent }
    });
  }
  const { openLocalIssuerClient } = await import("./chunks/local-JR5UPTGT.js");
  return openLocalIssuerClient(selection);
}

// src/cli/issuer-options.ts
import { readFileSync } from "node:fs";
function addIssuerOptions(command) {
  return command.option(
    "--issuer-url <url>",
    "issuer to use (env PASSGENI_ISSUER_URL); default: the local issuer in --data-dir"
  ).option(
    "--api-key <key>",
    'API key for the issuer; "-" reads it from stdin (env PASSGENI_API_KEY; either keeps it out of shell history and ps)'
  ).option("--data-dir <dir>", "data directory of the local issuer (env PASSGENI_DATA_DIR)", void 0).option(
    "--public-url <url>",
    "public URL of the local issuer (env PASSGENI_PUBLIC_URL; default http://127.0.0.1:8787)"
  );
}
function issuerSelection(options, env = process.env) {
  const issuerUrl = options.issuerUrl ?? nonEmpty(env.PASSGENI_ISSUER_URL);
  const apiKey = options.apiKey === "-" ? readKeyFromStdin() : options.apiKey ?? nonEmpty(env.PASSGENI_API_KEY);
  const dataDir = options.dataDir ?? nonEmpty(env.PASSGENI_DATA_DIR);
  const publicUrl = options.publicUrl ?? nonEmpty(env.PASSGENI_PUBLIC_URL);
  return {
    ...issuerUrl !== void 0 && { issuerUrl },
    ...apiKey !== void 0 && { apiKey },
    ...dataDir !== void 0 && { dataDir },
    ...publicUrl !== void 0 && { publicUrl }
  };
}
function issuerStorage(options, env = process.env) {
  return {
    databaseUrl: options.databaseUrl ?? nonEmpty(env.DATABASE_URL),
    dataDir: options.dataDir ?? nonEmpty(env.PASSGENI_DATA_DIR) ?? DEFAULT_DATA_DIR
  };
}
function nonEmpty(value) {
  return value === void 0 || value.trim() === "" ? void 0 : value;
}
function readKeyFromStdin() {
  let key;
  try {
    key = readFileSync(0, "utf8").trim();
  } catch {
    key = "";
  }
  if (key === "" || /\s/.test(key)) {
    throw new InputError(
      "API_KEY_STDIN_INVALID",
      "--api-key - reads the API key from stdin, which held no single key. Pipe exactly the key in, e.g. `passgeni \u2026 --api-key - < key.txt`."
    );
  }
  return key;
}

// src/cli/parse.ts
import { InvalidArgumentError } from "commander";
function parsePositiveInt(value) {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  return Number(value);
}
function parseNonNegativeInt(value) {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number (0 or more).");
  return Number(value);
}
function parseClassList(value) {
  const parts = value.split(",").map((p) => p.trim().toLowerCase()).filter(Boolean);
  const unknown = parts.filter((p) => !CHAR_CLASSES.includes(p));
  if (unknown.length > 0 || parts.length === 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${CHAR_CLASSES.join(", ")}.`);
  }
  return [...new Set(parts)];
}
function collect(value, previous) {
  return [...previous, value];
}

// src/cli/hints.ts
var FLAGS = {
  "issuer-url": { flag: "--issuer-url", env: "PASSGENI_ISSUER_URL" },
  "api-key": { flag: "--api-key", env: "PASSGENI_API_KEY" },
  jwks: { flag: "--jwks FILE|URL" },
  store: { flag: "--store URI" },
  bind: { flag: "--bind" },
  "require-fips-mode": { flag: "--require-fips-mode" },
  shard: { flag: "--shard I/N" },
  "max-rate": { flag: "--max-rate" },
  "expiring-within": { flag: "--expiring-within" },
  trust: { flag: "--trust ISSUER_ID=JWKS_URL", env: "PASSGENI_TRUST" }
};
var CREATE_API_KEY = "Create one with `passgeni api-key create --team NAME` on the issuer.";
function named(option) {
  const { flag, env } = FLAGS[option];
  return env ? `${flag} (env ${env})` : flag;
}
function cliHint(hint) {
  if ("revoke" in hint) return `Revoke it with: passgeni revoke ${hint.revoke} --reason ${hint.reason}.`;
  const { flag } = FLAGS[hint.option];
  if (hint.certify) return `Certify with ${flag}.`;
  switch (hint.fix ?? "set") {
    case "drop":
      return `To go on without it, drop ${flag}.`;
    case "check":
      return `Check ${named(hint.option)}.`;
    case "set": {
      const alternative = hint.or ? ` or ${named(hint.or)}` : "";
      const create2 = hint.option === "api-key" ? ` ${CREATE_API_KEY}` : "";
      return `Pass ${named(hint.option)}${alternative}.${create2}`;
    }
  }
}
function withCliHint(message, hint) {
  return hint ? `${message} ${cliHint(hint)}` : message;
}
function cliErrorMessage(error) {
  return isPassgeniError(error) ? withCliHint(error.message, error.hint) : errorMessage(error);
}

// src/cli/output.ts
function printJson(value) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}
`);
}
function printJsonLine(value) {
  process.stdout.write(`${JSON.stringify(value)}
`);
}
function printText(text) {
  process.stdout.write(text.endsWith("\n") ? text : `${text}
`);
}
function printNotice(text) {
  process.stderr.write(text.endsWith("\n") ? text : `${text}
`);
}
function textTable(header, rows, { rule = true } = {}) {
  const width = (text) => [...text].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells) => cells.map((c, i) => c + " ".repeat((widths[i] ?? 0) - width(c))).join("  ").trimEnd();
  const underline = rule ? [line(widths.map((w) => "-".repeat(w)))] : [];
  return [line(header), ...underline, ...rows.map(line)].join("\n");
}
function reportError(error, options) {
  const exitCode = isPassgeniError(error) ? error.exitCode : 3;
  if (options.json) {
    const body = isPassgeniError(error) ? { ...error.toJSON(), error: cliErrorMessage(error) } : { error: errorMessage(error), code: "INTERNAL" };
    process.stderr.write(`${JSON.stringify(body)}
`);
  } else {
    const code = isPassgeniError(error) ? ` [${error.code}]` : "";
    process.stderr.write(`passgeni: ${cliErrorMessage(error)}${code}
`);
    if (process.env.PASSGENI_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}
`);
  }
  return exitCode;
}

// src/cli/run-command.ts
function runCommand(action) {
  return async (...args) => {
    const options = args[args.length - 2] ?? {};
    try {
      const code = await action(...args);
      process.exitCode = code ?? 0;
    } catch (error) {
      process.exitCode = reportError(error, options);
    }
  };
}

// src/cli/commands/certify.ts
function register(program) {
  const command = program.command("certify").description(
    "Generate a credential, get a compliance certificate for it, and write it to your secrets manager(s)."
  ).requiredOption("-s, --standard <standard>", "standard to certify to (see `passgeni standards`)").requiredOption(
    "--store <uri>",
    "where to write it; repeat for several (aws-sm://, vault://, doppler://, k8s://, file://)",
    collect,
    []
  ).option("-l, --length <n>", "length (default: the standard's default length)", parsePositiveInt).option("-x, --exclude <chars>", "characters the target system rejects").option("--symbols <set>", "use this set of punctuation characters instead of all 32").option(
    "--classes <list>",
    "character classes to include: upper,lower,digit,special (default: all)",
    parseClassList
  ).option(
    "--label <label>",
    "a label recorded in the certificate, e.g. prod/db/admin (certificates are public)"
  ).option(
    "--bind",
    "bind the certificate to the credential with a scrypt digest (verify with --credential-from)"
  ).option("--output-credential", "also print the credential (off by default: it goes only to the stores)").option("--require-fips-mode", "fail unless Node.js runs with OpenSSL in FIPS mode");
  addIssuerOptions(command).option("--json", "print the result as JSON").addHelpText(
    "after",
    `
Without --issuer-url the local issuer runs in-process on --data-dir (default ./.passgeni), and
\`passgeni serve\` on the same directory publishes its certificates.

Examples:
  passgeni certify --standard HIPAA --store file://./secrets.env#DB_PASSWORD
  passgeni certify --standard PCI-DSS --store aws-sm://prod/db#password --store vault://secret/prod/db#password \\
    --issuer-url https://certs.example.com --label prod/db/admin --bind

FIPS-140-3 is certified only from a runtime with OpenSSL in FIPS mode (node --enable-fips with a
validated FIPS provider configured); elsewhere it exits 2. See docs/standards.md.

Exit codes: 0 stored and certified, 2 bad input (nothing was done), 3 issuer or store failure (the
message says exactly which stores hold the new credential).`
  ).action(runCommand((options) => certify(options)));
}
async function certify(options) {
  const issuer = await openIssuerClient({
    ...issuerSelection(options),
    userAgent: `passgeni-cli/${VERSION}`
  });
  try {
    const report = await certifyAndStore(
      { ...options, stores: options.store },
      {
        issuer,
        openStore: (uri) => openStore(uri),
        ...process.stderr.isTTY && !options.json && { onProgress: showProgress }
      }
    );
    print(report, options);
    return 0;
  } finally {
    await issuer.close();
  }
}
function showProgress(event2) {
  switch (event2.step) {
    case "policy":
      printNotice(`\xB7 ${event2.standard}: ${event2.length} characters, ${event2.entropyBits} bits`);
      break;
    case "session":
      printNotice(`\xB7 asking ${event2.issuer} for a certificate (parameters only)`);
      break;
    case "certificate":
      printNotice(`\xB7 certificate ${event2.certId}`);
      break;
    case "store":
      printNotice(
        `\xB7 ${event2.ok ? "stored in" : "FAILED"} ${event2.store}${event2.version ? ` (version ${event2.version})` : ""}`
      );
      break;
    case "activated":
      printNotice(`\xB7 activated ${event2.certId} (a store holds the credential)`);
      break;
    case "revoked":
      printNotice(`\xB7 revoked ${event2.certId} (${event2.reason})`);
      break;
  }
}
function print(report, options) {
  const { credential, ...rest } = report;
  if (options.json) {
    printJson({ ...rest, ...options.outputCredential && { credential } });
    return;
  }
  printText(
    [
      `Certified and stored: ${report.compliance_standard}, ${report.entropy_bits} bits`,
      `  certificate   ${report.cert_url}`,
      `  standards met ${report.standards_met.join(", ")}`,
      `  expires       ${report.expires_at}`,
      ...report.stored.flatMap((s) => [
        `  stored in     ${s.store}${s.version ? ` (version ${s.version})` : ""}`,
        ...s.notice ? [`  note          ${s.notice}`] : []
      ]),
      ...options.outputCredential ? [`  credential    ${credential}`] : []
    ].join("\n")
  );
}

// src/cli/commands/verify.ts
import { existsSync as existsSync2, readFileSync as readFileSync3, statSync as statSync2 } from "node:fs";

// src/trust/anchors.ts
import { existsSync, readFileSync as readFileSync2, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
var WELL_KNOWN_JWKS = "/.well-known/jwks.json";
var MAX_ISSUER_ID = 256;
var MAX_TRUST_FILE_BYTES = 256 * 1024;
function baseOf(url) {
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    return void 0;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return void 0;
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return void 0;
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}
function basesFor(issuer, jwksUrl) {
  const bases = /* @__PURE__ */ new Set();
  if (jwksUrl !== void 0) {
    const base = baseOf(jwksUrl);
    if (base !== void 0 && base.endsWith(WELL_KNOWN_JWKS))
      bases.add(base.slice(0, -WELL_KNOWN_JWKS.length));
  }
  const own = baseOf(issuer);
  if (own !== void 0) bases.add(own);
  return [...bases];
}
function anchorFor(issuer, source, origin, cwd = process.cwd()) {
  if (/^https?:\/\//i.test(source)) {
    return { issuer, keys: { kind: "url", url: source }, bases: basesFor(issuer, source), origin };
  }
  const path3 = source.startsWith("file:") ? fileURLToPath(source) : source;
  return {
    issuer,
    keys: { kind: "file", path: isAbsolute(path3) ? path3 : resolve(cwd, path3) },
    bases: basesFor(issuer, void 0),
    origin
  };
}
function localAnchor(client, publicUrl) {
  const base = baseOf(publicUrl) ?? publicUrl.replace(/\/+$/, "");
  return {
    issuer: base,
    keys: { kind: "local", jwks: () => client.jwks() },
    bases: [base],
    origin: "the local issuer",
    client
  };
}
function invalid(where, message) {
  return new InputError(
    "TRUST_INVALID",
    `${where}: ${message} Write each trusted issuer as ISSUER_ID=JWKS_URL_OR_FILE, e.g. https://certs.example.com=https://certs.example.com/.well-known/jwks.json (passgeni trust <issuer-url> prints that line).`
  );
}
function parseTrustPair(text, where, cwd = process.cwd()) {
  const pair = text.trim();
  const at = pair.indexOf("=");
  if (at < 0) throw invalid(where, `${quote(pair)} has no "=" between the issuer id and its keys.`);
  const issuer = pair.slice(0, at).trim();
  const source = pair.slice(at + 1).trim();
  if (issuer === "") throw invalid(where, `${quote(pair)} names no issuer id before the "=".`);
  if (issuer.length > MAX_ISSUER_ID || /[\p{C}\s]/u.test(issuer)) {
    throw invalid(
      where,
      `the issuer id ${quote(issuer)} is not a valid issuer id (printable, no spaces, at most ${MAX_ISSUER_ID} characters).`
    );
  }
  if (source === "") throw invalid(where, `${quote(pair)} names no JWKS URL or file after the "=".`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^(https?|file):\/\//i.test(source)) {
    throw invalid(where, `the key source ${quote(source)} is neither an http(s) URL nor a file.`);
  }
  if (/^https?:\/\//i.test(source)) {
    if (baseOf(source) === void 0)
      throw invalid(
        where,
        `the JWKS URL ${quote(source)} is not a valid URL (no credentials, query or fragment).`
      );
    return anchorFor(issuer, source, where);
  }
  const anchor = anchorFor(issuer, source, where, cwd);
  if (anchor.keys.kind === "file" && !isFile(anchor.keys.path)) {
    throw invalid(where, `the JWKS file ${quote(anchor.keys.path)} does not exist or is not a file.`);
  }
  return anchor;
}
function readTrustFile(path3, label = "PASSGENI_TRUST") {
  const where = `${label} (${path3})`;
  if (!isFile(path3)) throw invalid(where, "the trust file does not exist or is not a file.");
  if (statSync(path3).size > MAX_TRUST_FILE_BYTES)
    throw invalid(where, "the trust file is larger than 256 KiB.");
  return parseTrustLines(readFileSync2(path3, "utf8"), path3, dirname(resolve(path3)));
}
function parseTrustLines(text, label, cwd = process.cwd()) {
  const anchors = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    anchors.push(parseTrustPair(line, `${label}:${index + 1}`, cwd));
  });
  return anchors;
}
function configuredAnchors(pairs, env = process.env) {
  const anchors = (pairs ?? []).map((pair) => parseTrustPair(pair, "--trust"));
  const file = env.PASSGENI_TRUST?.trim();
  if (file) anchors.push(...readTrustFile(file));
  return anchors;
}
function isFile(path3) {
  try {
    return existsSync(path3) && statSync(path3).isFile();
  } catch {
    return false;
  }
}
function quote(value) {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, "");
  return JSON.stringify(clean.length > 100 ? `${clean.slice(0, 97)}...` : clean);
}

// src/trust/identity.ts
import { calculateJwkThumbprint } from "jose";

// src/issuer-client/public.ts
var publicCertificate = zod_exports.looseObject({
  status: zod_exports.enum(["valid", "pending", "expired", "revoked"]),
  certificate: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(2e4)),
  activate_by: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(64))),
  revoked_at: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(64))),
  revocation_reason: zod_exports.optional(zod_exports.string().check(zod_exports.maxLength(500)))
});
function parseCertificateUrl(input) {
  let url;
  try {
    url = new URL(input);
  } catch {
    return void 0;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return void 0;
  const match = /^(.*)\/cert\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return void 0;
  return { base: `${url.origin}${match[1] ?? ""}`, id: decodeURIComponent(match[2] ?? "") };
}
async function fetchPublicCertificate(base, id, options = {}) {
  const body = await getJson(`${base}/cert/${encodeURIComponent(id)}`, base, MAX_RECORD_BYTES, options);
  const parsed = publicCertificate.safeParse(body);
  if (!parsed.success) {
    throw new IssuerError(
      "ISSUER_BAD_RESPONSE",
      `The issuer at ${base} answered with something that is not a certificate record.`
    );
  }
  const { status, certificate, activate_by, revoked_at, revocation_reason } = parsed.data;
  return {
    status,
    certificate,
    ...activate_by !== void 0 && { activate_by },
    ...revoked_at !== void 0 && { revoked_at },
    ...revocation_reason !== void 0 && { revocation_reason }
  };
}
async function fetchPublicJwks(base, options = {}) {
  return fetchJwksAt(`${base}/.well-known/jwks.json`, options);
}
async function fetchJwksAt(url, options = {}) {
  return parseJwks(await getJson(url, new URL(url).origin, MAX_JWKS_BYTES, options));
}
async function fetchIssuerIdentity(base, options = {}) {
  try {
    return await getJson(`${base}/.well-known/passgeni-issuer`, base, MAX_RECORD_BYTES, options);
  } catch (error) {
    if (error instanceof IssuerError && error.code === "CERTIFICATE_NOT_FOUND") return void 0;
    throw error;
  }
}
var MAX_RECORD_BYTES = 64 * 1024;
var MAX_JWKS_BYTES = 1024 * 1024;
async function getJson(url, base, maxBodyBytes, options) {
  const headers = { accept: "application/json" };
  let response;
  try {
    if (options.fetch) {
      const answer = await options.fetch(url, { headers });
      response = { status: answer.status, ok: answer.ok, text: await answer.text() };
    } else {
      const answer = await httpRequest({ url, headers, maxBodyBytes });
      response = {
        status: answer.status,
        ok: answer.status >= 200 && answer.status < 300,
        text: answer.text
      };
    }
  } catch (cause) {
    throw refused(cause, url, base, maxBodyBytes) ?? issuerUnreachable(base, cause);
  }
  if (response.status === 404) {
    throw new IssuerError(
      "CERTIFICATE_NOT_FOUND",
      `The issuer at ${base} has no such certificate (${url}).`,
      { status: 404, exitCode: 1 }
    );
  }
  if (!response.ok) {
    throw new IssuerError(
      `HTTP_${response.status}`,
      `The issuer at ${base} answered HTTP ${response.status} for ${url}.`,
      { status: response.status }
    );
  }
  try {
    return JSON.parse(response.text);
  } catch {
    throw new IssuerError(
      "ISSUER_BAD_RESPONSE",
      `The issuer at ${base} did not answer with JSON for ${url}.`
    );
  }
}
function refused(cause, url, base, limit) {
  if (!(cause instanceof HttpError)) return void 0;
  if (cause.code === "TOO_LARGE") {
    return new IssuerError(
      "ISSUER_RESPONSE_TOO_LARGE",
      `The issuer at ${base} answered ${url} with more than ${limit} bytes, far more than a certificate record or key set; it was not read further. Check that the URL names a PassGeni issuer.`
    );
  }
  if (cause.code === "REDIRECT") {
    return new IssuerError(
      "ISSUER_REDIRECT_REFUSED",
      `${cause.message} A certificate is checked only against the host its URL names: use the URL on the issuer's own host.`
    );
  }
  return void 0;
}

// src/trust/identity.ts
var httpUrl = zod_exports.string().check(
  zod_exports.maxLength(2048),
  zod_exports.refine((value) => baseOf(value) !== void 0, "an http(s) URL")
);
var issuerIdentitySchema = zod_exports.looseObject({
  issuer: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(256)),
  jwks_uri: httpUrl,
  certificate_url_prefix: httpUrl,
  api: httpUrl,
  keys: zod_exports.array(
    zod_exports.looseObject({
      kid: zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(256)),
      thumbprint: zod_exports.string().check(zod_exports.regex(/^[\w-]{43}$/))
    })
  ).check(zod_exports.maxLength(100))
});
async function readIssuerIdentity(base, options = {}) {
  const body = await fetchIssuerIdentity(base, options);
  if (body === void 0) return void 0;
  const parsed = issuerIdentitySchema.safeParse(body);
  if (!parsed.success) {
    throw new IssuerError(
      "ISSUER_BAD_RESPONSE",
      `The issuer at ${base} answered /.well-known/passgeni-issuer with something that is not an issuer identity document. Check that the URL names a PassGeni issuer.`
    );
  }
  const { issuer, jwks_uri, certificate_url_prefix, api, keys } = parsed.data;
  return {
    issuer,
    jwks_uri,
    certificate_url_prefix,
    api,
    keys: keys.map(({ kid, thumbprint }) => ({ kid, thumbprint }))
  };
}
async function remoteIssuerAnchor(url, options = {}) {
  const base = baseOf(url) ?? url.replace(/\/+$/, "");
  const identity = await readIssuerIdentity(base, options);
  const origin = `the issuer at ${base}`;
  if (!identity) {
    return {
      issuer: base,
      keys: { kind: "url", url: `${base}/.well-known/jwks.json` },
      bases: [base],
      origin
    };
  }
  const bases = /* @__PURE__ */ new Set([base]);
  const prefix = baseOf(identity.certificate_url_prefix);
  if (prefix !== void 0) bases.add(prefix.replace(/\/cert$/, ""));
  const jwksBase = baseOf(identity.jwks_uri);
  if (jwksBase?.endsWith("/.well-known/jwks.json"))
    bases.add(jwksBase.slice(0, -"/.well-known/jwks.json".length));
  return {
    issuer: identity.issuer,
    keys: { kind: "url", url: identity.jwks_uri },
    bases: [...bases],
    origin
  };
}
async function pinIssuer(url, options = {}) {
  const base = baseOf(url);
  if (base === void 0) {
    throw new InputError(
      "TRUST_INVALID",
      `${JSON.stringify(url.slice(0, 100))} is not an issuer URL: give its http(s) base URL, e.g. https://certs.example.com.`
    );
  }
  const identity = await readIssuerIdentity(base, options);
  if (!identity) {
    throw new IssuerError(
      "ISSUER_IDENTITY_NOT_FOUND",
      `The issuer at ${base} publishes no /.well-known/passgeni-issuer. Check the URL; for an older issuer, pin it by hand with its issuer id and ${base}/.well-known/jwks.json (compare its keys with its operator).`,
      { exitCode: 1 }
    );
  }
  const jwks = await fetchJwksAt(identity.jwks_uri, options);
  const keys = await Promise.all(
    jwks.keys.map(async ({ kid, kty, crv, x, y }) => ({
      kid,
      thumbprint: await calculateJwkThumbprint({ kty, crv, x, y }, "sha256")
    }))
  );
  const listed = new Set(identity.keys.map((k) => `${k.kid} ${k.thumbprint}`));
  const served = new Set(keys.map((k) => `${k.kid} ${k.thumbprint}`));
  if (listed.size !== served.size || [...served].some((k) => !listed.has(k))) {
    throw new IssuerError(
      "ISSUER_IDENTITY_MISMATCH",
      `The keys served at ${identity.jwks_uri} are not the ones the issuer at ${base} lists in its identity document; nothing was pinned. Ask the issuer's operator, or retry if it is rotating its key right now.`,
      { exitCode: 1 }
    );
  }
  const line = `${identity.issuer}=${identity.jwks_uri}`;
  parseTrustPair(line, `the identity document of ${base}`);
  return { line, identity, keys };
}

// src/trust/store.ts
var TrustStore = class {
  constructor(anchors, options = {}) {
    this.anchors = anchors;
    this.options = options;
  }
  anchors;
  options;
  keys = /* @__PURE__ */ new Map();
  verifiers = /* @__PURE__ */ new Map();
  refreshed = /* @__PURE__ */ new Set();
  get empty() {
    return this.anchors.length === 0;
  }
  /** The anchors a certificate URL's base (`https://host/base`) belongs to. */
  forBase(base) {
    const normal = baseOf(base) ?? base;
    return this.anchors.filter((anchor) => anchor.bases.includes(normal));
  }
  /** The anchors pinning this `iss`. */
  forIssuer(issuer) {
    return this.anchors.filter((anchor) => anchor.issuer === issuer);
  }
  /** The configured issuers, for messages: `a (…), b (…)`. */
  describe() {
    if (this.empty) return "none";
    return [...new Set(this.anchors.map((a) => `${a.issuer} (${a.origin})`))].join(", ");
  }
  /**
   * A verifier for this anchor's keys. `iss` is left to the caller, which reports a mismatch as
   * its own reason (ISSUER_MISMATCH) rather than as a generic wrong issuer.
   */
  verifier(anchor, now) {
    let byClock = this.verifiers.get(anchor);
    if (!byClock) this.verifiers.set(anchor, byClock = /* @__PURE__ */ new Map());
    let verifier = byClock.get(now);
    if (!verifier) {
      verifier = this.jwks(anchor).then(
        (jwks) => createVerifier({ jwks, ...now !== void 0 && { now } })
      );
      verifier.catch(() => {
      });
      byClock.set(now, verifier);
    }
    return verifier;
  }
  /**
   * The issuer may have rotated its signing key since its keys were read: read them again, once
   * per anchor per run (a forger's unknown kid must not make every certificate refetch).
   */
  refresh(anchor) {
    if (this.refreshed.has(anchor)) return false;
    this.refreshed.add(anchor);
    this.keys.delete(anchor);
    this.verifiers.delete(anchor);
    return true;
  }
  /** One read of the keys per anchor; a failure is cached too, so an unreachable issuer costs one timeout. */
  jwks(anchor) {
    let jwks = this.keys.get(anchor);
    if (!jwks) {
      const { keys } = anchor;
      jwks = keys.kind === "url" ? fetchJwksAt(keys.url, this.options) : keys.kind === "file" ? loadJwks(keys.path) : keys.jwks();
      jwks.catch(() => {
      });
      this.keys.set(anchor, jwks);
    }
    return jwks;
  }
};

// src/verification.ts
var CHECK_ONLY = /* @__PURE__ */ new Set(["EXPIRED", "EXPIRES_SOON", "STANDARD_NOT_MET", "ROTATION_OVERDUE"]);
var JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;
async function verifyCertificate(target) {
  const input = target.certificate.trim();
  const fetchOptions = target.fetch ? { fetch: target.fetch } : {};
  const source = await resolveSource(input, target, fetchOptions);
  if ("untrusted" in source) return source.untrusted;
  const { jwt, certUrl, trust: trust2 } = source;
  let live = source.live;
  let result = await source.verify(jwt, target.checks);
  if (source.statusAfter && (result.valid || result.reasons.every((r) => CHECK_ONLY.has(r.code)))) {
    live = await source.statusAfter();
  }
  if (target.issuerId !== void 0 && source.checksIssuerItself) {
    const iss = unverifiedIss(jwt);
    if (iss !== target.issuerId) {
      const wrong = {
        code: "WRONG_ISSUER",
        message: `issued by ${JSON.stringify(iss ?? null)}, expected ${JSON.stringify(target.issuerId)}`
      };
      result = {
        valid: false,
        reasons: [wrong, ...result.valid ? [] : result.reasons],
        ...result.claims !== void 0 && { claims: result.claims }
      };
    }
  }
  const reasons = result.valid ? [] : [...result.reasons];
  const soundButFailing = !result.valid && result.reasons.every((r) => CHECK_ONLY.has(r.code));
  const claims = result.valid ? result.claims : soundButFailing ? trustedClaims(result.claims) : void 0;
  if (live?.status === "revoked") {
    reasons.push({
      code: "REVOKED",
      message: `The issuer revoked this certificate${live.revoked_at ? ` on ${live.revoked_at}` : ""}${live.revocation_reason ? ` (reason: ${live.revocation_reason})` : ""}.`
    });
  }
  if (live?.status === "pending") {
    reasons.push({
      code: "PENDING",
      message: `The issuer has not been told that any store holds this credential, so the certificate is not valid yet${live.activate_by ? `; unless it is activated by ${live.activate_by}, the issuer revokes it` : ""}.`
    });
  }
  let binding = "not-checked";
  if (target.credentialFrom && claims) {
    const credential = await target.credentialFrom.readCredential();
    binding = await checkBinding(claims, credential);
    const misfit = credential === void 0 ? void 0 : credentialMisfit(credential, claims.generation_params);
    if (misfit !== void 0) {
      reasons.push({
        code: "CREDENTIAL_PARAMS_MISMATCH",
        message: `The credential in ${target.credentialFrom.uri} does not fit the certified parameters: ${misfit}.`
      });
    }
    if (binding === "mismatch") {
      reasons.push({
        code: "BINDING_MISMATCH",
        message: `The credential in ${target.credentialFrom.uri} is not the one this certificate was issued for.`
      });
    } else if (binding === "not-bound") {
      reasons.push({
        code: "NOT_BOUND",
        message: "This certificate has no credential binding, so the stored credential cannot be checked against it.",
        hint: { option: "bind", certify: true }
      });
    } else if (binding === "not-found") {
      reasons.push({
        code: "CREDENTIAL_NOT_FOUND",
        message: `No credential was found at ${target.credentialFrom.uri}.`
      });
    }
  }
  const expired = !result.valid && result.reasons.some((r) => r.code === "EXPIRED");
  const status = !result.valid && !soundButFailing ? "invalid" : live?.status === "revoked" ? "revoked" : expired ? "expired" : live?.status ?? "valid";
  const certId = claims?.jti ?? idOf(jwt);
  return {
    valid: reasons.length === 0,
    status,
    reasons,
    ...certId !== void 0 && { cert_id: certId },
    ...certUrl !== void 0 && { cert_url: certUrl },
    ...claims !== void 0 && { claims },
    ...live?.revoked_at !== void 0 && { revoked_at: live.revoked_at },
    ...live?.revocation_reason !== void 0 && { revocation_reason: live.revocation_reason },
    live: live !== void 0,
    binding,
    trust: trust2
  };
}
async function checkBinding(claims, credential) {
  if (!claims.credential_binding) return "not-bound";
  if (credential === void 0) return "not-found";
  return await checkCredentialBinding(credential, claims.credential_binding) ? "match" : "mismatch";
}
function trustedClaims(decoded) {
  if (!decoded) return void 0;
  try {
    return parseClaims(decoded);
  } catch {
    return void 0;
  }
}
function idOf(jwt) {
  try {
    const { claims } = decodeCertificate(jwt);
    return typeof claims.jti === "string" ? claims.jti : void 0;
  } catch {
    return void 0;
  }
}
async function resolveSource(input, target, fetchOptions) {
  const url = parseCertificateUrl(input);
  const isJwt = !url && JWT.test(input);
  if (!url && !isJwt && !isIdAnyCase(input)) {
    throw new InputError(
      "CERTIFICATE_INPUT_INVALID",
      "Give a certificate URL (https://\u2026/cert/<id>), a certificate id, or the certificate itself (a JWT)."
    );
  }
  const base = url ? url.base : target.issuerBase?.trim().replace(/\/+$/, "") || void 0;
  const id = url ? url.id : isJwt ? idOf(input) : input;
  if (!url && !isJwt && base === void 0 && !target.issuer) {
    throw new InputError(
      "ISSUER_REQUIRED",
      "A certificate id needs an issuer to look it up; give the certificate URL instead of its id, or name the issuer.",
      { hint: { option: "issuer-url" } }
    );
  }
  const trust2 = target.jwks === void 0 && target.trust && !target.trust.empty ? target.trust : void 0;
  if (trust2) return trustedSource({ input, isJwt, base, id, target, trust: trust2, fetchOptions });
  let live;
  let jwt = input;
  let certUrl;
  if (base !== void 0 && id !== void 0) {
    const record2 = await fetchPublicCertificate(base, id, fetchOptions);
    live = record2;
    certUrl = `${base}/cert/${encodeURIComponent(id)}`;
    if (!isJwt) jwt = record2.certificate;
  } else if (base === void 0 && target.issuer && id !== void 0) {
    const record2 = await target.issuer.getCertificate(id);
    live = record2;
    if (!isJwt) jwt = record2.certificate;
  }
  let jwks = target.jwks;
  let decision;
  let pinnedIss = target.issuerId;
  if (jwks) {
    decision = { source: "jwks-option", issuer: target.issuerId ?? unverifiedIss(jwt) ?? "" };
  } else if (base !== void 0) {
    jwks = await fetchPublicJwks(base, fetchOptions);
    pinnedIss ??= publishedIssuer(await fetchIssuerIdentity(base, fetchOptions).catch(() => void 0));
    decision = { source: url ? "url" : "issuer-url", issuer: pinnedIss ?? base };
  } else if (target.issuer) {
    jwks = await target.issuer.jwks();
    decision = { source: "local", issuer: target.issuer.description };
  } else {
    throw new InputError("JWKS_REQUIRED", "Verifying a certificate offline needs the issuer's public keys.", {
      hint: { option: "jwks", or: "issuer-url" }
    });
  }
  const verifier = createVerifier({ jwks, issuer: pinnedIss, now: target.now });
  return {
    jwt,
    live,
    certUrl,
    trust: decision,
    verify: (token, checks) => verifier.verify(token, checks),
    checksIssuerItself: false
  };
}
async function trustedSource(args) {
  const { input, isJwt, base, id, target, trust: trust2, fetchOptions } = args;
  let jwt = input;
  let live;
  let certUrl;
  let anchor;
  if (base !== void 0) {
    const anchors = trust2.forBase(base);
    if (anchors.length === 0) {
      return refuse(input, isJwt, "UNTRUSTED_ISSUER", untrustedHost(base, trust2), base, id);
    }
    if (id !== void 0) {
      const client = anchors.find((a) => a.client)?.client;
      const record2 = client ? await client.getCertificate(id) : await fetchPublicCertificate(base, id, fetchOptions);
      live = record2;
      certUrl = `${base}/cert/${encodeURIComponent(id)}`;
      if (!isJwt) jwt = record2.certificate;
    }
    const iss = unverifiedIss(jwt);
    anchor = anchors.find((a) => a.issuer === iss);
    if (!anchor) {
      const expected = [...new Set(anchors.map((a) => JSON.stringify(a.issuer)))].join(" or ");
      return refuse(
        jwt,
        true,
        "ISSUER_MISMATCH",
        `The certificate claims issuer ${JSON.stringify(iss ?? null)}, but ${base} belongs to the trusted issuer ${expected}: it was not issued there.`,
        base,
        id,
        certUrl
      );
    }
  } else {
    if (!isJwt && target.issuer && id !== void 0) {
      const record2 = await target.issuer.getCertificate(id);
      live = record2;
      jwt = record2.certificate;
    }
    const iss = unverifiedIss(jwt);
    anchor = iss === void 0 ? void 0 : trust2.forIssuer(iss)[0];
    if (!anchor) {
      return refuse(
        jwt,
        true,
        "UNTRUSTED_ISSUER",
        `The certificate claims issuer ${JSON.stringify(iss ?? null)}, which is not a trusted issuer (trusted: ${trust2.describe()}). Trust it only if you know it is genuine.`,
        void 0,
        id
      );
    }
  }
  const trusted = anchor;
  const verify2 = async (token, checks) => {
    const result = await (await trust2.verifier(trusted, target.now)).verify(token, checks);
    if (!result.valid && result.reasons.some((r) => r.code === "UNKNOWN_KID") && trust2.refresh(trusted)) {
      return (await trust2.verifier(trusted, target.now)).verify(token, checks);
    }
    return result;
  };
  return {
    jwt,
    live,
    certUrl,
    trust: { source: trusted.keys.kind === "local" ? "local" : "configured", issuer: trusted.issuer },
    verify: verify2,
    checksIssuerItself: true,
    ...base === void 0 && live === void 0 && id !== void 0 && { statusAfter: () => statusFromAnchor(trusted, id, fetchOptions) }
  };
}
async function statusFromAnchor(anchor, id, fetchOptions) {
  try {
    if (anchor.client) return await anchor.client.getCertificate(id);
    const base = anchor.bases[0];
    if (anchor.keys.kind !== "url" || base === void 0) return void 0;
    return await fetchPublicCertificate(base, id, fetchOptions);
  } catch (error) {
    if (isPassgeniError(error) && error.code === "CERTIFICATE_NOT_FOUND") throw error;
    return void 0;
  }
}
function untrustedHost(base, trust2) {
  return `The certificate is served from ${base}, which belongs to no trusted issuer (trusted: ${trust2.describe()}). A certificate URL is only a pointer: anyone can host a certificate and keys of their own. Trust its issuer only if it is genuinely yours.`;
}
function refuse(token, isJwt, code, message, base, id, certUrl) {
  const certId = isJwt ? idOf(token) : id;
  const url = certUrl ?? (base !== void 0 && id !== void 0 ? `${base}/cert/${encodeURIComponent(id)}` : void 0);
  return {
    untrusted: {
      valid: false,
      status: "invalid",
      // the fix, if the issuer is genuine, is to trust it: each front end names its own setting
      reasons: [
        { code, message, ...code === "UNTRUSTED_ISSUER" && { hint: { option: "trust" } } }
      ],
      ...certId !== void 0 && { cert_id: certId },
      ...url !== void 0 && { cert_url: url },
      live: false,
      binding: "not-checked"
    }
  };
}
function publishedIssuer(identity) {
  const issuer = identity?.issuer;
  return typeof issuer === "string" && issuer !== "" && issuer.length <= 256 ? issuer : void 0;
}
function unverifiedIss(jwt) {
  try {
    const { claims } = decodeCertificate(jwt);
    return typeof claims.iss === "string" ? claims.iss : void 0;
  } catch {
    return void 0;
  }
}

// src/cli/commands/verify.ts
function register2(program) {
  const command = program.command("verify").description(
    "Verify a compliance certificate: ES256 signature, claims, expiry, live revocation status and, optionally, that a stored credential is the certified one."
  ).argument(
    "<certificate>",
    "a certificate URL (\u2026/cert/<id>), a certificate id, a JWT, or a file holding the JWT"
  ).option("--jwks <file|url>", "the issuer's public keys (default: fetched from the issuer)").option("--issuer <iss>", "require this issuer id (the `iss` claim)").option(
    "--trust <issuer=jwks>",
    "trust this issuer: ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST names a file of such lines)",
    collect,
    []
  ).option("--require-standard <standard>", "require this standard among standards_met").option("--min-days-remaining <n>", "require at least this many days before expiry", parseNonNegativeInt).option(
    "--credential-from <store-uri>",
    "check that the credential in this store is the one the certificate is bound to"
  );
  addIssuerOptions(command).option("--json", "print the result as JSON").addHelpText(
    "after",
    `
With --trust (or PASSGENI_TRUST), a certificate is valid only from a trusted issuer: a URL must be
under its base, the \`iss\` must be its id, and the signature must verify with its pinned keys
(UNTRUSTED_ISSUER, ISSUER_MISMATCH otherwise). Without, a URL is checked against its own host's
keys for this call only, and the output says so: anyone who controls that host could make it pass.
A JWT with --jwks is verified fully offline (no revocation status). A certificate id is looked up
at --issuer-url, or in the local issuer's --data-dir. \`passgeni trust <issuer-url>\` prints the
line to pin an issuer.

Exit codes: 0 valid, 1 not valid (every reason is printed), 2 bad input, 3 issuer unreachable.`
  ).action(runCommand((certificate, options) => verify(certificate, options)));
}
async function verify(input, options) {
  const certificate = readCertificateArgument(input);
  const selection = issuerSelection(options);
  const issuerUrl = selection.issuerUrl && selection.issuerUrl !== "local" ? selection.issuerUrl : void 0;
  const useLocal = !issuerUrl && !options.jwks && (isIdAnyCase(certificate) || selection.issuerUrl === "local");
  const anchors = configuredAnchors(options.trust);
  let local;
  try {
    if (useLocal) {
      local = await openIssuerClient({ ...selection, issuerUrl: "local", existingOnly: true });
      anchors.unshift(localAnchor(local, selection.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL));
    }
    const report = await verifyCertificate({
      certificate,
      issuerBase: issuerUrl,
      issuer: local,
      // The local issuer alone is not "trust configured": it is trusted with its own keys either way.
      trust: anchors.length > (local ? 1 : 0) ? new TrustStore(anchors) : void 0,
      jwks: options.jwks === void 0 ? void 0 : await loadJwks(options.jwks),
      issuerId: options.issuer,
      checks: {
        requireStandard: options.requireStandard === void 0 ? void 0 : resolveStandard(options.requireStandard).id,
        minDaysRemaining: options.minDaysRemaining
      },
      credentialFrom: options.credentialFrom === void 0 ? void 0 : await openStore(options.credentialFrom)
    });
    if (options.json) printJson(report);
    else printText(describe(report));
    return report.valid ? 0 : 1;
  } finally {
    await local?.close();
  }
}
function readCertificateArgument(input) {
  const trimmed = input.trim();
  if (/^https?:\/\//.test(trimmed) || isIdAnyCase(trimmed) || /^[\w-]+\.[\w-]+\.[\w-]*$/.test(trimmed))
    return trimmed;
  if (existsSync2(trimmed)) return readCertificateFile(trimmed);
  return trimmed;
}
var MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;
function readCertificateFile(path3) {
  const unreadable = (why) => new InputError(
    "CERTIFICATE_FILE_UNREADABLE",
    `Cannot read the certificate from ${JSON.stringify(path3)}: ${why}. Give a certificate URL, id or JWT, or a file holding the JWT.`
  );
  let text;
  try {
    const stat = statSync2(path3);
    if (stat.isDirectory()) throw unreadable("it is a directory");
    if (stat.size > MAX_CERTIFICATE_FILE_BYTES)
      throw unreadable(`it is ${stat.size} bytes, far larger than a certificate`);
    text = readFileSync3(path3, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable(error.code ?? "it could not be read");
  }
  return text.trim();
}
function describe(report) {
  const head = report.valid ? "VALID" : report.status === "valid" ? "NOT VALID (the certificate itself is valid; a check below failed)" : `NOT VALID (${report.status})`;
  const lines2 = [head, ...report.reasons.map((r) => `  - ${withCliHint(r.message, r.hint)} [${r.code}]`)];
  const c = report.claims;
  if (c) {
    lines2.push(
      `  certificate   ${report.cert_url ?? c.jti}`,
      `  issuer        ${c.iss}`,
      `  standard      ${c.compliance_standard}`,
      `  standards met ${c.standards_met.join(", ")}`,
      `  entropy       ${c.entropy_bits} bits, ${c.generation_params.length} characters from a pool of ${c.generation_params.char_pool_size}`,
      `  generated at  ${c.generated_at}`,
      `  expires       ${new Date(c.exp * 1e3).toISOString()}`,
      ...c.rotate_by ? [`  rotate by     ${c.rotate_by}`] : [],
      `  FIPS mode     ${c.entropy_source.fips_mode ? "yes" : "no"} (${c.entropy_source.api}, ${c.entropy_source.runtime}, OpenSSL ${c.entropy_source.openssl})`
    );
  }
  lines2.push(
    report.live ? `  status        ${report.status} (checked with the issuer)` : report.trust === void 0 ? "  status        not checked: the certificate was refused before any key or status was read" : "  status        not checked with the issuer (offline verification: signature and claims only)"
  );
  if (report.binding !== "not-checked") lines2.push(`  binding       ${report.binding}`);
  if (report.trust) lines2.push(`  trust         ${describeTrust(report.trust)}`);
  return lines2.join("\n");
}
function describeTrust(trust2) {
  switch (trust2.source) {
    case "configured":
      return `${trust2.issuer} (a configured trusted issuer)`;
    case "local":
      return "the local issuer's own keys";
    case "jwks-option":
      return "the keys given with --jwks";
    case "issuer-url":
      return `the keys of --issuer-url ${trust2.issuer} (no --trust configured: its issuer id is not pinned)`;
    case "url":
      return `taken from the certificate URL's host ${trust2.issuer} (no --trust configured): anyone who controls that host could make this pass`;
  }
}

// src/cli/commands/revoke.ts
function register3(program) {
  const command = program.command("revoke").description("Revoke a certificate. Non-destructive: the record stays, its status becomes revoked.").argument("<certificate>", "certificate id or URL").requiredOption("-r, --reason <reason>", "why, e.g. rotated, compromised, decommissioned, not-stored");
  addIssuerOptions(command).option("--json", "print the result as JSON").addHelpText(
    "after",
    "\nA certificate URL selects its own issuer unless --issuer-url is given. Exit codes: 0 revoked, 2 bad input, 3 issuer failure."
  ).action(runCommand((certificate, options) => revoke(certificate, options)));
}
async function revoke(input, options) {
  const fromUrl = parseCertificateUrl(input);
  const selection = issuerSelection(options);
  if (fromUrl && !selection.issuerUrl) selection.issuerUrl = fromUrl.base;
  const issuer = await openIssuerClient({
    ...selection,
    userAgent: `passgeni-cli/${VERSION}`,
    existingOnly: true
  });
  try {
    const record2 = await issuer.revokeCertificate(fromUrl?.id ?? input.trim(), options.reason);
    if (options.json) {
      printJson({
        cert_id: record2.claims.jti,
        status: record2.status,
        revoked_at: record2.revoked_at,
        revocation_reason: record2.revocation_reason
      });
    } else {
      printText(
        `Revoked ${record2.claims.jti}${record2.revoked_at ? ` at ${record2.revoked_at}` : ""} (reason: ${record2.revocation_reason ?? options.reason}).`
      );
    }
    return 0;
  } finally {
    await issuer.close();
  }
}

// src/cli/commands/activate.ts
function register4(program) {
  const command = program.command("activate").description(
    "Activate a pending certificate once its credential is confirmed stored (after a certify run failed with ACTIVATION_FAILED)."
  ).argument("<certificate>", "certificate id or URL");
  addIssuerOptions(command).option("--json", "print the result as JSON").addHelpText(
    "after",
    "\nA certificate URL selects its own issuer unless --issuer-url is given. Activating an active certificate changes nothing. Exit codes: 0 active, 2 bad input, 3 issuer failure or refusal (revoked, past its activation deadline)."
  ).action(runCommand((certificate, options) => activate(certificate, options)));
}
async function activate(input, options) {
  const fromUrl = parseCertificateUrl(input);
  const selection = issuerSelection(options);
  if (fromUrl && !selection.issuerUrl) selection.issuerUrl = fromUrl.base;
  const issuer = await openIssuerClient({ ...selection, userAgent: `passgeni-cli/${VERSION}` });
  try {
    const record2 = await issuer.activateCertificate(fromUrl?.id ?? input.trim());
    if (options.json) {
      printJson({ cert_id: record2.claims.jti, status: record2.status });
    } else {
      printText(`Certificate ${record2.claims.jti} is ${record2.status}.`);
    }
    return 0;
  } finally {
    await issuer.close();
  }
}

// src/cli/commands/rotate.ts
import { existsSync as existsSync3 } from "node:fs";
import { resolve as resolve2 } from "node:path";

// src/rotation/manifest.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";

// src/rotation/manifest-schema.ts
var CLASS = zod_exports.enum(["upper", "lower", "digit", "special"]);
var ID = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,127}$/;
var PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;
var CERTIFIABLE = STANDARDS.filter((s) => s.certifiable).map((s) => s.id);
var standard = zod_exports.string().check(
  zod_exports.minLength(1),
  zod_exports.meta({
    description: `The standard to certify to: ${CERTIFIABLE.join(", ")} (ids or their aliases, case-insensitive).`,
    examples: CERTIFIABLE
  })
);
var rotateEveryDays = zod_exports.number().check(
  zod_exports.int(),
  zod_exports.minimum(0),
  zod_exports.maximum(3650),
  zod_exports.meta({
    description: "Rotate when the credential is older than this many days (from the certificate's generated_at). 0 = no age-based rotation (expiry, revocation and the other checks still apply)."
  })
);
var policyFields = {
  length: zod_exports.optional(
    zod_exports.number().check(
      zod_exports.int(),
      zod_exports.minimum(1),
      zod_exports.maximum(MAX_LENGTH),
      zod_exports.meta({
        description: "Credential length; default: the standard's default length. Never below its minimum."
      })
    )
  ),
  exclude: zod_exports.optional(
    zod_exports.string().check(
      zod_exports.maxLength(256),
      zod_exports.meta({ description: "Characters the target system rejects; they are never generated." })
    )
  ),
  symbols: zod_exports.optional(
    zod_exports.string().check(
      zod_exports.minLength(1),
      zod_exports.maxLength(256),
      zod_exports.meta({ description: "Use this set of punctuation characters instead of all 32." })
    )
  ),
  classes: zod_exports.optional(
    zod_exports.array(CLASS).check(zod_exports.minLength(1), zod_exports.meta({ description: "Character classes to include (default: all four)." }))
  ),
  bind: zod_exports.optional(
    zod_exports.boolean().check(
      zod_exports.meta({
        description: "Attach a scrypt credential binding, so `verify --credential-from` and `inventory --check-binding` can prove the stored value is the certified one."
      })
    )
  )
};
var defaultsSchema = zod_exports.strictObject({
  standard: zod_exports.optional(standard),
  rotate_every_days: zod_exports.optional(rotateEveryDays),
  ...policyFields
}).check(zod_exports.meta({ description: "Values every credential inherits unless it sets its own." }));
var credentialSchema = zod_exports.strictObject({
  id: zod_exports.string().check(
    zod_exports.regex(ID, {
      error: "an id is 1-128 characters: letters, digits and . _ / : @ -, starting with a letter or digit"
    }),
    zod_exports.meta({
      description: "Unique name of the credential in this manifest (letters, digits and . _ / : @ -, up to 128). Sharding hashes it, so keep it stable."
    })
  ),
  standard: zod_exports.optional(standard).check(
    zod_exports.meta({
      description: `The standard to certify to (default: defaults.standard): ${CERTIFIABLE.join(", ")}, or an alias.`,
      examples: CERTIFIABLE
    })
  ),
  stores: zod_exports.array(zod_exports.string().check(zod_exports.minLength(1), zod_exports.maxLength(2048))).check(
    zod_exports.minLength(1),
    zod_exports.maxLength(16),
    zod_exports.meta({
      description: "Store URIs the credential is written to (aws-sm://, vault://, doppler://, k8s://, file://). The first one is read to find the current certificate. Relative file:// paths are relative to the manifest."
    })
  ),
  rotate_every_days: zod_exports.optional(rotateEveryDays),
  label: zod_exports.optional(
    zod_exports.string().check(
      zod_exports.minLength(1),
      zod_exports.maxLength(128),
      zod_exports.regex(PRINTABLE, { error: "a label is printable text (no control characters or line breaks)" })
    )
  ).check(
    zod_exports.meta({ description: "Label recorded in the certificate (certificates are public: no secrets)." })
  ),
  ...policyFields
}).check(zod_exports.meta({ description: "One credential to keep certified and rotated." }));
var manifestSchema = zod_exports.strictObject(
  {
    version: zod_exports.literal(1, { error: "must be 1 (the only manifest version)" }).check(zod_exports.meta({ description: "Manifest format version. Always 1." })),
    defaults: zod_exports.optional(defaultsSchema),
    credentials: zod_exports.array(credentialSchema).check(zod_exports.minLength(1), zod_exports.meta({ description: "The credentials to rotate." }))
  },
  { error: 'the manifest must be a YAML mapping with "version: 1" and a "credentials" list' }
).check(
  zod_exports.meta({
    title: "PassGeni rotation manifest",
    description: "passgeni.yml: the credentials `passgeni rotate` keeps certified, where they are stored and how often they rotate. See docs/rotation.md."
  })
);

// src/rotation/manifest.ts
var ManifestError = class extends InputError {
  issues;
  constructor(source, issues) {
    const listed = issues.map(
      (i) => `  ${source}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ""}${i.message}`
    );
    super(
      "MANIFEST_INVALID",
      `The rotation manifest ${source} has ${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was rotated:
${listed.join("\n")}`,
      { details: { manifest: source, errors: issues } }
    );
    this.issues = issues;
  }
};
async function loadManifest(file, options = {}) {
  const source = options.source ?? file;
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = error.code;
    throw new InputError(
      "MANIFEST_UNREADABLE",
      `Cannot read the rotation manifest ${source}${code ? ` (${code})` : ""}: ${code === "ENOENT" ? "no such file" : errorMessage(error)}.`,
      { details: { manifest: source, ...code !== void 0 && { errno: code } } }
    );
  }
  return parseManifest(text, { source, baseDir: path.dirname(path.resolve(file)) });
}
function parseManifest(text, options = {}) {
  const source = options.source ?? "passgeni.yml";
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = new Locator(doc, lineCounter);
  const issues = [];
  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    issues.push({ path: "", line: pos.line, column: pos.col, message: `YAML: ${firstLine(error.message)}` });
  }
  if (doc.errors.some((e) => e.code !== "DUPLICATE_KEY")) throw new ManifestError(source, sortIssues(issues));
  const raw = doc.toJS({ maxAliasCount: 1e3 });
  const shape = manifestSchema.safeParse(raw);
  const shapeIssuePaths = [];
  if (!shape.success) {
    const wrongType = new Set(
      shape.error.issues.filter((i) => i.code === "invalid_type").map((i) => JSON.stringify(i.path))
    );
    const relevant = shape.error.issues.filter(
      (i) => i.code === "invalid_type" || !wrongType.has(JSON.stringify(i.path))
    );
    for (const issue of relevant) {
      issues.push(...describeZodIssue(issue, locate));
      shapeIssuePaths.push(formatPath(issue.path.filter((p) => typeof p !== "symbol")));
    }
  }
  const shapeFailedWithin = (prefix) => shapeIssuePaths.some((p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`));
  const view = record(raw);
  const defaults = record(view?.defaults);
  const defaultStandard = typeof defaults?.standard === "string" ? standardOrIssue(defaults.standard, ["defaults", "standard"], locate, issues) : void 0;
  const rules = [];
  const firstIdAt = /* @__PURE__ */ new Map();
  const storeOwner = /* @__PURE__ */ new Map();
  const list2 = Array.isArray(view?.credentials) ? view.credentials : [];
  list2.forEach((item, index) => {
    const input = record(item);
    if (!input) return;
    const at = (...rest) => ["credentials", index, ...rest];
    const id = typeof input.id === "string" ? input.id : void 0;
    if (id !== void 0) {
      const seen = firstIdAt.get(id);
      if (seen !== void 0) {
        const first = locate.position(["credentials", seen, "id"]).line;
        issues.push(
          locate.issue(
            at("id"),
            `duplicate id "${id}" (first used by credentials[${seen}] on line ${first})`
          )
        );
      } else {
        firstIdAt.set(id, index);
      }
    }
    let rule;
    if (typeof input.standard === "string")
      rule = standardOrIssue(input.standard, at("standard"), locate, issues);
    else if (input.standard === void 0 && typeof defaults?.standard === "string") rule = defaultStandard;
    else if (input.standard === void 0 && defaults?.standard === void 0) {
      issues.push(locate.issue(at(), 'no standard: set "standard" here or in "defaults"'));
    }
    rules[index] = rule;
    const stores = Array.isArray(input.stores) ? input.stores : [];
    stores.forEach((uri, storeIndex) => {
      if (typeof uri !== "string") return;
      let key;
      try {
        const storeUri = parseStoreUri(uri);
        key = storeUri.kind === "file" ? `file:${path.resolve(baseDir, storeUri.path)}#${storeUri.key}` : storeUri.uri;
      } catch (error) {
        const message = errorMessage(error).replace(
          "resolved against the working directory",
          "relative to the manifest"
        );
        issues.push(locate.issue(at("stores", storeIndex), message));
        return;
      }
      const owner = storeOwner.get(key);
      if (owner === void 0) {
        storeOwner.set(key, index);
      } else {
        const ownerId = record(list2[owner])?.id;
        issues.push(
          locate.issue(
            at("stores", storeIndex),
            owner === index ? `"${uri}" is listed twice for this credential` : `"${uri}" is also a store of credentials[${owner}]${typeof ownerId === "string" ? ` ("${ownerId}")` : ""}; two credentials would overwrite each other`
          )
        );
      }
    });
    if (!rule) return;
    if (!rule.certifiable) {
      issues.push(
        locate.issue(
          input.standard !== void 0 ? at("standard") : ["defaults", "standard"],
          `${rule.id} is reported in standards_met but cannot be certified to; use another certifiable standard whose rules cover it (see \`passgeni standards\`)`
        )
      );
      return;
    }
    if (POLICY_FIELDS.some((f) => shapeFailedWithin(formatPath(at(f))) || shapeFailedWithin(`defaults.${f}`)))
      return;
    try {
      const loose = input;
      resolvePolicy({
        standard: rule.id,
        randomSource: runtimeSource(),
        ...mergeDefaults(loose, defaults ?? {}).policy
      });
    } catch (error) {
      const own = POLICY_FIELDS.find((f) => input[f] !== void 0);
      const inherited = POLICY_FIELDS.find((f) => defaults?.[f] !== void 0);
      const where = own ? at(own) : inherited ? ["defaults", inherited] : at();
      issues.push(locate.issue(where, errorMessage(error)));
    }
  });
  if (issues.length > 0 || !shape.success) throw new ManifestError(source, sortIssues(issues));
  const manifestDefaults = shape.data.defaults ?? {};
  const credentials = shape.data.credentials.map((input, index) => {
    const rule = rules[index];
    const merged = mergeDefaults(input, manifestDefaults);
    return {
      id: input.id,
      standard: rule.id,
      stores: input.stores.map((s) => s.trim()),
      ...rotationPeriod(input, manifestDefaults, rule),
      ...input.label !== void 0 && { label: input.label },
      ...merged.policy,
      bind: merged.bind,
      line: locate.position(["credentials", index]).line
    };
  });
  return { source, baseDir, credentials };
}
function record(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : void 0;
}
function rotationPeriod(input, defaults, rule) {
  if (input.rotate_every_days !== void 0)
    return { rotateEveryDays: input.rotate_every_days, rotationFrom: "credential" };
  const fromDefaults = defaults.rotate_every_days ?? 0;
  const fromStandard = rule.rotationDays;
  if (fromDefaults > 0 && (fromStandard === 0 || fromDefaults <= fromStandard)) {
    return { rotateEveryDays: fromDefaults, rotationFrom: "defaults" };
  }
  if (fromStandard > 0) return { rotateEveryDays: fromStandard, rotationFrom: "standard" };
  return { rotateEveryDays: 0, rotationFrom: "none" };
}
var POLICY_FIELDS = ["length", "exclude", "symbols", "classes"];
function mergeDefaults(input, defaults) {
  const policy = {};
  for (const field of POLICY_FIELDS) {
    const value = input[field] ?? defaults[field];
    if (value !== void 0) policy[field] = Array.isArray(value) ? [...new Set(value)] : value;
  }
  return { policy, bind: input.bind ?? defaults.bind ?? false };
}
function standardOrIssue(name, at, locate, issues) {
  try {
    return resolveStandard(name);
  } catch (error) {
    issues.push(locate.issue(at, errorMessage(error)));
    return void 0;
  }
}
var KNOWN_KEYS = {
  "": ["version", "defaults", "credentials"],
  defaults: Object.keys(defaultsSchema.shape),
  credential: Object.keys(credentialSchema.shape)
};
function describeZodIssue(issue, locate) {
  const at = issue.path.filter((p) => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const kind = at.length === 0 ? "" : at[0] === "defaults" ? "defaults" : "credential";
    const allowed = KNOWN_KEYS[kind] ?? [];
    return issue.keys.map(
      (key) => locate.issue([...at, key], `unknown key "${key}" (allowed here: ${allowed.join(", ")})`, {
        atKey: true
      })
    );
  }
  if (issue.code === "invalid_type" && locate.node(at) === void 0 && at.length > 0) {
    const field = at[at.length - 1];
    return [locate.issue(at, typeof field === "number" ? "is missing" : `"${String(field)}" is required`)];
  }
  if (issue.code === "too_small" || issue.code === "too_big") {
    const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
    const word = issue.code === "too_small" ? "at least" : "at most";
    const unit = issue.origin === "array" ? ` item${Number(bound) === 1 ? "" : "s"}` : issue.origin === "string" ? " characters" : "";
    return [locate.issue(at, `must be ${word} ${String(bound)}${unit}`)];
  }
  return [locate.issue(at, issue.message.replace(/^Invalid input: /, ""))];
}
var Locator = class {
  constructor(doc, lines2) {
    this.doc = doc;
    this.lines = lines2;
  }
  doc;
  lines;
  node(at) {
    if (at.length === 0) return this.doc.contents ?? void 0;
    const found = this.doc.getIn(at, true);
    return found && typeof found === "object" && "range" in found ? found : void 0;
  }
  /** The key of `at`'s last step inside its map, e.g. the `bogus` in `bogus: 1`. */
  keyNode(at) {
    const parent = this.node(at.slice(0, -1));
    const last = at[at.length - 1];
    if (!isMap(parent)) return void 0;
    for (const pair of parent.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === last) return pair.key;
    }
    return void 0;
  }
  position(at, options = {}) {
    let node = options.atKey ? this.keyNode(at) : void 0;
    for (let depth = at.length; node === void 0 && depth >= 0; depth--)
      node = this.node(at.slice(0, depth));
    const offset = node?.range?.[0];
    if (offset === void 0) return { line: 1, column: 1 };
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
  issue(at, message, options = {}) {
    return { path: formatPath(at), ...this.position(at, options), message };
  }
};
function formatPath(at) {
  let out = "";
  for (const step of at) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out;
}
function firstLine(message) {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
function sortIssues(issues) {
  const seen = /* @__PURE__ */ new Set();
  return issues.filter((i) => {
    const key = `${i.line}:${i.column}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort((a, b) => a.line - b.line || a.column - b.column);
}
var cachedSource;
function runtimeSource() {
  cachedSource ??= entropySource();
  return cachedSource;
}

// src/rotation/rotate.ts
import path2 from "node:path";

// src/rotation/lookup.ts
var CertificateLookup = class {
  constructor(options) {
    this.options = options;
    this.fetchOptions = options.fetch ? { fetch: options.fetch } : {};
  }
  options;
  fetchOptions;
  async check(certUrl, credentialFrom) {
    const parsed = parseCertificateUrl(certUrl);
    if (!parsed) {
      return {
        kind: "malformed",
        message: `The stored certificate reference "${shorten(certUrl)}" is not a certificate URL (https://\u2026/cert/<id>).`
      };
    }
    const base = trimBase(parsed.base);
    const { trust: trust2, now } = this.options;
    try {
      const report = await verifyCertificate({
        certificate: certUrl,
        trust: trust2,
        ...now !== void 0 && { now },
        ...this.fetchOptions,
        ...credentialFrom !== void 0 && { credentialFrom }
      });
      if (report.status === "expired" && !report.claims) {
        const expiredClaims = await this.claimsOf(base, parsed.id);
        return { kind: "verified", report, ...expiredClaims !== void 0 && { expiredClaims } };
      }
      return { kind: "verified", report };
    } catch (error) {
      if (isPassgeniError(error) && error.code === "CERTIFICATE_NOT_FOUND") {
        return { kind: "not-found", message: `The issuer at ${base} has no certificate ${parsed.id}.` };
      }
      return {
        kind: "error",
        code: isPassgeniError(error) ? error.code : "LOOKUP_FAILED",
        message: errorMessage(error)
      };
    }
  }
  /** Only reached for a certificate whose signature held with a trusted issuer's keys. */
  async claimsOf(base, id) {
    try {
      const client = this.options.trust.forBase(base).find((a) => a.client)?.client;
      const record2 = client ? await client.getCertificate(id) : await fetchPublicCertificate(base, id, this.fetchOptions);
      return decodeCertificate(record2.certificate).claims;
    } catch {
      return void 0;
    }
  }
};
function certificateState(report, hasClaims, expMs, now) {
  if (report.status === "revoked") return "revoked";
  if (report.status === "pending" && hasClaims) return "pending";
  if (!hasClaims || report.status !== "valid" && report.status !== "expired") return "invalid";
  const expired = report.status === "expired" || report.reasons.some((r) => r.code === "EXPIRED") || expMs !== void 0 && expMs <= now;
  return expired ? "expired" : "sound";
}
function trimBase(url) {
  return url.trim().replace(/\/+$/, "");
}
function shorten(text) {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "");
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

// src/rotation/due.ts
var DUE_REASONS = [
  "missing",
  "invalid",
  "revoked",
  "pending",
  "expired",
  "standard-changed",
  "stores-disagree",
  "expiring",
  "age"
];
function assess(input) {
  const { credential, urls, lookup, now } = input;
  const reasons = [];
  const details = {};
  const add = (reason, detail2) => {
    reasons.push(reason);
    details[reason] = detail2;
  };
  const certUrl = urls[0];
  let expiresAt;
  let rotateAfter;
  if (certUrl === void 0 || lookup === void 0) {
    add(
      "missing",
      `${credential.stores[0]} has no certificate URL attached: it was never certified by passgeni.`
    );
  } else if (lookup.kind === "malformed" || lookup.kind === "not-found") {
    add("invalid", lookup.message);
  } else {
    const { report } = lookup;
    const claims = report.claims;
    const state = certificateState(report, claims !== void 0, claims && claims.exp * 1e3, now);
    if (state === "revoked") {
      add(
        "revoked",
        `The certificate was revoked${report.revoked_at ? ` on ${report.revoked_at}` : ""}${report.revocation_reason ? ` (reason: ${report.revocation_reason})` : ""}.`
      );
    } else if (state === "pending") {
      add(
        "pending",
        report.reasons.find((r) => r.code === "PENDING")?.message ?? "The certificate is pending, not valid."
      );
    } else if (state === "invalid") {
      add(
        "invalid",
        `The certificate does not verify: ${report.reasons.map((r) => r.message).join(" ") || report.status}`
      );
    } else if (state === "expired") {
      const message = report.reasons.find((r) => r.code === "EXPIRED")?.message;
      add(
        "expired",
        message ?? `The certificate expired on ${new Date((claims?.exp ?? 0) * 1e3).toISOString()}.`
      );
    }
    const current = state === "sound";
    if (claims) {
      const expires = claims.exp * 1e3;
      expiresAt = new Date(expires).toISOString();
      if (current && !claims.standards_met.includes(credential.standard)) {
        add(
          "standard-changed",
          `The manifest asks for ${credential.standard}; the certificate meets ${claims.standards_met.join(", ") || "no standard"}.`
        );
      }
      if (current && expires - now <= input.expiringWithinDays * DAY_MS) {
        add("expiring", `The certificate expires on ${expiresAt}, within ${input.expiringWithinDays} days.`);
      }
      const generated = Date.parse(claims.generated_at);
      if (credential.rotateEveryDays > 0 && Number.isFinite(generated)) {
        const deadline = generated + credential.rotateEveryDays * DAY_MS;
        rotateAfter = new Date(deadline).toISOString();
        if (now >= deadline && current) {
          const ageDays = Math.floor((now - generated) / DAY_MS);
          add(
            "age",
            `Generated on ${claims.generated_at}, ${ageDays} days ago; the rotation period is ${credential.rotateEveryDays} days (from ${periodSource(credential)}).`
          );
        }
      }
    }
  }
  const distinct = new Set(urls.map((u) => u ?? ""));
  if (urls.length > 1 && distinct.size > 1) {
    add(
      "stores-disagree",
      `The stores point at different certificates: ${credential.stores.map((s, i) => `${s} \u2192 ${urls[i] ?? "(none)"}`).join("; ")}.`
    );
  }
  reasons.sort((a, b) => DUE_REASONS.indexOf(a) - DUE_REASONS.indexOf(b));
  const first = reasons[0];
  const detail = first !== void 0 ? details[first] : `Current: valid until ${expiresAt ?? "?"}${rotateAfter ? `, rotates after ${rotateAfter}` : credential.rotateEveryDays === 0 ? " (no age-based rotation)" : ""}.`;
  return {
    reasons,
    detail,
    ...certUrl !== void 0 && { certUrl },
    ...expiresAt !== void 0 && { expiresAt },
    ...rotateAfter !== void 0 && { rotateAfter }
  };
}
function periodSource(credential) {
  switch (credential.rotationFrom) {
    case "credential":
      return "its rotate_every_days";
    case "defaults":
      return "defaults.rotate_every_days";
    case "standard":
      return `the ${credential.standard} recommendation`;
    case "none":
      return "nowhere";
  }
}

// src/rotation/rate-limit.ts
import { performance as performance2 } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
var DEFAULT_WRITE_RATES = {
  "aws-sm": 16,
  vault: 100,
  doppler: 0.5,
  k8s: 20,
  file: Number.POSITIVE_INFINITY
};
var realClock = {
  now: () => performance2.now(),
  sleep: (ms) => delay(ms)
};
var TokenBucket = class {
  intervalMs;
  clock;
  /** How many operations the guard window may hold, and its length. */
  windowCount;
  windowMs;
  /** Times of the last `windowCount` operations, oldest first. */
  recent = [];
  /** When the next token falls due on the schedule; -Infinity until the first take. */
  dueAt = Number.NEGATIVE_INFINITY;
  queue = Promise.resolve();
  constructor(ratePerSecond, clock = realClock) {
    if (!(ratePerSecond > 0)) throw new RangeError("rate must be greater than 0");
    this.intervalMs = Number.isFinite(ratePerSecond) ? 1e3 / ratePerSecond : 0;
    this.windowCount = Math.max(1, Math.floor(ratePerSecond));
    this.windowMs = this.windowCount * 1e3 / ratePerSecond * 1.01;
    this.clock = clock;
  }
  /** Resolves when the caller may perform one operation. */
  take() {
    if (this.intervalMs === 0) return Promise.resolve();
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }
  async waitForToken() {
    for (; ; ) {
      const now2 = this.clock.now();
      if (now2 - this.dueAt > this.windowMs) this.dueAt = now2;
      let wait = this.dueAt - now2;
      if (this.recent.length === this.windowCount) {
        wait = Math.max(wait, this.recent[0] + this.windowMs - now2);
      }
      if (wait <= 0) break;
      await this.clock.sleep(wait);
    }
    const now = this.clock.now();
    this.recent.push(now);
    if (this.recent.length > this.windowCount) this.recent.shift();
    this.dueAt += this.intervalMs;
  }
};
function parseRate(text) {
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(rate > 0) || !Number.isFinite(rate)) {
    throw new InputError(
      "INVALID_MAX_RATE",
      `The maximum rate must be a number of writes per second above 0, e.g. 5 or 0.5; got ${JSON.stringify(text.slice(0, 60))}.`,
      { hint: { option: "max-rate", fix: "check" } }
    );
  }
  return rate;
}
var StoreRateLimiter = class {
  buckets = /* @__PURE__ */ new Map();
  rates;
  constructor(options = {}) {
    const rates = { ...DEFAULT_WRITE_RATES };
    for (const kind of Object.keys(rates)) {
      if (options.maxRate !== void 0) rates[kind] = Math.min(rates[kind], options.maxRate);
      this.buckets.set(kind, new TokenBucket(rates[kind], options.clock));
    }
    this.rates = rates;
  }
  take(kind) {
    return this.buckets.get(kind).take();
  }
};

// src/rotation/shard.ts
import { createHash } from "node:crypto";
var MAX_SHARDS = 1024;
function parseShard(text) {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      "INVALID_SHARD",
      `The shard must be I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 2/3 for the second of three runners); got "${text}".`,
      { hint: { option: "shard", fix: "check" } }
    );
  }
  return { index, count };
}
function shardOf(id, count) {
  const digest = createHash("sha256").update(id, "utf8").digest();
  return digest.readUIntBE(0, 6) % count + 1;
}
function inShard(id, shard) {
  return shard === void 0 || shardOf(id, shard.count) === shard.index;
}

// src/lib/concurrency.ts
async function* mapConcurrent(source, limit, fn) {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError("limit must be a whole number of at least 1");
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const window = [];
  let exhausted = false;
  try {
    for (; ; ) {
      while (!exhausted && window.length < limit) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const pending = fn(next.value);
        pending.catch(() => {
        });
        window.push(pending);
      }
      const head = window.shift();
      if (head === void 0) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

// src/rotation/rotate.ts
var DEFAULT_CONCURRENCY = 8;
async function rotateFromManifest(manifest, options) {
  const ctx = context(manifest, options, await issuerTrust(options));
  const progress = options.onProgress ?? (() => {
  });
  const selected = manifest.credentials.filter((c) => inShard(c.id, options.shard));
  progress({ type: "start", total: selected.length, dryRun: ctx.dryRun });
  let done = 0;
  const report = {
    manifest: manifest.source,
    dry_run: ctx.dryRun,
    shard: options.shard ?? null,
    total: selected.length,
    rotated: [],
    skipped: [],
    failed: [],
    interrupted: false,
    not_started: []
  };
  const started = /* @__PURE__ */ new Set();
  function* untilStopped() {
    for (const credential of selected) {
      if (options.signal?.aborted) return;
      started.add(credential.id);
      yield credential;
    }
  }
  const outcomes = mapConcurrent(
    untilStopped(),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (credential) => {
      const outcome = await rotateOne(credential, ctx).catch((error) => ({
        failed: failure(credential.id, "check", error, "INTERNAL")
      }));
      done++;
      const reason = "rotated" in outcome ? outcome.rotated.reason : "failed" in outcome ? outcome.failed.reason : void 0;
      progress({
        type: "done",
        id: credential.id,
        outcome: "rotated" in outcome ? "rotated" : "skipped" in outcome ? "skipped" : "failed",
        ...reason !== void 0 && { reason },
        done,
        total: selected.length
      });
      return outcome;
    }
  );
  for await (const outcome of outcomes) {
    if ("rotated" in outcome) report.rotated.push(outcome.rotated);
    else if ("skipped" in outcome) report.skipped.push(outcome.skipped);
    else report.failed.push(outcome.failed);
  }
  report.not_started = selected.filter((c) => !started.has(c.id)).map((c) => c.id);
  report.interrupted = report.not_started.length > 0;
  return report;
}
function rotationExitCode(report) {
  return report.failed.length === 0 && !report.interrupted ? 0 : 3;
}
function rotationScope(report) {
  return [
    report.shard ? `shard ${report.shard.index}/${report.shard.count}` : "",
    report.dry_run ? "dry run" : ""
  ].filter(Boolean).join(", ");
}
function rotationCounts(report) {
  return `${report.rotated.length} ${report.dry_run ? "due" : "rotated"}, ${report.skipped.length} current, ${report.failed.length} failed` + (report.interrupted ? `, ${report.not_started.length} not started (the run was stopped; nothing was done for them)` : "") + (report.dry_run ? ". Dry run: nothing was issued or written." : ".");
}
async function issuerTrust(options) {
  const { issuer } = options;
  const own = [];
  if (issuer && options.issuerPublicUrl !== void 0) own.push(localAnchor(issuer, options.issuerPublicUrl));
  else if (issuer instanceof HttpIssuerClient) {
    own.push(await remoteIssuerAnchor(issuer.description, options.fetch ? { fetch: options.fetch } : {}));
  }
  return new TrustStore([...own, ...options.trust ?? []], options.fetch ? { fetch: options.fetch } : {});
}
function context(manifest, options, trust2) {
  const { issuer } = options;
  if (!issuer && !options.dryRun) {
    throw new InputError(
      "ISSUER_REQUIRED",
      "Rotating needs an issuer client (only a dry run can do without one)."
    );
  }
  const now = options.now ?? Date.now;
  return {
    issuer,
    dryRun: options.dryRun ?? false,
    now,
    expiringWithinDays: options.expiringWithinDays ?? 30,
    baseDir: manifest.baseDir,
    open: options.openStore ?? ((uri) => openStore(uri, { ...options.storeOptions, baseDir: manifest.baseDir })),
    lookup: new CertificateLookup({ trust: trust2, now, ...options.fetch && { fetch: options.fetch } }),
    limiter: new StoreRateLimiter({ ...options.maxRate !== void 0 && { maxRate: options.maxRate } }),
    locks: new KeyedLock()
  };
}
async function rotateOne(credential, ctx) {
  const { id } = credential;
  let stores;
  let urls;
  try {
    stores = await Promise.all(credential.stores.map((uri) => ctx.open(uri)));
    urls = await Promise.all(stores.map((store) => store.readCertificateUrl()));
  } catch (error) {
    return { failed: failure(id, "check", error, "CHECK_FAILED") };
  }
  const current = urls[0];
  const found = current === void 0 ? void 0 : await ctx.lookup.check(current);
  if (found?.kind === "error") {
    return {
      failed: {
        id,
        stage: "check",
        code: found.code,
        message: `Could not check the current certificate ${current}: ${found.message}`
      }
    };
  }
  const assessment = assess({
    credential,
    urls,
    ...found && { lookup: found },
    now: ctx.now(),
    expiringWithinDays: ctx.expiringWithinDays
  });
  const reason = assessment.reasons[0];
  if (reason === void 0) {
    return {
      skipped: {
        id,
        reason: "current",
        detail: assessment.detail,
        cert_url: assessment.certUrl ?? "",
        expires_at: assessment.expiresAt ?? "",
        ...assessment.rotateAfter !== void 0 && { rotate_after: assessment.rotateAfter }
      }
    };
  }
  const base = {
    id,
    reason,
    reasons: assessment.reasons,
    detail: assessment.detail,
    stores: credential.stores,
    ...current !== void 0 && { previous_cert_url: current },
    stored: []
  };
  if (ctx.dryRun || !ctx.issuer) return { rotated: base };
  const issuer = ctx.issuer;
  const byUri = new Map(stores.map((store, i) => [credential.stores[i], store]));
  const certify2 = () => certifyAndStore(credential, {
    issuer,
    openStore: async (uri) => guarded(byUri.get(uri) ?? await ctx.open(uri), ctx)
  });
  try {
    const result = await withIssuerRetry(certify2);
    return {
      rotated: {
        ...base,
        cert_url: result.cert_url,
        cert_id: result.cert_id,
        expires_at: result.expires_at,
        stored: result.stored.map((s) => s.store)
      }
    };
  } catch (error) {
    const entry = { ...failure(id, "certify", error, "ROTATION_FAILED"), reason };
    if (error instanceof CertifyStoreError) {
      entry.stored = error.stored.map((s) => s.store);
      if (error.certificateState === "valid") entry.cert_url = error.certUrl;
    }
    if (error instanceof StoreCheckError) entry.stored = [];
    return { failed: entry };
  }
}
var CERTIFY_ATTEMPTS = 3;
var BEFORE_ISSUANCE = /* @__PURE__ */ new Set(["RATE_LIMITED", "SESSION_EXPIRED"]);
async function withIssuerRetry(certify2) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await certify2();
    } catch (error) {
      if (attempt >= CERTIFY_ATTEMPTS || !isPassgeniError(error) || !BEFORE_ISSUANCE.has(error.code))
        throw error;
    }
  }
}
function guarded(store, ctx) {
  return withWrite(
    store,
    (request) => ctx.locks.run(resourceOf(store.uri, ctx.baseDir), async () => {
      await ctx.limiter.take(store.kind);
      return store.write(request);
    })
  );
}
function withWrite(store, write2) {
  return {
    uri: store.uri,
    kind: store.kind,
    // The engine excludes what a store cannot hold before generating; the wrapper must say it too.
    ...store.unsupportedCharacters !== void 0 && { unsupportedCharacters: store.unsupportedCharacters },
    write: write2,
    preflight: () => store.preflight(),
    readCredential: () => store.readCredential(),
    readCertificateUrl: () => store.readCertificateUrl()
  };
}
function resourceOf(uri, baseDir) {
  const parsed = parseStoreUri(uri);
  switch (parsed.kind) {
    case "file":
      return `file:${path2.resolve(baseDir, parsed.path)}`;
    case "aws-sm":
      return `aws-sm:${parsed.secretId}`;
    case "vault":
      return `vault:${parsed.mount}/${parsed.path}`;
    case "k8s":
      return `k8s:${parsed.namespace}/${parsed.name}`;
    case "doppler":
      return parsed.uri;
  }
}
var KeyedLock = class {
  tails = /* @__PURE__ */ new Map();
  async run(key, task) {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const turn = previous.then(task, task);
    const tail = turn.catch(() => {
    });
    this.tails.set(key, tail);
    try {
      return await turn;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
};
function failure(id, stage, error, code) {
  return {
    id,
    stage,
    code: isPassgeniError(error) ? error.code : code,
    message: errorMessage(error),
    ...isPassgeniError(error) && error.hint && { hint: error.hint }
  };
}

// src/rotation/progress-bar.ts
var ProgressBar = class {
  constructor(stream, label, options = {}) {
    this.stream = stream;
    this.label = label;
    this.enabled = options.force ?? stream.isTTY === true;
  }
  stream;
  label;
  enabled;
  lastDraw = 0;
  drawn = false;
  /** `total` undefined draws a counter (inventory does not know how many secrets there are). */
  update(done, total, note = "") {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done !== total) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    let line;
    if (total !== void 0 && total > 0) {
      const filled = Math.round(done / total * width);
      line = `${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
    } else {
      line = `${this.label} ${done}`;
    }
    if (note) line += ` ${note}`;
    const max = (this.stream.columns ?? 80) - 1;
    this.stream.write(`\r${line.length > max ? line.slice(0, max) : line}\x1B[K`);
    this.drawn = true;
  }
  /** Clears the line so whatever is printed next starts clean. */
  finish() {
    if (this.enabled && this.drawn) this.stream.write("\r\x1B[K");
    this.drawn = false;
  }
};

// src/lib/signals.ts
function stopOnSignals(onFirst) {
  const controller = new AbortController();
  const handler = (signal) => {
    if (controller.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort();
    onFirst();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    }
  };
}

// src/cli/commands/rotate.ts
function register5(program) {
  const command = program.command("rotate").description(
    "Rotate what a manifest (passgeni.yml) says is due: missing, invalid, revoked, expired or expiring certificates, credentials older than their period, a changed standard, stores that disagree."
  ).option("-m, --manifest <file>", "the rotation manifest", "passgeni.yml").option("--dry-run", "decide and report what would be rotated and why; issue and write nothing").option("--shard <i/n>", "rotate only shard I of N (1-based), for a matrix of runners").option("--max-rate <r>", "cap writes to every kind of store at R per second").option(
    "--expiring-within <days>",
    "rotate certificates expiring within this many days",
    parseNonNegativeInt,
    30
  ).option("--concurrency <n>", "credentials checked and rotated at the same time", parsePositiveInt, 8).option(
    "--trust <issuer=jwks>",
    "also trust this issuer (the one rotating is always trusted): ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST)",
    collect,
    []
  );
  addIssuerOptions(command).option("--json", "print the report as JSON").addHelpText(
    "after",
    `
Each credential's first store is read for its current certificate URL, and the certificate is
verified (signature, claims, live revocation status) against the trusted issuers: the issuer
rotating (as its /.well-known/passgeni-issuer describes it, or the local issuer's own keys) and any
--trust / PASSGENI_TRUST. A URL pointing anywhere else is only a pointer: the certificate counts as
invalid and the credential is rotated. Manifest format, due reasons, sharding and
rate limits: docs/rotation.md. Default write rates per store kind: AWS 16/s, Vault 100/s,
Kubernetes 20/s, Doppler 0.5/s, files unlimited; --max-rate lowers them all.

Examples:
  passgeni rotate --manifest passgeni.yml --dry-run
  passgeni rotate --manifest passgeni.yml --shard 2/3 --issuer-url https://certs.example.com --json

Exit codes: 0 everything current or rotated, 2 the manifest or a flag is invalid (nothing was
rotated), 3 some credentials failed (the others were still rotated; the report says which and why).`
  ).action(runCommand((options) => rotate(options)));
}
async function rotate(options) {
  const manifest = await loadManifest(options.manifest);
  const shard = options.shard !== void 0 ? parseShard(options.shard) : void 0;
  const maxRate = options.maxRate !== void 0 ? parseRate(options.maxRate) : void 0;
  const trust2 = configuredAnchors(options.trust);
  const selection = issuerSelection(options);
  const local = !selection.issuerUrl || selection.issuerUrl === "local";
  const skipIssuer = options.dryRun === true && local && !existsSync3(resolve2(selection.dataDir ?? DEFAULT_DATA_DIR));
  let issuer;
  if (!skipIssuer) issuer = await openIssuerClient({ ...selection, userAgent: `passgeni-cli/${VERSION}` });
  const bar = new ProgressBar(process.stderr, options.dryRun ? "checking" : "rotating");
  let rotated = 0;
  let failed2 = 0;
  const stop = stopOnSignals(
    () => printNotice(
      "passgeni: stopping: no further credential is started; those in progress finish and the partial report follows. Signal again to exit at once."
    )
  );
  try {
    const report = await rotateFromManifest(manifest, {
      signal: stop.signal,
      ...issuer !== void 0 && { issuer },
      ...local && { issuerPublicUrl: selection.publicUrl ?? DEFAULT_LOCAL_PUBLIC_URL },
      dryRun: options.dryRun === true,
      trust: trust2,
      ...shard !== void 0 && { shard },
      ...maxRate !== void 0 && { maxRate },
      expiringWithinDays: options.expiringWithin,
      concurrency: options.concurrency,
      onProgress: (event2) => {
        if (event2.type !== "done") return;
        if (event2.outcome === "rotated") rotated++;
        if (event2.outcome === "failed") failed2++;
        bar.update(
          event2.done,
          event2.total,
          `${rotated} ${options.dryRun ? "due" : "rotated"}, ${failed2} failed`
        );
      }
    });
    bar.finish();
    if (options.json) printJson(report);
    else printText(describe2(report));
    return rotationExitCode(report);
  } finally {
    stop.dispose();
    bar.finish();
    await issuer?.close();
  }
}
function describe2(report) {
  const scope = rotationScope(report);
  const lines2 = [
    `Rotation of ${report.manifest}${scope ? ` (${scope})` : ""}: ${report.total} credential${report.total === 1 ? "" : "s"}`
  ];
  const width = Math.max(
    8,
    ...[...report.rotated, ...report.skipped, ...report.failed].map((e) => e.id.length)
  );
  for (const entry of report.rotated) {
    const verb = report.dry_run ? "WOULD ROTATE" : "ROTATED";
    lines2.push(`  ${verb.padEnd(12)} ${entry.id.padEnd(width)} ${entry.reason}: ${entry.detail}`);
    if (entry.cert_url)
      lines2.push(
        `  ${"".padEnd(12)} ${"".padEnd(width)} new certificate ${entry.cert_url} in ${entry.stored.join(", ")}`
      );
  }
  for (const entry of report.failed) {
    const message = withCliHint(entry.message, entry.hint);
    lines2.push(`  ${"FAILED".padEnd(12)} ${entry.id.padEnd(width)} ${message} [${entry.code}]`);
  }
  for (const entry of report.skipped) {
    lines2.push(`  ${"current".padEnd(12)} ${entry.id.padEnd(width)} ${entry.detail}`);
  }
  for (const id of report.not_started) {
    lines2.push(
      `  ${"NOT STARTED".padEnd(12)} ${id.padEnd(width)} the run was stopped before this credential`
    );
  }
  lines2.push(rotationCounts(report));
  return lines2.join("\n");
}

// src/cli/commands/inventory.ts
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync as existsSync4 } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname as dirname2, extname, join, resolve as resolve3 } from "node:path";
import { finished } from "node:stream/promises";
import { Option } from "commander";

// src/inventory/index.ts
import { once } from "node:events";

// src/inventory/scan.ts
var INVENTORY_STATUSES = [
  "valid",
  "expiring",
  "overdue",
  "expired",
  "revoked",
  "pending",
  "missing",
  "invalid",
  "binding-mismatch",
  "unknown"
];
async function* scanInventory(options) {
  for (const prefix of options.prefixes) parseStorePrefix(prefix);
  if (options.lookup.trust.empty) throw trustRequired();
  const now = options.now ?? Date.now;
  const lookup = new CertificateLookup({ now, ...options.lookup });
  const openLister = options.openLister ?? ((prefix) => openStoreLister(prefix, options.storeOptions));
  const openStore2 = options.openStore ?? ((uri) => openStore(uri, options.storeOptions));
  const expiringMs = (options.expiringWithinDays ?? 30) * DAY_MS;
  yield* mapConcurrent(
    listAll(options.prefixes, openLister),
    options.concurrency ?? 16,
    (entry) => "failedPrefix" in entry ? Promise.resolve(listingFailed(entry)) : inspect(entry, lookup, openStore2, options.checkBinding === true, now, expiringMs)
  );
}
async function* listAll(prefixes, openLister) {
  for (const prefix of prefixes) {
    try {
      const lister = await openLister(prefix);
      yield* lister.list();
    } catch (error) {
      yield { failedPrefix: prefix, error };
    }
  }
}
function emptyRow(store, status, certUrl, detail) {
  return {
    store,
    status,
    cert_url: certUrl ?? null,
    standard: null,
    standards_met: [],
    expires_at: null,
    rotate_by: null,
    label: null,
    cert_id: null,
    generated_at: null,
    binding: "not-checked",
    detail
  };
}
function listingFailed(entry) {
  const code = isPassgeniError(entry.error) ? ` [${entry.error.code}]` : "";
  return emptyRow(
    entry.failedPrefix,
    "unknown",
    void 0,
    `Could not list this prefix: ${errorMessage(entry.error)}${code}`
  );
}
async function inspect(ref, lookup, openStore2, checkBinding2, now, expiringMs) {
  if (ref.certUrl === void 0) {
    return emptyRow(ref.uri, "missing", void 0, "No certificate URL is attached to this secret.");
  }
  let credentialFrom;
  let bindingNote = "";
  if (checkBinding2) {
    try {
      parseStoreUri(ref.uri);
      credentialFrom = await openStore2(ref.uri);
    } catch (error) {
      bindingNote = ` The binding was not checked: ${errorMessage(error)}`;
    }
  }
  let found = await lookup.check(ref.certUrl, credentialFrom);
  if (found.kind === "error" && credentialFrom !== void 0) {
    bindingNote = ` The binding was not checked: ${found.message}`;
    found = await lookup.check(ref.certUrl);
  }
  switch (found.kind) {
    case "malformed":
    case "not-found":
      return emptyRow(ref.uri, "invalid", ref.certUrl, found.message);
    case "error":
      return emptyRow(
        ref.uri,
        "unknown",
        ref.certUrl,
        `Could not check the certificate: ${found.message} [${found.code}]`
      );
    case "verified":
      break;
  }
  const { report } = found;
  const claims = report.claims ? report.claims : found.expiredClaims;
  const exp = typeof claims?.exp === "number" ? claims.exp * 1e3 : void 0;
  const row = {
    store: ref.uri,
    status: "valid",
    cert_url: report.cert_url ?? ref.certUrl,
    standard: typeof claims?.compliance_standard === "string" ? claims.compliance_standard : null,
    standards_met: Array.isArray(claims?.standards_met) ? claims.standards_met.filter((s) => typeof s === "string") : [],
    expires_at: exp !== void 0 && Number.isFinite(exp) ? new Date(exp).toISOString() : null,
    rotate_by: typeof claims?.rotate_by === "string" ? claims.rotate_by : null,
    label: typeof claims?.label === "string" ? claims.label : null,
    cert_id: report.cert_id ?? null,
    generated_at: typeof claims?.generated_at === "string" ? claims.generated_at : null,
    binding: report.binding,
    detail: ""
  };
  const reasons = report.reasons.filter((r) => r.code !== "NOT_BOUND").map((r) => r.message).join(" ");
  const state = certificateState(report, claims !== void 0, exp, now());
  if (state === "revoked") {
    row.status = "revoked";
    row.detail = reasons;
  } else if (state === "pending") {
    row.status = "pending";
    row.detail = reasons;
  } else if (state === "invalid") {
    row.status = "invalid";
    row.detail = reasons || `The certificate does not verify (${report.status}).`;
  } else if (state === "expired") {
    row.status = "expired";
    row.detail = reasons || `The certificate expired on ${row.expires_at}.`;
  } else if (report.binding === "mismatch" || report.binding === "not-found" || report.reasons.some((r) => r.code === "CREDENTIAL_PARAMS_MISMATCH")) {
    row.status = "binding-mismatch";
    row.detail = reasons;
  } else if (report.reasons.some((r) => r.code === "ROTATION_OVERDUE")) {
    row.status = "overdue";
    row.detail = reasons;
  } else if (exp !== void 0 && exp - now() <= expiringMs) {
    row.status = "expiring";
    row.detail = `The certificate expires on ${row.expires_at}; rotate and re-certify before then.`;
  } else if (report.binding === "not-bound") {
    row.detail = "The certificate has no credential binding (certify with --bind to make it checkable).";
  }
  row.detail += bindingNote;
  row.detail = row.detail.trim();
  return row;
}
function trustRequired() {
  return new InputError(
    "TRUST_REQUIRED",
    "An inventory needs to know which issuers to trust: a certificate URL in a store is only a pointer, and anyone who can set it can host a certificate and keys of their own. Pin your issuer with --trust ISSUER_ID=JWKS_URL (repeatable), name a trust file of such lines in PASSGENI_TRUST, or use the local issuer's --data-dir; `passgeni trust <issuer-url>` prints the line to pin."
  );
}

// src/inventory/columns.ts
function emptyTotals() {
  const totals = { total: 0 };
  for (const status of INVENTORY_STATUSES) totals[status] = 0;
  return totals;
}
var COLUMNS = [
  { key: "store", title: "Store" },
  { key: "status", title: "Status" },
  { key: "standard", title: "Standard" },
  { key: "expires_at", title: "Expires" },
  { key: "label", title: "Label" },
  { key: "cert_url", title: "Certificate" },
  { key: "cert_id", title: "Certificate id" },
  { key: "generated_at", title: "Generated" },
  { key: "binding", title: "Binding" },
  { key: "detail", title: "Detail" }
];
function cellText(row, key) {
  const value = row[key];
  if (value === null || value === void 0) return "";
  return Array.isArray(value) ? value.join(" ") : String(value);
}

// src/inventory/html.ts
import { createHash as createHash2 } from "node:crypto";
var STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #6e7781; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; }
main { display: flex; flex-direction: column; gap: 1rem; padding: 1.5rem; }
header { order: -2; }
#totals { order: -1; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p.meta { color: var(--muted); margin: 0; }
table { border-collapse: collapse; }
#totals table td, #totals table th { padding: .25rem .75rem; border: 1px solid #d0d7de; text-align: left; }
#totals td { text-align: right; font-variant-numeric: tabular-nums; }
#registry { width: 100%; }
#registry th, #registry td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
#registry thead th { position: sticky; top: 0; background: Canvas; }
#registry th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
#registry th[aria-sort="ascending"] button::after { content: " \\25B2"; }
#registry th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.store, td.url { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
td.store { min-width: 16rem; }
td.url { min-width: 20rem; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; white-space: nowrap; }
.s-valid .status { color: var(--ok); }
.s-expiring .status, .s-missing .status, .s-unknown .status { color: var(--warn); }
.s-expired .status, .s-overdue .status, .s-revoked .status, .s-pending .status, .s-invalid .status, .s-binding-mismatch .status { color: var(--bad); }
td.detail { color: var(--muted); }
`;
var SCRIPT = `
(function () {
  var table = document.getElementById('registry');
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  function key(row, col) {
    var cell = row.cells[col];
    var sort = cell.getAttribute('data-sort');
    return sort !== null ? sort : cell.textContent;
  }
  Array.prototype.forEach.call(headers, function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(headers, function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var order = key(a, col).localeCompare(key(b, col), undefined, { numeric: true });
        return ascending ? order : -order;
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
    });
  });
})();
`;
function cspHash(text) {
  return `'sha256-${createHash2("sha256").update(text, "utf8").digest("base64")}'`;
}
var HTML_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(STYLE)}`,
  `script-src ${cspHash(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'"
].join("; ");
var STATUS_RANK = [
  "revoked",
  "pending",
  "invalid",
  "binding-mismatch",
  "expired",
  "overdue",
  "missing",
  "unknown",
  "expiring",
  "valid"
];
var HTML_COLUMNS = COLUMNS.filter((c) => c.key !== "cert_id");
var CLASS_NAMES = {
  store: "store",
  status: "status",
  expires_at: "date",
  cert_url: "url",
  generated_at: "date",
  detail: "detail"
};
function cell(row, column) {
  const text = cellText(row, column.key);
  const cls = CLASS_NAMES[column.key] ? ` class="${CLASS_NAMES[column.key]}"` : "";
  if (column.key === "status")
    return `<td${cls} data-sort="${STATUS_RANK.indexOf(row.status)}">${escapeHtml(text)}</td>`;
  if (column.key === "cert_url" && /^https?:\/\//i.test(text)) {
    return `<td${cls}><a href="${escapeHtml(text)}" rel="noopener noreferrer">${escapeHtml(text)}</a></td>`;
  }
  return `<td${cls}>${escapeHtml(text)}</td>`;
}
function htmlWriter(meta2) {
  return {
    begin: () => [
      "<!doctype html>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">`,
      '<meta name="referrer" content="no-referrer">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      "<title>PassGeni certificate registry</title>",
      `<style>${STYLE}</style>`,
      "</head>",
      "<body>",
      "<main>",
      "<header>",
      "<h1>Certificate registry</h1>",
      `<p class="meta">Generated ${escapeHtml(meta2.generatedAt)} from ${meta2.prefixes.map((p) => `<code>${escapeHtml(p)}</code>`).join(", ")}. "expiring" means within ${meta2.expiringWithinDays} days.${meta2.checkBinding ? " Stored credentials were checked against their certificate bindings." : ""} Click a column heading to sort.</p>`,
      "</header>",
      '<table id="registry">',
      `<thead><tr>${HTML_COLUMNS.map((c) => `<th scope="col" aria-sort="none"><button type="button">${c.title}</button></th>`).join("")}</tr></thead>`,
      "<tbody>",
      ""
    ].join("\n"),
    row: (row) => `<tr class="s-${row.status}">${HTML_COLUMNS.map((c) => cell(row, c)).join("")}</tr>
`,
    end: (totals) => [
      "</tbody>",
      "</table>",
      '<section id="totals" aria-label="Totals">',
      "<table>",
      `<thead><tr><th scope="col">Status</th><th scope="col">Count</th></tr></thead>`,
      "<tbody>",
      ...INVENTORY_STATUSES.map(
        (s) => `<tr class="s-${s}"><th scope="row" class="status">${s}</th><td data-total="${s}">${totals[s]}</td></tr>`
      ),
      `<tr><th scope="row">total</th><td data-total="total">${totals.total}</td></tr>`,
      "</tbody>",
      "</table>",
      "</section>",
      "</main>",
      `<script>${SCRIPT}</script>`,
      "</body>",
      "</html>",
      ""
    ].join("\n")
  };
}

// src/inventory/ics.ts
var ALARM_DAYS_BEFORE = [30, 7];
function reminderUid(certId, kind) {
  return `${certId}-${kind}@passgeni`;
}
function calendarBegin() {
  return lines([
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//PassGeni//Certificate reminders//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText("PassGeni certificate reminders")}`
  ]);
}
function calendarEnd() {
  return lines(["END:VCALENDAR"]);
}
function reminderEvents(row, stamp) {
  const expires = parseDate(row.expiresAt);
  if (expires === void 0) return "";
  const subject = subjectOf(row);
  const stores = row.store === void 0 ? [] : typeof row.store === "string" ? [row.store] : [...row.store];
  const facts = [
    ...row.standard ? [`Standard: ${row.standard}`] : [],
    ...row.label ? [`Label: ${row.label}`] : [],
    ...stores.map((s) => `Stored in: ${s}`),
    `Certificate: ${row.certUrl}`,
    `Certificate id: ${row.id}`
  ];
  let text = event({
    uid: reminderUid(row.id, "expiry"),
    stamp,
    at: expires,
    summary: `PassGeni certificate expires: ${subject}`,
    description: [
      `The compliance certificate for ${subject} expires on ${expires.toISOString()}.`,
      "Rotate the credential and re-certify it before then (passgeni rotate).",
      "",
      ...facts
    ].join("\n"),
    url: row.certUrl
  });
  const rotateBy = row.rotateBy === void 0 ? void 0 : parseDate(row.rotateBy);
  if (rotateBy !== void 0) {
    text += event({
      uid: reminderUid(row.id, "rotate-by"),
      stamp,
      at: rotateBy,
      summary: `PassGeni credential due for rotation: ${subject}`,
      description: [
        `The standard asks for the credential ${subject} to be rotated by ${rotateBy.toISOString()}.`,
        "Rotate it and re-certify (passgeni rotate).",
        "",
        ...facts
      ].join("\n"),
      url: row.certUrl
    });
  }
  return text;
}
function subjectOf(row) {
  if (row.label) return row.label;
  const first = typeof row.store === "string" ? row.store : row.store?.[0];
  return first ?? row.id;
}
function event(e) {
  const alarms = ALARM_DAYS_BEFORE.flatMap((days) => [
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    `TRIGGER:-P${days}D`,
    `DESCRIPTION:${escapeText(`In ${days} days: ${e.summary}`)}`,
    "END:VALARM"
  ]);
  return lines([
    "BEGIN:VEVENT",
    `UID:${escapeText(e.uid)}`,
    `DTSTAMP:${utcDateTime(e.stamp)}`,
    `DTSTART:${utcDateTime(e.at)}`,
    // A reminder, not a meeting: it must not show the day as busy.
    "TRANSP:TRANSPARENT",
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    // URI values are not TEXT (no escaping), but a URL with a control character is not one.
    .../^[^\s\p{Cc}]+$/u.test(e.url) ? [`URL:${e.url}`] : [],
    ...alarms,
    "END:VEVENT"
  ]);
}
function parseDate(iso) {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : void 0;
}
function utcDateTime(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}
function escapeText(text) {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n").replace(/[\p{Cc}]/gu, (c) => c === "	" ? c : " ");
}
function foldLine(line) {
  const parts = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, "utf8");
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}
function lines(contentLines) {
  return contentLines.map((l) => `${foldLine(l)}\r
`).join("");
}

// src/inventory/ics-report.ts
var REMINDED = /* @__PURE__ */ new Set([
  "valid",
  "expiring",
  "overdue",
  "expired",
  "pending",
  "binding-mismatch"
]);
function icsWriter(meta2) {
  const certificates = /* @__PURE__ */ new Map();
  return {
    begin: () => calendarBegin(),
    row: (row) => {
      if (!REMINDED.has(row.status) || !row.cert_id || !row.cert_url || !row.expires_at) return "";
      const known = certificates.get(row.cert_id);
      if (known) {
        known.stores.push(row.store);
        return "";
      }
      certificates.set(row.cert_id, {
        id: row.cert_id,
        certUrl: row.cert_url,
        expiresAt: row.expires_at,
        rotateBy: row.rotate_by ?? void 0,
        label: row.label ?? void 0,
        standard: row.standard ?? void 0,
        stores: [row.store]
      });
      return "";
    },
    end: () => {
      const stamp = new Date(meta2.generatedAt);
      let text = "";
      for (const { stores, ...certificate } of certificates.values()) {
        text += reminderEvents({ ...certificate, store: stores }, stamp);
      }
      return text + calendarEnd();
    }
  };
}

// src/inventory/formats.ts
var INVENTORY_FORMATS = ["json", "jsonl", "csv", "md", "html", "ics"];
function createWriter(format, meta2) {
  switch (format) {
    case "json":
      return jsonWriter();
    case "jsonl":
      return { begin: () => "", row: (row) => `${JSON.stringify(row)}
`, end: () => "" };
    case "csv":
      return csvWriter();
    case "md":
      return markdownWriter(meta2);
    case "html":
      return htmlWriter(meta2);
    case "ics":
      return icsWriter(meta2);
  }
}
function jsonWriter() {
  let first = true;
  return {
    begin: () => "[",
    row: (row) => {
      const chunk = `${first ? "\n" : ",\n"}  ${JSON.stringify(row)}`;
      first = false;
      return chunk;
    },
    end: () => first ? "]\n" : "\n]\n"
  };
}
function csvCell(text) {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
function csvWriter() {
  return {
    begin: () => `${COLUMNS.map((c) => csvCell(c.key)).join(",")}\r
`,
    row: (row) => `${COLUMNS.map((c) => csvCell(cellText(row, c.key))).join(",")}\r
`,
    end: () => ""
  };
}
function markdownCell(text) {
  return text.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`).replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function markdownCode(text) {
  if (text === "") return "";
  if (/[`\r\n]/.test(text)) return markdownCell(text);
  return `\`${text.replace(/\|/g, "\\|")}\``;
}
var CODE_COLUMNS = /* @__PURE__ */ new Set(["store", "cert_url", "cert_id"]);
function markdownWriter(meta2) {
  return {
    begin: () => [
      "# Certificate registry",
      "",
      `Generated ${meta2.generatedAt} from ${meta2.prefixes.map((p) => `\`${p.replace(/`/g, "")}\``).join(", ")}; "expiring" means within ${meta2.expiringWithinDays} days${meta2.checkBinding ? "; credentials checked against their certificate bindings" : ""}.`,
      "",
      `| ${COLUMNS.map((c) => c.title).join(" | ")} |`,
      `|${COLUMNS.map(() => " --- |").join("")}`,
      ""
    ].join("\n"),
    row: (row) => `| ${COLUMNS.map((c) => (CODE_COLUMNS.has(c.key) ? markdownCode : markdownCell)(cellText(row, c.key))).join(" | ")} |
`,
    end: (totals) => [
      "",
      "## Totals",
      "",
      "| Status | Count |",
      "| --- | ---: |",
      ...INVENTORY_STATUSES.map((s) => `| ${s} | ${totals[s]} |`),
      `| **total** | **${totals.total}** |`,
      ""
    ].join("\n")
  };
}

// src/inventory/index.ts
async function runInventory(options) {
  const { format, out, onRow, ...scan } = options;
  const writer = createWriter(format, {
    prefixes: scan.prefixes,
    generatedAt: new Date((scan.now ?? Date.now)()).toISOString(),
    expiringWithinDays: scan.expiringWithinDays ?? 30,
    checkBinding: scan.checkBinding === true
  });
  const totals = emptyTotals();
  let begun = false;
  for await (const row of scanInventory(scan)) {
    if (!begun) {
      await write(out, writer.begin());
      begun = true;
    }
    totals[row.status]++;
    totals.total++;
    await write(out, writer.row(row));
    onRow?.(row, totals);
  }
  if (!begun) await write(out, writer.begin());
  await write(out, writer.end(totals));
  return totals;
}
async function write(out, chunk) {
  if (chunk === "") return;
  if (!out.write(chunk)) await once(out, "drain");
}

// src/cli/commands/inventory.ts
function register6(program) {
  program.command("inventory").description(
    "The certificate registry: every secret under the given prefixes with its certificate's status (valid, expiring, overdue, expired, revoked, pending, missing, invalid, binding-mismatch, unknown)."
  ).requiredOption(
    "-p, --store-prefix <uri>",
    "what to scan; repeat for several: aws-sm://[name-prefix], vault://mount[/path-prefix], file://file-or-directory",
    collect,
    []
  ).addOption(
    new Option(
      "-f, --format <format>",
      "report format (default: from the --out extension, else md)"
    ).choices([...INVENTORY_FORMATS])
  ).option(
    "-o, --out <file>",
    "write the report to this file (replaced only once complete) instead of stdout"
  ).option("--check-binding", "read each credential and check it against its certificate's binding").option(
    "--expiring-within <days>",
    "report valid certificates expiring within this many days as expiring",
    parseNonNegativeInt,
    30
  ).option("--concurrency <n>", "certificate look-ups in flight at once", parsePositiveInt, 16).option(
    "--data-dir <dir>",
    "look up the local issuer's certificates in this data directory (env PASSGENI_DATA_DIR)"
  ).option(
    "--public-url <url>",
    "public URL of that local issuer (env PASSGENI_PUBLIC_URL; default http://127.0.0.1:8787)"
  ).option(
    "--trust <issuer=jwks>",
    "trust this issuer: ISSUER_ID=JWKS_URL_OR_FILE; repeat for several (also: PASSGENI_TRUST names a file of such lines)",
    collect,
    []
  ).option("--json", "JSON report (same as --format json) and errors as JSON").addHelpText(
    "after",
    `
A certificate URL in a store is only a pointer: a certificate is valid only if its URL is under a
trusted issuer's base and its \`iss\` and signature are that issuer's (--trust, PASSGENI_TRUST, or
the local issuer of --data-dir; at least one is required). Certificates are looked up at their
URLs (public endpoints, no API key), one request per certificate and one JWKS per trusted issuer. Formats: json (a streamed array), jsonl, csv, md, html (one
self-contained page with totals and sortable columns), ics (expiry reminders: an iCalendar event
at each certificate's expiry and rotate_by, alarms 30 and 7 days before; import it or publish it
for a calendar to subscribe to). Doppler and Kubernetes cannot be listed.

Examples:
  passgeni inventory --store-prefix vault://secret/prod --store-prefix aws-sm://prod/ --out registry.html
  passgeni inventory --store-prefix file://./config --format csv --check-binding > registry.csv

Exit codes: 0 every secret's certificate is valid, 1 any is not (expiring included: lower
--expiring-within to tolerate it), 2 bad input, 3 a store or the issuer failed.`
  ).action(runCommand((options) => inventory(options)));
}
function formatFor(options) {
  if (options.format) return options.format;
  if (options.json) return "json";
  const ext = options.out ? extname(options.out).slice(1).toLowerCase() : "";
  const aliases = {
    ndjson: "jsonl",
    markdown: "md",
    htm: "html",
    ical: "ics"
  };
  return aliases[ext] ?? INVENTORY_FORMATS.find((f) => f === ext) ?? "md";
}
async function inventory(options) {
  if (options.storePrefix.length === 0) {
    throw new InputError(
      "STORE_PREFIX_REQUIRED",
      "Name what to scan: --store-prefix aws-sm://prod/, vault://secret/prod, file://./config (repeat for several)."
    );
  }
  const format = formatFor(options);
  const dataDir = options.dataDir ?? nonEmpty(process.env.PASSGENI_DATA_DIR);
  const publicUrl = options.publicUrl ?? process.env.PASSGENI_PUBLIC_URL ?? DEFAULT_LOCAL_PUBLIC_URL;
  if (options.dataDir !== void 0 && !existsSync4(resolve3(options.dataDir))) {
    throw new InputError("DATA_DIR_NOT_FOUND", `The data directory ${options.dataDir} does not exist.`);
  }
  const anchors = configuredAnchors(options.trust);
  const hasLocal = dataDir !== void 0 && existsSync4(resolve3(dataDir));
  if (anchors.length === 0 && !hasLocal) throw trustRequired();
  let issuer;
  if (hasLocal) {
    issuer = await openIssuerClient({ issuerUrl: "local", dataDir, publicUrl });
    anchors.unshift(localAnchor(issuer, publicUrl));
  }
  const trust2 = new TrustStore(anchors);
  const target = options.out ? await openReportFile(options.out) : void 0;
  const bar = new ProgressBar(process.stderr, "inventory", {
    force: process.stderr.isTTY === true && target !== void 0
  });
  let totals;
  try {
    totals = await runInventory({
      prefixes: options.storePrefix,
      format,
      out: target?.stream ?? process.stdout,
      ...options.checkBinding && { checkBinding: true },
      expiringWithinDays: options.expiringWithin,
      concurrency: options.concurrency,
      lookup: { trust: trust2 },
      onRow: (_row, running) => bar.update(running.total, void 0, `secrets, ${running.total - running.valid} not valid`)
    });
    bar.finish();
    await target?.commit();
  } catch (error) {
    bar.finish();
    await target?.discard();
    throw error;
  } finally {
    await issuer?.close();
  }
  if (options.json && options.out) printJson({ out: options.out, format, totals });
  else if (!options.json) printNotice(summary(totals, options.out));
  return totals.total === totals.valid ? 0 : 1;
}
function summary(totals, out) {
  const parts = INVENTORY_STATUSES.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${s}`);
  const found = totals.total === 0 ? "no secrets found" : `${totals.total} secret${totals.total === 1 ? "" : "s"}: ${parts.join(", ")}`;
  return `inventory: ${found}${out ? ` (report: ${out})` : ""}`;
}
async function openReportFile(file) {
  const target = resolve3(file);
  if (!existsSync4(dirname2(target))) {
    throw new InputError("OUT_DIR_NOT_FOUND", `The directory of --out ${file} does not exist.`);
  }
  const temp = join(dirname2(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  const stream = createWriteStream(temp, { flags: "wx" });
  return {
    stream,
    async commit() {
      stream.end();
      await finished(stream);
      await rename(temp, target);
    },
    async discard() {
      stream.destroy();
      await rm(temp, { force: true });
    }
  };
}

// src/cli/commands/trust.ts
import { appendFileSync, existsSync as existsSync5, readFileSync as readFileSync4, statSync as statSync3 } from "node:fs";
function register7(program) {
  program.command("trust").description(
    "Pin an issuer for verification: read its identity document (/.well-known/passgeni-issuer) and print the ISSUER_ID=JWKS_URL line for --trust or a PASSGENI_TRUST file, with its keys' thumbprints."
  ).argument(
    "<issuer-url>",
    "the base URL of a PassGeni issuer (passgeni serve), e.g. https://certs.example.com"
  ).option("--append <file>", "append the pinned line (with its thumbprints as comments) to this trust file").option("--json", "print the identity and the line as JSON").addHelpText(
    "after",
    `
This is trust on first use: whoever answers at the URL today is believed. Compare the key
thumbprints (RFC 7638, SHA-256) with the issuer's operator out of band before relying on them.

Examples:
  passgeni trust https://certs.example.com
  passgeni trust https://certs.example.com --append ~/.config/passgeni/trust && export PASSGENI_TRUST=~/.config/passgeni/trust

Exit codes: 0 pinned (and appended), 1 the issuer publishes no identity or its keys disagree with
it, 2 bad input (a malformed URL or trust file), 3 the issuer could not be reached.`
  ).action(runCommand((url, options) => trust(url, options)));
}
async function trust(url, options) {
  if (options.append !== void 0 && existsSync5(options.append)) readTrustFile(options.append, "--append");
  const pin = await pinIssuer(url);
  const block = trustBlock(pin, url);
  let appended;
  if (options.append !== void 0) appended = append(options.append, pin, block);
  if (options.json) {
    printJson({
      line: pin.line,
      issuer: pin.identity.issuer,
      jwks_uri: pin.identity.jwks_uri,
      certificate_url_prefix: pin.identity.certificate_url_prefix,
      keys: pin.keys,
      trust_on_first_use: true,
      ...options.append !== void 0 && { appended_to: options.append, appended }
    });
  } else {
    printText(block);
    if (options.append !== void 0) {
      printNotice(
        appended ? `Appended to ${options.append}; set PASSGENI_TRUST=${options.append} to use it.` : `${options.append} already pins ${pin.identity.issuer} to ${pin.identity.jwks_uri}; nothing appended.`
      );
    }
  }
  return 0;
}
function trustBlock(pin, url) {
  return [
    `# ${pin.identity.issuer}: read from ${url} on ${(/* @__PURE__ */ new Date()).toISOString()} (trust on first use).`,
    "# Compare these key thumbprints (RFC 7638, SHA-256) with the issuer's operator out of band:",
    ...pin.keys.map((k) => `#   kid ${k.kid}  thumbprint ${k.thumbprint}`),
    pin.line
  ].join("\n");
}
function append(file, pin, block) {
  let existing = "";
  if (existsSync5(file)) {
    if (!statSync3(file).isFile()) {
      throw new InputError("TRUST_INVALID", `--append ${file} is not a file; name a trust file.`);
    }
    existing = readFileSync4(file, "utf8");
    if (existing.split(/\r?\n/).some((line) => line.trim() === pin.line)) return false;
  }
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  appendFileSync(file, `${separator}${block}
`, { mode: 420 });
  return true;
}

// src/cli/commands/generate.ts
import { Option as Option2 } from "commander";
function register8(program) {
  program.command("generate").description("Generate credentials to a compliance standard (locally; nothing is sent anywhere).").requiredOption("-s, --standard <standard>", "standard to generate to (see `passgeni standards`)").option("-l, --length <n>", "length (default: the standard's default length)", parsePositiveInt).option("-x, --exclude <chars>", `characters the target system rejects, e.g. "'\\"\\\\/@"`).option("--symbols <set>", "use this set of punctuation characters instead of all 32").option(
    "--classes <list>",
    "character classes to include: upper,lower,digit,special (default: all)",
    parseClassList
  ).addOption(new Option2("-n, --count <k>", "how many credentials").argParser(parsePositiveInt).default(1)).option("--json", "print JSON (one object per line with --count)").addHelpText(
    "after",
    "\nThe credential is printed on stdout and nowhere else. Exit codes: 0 ok, 2 bad input or a request weaker than the standard."
  ).action(runCommand((options) => generate(options)));
}
async function generate(options) {
  const policy = resolvePolicy({ ...options, randomSource: entropySource() });
  if (options.count === 1) {
    const { password } = await generateCredential(policy);
    emit(password, policy, options.json === true);
  } else {
    const next = await createGenerator(policy.charset, policy.length, { limits: runLimitsOf(policy.params) });
    for (let i = 0; i < options.count; i++) emit(next(), policy, options.json === true);
  }
  if (!options.json && process.stderr.isTTY) {
    printNotice(
      `${policy.standard.id}: ${policy.length} characters, ${policy.entropyBits} bits, meets ${policy.standardsMet.join(", ")}`
    );
  }
  return 0;
}
function emit(password, policy, json) {
  if (!json) {
    printText(password);
    return;
  }
  const { length, has_upper, has_lower, has_numbers, has_special, char_pool_size } = policy.params;
  printJsonLine({
    standard: policy.standard.id,
    password,
    length,
    entropy_bits: policy.entropyBits,
    char_pool_size,
    standards_met: policy.standardsMet,
    generation_params: { length, has_upper, has_lower, has_numbers, has_special, char_pool_size }
  });
}

// src/cli/commands/standards.ts
function register9(program) {
  program.command("standards").description("List the standards, their rules and what each rule rests on.").option("--json", "print JSON").action(
    runCommand((options) => {
      if (options.json) {
        printJson(STANDARDS);
        return 0;
      }
      const rows = STANDARDS.map((s) => [
        s.id,
        String(s.minLength),
        s.requiredClasses.length ? s.requiredClasses.join("+") : "none",
        String(s.minEntropyBits),
        s.rotationDays ? `${s.rotationDays} d` : "on compromise",
        s.certifiable ? "yes" : "standards_met only",
        s.basis.kind === "clause" ? "framework clause" : "product baseline"
      ]);
      printText(
        textTable(
          ["standard", "min length", "classes", "min bits", "rotation", "certifiable", "basis"],
          rows
        )
      );
      printText("\nRun `passgeni policy --standard <id>` for the basis of each rule and its sources.");
      return 0;
    })
  );
}

// src/cli/commands/policy.ts
import { Option as Option3 } from "commander";
import { writeFileSync } from "node:fs";
function register10(program) {
  program.command("policy").description(
    "Write a password policy for a standard that an organisation can adopt, with the basis of each rule."
  ).requiredOption("-s, --standard <standard>", "standard (see `passgeni standards`)").addOption(new Option3("-f, --format <format>", "output format").choices(["md", "html"]).default("md")).option("--organisation <name>", "organisation name to put in the policy").option("-o, --out <file>", "write to a file instead of stdout").option("--json", "print { standard, format, policy } as JSON").action(
    runCommand((options) => {
      const rule = resolveStandard(options.standard);
      const text = renderPolicy(rule, options.format, options);
      if (options.out) writeFileSync(options.out, text);
      if (options.json)
        printJson({
          standard: rule.id,
          format: options.format,
          ...options.out ? { file: options.out } : { policy: text }
        });
      else if (!options.out) printText(text);
      return 0;
    })
  );
}

// src/cli/commands/serve.ts
import { join as join2 } from "node:path";
import { InvalidArgumentError as InvalidArgumentError2, Option as Option4 } from "commander";
var LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
function register11(program) {
  program.command("serve").description(
    "Run the certificate authority (issuer) over HTTP: sessions, certificates, revocation, JWKS."
  ).option("--port <port>", "port to listen on", parsePort, 8787).option(
    "--host <address>",
    "address to listen on (0.0.0.0 for every interface, e.g. in a container)",
    "127.0.0.1"
  ).option(
    "--data-dir <dir>",
    "data directory: embedded database and generated key (env PASSGENI_DATA_DIR; default ./.passgeni)"
  ).option(
    "--database-url <url>",
    "PostgreSQL instead of the embedded database, for several replicas (env DATABASE_URL)"
  ).option(
    "--public-url <url>",
    "URL certificates are published under (env PASSGENI_PUBLIC_URL; default http://<host>:<port>)"
  ).option(
    "--issuer-id <id>",
    "the iss claim of certificates (env PASSGENI_ISSUER_ID; default: the public URL)"
  ).option(
    "--key-file <file>",
    `ES256 private key, JWK or PEM, mode 0600 (default: ${SIGNING_KEY_ENV}, else <data-dir>/signing-key.jwk)`
  ).option(
    "--rotate-key",
    "write a new signing key over the key file before starting; older keys stay in the JWKS"
  ).option(
    "--trust-proxy <value>",
    'believe X-Forwarded-For from: "true" (any), a hop count, or comma-separated proxy addresses/CIDRs (default: no proxy)'
  ).option("--cert-days <days>", "certificate lifetime in days", parseWhole(1, 3650), 365).option(
    "--audit-retention-days <days>",
    "delete audit events (usage_events) older than this (0 = keep forever)",
    parseWhole(0, 36500),
    400
  ).option(
    "--activation-timeout <minutes>",
    "revoke (not-stored) a certificate not activated within this many minutes of issuance",
    parseWhole(1, 1440),
    15
  ).option(
    "--ip-cert-limit <n>",
    "attempts without a valid API key per client address per hour; keys have their own limits (0 = off)",
    parseWhole(0),
    10
  ).option(
    "--key-minute-limit <n>",
    "requests per API key per minute, for keys created without --per-minute (0 = off)",
    parseWhole(0),
    60
  ).option(
    "--key-burst <n>",
    "requests per API key at once before the steady rate applies, for keys created without --burst (0 = off)",
    parseWhole(0),
    5
  ).option("--key-refill <per-second>", "steady requests per second per API key after a burst", parseRate2, 1).option(
    "--flag-threshold <n>",
    "flag a team issuing more than this many certificates in 24 h (0 = off)",
    parseWhole(0),
    50
  ).option("--metrics-token <token>", "require this bearer token on /metrics (env PASSGENI_METRICS_TOKEN)").option("--pool-size <n>", "PostgreSQL connections per pool (two pools per process)", parseWhole(1, 1e3)).addOption(
    new Option4("--log-level <level>", "log level of the JSON logs on stdout").choices(LOG_LEVELS).default("info")
  ).option("--json", "print the start-up summary as one JSON line on stdout").addHelpText(
    "after",
    `
Logs are JSON lines on stdout; keys, tokens and Authorization headers are never logged.
SIGINT/SIGTERM stop accepting connections, finish requests in flight and close the database.
Create API keys with \`passgeni api-key create --team NAME\` (same --data-dir or DATABASE_URL).
Operations (replicas, key rotation, backups, metrics): docs/operations.md.`
  ).action(runCommand((options) => serve(options)));
}
async function serve(options, env = process.env) {
  const { databaseUrl, dataDir } = issuerStorage(options, env);
  const publicUrl = options.publicUrl ?? nonEmpty(env.PASSGENI_PUBLIC_URL) ?? `http://${urlHost(options.host)}:${options.port}`;
  if (options.publicUrl === void 0 && nonEmpty(env.PASSGENI_PUBLIC_URL) === void 0 && !isLoopback(options.host)) {
    printNotice(
      `passgeni: no --public-url: certificate URLs and the issuer id will be ${publicUrl}. Set --public-url to the address people and verifiers use; it is written into every certificate.`
    );
  }
  const issuerId = options.issuerId ?? nonEmpty(env.PASSGENI_ISSUER_ID);
  const metricsToken = options.metricsToken ?? nonEmpty(env.PASSGENI_METRICS_TOKEN);
  const trustProxy = parseTrustProxy(options.trustProxy);
  const notice = (m) => printNotice(m);
  const issuerModule = await import("./chunks/issuer-Z63YSDAG.js");
  let retireKid;
  if (options.rotateKey) {
    if (!options.keyFile && nonEmpty(env[SIGNING_KEY_ENV]) !== void 0) {
      throw new InputError(
        "ROTATE_KEY_UNSUPPORTED",
        `The signing key comes from ${SIGNING_KEY_ENV}; rotate it by putting a new key there (\`passgeni keygen\`) and restarting. The old key stays in the JWKS.`
      );
    }
    if (!options.keyFile && databaseUrl !== void 0) {
      throw new InputError("ROTATE_KEY_UNSUPPORTED", "With DATABASE_URL, pass the --key-file to rotate.");
    }
    const path3 = options.keyFile ?? join2(dataDir, issuerModule.DATA_DIR_KEY_FILE);
    const rotated = issuerModule.rotateKeyFile(path3);
    retireKid = rotated.previous?.kid;
    notice(
      `passgeni: rotated the signing key in ${path3}: new kid ${rotated.current.kid}` + (rotated.previous ? `, previous kid ${rotated.previous.kid} stays in the JWKS` : "") + (rotated.archivedPath ? `. The previous private key was moved to ${rotated.archivedPath}; delete it once nothing signs with it.` : ".")
    );
  }
  const logger = deferredLogger();
  let issuer;
  let server;
  try {
    issuer = await issuerModule.openIssuer({
      publicUrl,
      ...issuerId !== void 0 && { issuerId },
      ...databaseUrl !== void 0 ? { databaseUrl } : { dataDir },
      ...options.keyFile !== void 0 && { keyFile: options.keyFile },
      env,
      limits: {
        ipCertificatesPerHour: options.ipCertLimit,
        keyRequestsPerMinute: options.keyMinuteLimit,
        keyBurst: options.keyBurst,
        keyRefillPerSecond: options.keyRefill,
        teamFlagThreshold: options.flagThreshold
      },
      certificateDays: options.certDays,
      auditRetentionDays: options.auditRetentionDays,
      activationTimeoutMinutes: options.activationTimeout,
      ...options.poolSize !== void 0 && { poolSize: options.poolSize },
      logger,
      onNotice: notice
    });
    if (retireKid !== void 0 && retireKid !== issuer.kid) await issuer.retireSigningKey(retireKid);
    server = await issuerModule.startServer({
      issuer,
      port: options.port,
      host: options.host,
      ...trustProxy !== void 0 && { trustProxy },
      ...metricsToken !== void 0 && { metricsToken },
      logger: { level: options.logLevel }
    });
  } catch (error) {
    await server?.close().catch(() => void 0);
    await issuer?.close().catch(() => void 0);
    throw error;
  }
  logger.attach(server.app.log);
  if (databaseUrl === void 0) issuerModule.recordServingUrl(dataDir, server.url);
  const summary2 = {
    url: server.url,
    public_url: issuer.publicUrl,
    issuer_id: issuer.issuerId,
    jwks_url: issuer.jwksUrl,
    kid: issuer.kid,
    key_source: issuer.keySource,
    database: databaseUrl !== void 0 ? issuerModule.redactDatabaseUrl(databaseUrl) : `pglite:${join2(dataDir, "db")}`,
    pid: process.pid
  };
  server.app.log.info(summary2, "issuer listening");
  if (options.json) printJsonLine(summary2);
  else {
    printNotice(
      `passgeni issuer listening on ${server.url}
  public URL  ${summary2.public_url}
  issuer id   ${summary2.issuer_id}
  signing kid ${summary2.kid} (${summary2.key_source})
  database    ${summary2.database}`
    );
  }
  await waitForSignal(server.app.log);
  server.app.log.info({}, "shutting down: finishing requests in flight");
  await server.close();
  await issuer.close();
  server.app.log.info({}, "stopped");
  return 0;
}
function waitForSignal(log) {
  return new Promise((resolve4) => {
    let received = false;
    const onSignal = (signal) => {
      if (received) {
        log.warn({ signal }, "second signal: exiting without waiting");
        process.exit(1);
      }
      received = true;
      log.info({ signal }, "signal received");
      resolve4();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
function deferredLogger() {
  let target;
  const at = (level) => (obj, msg) => {
    if (target) target[level](obj, msg);
    else process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...obj, msg })}
`);
  };
  return { info: at("info"), warn: at("warn"), error: at("error"), attach: (t) => target = t };
}
function isLoopback(host) {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
function urlHost(host) {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
function parsePort(value) {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError2("expected a port from 0 to 65535.");
  return Number(value);
}
function parseWhole(min, max = 2147483647) {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError2(`expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}
function parseRate2(value) {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 1e6) {
    throw new InvalidArgumentError2("expected a number of requests per second above 0.");
  }
  return n;
}
function parseTrustProxy(value) {
  if (value === void 0) return void 0;
  const v = value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false" || v === "") return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (!/^[0-9a-f.:/,\s]+$/i.test(v)) {
    throw new InputError(
      "INVALID_TRUST_PROXY",
      '--trust-proxy takes "true", "false", a number of hops, or comma-separated proxy addresses/CIDRs (e.g. 10.0.0.0/8).'
    );
  }
  return value;
}

// src/cli/commands/keygen.ts
import { Option as Option5 } from "commander";
import { closeSync, constants, openSync, writeSync } from "node:fs";
function register12(program) {
  program.command("keygen").description("Create an ES256 (P-256) signing key for an issuer.").option("-o, --out <file>", "write the private key to this file (mode 0600) instead of stdout").addOption(
    new Option5("-f, --format <format>", "private key format").choices(["jwk", "pem"]).default("jwk")
  ).option("--force", "overwrite an existing file").option("--json", "print { kid, public_jwk, file } (and the private key when no --out) as JSON").addHelpText(
    "after",
    "\nUse the key with `passgeni serve --key-file FILE` or the PASSGENI_SIGNING_KEY environment variable."
  ).action(runCommand((options) => keygen(options)));
}
function keygen(options) {
  const key = generateSigningKey();
  const privateKey = exportSigningKey(key, options.format);
  if (options.out) writePrivateFile(options.out, privateKey, options.force === true);
  if (options.json) {
    printJson({
      kid: key.kid,
      public_jwk: key.publicJwk,
      ...options.out ? { file: options.out } : { private_key: privateKey }
    });
  } else if (options.out) {
    printText(`Wrote the private key to ${options.out} (mode 0600). kid: ${key.kid}`);
  } else {
    printText(privateKey.trimEnd());
    printNotice(`kid: ${key.kid} (keep the private key secret; store it in your secrets manager)`);
  }
  return 0;
}
function writePrivateFile(path3, content, force) {
  const flags = constants.O_WRONLY | constants.O_CREAT | (force ? constants.O_TRUNC : constants.O_EXCL);
  let fd;
  try {
    fd = openSync(path3, flags, 384);
  } catch (error) {
    if (error.code === "EEXIST") {
      throw new InputError(
        "KEY_FILE_EXISTS",
        `${path3} already exists. Choose another --out, or pass --force to replace it.`
      );
    }
    throw error;
  }
  try {
    writeSync(fd, content.endsWith("\n") ? content : `${content}
`);
  } finally {
    closeSync(fd);
  }
}

// src/cli/commands/api-key.ts
function register13(program) {
  const apiKey = program.command("api-key").description("Manage the issuer's API keys (directly in its database: --data-dir or DATABASE_URL).");
  withStorage(
    apiKey.command("create").description("Create an API key for a team (the team is created if new). The key is printed once.").requiredOption(
      "--team <name>",
      "team name (letters, digits, . _ -); certificates carry only its opaque id"
    ).option("--name <text>", 'what the key is for, e.g. "github-actions prod"').option(
      "--per-minute <n>",
      "this key's requests per minute, also its steady rate (n/60 a second); default: the issuer's (60)",
      parsePositiveInt
    ).option(
      "--burst <n>",
      "this key's requests at once before the steady rate applies; default: the issuer's (5)",
      parsePositiveInt
    ).option(
      "--admin",
      "an admin key: may also read every team's certificates and audit events (for auditors and operators)"
    ).addHelpText(
      "after",
      `
A certificate takes three requests (session, certificate, activation), so a key allows
per-minute / 3 certificates a minute: 20 at the default 60. Requests with a valid key are never limited by
address. Raise the limit for a key that rotates many credentials, e.g. --per-minute 600.
See docs/operations.md, "Abuse controls".`
    )
  ).action(runCommand((options) => create(options)));
  withStorage(
    apiKey.command("list").description("List API keys (never the keys themselves).").option("--team <name>", "only this team")
  ).action(runCommand((options) => list(options)));
  withStorage(
    apiKey.command("revoke").description(
      "Revoke an API key by id (see `passgeni api-key list`); it stops working on every replica at once."
    ).argument("<id>", "key id, e.g. key_0123456789abcdef")
  ).action(runCommand((id, options) => revoke2(id, options)));
}
function withStorage(command) {
  return command.option("--data-dir <dir>", "issuer data directory (env PASSGENI_DATA_DIR; default ./.passgeni)").option("--database-url <url>", "the issuer's PostgreSQL (env DATABASE_URL)").option("--json", "print JSON");
}
async function withDatabase(options, fn) {
  const { openDatabase } = await import("./chunks/core-RAG2FNGJ.js");
  const { databaseUrl, dataDir } = issuerStorage(options);
  const { db } = await openDatabase(databaseUrl !== void 0 ? { databaseUrl, poolSize: 2 } : { dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
async function create(options) {
  const { createApiKey } = await import("./chunks/core-RAG2FNGJ.js");
  const created = await withDatabase(
    options,
    (db) => createApiKey(db, {
      team: options.team,
      now: /* @__PURE__ */ new Date(),
      ...options.name !== void 0 && { name: options.name },
      ...options.perMinute !== void 0 && { perMinute: options.perMinute },
      ...options.burst !== void 0 && { burst: options.burst },
      ...options.admin === true && { admin: true }
    })
  );
  if (options.json) {
    printJson(created);
    return 0;
  }
  printText(created.key);
  printNotice(
    `Created ${created.admin ? "admin " : ""}API key ${created.id} for team ${created.team_name} (team id ${created.team_id}); limits: ${limitsText(created)}.
Store it now (e.g. as the PASSGENI_API_KEY secret): it is shown only once; the issuer keeps only its SHA-256.`
  );
  return 0;
}
async function list(options) {
  const { listApiKeys } = await import("./chunks/core-RAG2FNGJ.js");
  const keys = await withDatabase(
    options,
    (db) => listApiKeys(db, options.team !== void 0 ? { team: options.team } : {})
  );
  if (options.json) {
    printJson({ keys });
    return 0;
  }
  if (keys.length === 0) {
    printNotice("No API keys. Create one with `passgeni api-key create --team NAME`.");
    return 0;
  }
  printText(
    textTable(
      ["ID", "TEAM", "KEY", "NAME", "LIMITS", "CREATED", "LAST USED", "STATUS"],
      keys.map((k) => [
        k.id,
        k.team_name,
        k.hint,
        k.name ?? "",
        limitsText(k),
        k.created_at.slice(0, 19).replace("T", " "),
        k.last_used_at ? k.last_used_at.slice(0, 16).replace("T", " ") : "never",
        k.revoked_at ? `revoked ${k.revoked_at.slice(0, 10)}` : k.admin ? "active (admin)" : "active"
      ]),
      { rule: false }
    )
  );
  return 0;
}
function limitsText(key) {
  return `${key.per_minute ?? "default"}/min, burst ${key.burst ?? "default"}`;
}
async function revoke2(id, options) {
  const { revokeApiKey } = await import("./chunks/core-RAG2FNGJ.js");
  const key = await withDatabase(options, (db) => revokeApiKey(db, id, /* @__PURE__ */ new Date()));
  if (options.json) printJson(key);
  else printText(`Revoked ${key.id} (team ${key.team_name}) at ${key.revoked_at ?? ""}.`);
  return 0;
}

// src/cli/commands/certificates.ts
import { Option as Option6 } from "commander";

// src/cli/registry-output.ts
var REGISTRY_FORMATS = ["text", "json", "csv", "md"];
async function* everyPage(next) {
  let cursor;
  do {
    const page = await next(cursor);
    yield page.rows;
    if (page.cursor !== null && page.cursor === cursor) {
      throw new IssuerError(
        "ISSUER_RESPONSE_INVALID",
        "The issuer returned the same page cursor twice; stopped rather than read it for ever. Check that the issuer is up to date."
      );
    }
    cursor = page.cursor ?? void 0;
  } while (cursor !== void 0);
}
async function writeRows(format, columns, pages) {
  const out = (text) => process.stdout.write(text);
  let count = 0;
  if (format === "text") {
    const rows = [];
    for await (const page of pages) for (const row of page) rows.push(columns.map((c) => c.value(row)));
    if (rows.length > 0)
      printText(
        textTable(
          columns.map((c) => c.header.toUpperCase()),
          rows
        )
      );
    return rows.length;
  }
  let begun = false;
  const begin = () => {
    begun = true;
    if (format === "csv") out(`${columns.map((c) => csvCell(c.header)).join(",")}\r
`);
    if (format === "md") {
      out(`| ${columns.map((c) => markdownCell(c.header)).join(" | ")} |
`);
      out(`|${columns.map(() => " --- |").join("")}
`);
    }
    if (format === "json") out("[");
  };
  for await (const page of pages) {
    if (!begun) begin();
    for (const row of page) {
      if (format === "json") out(`${count === 0 ? "\n" : ",\n"}  ${JSON.stringify(row)}`);
      else if (format === "csv") out(`${columns.map((c) => csvCell(c.value(row))).join(",")}\r
`);
      else out(`| ${columns.map((c) => markdownCell(c.value(row))).join(" | ")} |
`);
      count += 1;
    }
  }
  if (!begun) begin();
  if (format === "json") out(count === 0 ? "]\n" : "\n]\n");
  return count;
}
async function printListing(options, what, columns, page) {
  const issuer = await openIssuerClient({
    ...issuerSelection(options),
    userAgent: `passgeni-cli/${VERSION}`,
    existingOnly: true
  });
  try {
    const format = options.json ? "json" : options.format;
    const count = await writeRows(
      format,
      columns,
      everyPage((cursor) => page(issuer, cursor))
    );
    if (count === 0 && format === "text") printNotice(`No ${what} at ${issuer.description}.`);
    return 0;
  } finally {
    await issuer.close();
  }
}
function parsePageSize(value) {
  if (value === void 0) return void 0;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 200)) {
    throw new InputError(
      "INVALID_PAGE_SIZE",
      `--page-size must be a whole number from 1 to 200, not "${value.slice(0, 20)}".`
    );
  }
  return n;
}
function collect2(value, previous) {
  return [...previous ?? [], value];
}

// src/cli/commands/certificates.ts
var COLUMNS2 = [
  { header: "cert_id", value: (c) => c.cert_id },
  { header: "team", value: (c) => c.team ?? "" },
  { header: "status", value: (c) => c.status },
  { header: "standard", value: (c) => c.compliance_standard },
  { header: "label", value: (c) => c.label ?? "" },
  { header: "issued_at", value: (c) => c.issued_at },
  { header: "expires_at", value: (c) => c.expires_at },
  { header: "revoked_at", value: (c) => c.revoked_at ?? "" },
  { header: "revocation_reason", value: (c) => c.revocation_reason ?? "" },
  { header: "cert_url", value: (c) => c.cert_url }
];
function register14(program) {
  const certificates = program.command("certificates").description("Read the issuer's registry of certificates.");
  const list2 = certificates.command("list").description(
    "List the certificates an issuer issued, newest first: your team's, or with an admin key every team's."
  ).option("--team <name>", "only this team (another team's needs an admin key)").addOption(
    new Option6("--status <status>", "only certificates in this status").choices([
      "valid",
      "pending",
      "expired",
      "revoked"
    ])
  ).option("--standard <id>", "only certificates issued to this standard, e.g. HIPAA").option("--since <date>", "only certificates issued at or after this date or time (2025-01-31, ISO 8601)").addOption(
    new Option6("-f, --format <format>", "output format").choices([...REGISTRY_FORMATS]).default("text")
  ).option("--json", "same as --format json, and errors as JSON").option("--page-size <n>", "certificates per request to the issuer (1-200, default 50)");
  addIssuerOptions(list2).addHelpText(
    "after",
    `
Examples:
  passgeni certificates list --issuer-url https://certs.example.com --api-key - < key.txt --format csv > registry.csv
  passgeni certificates list --status revoked --since 2025-01-01 --format md
  passgeni certificates list --data-dir ./.passgeni --format json     (the local issuer: every team)

Exit codes: 0 listed, 2 bad input (dates, options, a key that may not read that team), 3 issuer failure.`
  ).action(runCommand((options) => listCertificates(options)));
}
async function listCertificates(options) {
  const limit = parsePageSize(options.pageSize);
  return printListing(options, "certificates", COLUMNS2, async (issuer, cursor) => {
    const page = await issuer.listCertificates({
      ...options.team !== void 0 && { team: options.team },
      ...options.status !== void 0 && { status: options.status },
      ...options.standard !== void 0 && { standard: options.standard },
      ...options.since !== void 0 && { since: options.since },
      ...limit !== void 0 && { limit },
      ...cursor !== void 0 && { cursor }
    });
    return { rows: page.certificates, cursor: page.next_cursor };
  });
}

// src/cli/commands/events.ts
import { Option as Option7 } from "commander";
var COLUMNS3 = [
  { header: "at", value: (e) => e.at },
  { header: "type", value: (e) => e.type },
  { header: "team", value: (e) => e.team ?? "" },
  { header: "api_key_id", value: (e) => e.api_key_id ?? "" },
  { header: "ip", value: (e) => e.ip ?? "" },
  { header: "cert_id", value: (e) => e.cert_id ?? "" },
  { header: "count", value: (e) => String(e.count) },
  { header: "detail", value: (e) => Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : "" },
  { header: "id", value: (e) => e.id }
];
function register15(program) {
  const command = program.command("events").description(
    "The issuer's audit trail, newest first: who issued, looked at, revoked what, refused and flagged requests. Your team's, or with an admin key every team's."
  ).option("--team <name>", "only this team (another team's needs an admin key)").option(
    "--type <type>",
    "only these event types, e.g. certificate.issued,certificate.revoked (repeat or comma-separate)",
    collect2
  ).option("--since <date>", "events at or after this date or time (2025-01-31, ISO 8601)").option("--until <date>", "events before this date or time").addOption(
    new Option7("-f, --format <format>", "output format").choices([...REGISTRY_FORMATS]).default("text")
  ).option("--json", "same as --format json, and errors as JSON").option("--page-size <n>", "events per request to the issuer (1-200, default 50)");
  addIssuerOptions(command).addHelpText(
    "after",
    `
Examples:
  passgeni events --issuer-url https://certs.example.com --api-key - < admin-key.txt --since 2025-01-01 --format csv > trail.csv
  passgeni events --type team.flagged,rate_limited --format md
  passgeni events --team payments --type certificate.revoked --format json

Exit codes: 0 listed, 2 bad input (dates, options, a key that may not read that team), 3 issuer failure.`
  ).action(runCommand((options) => listEvents(options)));
}
async function listEvents(options) {
  const limit = parsePageSize(options.pageSize);
  const types = (options.type ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()).filter((t) => t !== "");
  return printListing(options, "events", COLUMNS3, async (issuer, cursor) => {
    const page = await issuer.listEvents({
      ...options.team !== void 0 && { team: options.team },
      ...types.length > 0 && { types },
      ...options.since !== void 0 && { since: options.since },
      ...options.until !== void 0 && { until: options.until },
      ...limit !== void 0 && { limit },
      ...cursor !== void 0 && { cursor }
    });
    return { rows: page.events, cursor: page.next_cursor };
  });
}

// src/cli/commands/index.ts
var registrations = [
  register,
  register2,
  register3,
  register4,
  register5,
  register6,
  register14,
  register15,
  register7,
  register8,
  register9,
  register10,
  register11,
  register12,
  register13
];
function registerCommands(program) {
  for (const register16 of registrations) register16(program);
}

// src/cli/main.ts
async function main(argv = process.argv) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    });
  }
  const program = new Command("passgeni").description("Generate, certify and store compliance-grade credentials.").version(VERSION).showHelpAfterError("(run with --help for usage)").exitOverride();
  try {
    checkHttpLimitEnv();
  } catch (error) {
    process.stderr.write(`passgeni: ${errorMessage(error)}
`);
    process.exitCode = 2;
    return;
  }
  if (useProxyFromEnv() === "unsupported") {
    process.stderr.write(
      `passgeni: HTTPS_PROXY/HTTP_PROXY are set but Node.js ${process.version} cannot route requests through them; use Node.js 24 or later.
`
    );
  }
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}
await main();
export {
  main
};

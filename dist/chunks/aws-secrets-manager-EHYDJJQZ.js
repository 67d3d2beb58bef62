import {
  JsonTextError,
  parseObjectText,
  spliceMember,
  stringMember
} from "./chunk-OG3MJKAZ.js";
import {
  encodeUriComponentLoose
} from "./chunk-XMJ75GVQ.js";
import {
  StoreError,
  urlForKey,
  urlNotAttached
} from "./chunk-YNJCMOEG.js";
import "./chunk-FKYOR5TL.js";

// adapters/aws-secrets-manager/client.ts
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
var AWS_CONNECT_TIMEOUT_MS = 5e3;
var AWS_REQUEST_TIMEOUT_MS = 3e4;
var MAX_TIMEOUT_MS = 6e5;
function timeout(context, option, [optionName, variable], fallback) {
  const raw = option ?? context.env[variable];
  if (raw === void 0 || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new StoreError(
      "STORE_CONFIG_INVALID",
      `${option !== void 0 ? optionName : variable} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; leave it unset for the default (${fallback}).`,
      { store: "aws-sm", exitCode: 2 }
    );
  }
  return value;
}
function createClient(context, arnRegion) {
  const { env, options } = context;
  const config = {
    maxAttempts: options.aws?.maxAttempts ?? context.retry.maxAttempts,
    requestHandler: {
      connectionTimeout: timeout(
        context,
        options.aws?.connectionTimeoutMs,
        ["aws.connectionTimeoutMs", "PASSGENI_AWS_CONNECT_TIMEOUT_MS"],
        AWS_CONNECT_TIMEOUT_MS
      ),
      requestTimeout: timeout(
        context,
        options.aws?.requestTimeoutMs,
        ["aws.requestTimeoutMs", "PASSGENI_AWS_REQUEST_TIMEOUT_MS"],
        AWS_REQUEST_TIMEOUT_MS
      ),
      // Without this the handler only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      // The SDK builds its own agents, which the process-wide proxy setting does not reach.
      ...proxyAgents(env)
    }
  };
  const region = arnRegion ?? options.aws?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}
    };
  }
  return new SecretsManagerClient(config);
}
function proxyAgents(env) {
  const proxied = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"].some(
    (name) => (env[name] ?? "") !== ""
  );
  if (!proxied) return {};
  const options = { keepAlive: true, maxSockets: 50, proxyEnv: env };
  return { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
}

// adapters/aws-secrets-manager/list.ts
import { ListSecretsCommand } from "@aws-sdk/client-secrets-manager";

// adapters/aws-secrets-manager/errors.ts
var IAM_HINT = "The identity needs secretsmanager:GetSecretValue, secretsmanager:PutSecretValue, secretsmanager:UpdateSecretVersionStage and secretsmanager:TagResource on this secret (plus secretsmanager:CreateSecret with ?create=true, secretsmanager:DescribeSecret to read the certificate URL, and kms:Decrypt and kms:GenerateDataKey when the secret uses a customer-managed KMS key).";
var THROTTLING = /* @__PURE__ */ new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException"
]);
var BAD_CREDENTIALS = /* @__PURE__ */ new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidSignatureException",
  "SignatureDoesNotMatch"
]);
function errorName(error) {
  return error?.name ?? "Error";
}
function mapAwsError(store, secretId, action, error, prefix) {
  const shape = error ?? {};
  const name = errorName(error);
  const status = shape.$metadata?.httpStatusCode;
  const attempts = shape.$metadata?.attempts;
  let code = "STORE_WRITE_FAILED";
  let message;
  if (name === "AccessDeniedException") {
    code = "STORE_ACCESS_DENIED";
    message = `AWS denied secretsmanager:${action} on "${secretId}". ${IAM_HINT}`;
  } else if (BAD_CREDENTIALS.has(name)) {
    code = "STORE_ACCESS_DENIED";
    message = `AWS rejected the credentials (${name}) for secretsmanager:${action}: they are invalid or expired. Refresh them (e.g. aws-actions/configure-aws-credentials).`;
  } else if (name === "DecryptionFailure" || name === "EncryptionFailure") {
    code = "STORE_ACCESS_DENIED";
    message = `secretsmanager:${action} on "${secretId}" failed with ${name}: the identity needs kms:Decrypt and kms:GenerateDataKey on the secret's KMS key.`;
  } else if (name === "ResourceNotFoundException") {
    code = "STORE_NOT_FOUND";
    message = `Secret "${secretId}" was not found (secretsmanager:${action}).`;
  } else if (THROTTLING.has(name)) {
    code = "STORE_THROTTLED";
    message = `AWS throttled secretsmanager:${action}${attempts ? ` ${attempts} times in a row` : ""}. Secrets Manager allows about 50 writes per second per region across PutSecretValue, UpdateSecret and UpdateSecretVersionStage; retry later or spread rotations out.`;
  } else if (name === "CredentialsProviderError") {
    code = "STORE_AUTH_MISSING";
    message = "No AWS credentials were found. Provide them the usual way: aws-actions/configure-aws-credentials (GitHub OIDC), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance/task role.";
  } else if (/region is missing/i.test(shape.message ?? "")) {
    code = "STORE_AUTH_MISSING";
    message = "No AWS region is configured: set AWS_REGION, use a secret ARN, or configure a profile region.";
  } else if (name === "InternalServiceError" || status !== void 0 && status >= 500) {
    code = "STORE_UNAVAILABLE";
    message = `Secrets Manager failed secretsmanager:${action} (${name}${status ? `, HTTP ${status}` : ""}); retry later.`;
  } else if (status === void 0 && (name === "TimeoutError" || shape.code === "ETIMEDOUT")) {
    code = "STORE_UNAVAILABLE";
    message = `Secrets Manager did not answer secretsmanager:${action} in time${attempts ? ` (${attempts} attempt(s))` : ""}. Check the endpoint and network, or raise PASSGENI_AWS_REQUEST_TIMEOUT_MS / PASSGENI_AWS_CONNECT_TIMEOUT_MS.`;
  } else if (status === void 0) {
    code = "STORE_UNAVAILABLE";
    message = `Could not reach Secrets Manager for secretsmanager:${action} (${shape.code ?? name}).`;
  } else if (name === "InvalidRequestException") {
    message = `AWS refused secretsmanager:${action} on "${secretId}" (InvalidRequestException): the secret may be scheduled for deletion or managed by another service.`;
  } else {
    message = `secretsmanager:${action} on "${secretId}" failed (${name}, HTTP ${status}).`;
  }
  if (prefix) message = `${prefix} ${message}`;
  return new StoreError(code, message, { store });
}

// adapters/aws-secrets-manager/tags.ts
var CERT_URL_TAG = "passgeni-cert-url";
var CERT_KEY_TAG = "passgeni-cert-key";
function certUrlFromTags(tags, key) {
  const tag = (name) => tags?.find((t) => t.Key === name)?.Value;
  return urlForKey(tag(CERT_URL_TAG), tag(CERT_KEY_TAG), key);
}

// adapters/aws-secrets-manager/list.ts
async function* listSecrets(client, prefix) {
  let nextToken;
  do {
    let page;
    try {
      page = await client.send(
        new ListSecretsCommand({
          ...prefix.namePrefix !== "" && { Filters: [{ Key: "name", Values: [prefix.namePrefix] }] },
          ...nextToken !== void 0 && { NextToken: nextToken }
        })
      );
    } catch (error) {
      throw mapAwsError(prefix.uri, prefix.namePrefix || "*", "ListSecrets", error);
    }
    for (const entry of page.SecretList ?? []) {
      if (!entry.Name) continue;
      const key = entry.Tags?.find((t) => t.Key === CERT_KEY_TAG)?.Value ?? "";
      yield {
        uri: `aws-sm://${entry.Name}${key ? `#${encodeUriComponentLoose(key)}` : ""}`,
        certUrl: certUrlFromTags(entry.Tags, key)
      };
    }
    nextToken = page.NextToken;
  } while (nextToken);
}

// adapters/aws-secrets-manager/request-token.ts
import { createHash } from "node:crypto";
var TOKEN_NAMESPACE = Buffer.from("6f1d3c1e8a0b4c52b1e4a7f0c2d9e8b3", "hex");
function requestToken(secretId, certId) {
  const hash = createHash("sha1").update(TOKEN_NAMESPACE).update(`${secretId}
${certId}`, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] ?? 0) & 15 | 80;
  bytes[8] = (bytes[8] ?? 0) & 63 | 128;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// adapters/aws-secrets-manager/store.ts
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand
} from "@aws-sdk/client-secrets-manager";

// adapters/aws-secrets-manager/secret-string.ts
function withCredential(previous, credential, parsed) {
  const { jsonKey, secretId, uri } = parsed;
  if (jsonKey === void 0) return credential;
  if (previous === void 0) return JSON.stringify({ [jsonKey]: credential });
  if (previous.text === void 0) {
    throw new StoreError(
      "STORE_INVALID_VALUE",
      `Secret "${secretId}" holds binary data, so #${jsonKey} cannot be set inside it. Nothing was written.`,
      { store: uri }
    );
  }
  try {
    return spliceMember(previous.text, jsonKey, JSON.stringify(credential));
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : "it could not be parsed";
    throw new StoreError(
      "STORE_INVALID_VALUE",
      `Cannot set #${jsonKey} in secret "${secretId}": ${reason}. Nothing was written.`,
      { store: uri }
    );
  }
}
function credentialIn(text, parsed) {
  const { jsonKey, secretId, uri } = parsed;
  if (jsonKey === void 0) return text;
  let value;
  try {
    value = parseObjectText(text).value;
  } catch {
    throw new StoreError("STORE_INVALID_VALUE", `Secret "${secretId}" is not a JSON object.`, { store: uri });
  }
  return stringMember(value, jsonKey, `#${jsonKey} in "${secretId}"`, uri);
}

// adapters/aws-secrets-manager/store.ts
var PENDING_STAGE = "PASSGENI_PENDING";
var TAG_VALUE_MAX = 256;
var AwsSecretsManagerStore = class {
  constructor(parsed, context) {
    this.parsed = parsed;
    this.uri = parsed.uri;
    this.client = createClient(context, parsed.arnRegion);
  }
  parsed;
  kind = "aws-sm";
  uri;
  client;
  fail(action, error, prefix) {
    return mapAwsError(this.uri, this.parsed.secretId, action, error, prefix);
  }
  /** The call's result, or undefined when the secret does not exist. */
  async unlessMissing(action, call) {
    try {
      return await call();
    } catch (error) {
      if (errorName(error) === "ResourceNotFoundException") return void 0;
      throw this.fail(action, error);
    }
  }
  tags(request) {
    return [
      { Key: CERT_URL_TAG, Value: request.certUrl },
      { Key: CERT_KEY_TAG, Value: this.parsed.jsonKey ?? "" }
    ];
  }
  /** Checked before anything is written, so a too-long URL cannot leave a value without its tag. */
  checkTagLimits(request) {
    for (const { Key, Value = "" } of this.tags(request)) {
      if (Value.length > TAG_VALUE_MAX) {
        throw new StoreError(
          "STORE_INVALID_VALUE",
          `The ${Key} tag would be ${Value.length} characters; AWS allows ${TAG_VALUE_MAX}. Nothing was written.`,
          { store: this.uri }
        );
      }
    }
  }
  async current() {
    return this.unlessMissing("GetSecretValue", async () => {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.parsed.secretId }));
      if (!out.VersionId) throw new Error("missing VersionId");
      return { versionId: out.VersionId, text: out.SecretString };
    });
  }
  describe() {
    return this.unlessMissing(
      "DescribeSecret",
      () => this.client.send(new DescribeSecretCommand({ SecretId: this.parsed.secretId }))
    );
  }
  /** DescribeSecret: resolves the region and credentials, and says whether the secret exists. */
  async preflight() {
    if (await this.describe() === void 0 && !this.parsed.create) throw this.notFound();
  }
  notFound() {
    const secretId = this.parsed.secretId;
    return new StoreError(
      "STORE_NOT_FOUND",
      `Secret "${secretId}" does not exist. passgeni never creates secrets unless asked: add ?create=true to the URI (e.g. aws-sm://${secretId}?create=true) or create it first.`,
      { store: this.uri }
    );
  }
  async write(request) {
    this.checkTagLimits(request);
    const secretId = this.parsed.secretId;
    const token = requestToken(secretId, request.certId);
    const previous = await this.current();
    let version;
    if (previous === void 0) {
      if (await this.describe() === void 0) {
        if (!this.parsed.create) throw this.notFound();
        return { store: this.uri, version: await this.create(request, token) };
      }
      version = await this.put(withCredential(void 0, request.credential, this.parsed), token, void 0);
    } else if (previous.versionId === token) {
      version = token;
    } else {
      const next = withCredential(previous, request.credential, this.parsed);
      version = await this.put(next, token, [PENDING_STAGE]);
      await this.promote(version, previous.versionId);
    }
    try {
      await this.client.send(new TagResourceCommand({ SecretId: secretId, Tags: this.tags(request) }));
    } catch (error) {
      const cause = this.fail("TagResource", error).message;
      throw urlNotAttached(this.uri, `version ${version}, AWSCURRENT`, cause, version);
    }
    return { store: this.uri, version };
  }
  async put(text, token, stages) {
    try {
      const out = await this.client.send(
        new PutSecretValueCommand({
          SecretId: this.parsed.secretId,
          SecretString: text,
          ClientRequestToken: token,
          ...stages && { VersionStages: stages }
        })
      );
      return out.VersionId ?? token;
    } catch (error) {
      if (errorName(error) === "ResourceExistsException") {
        throw new StoreError(
          "STORE_CONFLICT",
          `A version for this certificate already exists in "${this.parsed.secretId}" with different content: the secret changed between attempts. Nothing was made current; issue a new certificate and retry.`,
          { store: this.uri }
        );
      }
      throw this.fail("PutSecretValue", error);
    }
  }
  /**
   * Moves AWSCURRENT from the version we read to ours. AWS refuses when AWSCURRENT is no longer on
   * `from`, which makes this a compare-and-swap: a writer that got in between is detected, and
   * its value stays current.
   */
  async promote(to, from) {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.parsed.secretId,
          VersionStage: "AWSCURRENT",
          MoveToVersionId: to,
          RemoveFromVersionId: from
        })
      );
    } catch (error) {
      const name = errorName(error);
      const status = error.$metadata?.httpStatusCode;
      if (status !== void 0 && status < 500 && name !== "AccessDeniedException" && !THROTTLING.has(name) && !BAD_CREDENTIALS.has(name)) {
        const now = await this.current();
        if (now?.versionId === to) return;
        if (now?.versionId !== from) {
          throw new StoreError(
            "STORE_CONFLICT",
            `Secret "${this.parsed.secretId}" was changed by another writer after it was read (AWSCURRENT moved from version ${from}); their value stays current and nothing of ours was made current. Re-run to write on top of it.`,
            { store: this.uri }
          );
        }
      }
      throw this.fail(
        "UpdateSecretVersionStage",
        error,
        "The new value was written as a version but not made current; the previous value is still AWSCURRENT."
      );
    } finally {
      await this.dropPending(to);
    }
  }
  /** Best effort: a leftover label is harmless, an unlabelled version is eventually deleted by AWS. */
  async dropPending(versionId) {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.parsed.secretId,
          VersionStage: PENDING_STAGE,
          RemoveFromVersionId: versionId
        })
      );
    } catch {
    }
  }
  async create(request, token) {
    try {
      const out = await this.client.send(
        new CreateSecretCommand({
          Name: this.parsed.secretId,
          SecretString: withCredential(void 0, request.credential, this.parsed),
          ClientRequestToken: token,
          Tags: this.tags(request)
        })
      );
      return out.VersionId ?? token;
    } catch (error) {
      if (errorName(error) === "ResourceExistsException") {
        const now = await this.current();
        if (now?.versionId === token) return token;
        throw new StoreError(
          "STORE_CONFLICT",
          `Secret "${this.parsed.secretId}" was created by another writer at the same time; nothing was written. Re-run to write on top of it.`,
          { store: this.uri }
        );
      }
      throw this.fail("CreateSecret", error);
    }
  }
  async readCredential() {
    const current = await this.current();
    if (current?.text === void 0) return void 0;
    return credentialIn(current.text, this.parsed);
  }
  async readCertificateUrl() {
    return certUrlFromTags((await this.describe())?.Tags, this.parsed.jsonKey ?? "");
  }
};
export {
  AwsSecretsManagerStore,
  CERT_KEY_TAG,
  CERT_URL_TAG,
  PENDING_STAGE,
  createClient,
  listSecrets,
  requestToken
};

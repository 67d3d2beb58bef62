import {
  StoreError
} from "./chunk-YNJCMOEG.js";

// adapters/uri.ts
var STORE_SHAPES = {
  "aws-sm": "aws-sm://<secret name or ARN>[#<json-key>][?create=true]",
  vault: "vault://<mount>/<path>#<key>",
  doppler: "doppler://<project>/<config>/<SECRET_NAME>",
  k8s: "k8s://<namespace>/<secret>#<key>",
  file: "file://<path>#<KEY> (relative paths are resolved against the working directory)"
};
function invalid(uri, problem, kind) {
  const shapes = kind ? `Expected ${STORE_SHAPES[kind]}.` : `Expected one of: ${Object.values(STORE_SHAPES).join(", ")}.`;
  return new StoreError("STORE_URI_INVALID", `Store URI "${uri}" is invalid: ${problem}. ${shapes}`, {
    store: uri
  });
}
function decode(uri, part, what, kind) {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(uri, `${what} "${part}" has a malformed %-escape`, kind);
  }
}
function splitUri(uri) {
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  if (!schemeMatch) throw invalid(uri, "it has no scheme (such as vault://)");
  const scheme = (schemeMatch[1] ?? "").toLowerCase();
  if (!Object.hasOwn(STORE_SHAPES, scheme)) throw invalid(uri, `unknown store scheme "${scheme}"`);
  let rest = uri.slice(schemeMatch[0].length);
  let fragment;
  let queryText;
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf("?");
  if (question >= 0) {
    queryText = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (fragment !== void 0 && queryText === void 0) {
    const trailing = /\?((?:create)=[^?#]*)$/.exec(fragment);
    if (trailing) {
      queryText = trailing[1];
      fragment = fragment.slice(0, trailing.index);
    }
  }
  return {
    kind: scheme,
    body: rest,
    fragment,
    query: queryText === void 0 ? void 0 : new URLSearchParams(queryText)
  };
}
var RESERVED_KEYS = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
function checkedKey(uri, key, kind) {
  if (RESERVED_KEYS.has(key)) {
    throw invalid(
      uri,
      `"${key}" cannot be used as a key (it is reserved by JavaScript objects); choose another key name`,
      kind
    );
  }
  return key;
}
function requireKey(uri, parts) {
  if (parts.fragment === void 0 || parts.fragment === "") {
    throw invalid(uri, "the key inside the secret is missing (add #<key>)", parts.kind);
  }
  return checkedKey(uri, decode(uri, parts.fragment, "key", parts.kind), parts.kind);
}
function segments(uri, parts, what) {
  const raw = parts.body.split("/");
  return raw.map((segment) => {
    if (segment === "") throw invalid(uri, `${what} has an empty path segment`, parts.kind);
    const decoded = decode(uri, segment, "path segment", parts.kind);
    if (decoded === "." || decoded === "..") {
      throw invalid(uri, `"${decoded}" is not allowed as a path segment`, parts.kind);
    }
    return decoded;
  });
}
var AWS_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
var AWS_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
function parseAws(uri, parts) {
  const secretId = decode(uri, parts.body, "secret name", "aws-sm");
  let arnRegion;
  if (secretId.startsWith("arn:")) {
    const arn = AWS_ARN.exec(secretId);
    if (!arn) throw invalid(uri, "the ARN is not a Secrets Manager secret ARN", "aws-sm");
    arnRegion = arn[1];
  } else if (!AWS_NAME.test(secretId)) {
    throw invalid(uri, "a secret name is 1-512 characters of letters, digits and / _ + = . @ -", "aws-sm");
  }
  let create = false;
  for (const [name, value] of parts.query ?? []) {
    if (name !== "create") throw invalid(uri, `unknown option "${name}" (only create=true|false)`, "aws-sm");
    if (value !== "true" && value !== "false") throw invalid(uri, `create must be true or false`, "aws-sm");
    create = value === "true";
  }
  if (create && arnRegion !== void 0) {
    throw invalid(uri, "a secret cannot be created from an ARN; name it instead", "aws-sm");
  }
  const parsed = { kind: "aws-sm", uri, secretId, create };
  if (arnRegion !== void 0) parsed.arnRegion = arnRegion;
  if (parts.fragment !== void 0) {
    if (parts.fragment === "") throw invalid(uri, "the #json-key is empty", "aws-sm");
    parsed.jsonKey = checkedKey(uri, decode(uri, parts.fragment, "JSON key", "aws-sm"), "aws-sm");
  }
  return parsed;
}
function parseVault(uri, parts) {
  const segs = segments(uri, parts, "the Vault path");
  if (segs.length < 2) throw invalid(uri, "both a mount and a secret path are needed", "vault");
  const [mount, ...path] = segs;
  return { kind: "vault", uri, mount, path: path.join("/"), key: requireKey(uri, parts) };
}
var DOPPLER_NAME = /^[A-Z_][A-Z0-9_]*$/;
function parseDoppler(uri, parts) {
  if (parts.fragment !== void 0) {
    throw invalid(uri, "a Doppler secret has no keys inside it (remove the #\u2026)", "doppler");
  }
  const segs = segments(uri, parts, "the Doppler address");
  if (segs.length !== 3) throw invalid(uri, "exactly project, config and secret name are needed", "doppler");
  const [project, config, name] = segs;
  if (!DOPPLER_NAME.test(name)) {
    throw invalid(
      uri,
      `Doppler secret names are upper-case letters, digits and underscores, not starting with a digit ("${name}" is not)`,
      "doppler"
    );
  }
  return { kind: "doppler", uri, project, config, name };
}
var DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
var DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
var K8S_DATA_KEY = /^[-._a-zA-Z0-9]+$/;
function parseK8s(uri, parts) {
  const segs = segments(uri, parts, "the Kubernetes address");
  if (segs.length !== 2) throw invalid(uri, "exactly a namespace and a secret name are needed", "k8s");
  const [namespace, name] = segs;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw invalid(uri, `namespace "${namespace}" is not a DNS-1123 label`, "k8s");
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw invalid(uri, `secret name "${name}" is not a DNS-1123 subdomain`, "k8s");
  }
  const key = requireKey(uri, parts);
  if (key.length > 253 || !K8S_DATA_KEY.test(key)) {
    throw invalid(uri, `data key "${key}" may only contain letters, digits, "-", "_" and "."`, "k8s");
  }
  return { kind: "k8s", uri, namespace, name, key };
}
var DOTENV_KEY = /^[\w.-]+$/;
function parseFilePath(uri, parts) {
  if (parts.body === "") throw invalid(uri, "the file path is empty", "file");
  const body = parts.body.startsWith("localhost/") ? parts.body.slice("localhost".length) : parts.body;
  const path = decode(uri, body, "file path", "file");
  if (path.includes("\0")) throw invalid(uri, "the file path contains a NUL character", "file");
  return path;
}
function parseFile(uri, parts) {
  const path = parseFilePath(uri, parts);
  if (path.endsWith("/")) throw invalid(uri, "the path names a directory, not a file", "file");
  const key = requireKey(uri, parts);
  const format = path.toLowerCase().endsWith(".json") ? "json" : "dotenv";
  if (format === "dotenv" && !DOTENV_KEY.test(key)) {
    throw invalid(
      uri,
      `dotenv keys may only contain letters, digits, "_", "." and "-" ("${key}" does not)`,
      "file"
    );
  }
  return { kind: "file", uri, path, key, format };
}
function parseStoreUri(input) {
  const uri = input.trim();
  const parts = splitUri(uri);
  if (parts.query !== void 0 && parts.kind !== "aws-sm") {
    throw invalid(uri, "this store takes no ?options", parts.kind);
  }
  switch (parts.kind) {
    case "aws-sm":
      return parseAws(uri, parts);
    case "vault":
      return parseVault(uri, parts);
    case "doppler":
      return parseDoppler(uri, parts);
    case "k8s":
      return parseK8s(uri, parts);
    case "file":
      return parseFile(uri, parts);
  }
}
function parseStorePrefix(input) {
  const uri = input.trim();
  const parts = splitUri(uri);
  const invalidPrefix = (problem) => new StoreError(
    "STORE_URI_INVALID",
    `Store prefix "${uri}" is invalid: ${problem}. Expected one of: aws-sm://[<name prefix>], vault://<mount>[/<path prefix>], file://<file or directory>.`,
    { store: uri }
  );
  if (parts.fragment !== void 0 || parts.query !== void 0) {
    throw invalidPrefix("a prefix takes no #key or ?options");
  }
  switch (parts.kind) {
    case "aws-sm": {
      const namePrefix = decode(uri, parts.body, "name prefix", "aws-sm");
      if (namePrefix.startsWith("arn:")) throw invalidPrefix("list by name prefix, not by ARN");
      if (namePrefix !== "" && !AWS_NAME.test(namePrefix))
        throw invalidPrefix("the name prefix has invalid characters");
      return { kind: "aws-sm", uri, namePrefix };
    }
    case "vault": {
      const trimmed = parts.body.replace(/\/+$/, "");
      if (trimmed === "") throw invalidPrefix("the mount is missing");
      const segs = segments(uri, { ...parts, body: trimmed }, "the Vault prefix");
      const [mount, ...rest] = segs;
      return { kind: "vault", uri, mount, pathPrefix: rest.join("/") };
    }
    case "file":
      return { kind: "file", uri, path: parseFilePath(uri, parts) };
    default:
      throw invalidPrefix(`${parts.kind}:// stores cannot be listed`);
  }
}
function encodeUriComponentLoose(value) {
  return value.replace(/[%#?]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export {
  parseStoreUri,
  parseStorePrefix,
  encodeUriComponentLoose
};

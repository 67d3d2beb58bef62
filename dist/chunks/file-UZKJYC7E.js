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
  StoreError
} from "./chunk-YNJCMOEG.js";
import "./chunk-FKYOR5TL.js";

// adapters/file/atomic.ts
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readFile, realpath, rename, rm } from "node:fs/promises";
import path from "node:path";
var FILE_MODE = 384;
var BACKUP_SUFFIX = ".passgeni.bak";
async function readIfExists(file, noFollow = false) {
  try {
    if (!noFollow) return await readFile(file);
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
}
async function isSymlink(file) {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch (error) {
    if (error.code === "ENOENT") return false;
    throw error;
  }
}
async function permissions(file) {
  try {
    return (await lstat(file)).mode & 511;
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
}
function digest(content) {
  return content === void 0 ? "absent" : createHash("sha256").update(content).digest("hex");
}
async function syncDirectory(dir) {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
  } finally {
    await handle?.close();
  }
}
async function writeTemp(target, content, mode = FILE_MODE) {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`
  );
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}
async function atomicWrite(target, content) {
  const temp = await writeTemp(target, content);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(target));
}
async function resolveTarget(file) {
  return path.join(await realpath(path.dirname(file)), path.basename(file));
}

// adapters/file/list.ts
import { readFile as readFile3, readdir, stat } from "node:fs/promises";
import path2 from "node:path";

// adapters/internal/dotenv-text.ts
var DotenvValueError = class extends Error {
};
var BACKTICK = "`";
var ENTRY = new RegExp(
  [
    String.raw`^\s*(?:export\s+)?`,
    String.raw`([\w.-]+)`,
    String.raw`(\s*=\s*?|:\s+?)`,
    "(",
    String.raw`\s*'(?:\\'|[^'])*'`,
    String.raw`|\s*"(?:\\"|[^"])*"`,
    String.raw`|\s*${BACKTICK}(?:\\${BACKTICK}|[^${BACKTICK}])*${BACKTICK}`,
    String.raw`|[^#\r\n]+`,
    ")?",
    String.raw`\s*(?:#.*)?$`
  ].join(""),
  "gmd"
);
var QUOTED = /^(['"`])([\s\S]*)\1$/gm;
function normalise(text) {
  let normalised = "";
  const toOriginal = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    toOriginal.push(i);
    if (ch === "\r") {
      normalised += "\n";
      if (text[i + 1] === "\n") i++;
    } else {
      normalised += ch;
    }
  }
  toOriginal.push(text.length);
  return { normalised, toOriginal };
}
function decodeValue(raw) {
  let value = raw.trim();
  const quote = value[0];
  value = value.replace(QUOTED, "$2");
  if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
  return value;
}
function parseDotenvEntries(text) {
  const { normalised, toOriginal } = normalise(text);
  const entries = [];
  ENTRY.lastIndex = 0;
  for (let match = ENTRY.exec(normalised); match !== null; match = ENTRY.exec(normalised)) {
    if (match[0] === "") {
      ENTRY.lastIndex++;
      continue;
    }
    const indices = match.indices;
    const key = match[1];
    const raw = match[3];
    let coreStart;
    let coreEnd;
    if (raw === void 0 || raw.trim() === "") {
      const at = raw === void 0 ? indices?.[2]?.[1] ?? 0 : indices?.[3]?.[0] ?? 0;
      coreStart = at;
      coreEnd = at;
    } else {
      const groupStart = indices?.[3]?.[0] ?? 0;
      coreStart = groupStart + (raw.length - raw.trimStart().length);
      coreEnd = groupStart + raw.trimEnd().length;
    }
    entries.push({
      key,
      value: decodeValue(raw ?? ""),
      coreStart: toOriginal[coreStart] ?? text.length,
      coreEnd: toOriginal[coreEnd] ?? text.length
    });
  }
  return entries;
}
function parseDotenv(text) {
  return new Map(parseDotenvEntries(text).map((e) => [e.key, e.value]));
}
var BARE_SAFE = /^[A-Za-z0-9_@%+=:,./~^-]+$/;
var UNWRITABLE = /[\u0000-\u001f\u007f\u2028\u2029]/;
function candidateEncodings(value) {
  const candidates = [];
  if (BARE_SAFE.test(value)) candidates.push(value);
  if (!value.includes("'")) candidates.push(`'${value}'`);
  if (!value.includes(BACKTICK)) candidates.push(`${BACKTICK}${value}${BACKTICK}`);
  if (!value.includes('"') && !/\\[nr]/.test(value)) candidates.push(`"${value}"`);
  return candidates;
}
function sameOthers(before, after, key) {
  for (const [k, v] of before) if (k !== key && after.get(k) !== v) return false;
  for (const k of after.keys()) if (k !== key && !before.has(k)) return false;
  return true;
}
function setDotenvValue(text, key, value) {
  if (UNWRITABLE.test(value)) {
    throw new DotenvValueError(
      "the value contains a control character or line break, which a one-line dotenv value cannot hold"
    );
  }
  const entries = parseDotenvEntries(text);
  const before = new Map(entries.map((e) => [e.key, e.value]));
  const target = entries.findLast((e) => e.key === key);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  for (const encoded of candidateEncodings(value)) {
    let next;
    if (target) {
      next = text.slice(0, target.coreStart) + encoded + text.slice(target.coreEnd);
    } else {
      const separator = text === "" || text.endsWith("\n") || text.endsWith("\r") ? "" : eol;
      next = `${text}${separator}${key}=${encoded}${eol}`;
    }
    const after = parseDotenv(next);
    if (after.get(key) === value && sameOthers(before, after, key)) return next;
  }
  throw new DotenvValueError(
    "the value cannot be written so that dotenv reads it back exactly: it contains all three quote characters ' \" ` (or \" together with a literal \\n or \\r). Exclude ' or ` from the generated character set"
  );
}

// adapters/file/errors.ts
function fsError(store, error, doing, credentialWritten = false) {
  const code = error.code;
  let storeCode = "STORE_WRITE_FAILED";
  if (code === "ENOENT" || code === "ENOTDIR") storeCode = "STORE_NOT_FOUND";
  else if (code === "EACCES" || code === "EPERM" || code === "EROFS") storeCode = "STORE_ACCESS_DENIED";
  if (credentialWritten) storeCode = "STORE_METADATA_FAILED";
  return new StoreError(storeCode, `Could not ${doing}${code ? ` (${code})` : ""}.`, {
    store,
    credentialWritten
  });
}
async function fsStep(store, doing, run) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw fsError(store, error, doing);
  }
}

// adapters/file/formats.ts
function render(format, before, key, credential, store) {
  try {
    if (format === "dotenv") return setDotenvValue(before ?? "", key, credential);
    const value = JSON.stringify(credential);
    const bom = before?.startsWith("\uFEFF") ? "\uFEFF" : "";
    const body = before === void 0 ? "" : before.slice(bom.length);
    if (body.trim() === "") return `${bom}{
  ${JSON.stringify(key)}: ${value}
}
`;
    return bom + spliceMember(body, key, value);
  } catch (error) {
    const known = error instanceof JsonTextError || error instanceof DotenvValueError;
    throw new StoreError(
      "STORE_INVALID_VALUE",
      `Cannot set "${key}" in this ${format === "json" ? "JSON" : "dotenv"} file: ${known ? error.message : "the file could not be parsed"}. Nothing was written.`,
      { store }
    );
  }
}
function jsonObject(text) {
  return parseObjectText(text.startsWith("\uFEFF") ? text.slice(1) : text).value;
}
function readValue(text, format, key, store) {
  if (format === "dotenv") return parseDotenv(text).get(key);
  if (text.replace(/^\uFEFF/, "").trim() === "") return void 0;
  let value;
  try {
    value = jsonObject(text);
  } catch (error) {
    const reason = error instanceof JsonTextError ? error.message : "invalid JSON";
    throw new StoreError("STORE_INVALID_VALUE", `The JSON file cannot be read: ${reason}.`, { store });
  }
  return stringMember(value, key, `"${key}" in the JSON file`, store);
}

// adapters/file/lock.ts
import { open as open2, readFile as readFile2, rm as rm2 } from "node:fs/promises";
import { hostname } from "node:os";
var LOCK_SUFFIX = ".passgeni.lock";
function processIsGone(pid) {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}
async function acquireLock(target, store) {
  const lockPath = target + LOCK_SUFFIX;
  const body = JSON.stringify({ pid: process.pid, host: hostname(), since: (/* @__PURE__ */ new Date()).toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open2(lockPath, "wx", FILE_MODE);
      await handle.writeFile(body);
      await handle.close();
      return async () => {
        await rm2(lockPath, { force: true });
      };
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      let holder = {};
      try {
        holder = JSON.parse(await readFile2(lockPath, "utf8"));
      } catch {
      }
      const stale = holder.host === hostname() && typeof holder.pid === "number" && processIsGone(holder.pid);
      if (attempt === 0 && stale) {
        await rm2(lockPath, { force: true });
        continue;
      }
      const who = typeof holder.pid === "number" ? ` (pid ${holder.pid} on ${String(holder.host)})` : "";
      throw new StoreError(
        "STORE_CONFLICT",
        `Another writer${who} is updating this file: ${lockPath} exists. Nothing was written. If no passgeni process is running, delete the lock file and retry.`,
        { store }
      );
    }
  }
}

// adapters/file/sidecar.ts
var SIDECAR_SUFFIX = ".passgeni.json";
async function readSidecar(target) {
  const raw = await readIfExists(target + SIDECAR_SUFFIX);
  if (raw === void 0) return {};
  const parsed = JSON.parse(raw.toString("utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SyntaxError("sidecar is not a JSON object");
  }
  return parsed;
}

// adapters/file/list.ts
var OWN_SUFFIXES = [SIDECAR_SUFFIX, BACKUP_SUFFIX, LOCK_SUFFIX, ".tmp"];
var TEMPLATE_SUFFIXES = [".example", ".sample", ".template", ".dist"];
function looksLikeDotenv(name) {
  if (TEMPLATE_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return name === ".env" || name.startsWith(".env.") || name.endsWith(".env");
}
async function* listFiles(baseDir, prefix) {
  const absolute = path2.resolve(baseDir, prefix.path);
  let found;
  try {
    found = await stat(absolute);
  } catch (error) {
    throw fsError(prefix.uri, error, `read ${absolute}`);
  }
  const files = [];
  if (found.isDirectory()) {
    const names = (await readdir(absolute)).sort();
    const present = new Set(names);
    for (const name of names) {
      if (OWN_SUFFIXES.some((s) => name.endsWith(s))) continue;
      if (looksLikeDotenv(name) || present.has(name + SIDECAR_SUFFIX)) {
        files.push({ shown: path2.posix.join(prefix.path, name), absolute: path2.join(absolute, name) });
      }
    }
  } else {
    files.push({ shown: prefix.path, absolute });
  }
  for (const file of files) {
    const text = (await readFile3(file.absolute)).toString("utf8");
    let keys;
    if (!file.absolute.toLowerCase().endsWith(".json")) {
      keys = [...parseDotenv(text).keys()];
    } else {
      try {
        const value = jsonObject(text);
        keys = Object.keys(value).filter((k) => typeof value[k] === "string");
      } catch {
        continue;
      }
    }
    let records = {};
    try {
      records = await readSidecar(file.absolute);
    } catch {
    }
    for (const key of keys) {
      const record = Object.hasOwn(records, key) ? records[key] : void 0;
      yield {
        uri: `file://${encodeUriComponentLoose(file.shown)}#${encodeUriComponentLoose(key)}`,
        certUrl: typeof record?.cert_url === "string" ? record.cert_url : void 0
      };
    }
  }
}

// adapters/file/store.ts
import { constants as constants2 } from "node:fs";
import { access, realpath as realpath2, rename as rename2, rm as rm3 } from "node:fs/promises";
import path3 from "node:path";
var FileStore = class {
  constructor(parsed, baseDir) {
    this.parsed = parsed;
    this.unsupportedCharacters = parsed.format === "dotenv" ? "`\\" : "";
    this.uri = parsed.uri;
    this.filePath = path3.resolve(baseDir, parsed.path);
  }
  parsed;
  kind = "file";
  uri;
  filePath;
  /**
   * dotenv has no escape that works inside every quote style, so a value holding ', " and `
   * together cannot be written back exactly; without ` it always can (in backticks). A value
   * ending in \ is written fine but leaves its closing quote looking escaped to dotenv's parser,
   * so a later value with that quote on another line would change how the file reads: without \
   * that cannot happen either.
   */
  unsupportedCharacters;
  /** Where reads go: the file itself or, for a symlink, its target (reading one is harmless). */
  async readTarget() {
    try {
      return await realpath2(this.filePath);
    } catch {
      return this.filePath;
    }
  }
  /**
   * A link planted at the file, its backup or its sidecar would make us write the credential (or
   * its previous value) wherever the link points, so all three must be plain files or absent.
   */
  async refuseSymlinks(target) {
    for (const file of [target, target + BACKUP_SUFFIX, target + SIDECAR_SUFFIX]) {
      if (await fsStep(this.uri, `inspect ${file}`, () => isSymlink(file)))
        throw symlinkRefused(this.uri, file);
    }
  }
  async preflight() {
    const store = this.uri;
    const dir = path3.dirname(this.filePath);
    const target = await fsStep(store, `find the directory ${dir}`, () => resolveTarget(this.filePath)).catch(
      (error) => {
        if (error instanceof StoreError && error.code === "STORE_NOT_FOUND") {
          throw new StoreError(
            "STORE_NOT_FOUND",
            `The directory ${dir} does not exist. Create it (mkdir -p ${JSON.stringify(dir)}) or fix the path in the store URI.`,
            { store }
          );
        }
        throw error;
      }
    );
    await this.refuseSymlinks(target);
    await fsStep(
      store,
      `create files in ${path3.dirname(target)}`,
      () => access(path3.dirname(target), constants2.W_OK | constants2.X_OK)
    );
    const before = await readTargetFile(store, target);
    if (before !== void 0) {
      await fsStep(store, `write ${target}`, () => access(target, constants2.R_OK | constants2.W_OK));
      render(this.parsed.format, before.toString("utf8"), this.parsed.key, "", store);
    }
    await this.readCertificateUrl();
  }
  async write(request) {
    const store = this.uri;
    const { key, format } = this.parsed;
    const target = await fsStep(
      store,
      `find the directory of ${this.filePath}`,
      () => resolveTarget(this.filePath)
    );
    await this.refuseSymlinks(target);
    const release = await fsStep(
      store,
      `create a lock file next to ${target}`,
      () => acquireLock(target, store)
    );
    try {
      const before = await readTargetFile(store, target);
      const next = render(format, before?.toString("utf8"), key, request.credential, store);
      const previousMode = await fsStep(store, `inspect ${target}`, () => permissions(target));
      const keepMode = previousMode !== void 0 && (previousMode & 127) === 0;
      const mode = keepMode ? previousMode : FILE_MODE;
      const notice = previousMode !== void 0 && !keepMode ? `${target} was mode ${octal(previousMode)} (readable or writable by others); it is now ${octal(FILE_MODE)}.` : void 0;
      let temp;
      try {
        await this.refuseSymlinks(target);
        temp = await writeTemp(target, next, mode);
        if (before !== void 0) await atomicWrite(target + BACKUP_SUFFIX, before);
        const current = await readIfExists(target, true);
        if (digest(current) !== digest(before)) {
          throw new StoreError(
            "STORE_CONFLICT",
            `${target} changed while the new value was being prepared; nothing was written. Re-run to write on top of the current file.`,
            { store }
          );
        }
        await rename2(temp, target);
        temp = void 0;
        await syncDirectory(path3.dirname(target));
      } catch (error) {
        if (temp !== void 0) await rm3(temp, { force: true });
        if (error instanceof StoreError) throw error;
        throw fsError(store, error, `replace ${target}`);
      }
      try {
        const records = await readSidecar(target);
        records[key] = {
          cert_url: request.certUrl,
          cert_id: request.certId,
          updated_at: (/* @__PURE__ */ new Date()).toISOString()
        };
        await atomicWrite(target + SIDECAR_SUFFIX, `${JSON.stringify(records, null, 2)}
`);
      } catch (error) {
        const reason = error instanceof SyntaxError ? "it is not valid JSON; fix or delete it" : `(${error.code ?? "error"})`;
        throw new StoreError(
          "STORE_METADATA_FAILED",
          `The credential was written to ${target}, but the certificate record ${target + SIDECAR_SUFFIX} could not be updated: ${reason}.`,
          { store, credentialWritten: true }
        );
      }
      return { store, ...notice !== void 0 && { notice } };
    } finally {
      await release();
    }
  }
  async readCredential() {
    const target = await this.readTarget();
    const raw = await fsStep(this.uri, `read ${target}`, () => readIfExists(target));
    if (raw === void 0) return void 0;
    return readValue(raw.toString("utf8"), this.parsed.format, this.parsed.key, this.uri);
  }
  async readCertificateUrl() {
    const target = await this.readTarget();
    let records;
    try {
      records = await readSidecar(target);
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new StoreError("STORE_INVALID_VALUE", `${target + SIDECAR_SUFFIX} is not valid JSON.`, {
          store: this.uri
        });
      }
      throw fsError(this.uri, error, `read ${target + SIDECAR_SUFFIX}`);
    }
    const record = Object.hasOwn(records, this.parsed.key) ? records[this.parsed.key] : void 0;
    return typeof record?.cert_url === "string" ? record.cert_url : void 0;
  }
};
function octal(mode) {
  return `0${mode.toString(8).padStart(3, "0")}`;
}
function symlinkRefused(store, file) {
  return new StoreError(
    "STORE_SYMLINK_REFUSED",
    `${file} is a symbolic link; passgeni writes only plain files, so that a planted link cannot redirect the credential. Nothing was written. Point the store URI at the real file, or remove the link.`,
    { store }
  );
}
async function readTargetFile(store, target) {
  try {
    return await readIfExists(target, true);
  } catch (error) {
    if (error.code === "ELOOP") throw symlinkRefused(store, target);
    throw fsError(store, error, `read ${target}`);
  }
}
export {
  BACKUP_SUFFIX,
  FileStore,
  LOCK_SUFFIX,
  SIDECAR_SUFFIX,
  listFiles
};

import {
  StoreError
} from "./chunk-YNJCMOEG.js";

// adapters/internal/json-text.ts
var JsonTextError = class extends Error {
};
function isWhitespace(code) {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
function skipWhitespace(text, index) {
  let i = index;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}
function scanString(text, start) {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 92) i += 2;
    else if (code === 34) return i + 1;
    else i++;
  }
  throw new JsonTextError("unterminated string");
}
function scanValue(text, start) {
  const first = text[start];
  if (first === '"') return scanString(text, start);
  if (first === "{" || first === "[") {
    let depth = 0;
    let i2 = start;
    while (i2 < text.length) {
      const ch = text[i2];
      if (ch === '"') {
        i2 = scanString(text, i2);
        continue;
      }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        depth--;
        if (depth === 0) return i2 + 1;
      }
      i2++;
    }
    throw new JsonTextError("unterminated container");
  }
  let i = start;
  while (i < text.length && !",}]".includes(text[i] ?? "") && !isWhitespace(text.charCodeAt(i))) i++;
  if (i === start) throw new JsonTextError(`unexpected character at ${start}`);
  return i;
}
function scanObject(text, open) {
  if (text[open] !== "{") throw new JsonTextError("not an object");
  const members = [];
  let leadStart = open + 1;
  let i = skipWhitespace(text, leadStart);
  if (text[i] === "}") return { open, members };
  for (; ; ) {
    const keyStart = i;
    const keyEnd = scanString(text, keyStart);
    const key = JSON.parse(text.slice(keyStart, keyEnd));
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") throw new JsonTextError('expected ":"');
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = scanValue(text, valueStart);
    members.push({ key, leadStart, keyStart, keyEnd, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ",") {
      leadStart = i + 1;
      i = skipWhitespace(text, leadStart);
      continue;
    }
    if (text[i] !== "}") throw new JsonTextError('expected "," or "}"');
    return { open, members };
  }
}
function parseObjectText(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonTextError("the value is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new JsonTextError("the value is JSON but not an object");
  }
  const layout = scanObject(text, skipWhitespace(text, 0));
  return { value, layout };
}
function spliceMember(text, key, valueJson) {
  const { layout } = parseObjectText(text);
  const hits = layout.members.filter((m) => m.key === key);
  if (hits.length > 1) {
    throw new JsonTextError(
      `the key "${key}" appears ${hits.length} times; readers disagree on which one counts`
    );
  }
  const hit = hits[0];
  if (hit) return text.slice(0, hit.valueStart) + valueJson + text.slice(hit.valueEnd);
  const keyJson = JSON.stringify(key);
  const last = layout.members.at(-1);
  if (!last) {
    return text.slice(0, layout.open + 1) + keyJson + ":" + valueJson + text.slice(layout.open + 1);
  }
  const indentation = text.slice(last.leadStart, last.keyStart);
  const separator = text.slice(last.keyEnd, last.valueStart);
  return text.slice(0, last.valueEnd) + "," + indentation + keyJson + separator + valueJson + text.slice(last.valueEnd);
}
function memberText(text, path) {
  let layout = parseObjectText(text).layout;
  let current;
  for (const [index, key] of path.entries()) {
    const member = layout.members.filter((m) => m.key === key).at(-1);
    if (!member) return void 0;
    current = text.slice(member.valueStart, member.valueEnd);
    if (index < path.length - 1) {
      if (text[member.valueStart] !== "{") return void 0;
      layout = scanObject(text, member.valueStart);
    }
  }
  return current;
}
function stringMember(object, key, what, store) {
  if (!Object.hasOwn(object, key)) return void 0;
  const found = object[key];
  if (typeof found !== "string")
    throw new StoreError("STORE_INVALID_VALUE", `${what} is not a string.`, { store });
  return found;
}

export {
  JsonTextError,
  parseObjectText,
  spliceMember,
  memberText,
  stringMember
};

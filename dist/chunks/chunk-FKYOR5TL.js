var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __reExport = (target, mod, secondTarget) => (__copyProps(target, mod, "default"), secondTarget && __copyProps(secondTarget, mod, "default"));

// src/errors.ts
var PassgeniError = class extends Error {
  code;
  exitCode;
  /** Extra machine-readable detail, safe to print (never secret material). */
  details;
  /** What to do about it; the message itself never names a front end's flag or input. */
  hint;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 3;
    this.details = options.details;
    this.hint = options.hint;
  }
  toJSON() {
    return {
      error: this.message,
      code: this.code,
      ...this.hint && { hint: this.hint },
      ...this.details ?? {}
    };
  }
};
var InputError = class extends PassgeniError {
  constructor(code, message, options = {}) {
    super(code, message, { ...options, exitCode: 2 });
  }
};
function isPassgeniError(value) {
  return value instanceof PassgeniError;
}
function errorMessage(value) {
  if (value instanceof Error) return value.message;
  return String(value);
}

export {
  __reExport,
  PassgeniError,
  InputError,
  isPassgeniError,
  errorMessage
};

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
  PassgeniError,
  InputError,
  isPassgeniError,
  errorMessage
};

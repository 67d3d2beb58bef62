import {
  PassgeniError
} from "./chunk-5NH2UF66.js";

// adapters/store.ts
var StoreError = class extends PassgeniError {
  store;
  credentialWritten;
  version;
  constructor(code, message, options) {
    super(code, message, {
      exitCode: options.exitCode ?? (code === "STORE_URI_INVALID" ? 2 : 3),
      details: {
        store: options.store,
        credential_written: options.credentialWritten ?? false,
        ...options.version !== void 0 && { version: options.version }
      },
      cause: options.cause
    });
    this.store = options.store;
    this.credentialWritten = options.credentialWritten ?? false;
    this.version = options.version;
  }
};

export {
  StoreError
};

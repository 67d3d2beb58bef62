import {
  PassgeniError
} from "./chunk-FKYOR5TL.js";

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
function urlNotAttached(store, stored, cause, version) {
  return new StoreError(
    "STORE_METADATA_FAILED",
    `The new credential is stored (${stored}) but its certificate URL was not attached: ${cause}`,
    { store, credentialWritten: true, ...version !== void 0 && { version } }
  );
}
function urlForKey(url, forKey, key) {
  if (typeof forKey === "string" && forKey !== key) return void 0;
  return typeof url === "string" && url !== "" ? url : void 0;
}

export {
  StoreError,
  urlNotAttached,
  urlForKey
};

import {
  credentialBindingSchema
} from "./chunk-VFYYTOKF.js";
import {
  InputError
} from "./chunk-FKYOR5TL.js";

// src/certificate/binding.ts
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
var DEFAULTS = { N: 2 ** 15, r: 8, p: 1 };
var SALT_BYTES = 16;
var DIGEST_BYTES = 32;
function scryptAsync(credential, salt, params) {
  const options = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 2 * 128 * params.N * params.r
  };
  return new Promise((resolve, reject) => {
    scrypt(credential, salt, DIGEST_BYTES, options, (error, key) => error ? reject(error) : resolve(key));
  });
}
async function computeCredentialBinding(credential, options = {}) {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const digest = await scryptAsync(credential, salt, DEFAULTS);
  return {
    alg: "scrypt",
    N: DEFAULTS.N,
    r: DEFAULTS.r,
    p: DEFAULTS.p,
    salt: Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString("base64url"),
    digest: digest.toString("base64url")
  };
}
async function checkCredentialBinding(credential, binding) {
  const checked = credentialBindingSchema.safeParse(binding);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => ({
      path: ["credential_binding", ...i.path].join("."),
      message: i.message
    }));
    throw new InputError(
      "INVALID_BINDING",
      `The certificate's credential binding is unusable: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}.`,
      { details: { issues } }
    );
  }
  const expected = Buffer.from(binding.digest, "base64url");
  const actual = await scryptAsync(credential, Buffer.from(binding.salt, "base64url"), binding);
  return timingSafeEqual(actual, expected);
}

export {
  computeCredentialBinding,
  checkCredentialBinding
};

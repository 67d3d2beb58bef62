import {
  DATA_DIR_KEY_FILE,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  listApiKeys,
  migrate,
  openDatabase,
  openIssuer,
  redactDatabaseUrl,
  resolveLimits,
  revokeApiKey,
  rotateKeyFile
} from "./chunk-5F7U2BF6.js";
import "./chunk-AUBT4FWU.js";
import "./chunk-IZXWI7XJ.js";
import "./chunk-7RFZ3HKD.js";
import "./chunk-6MFFN7GG.js";
import "./chunk-OUTGNN2D.js";
import "./chunk-QISINA34.js";
import "./chunk-IC3VQLS5.js";
export {
  DATA_DIR_KEY_FILE,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  listApiKeys,
  migrate,
  openDatabase,
  openIssuer,
  redactDatabaseUrl,
  resolveLimits,
  revokeApiKey,
  rotateKeyFile
};

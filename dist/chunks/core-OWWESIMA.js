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
} from "./chunk-CPLDMDLM.js";
import "./chunk-C2X24MP7.js";
import "./chunk-IZXWI7XJ.js";
import "./chunk-DHPNE6PL.js";
import "./chunk-GASDKVEH.js";
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

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
} from "./chunk-PVERWOGY.js";
import "./chunk-Q3KHMUEP.js";
import "./chunk-NBL25LOS.js";
import "./chunk-AJA45LSG.js";
import "./chunk-QUX7DFRJ.js";
import "./chunk-6HOW3EWS.js";
import "./chunk-FKYOR5TL.js";
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

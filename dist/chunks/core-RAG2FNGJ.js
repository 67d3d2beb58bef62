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
} from "./chunk-CEFTIY5V.js";
import "./chunk-KBWD4TVH.js";
import "./chunk-UMWL732H.js";
import "./chunk-IEG7A5BP.js";
import "./chunk-QUX7DFRJ.js";
import "./chunk-VFYYTOKF.js";
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

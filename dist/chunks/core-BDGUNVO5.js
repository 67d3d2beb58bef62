import {
  API_KEY_PREFIX,
  DATA_DIR_KEY_FILE,
  DEFAULT_LIMITS,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  REVOCATION_REASONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  findTeam,
  hashApiKey,
  httpStatusOf,
  isWellFormedApiKey,
  listApiKeys,
  listTeams,
  migrate,
  openDatabase,
  openIssuer,
  publishedKeys,
  redactDatabaseUrl,
  registerSigningKey,
  resolveLimits,
  resolveSigningKey,
  retireSigningKey,
  revokeApiKey,
  rotateKeyFile,
  withdrawSigningKey
} from "./chunk-PTYH273O.js";
import "./chunk-MC2U2MOJ.js";
import "./chunk-SEYBFI4U.js";
import "./chunk-CF2MHLJM.js";
import "./chunk-6MFFN7GG.js";
import "./chunk-MYLMIMDN.js";
import "./chunk-5NH2UF66.js";
import "./chunk-IC3VQLS5.js";
export {
  API_KEY_PREFIX,
  DATA_DIR_KEY_FILE,
  DEFAULT_LIMITS,
  Issuer,
  IssuerServiceError,
  MIGRATIONS,
  REVOCATION_REASONS,
  SCHEMA_VERSION,
  createApiKey,
  ensureTeam,
  findTeam,
  hashApiKey,
  httpStatusOf,
  isWellFormedApiKey,
  listApiKeys,
  listTeams,
  migrate,
  openDatabase,
  openIssuer,
  publishedKeys,
  redactDatabaseUrl,
  registerSigningKey,
  resolveLimits,
  resolveSigningKey,
  retireSigningKey,
  revokeApiKey,
  rotateKeyFile,
  withdrawSigningKey
};

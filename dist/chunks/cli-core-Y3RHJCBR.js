#!/usr/bin/env node
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
} from "./cli-chunk-PJABEVOP.js";
import "./cli-chunk-GJURAKEP.js";
import "./cli-chunk-FRPPN7GT.js";
import "./cli-chunk-SMFXZF6E.js";
import "./cli-chunk-DDHX42YJ.js";
import "./cli-chunk-QWWLQ3TS.js";
import "./cli-chunk-DCNTUQYV.js";
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

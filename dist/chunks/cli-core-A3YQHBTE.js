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
} from "./cli-chunk-IHAG7QGD.js";
import "./cli-chunk-A45FOXJN.js";
import "./cli-chunk-RDXGNAIT.js";
import "./cli-chunk-AMXBSU5L.js";
import "./cli-chunk-T4N7PYYB.js";
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

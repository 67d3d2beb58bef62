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
} from "./cli-chunk-WFPPFBKK.js";
import "./cli-chunk-GT2WY66L.js";
import "./cli-chunk-BDAQS2ON.js";
import "./cli-chunk-I5WXGRVI.js";
import "./cli-chunk-JJZ2FFUC.js";
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

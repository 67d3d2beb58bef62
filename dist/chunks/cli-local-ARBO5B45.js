#!/usr/bin/env node
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
} from "./cli-chunk-E2C4TQ2E.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
};

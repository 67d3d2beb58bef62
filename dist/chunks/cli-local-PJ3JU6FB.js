#!/usr/bin/env node
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
} from "./cli-chunk-6W6HMWNW.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
};

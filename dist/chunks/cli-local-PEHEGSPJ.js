#!/usr/bin/env node
import {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
} from "./cli-chunk-LHL4A4J7.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
};

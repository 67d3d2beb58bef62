#!/usr/bin/env node
import {
  buildJwks,
  loadJwks,
  parseJwks
} from "./cli-chunk-AMXBSU5L.js";
import "./cli-chunk-T4N7PYYB.js";
import "./cli-chunk-QWWLQ3TS.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  buildJwks,
  loadJwks,
  parseJwks
};

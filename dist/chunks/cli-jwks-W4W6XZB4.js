#!/usr/bin/env node
import {
  buildJwks,
  loadJwks,
  parseJwks
} from "./cli-chunk-I5WXGRVI.js";
import "./cli-chunk-JJZ2FFUC.js";
import "./cli-chunk-QWWLQ3TS.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  buildJwks,
  loadJwks,
  parseJwks
};

#!/usr/bin/env node
import {
  checkCredentialBinding,
  computeCredentialBinding
} from "./cli-chunk-FRPPN7GT.js";
import "./cli-chunk-DDHX42YJ.js";
import "./cli-chunk-QWWLQ3TS.js";
import "./cli-chunk-DCNTUQYV.js";
export {
  checkCredentialBinding,
  computeCredentialBinding
};

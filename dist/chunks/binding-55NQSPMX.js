import {
  checkCredentialBinding,
  computeCredentialBinding
} from "./chunk-SEYBFI4U.js";
import "./chunk-MYLMIMDN.js";
import "./chunk-5NH2UF66.js";
import "./chunk-IC3VQLS5.js";
export {
  checkCredentialBinding,
  computeCredentialBinding
};

import {
  checkCredentialBinding,
  computeCredentialBinding
} from "./chunk-IZXWI7XJ.js";
import "./chunk-OUTGNN2D.js";
import "./chunk-QISINA34.js";
import "./chunk-IC3VQLS5.js";
export {
  checkCredentialBinding,
  computeCredentialBinding
};

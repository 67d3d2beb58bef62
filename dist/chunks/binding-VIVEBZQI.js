import {
  checkCredentialBinding,
  computeCredentialBinding
} from "./chunk-UMWL732H.js";
import "./chunk-VFYYTOKF.js";
import "./chunk-FKYOR5TL.js";
export {
  checkCredentialBinding,
  computeCredentialBinding
};

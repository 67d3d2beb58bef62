import {
  checkCredentialBinding,
  computeCredentialBinding
} from "./chunk-NBL25LOS.js";
import "./chunk-6HOW3EWS.js";
import "./chunk-FKYOR5TL.js";
export {
  checkCredentialBinding,
  computeCredentialBinding
};

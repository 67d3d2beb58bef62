import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{a,b}from"./chunk-IDHJDSXZ.js";import"./chunk-NLARQKDE.js";import"./chunk-567UD2O5.js";import"./chunk-5LC73X4D.js";export{b as checkCredentialBinding,a as computeCredentialBinding};

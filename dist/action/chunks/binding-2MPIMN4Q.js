import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{a,b}from"./chunk-2X77OF3B.js";import"./chunk-CEEM632C.js";import"./chunk-BV4UJIVG.js";import"./chunk-AFFHD25I.js";import"./chunk-5LC73X4D.js";export{b as checkCredentialBinding,a as computeCredentialBinding};

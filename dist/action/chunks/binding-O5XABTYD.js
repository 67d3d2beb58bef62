import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{a,b}from"./chunk-KZG53S5G.js";import"./chunk-B6VCYN6R.js";import"./chunk-BV4UJIVG.js";import"./chunk-NOFKIIH6.js";import"./chunk-5LC73X4D.js";export{b as checkCredentialBinding,a as computeCredentialBinding};

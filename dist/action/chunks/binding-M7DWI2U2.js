import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{a,b}from"./chunk-LRDFTZTJ.js";import"./chunk-ACAP3KXY.js";import"./chunk-BV4UJIVG.js";import"./chunk-YJOO5FGL.js";import"./chunk-5LC73X4D.js";export{b as checkCredentialBinding,a as computeCredentialBinding};

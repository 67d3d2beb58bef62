import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{b as o}from"./chunk-5LC73X4D.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:crypto")});export{t as a};

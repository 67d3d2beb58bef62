import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{b as s}from"./chunk-5LC73X4D.js";var o=s((i,e)=>{e.exports=process.getBuiltinModule("node:fs/promises")});export{o as a};

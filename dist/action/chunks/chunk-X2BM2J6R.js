import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{b as o}from"./chunk-5LC73X4D.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:os")});export{s as a};

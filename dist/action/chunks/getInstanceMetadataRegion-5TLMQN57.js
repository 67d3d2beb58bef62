import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{b as t}from"./chunk-5LC73X4D.js";var o=t((p,e)=>{e.exports=process.getBuiltinModule("node:http")});export default o();

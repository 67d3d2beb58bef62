import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{b as e}from"./chunk-5LC73X4D.js";var s=e((n,o)=>{o.exports=process.getBuiltinModule("node:async_hooks")});export default s();

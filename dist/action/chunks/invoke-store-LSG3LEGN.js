const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);
import{b as e}from"./chunk-ZJKXHBPS.js";var s=e((n,o)=>{o.exports=process.getBuiltinModule("node:async_hooks")});export default s();

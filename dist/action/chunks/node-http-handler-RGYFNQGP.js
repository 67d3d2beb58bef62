const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);
import{b as t}from"./chunk-ZJKXHBPS.js";var o=t((p,e)=>{e.exports=process.getBuiltinModule("node:http")});export default o();

const require = process.getBuiltinModule("node:module").createRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-ZLOY5E3D.js";import"./chunk-VFYXLDNG.js";import"./chunk-UF2PJZOA.js";import"./chunk-2PTVXYDC.js";import"./chunk-ZJKXHBPS.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};

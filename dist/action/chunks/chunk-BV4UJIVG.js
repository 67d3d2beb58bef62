import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
var e=["NIST-800-63B","HIPAA","PCI-DSS","SOC2","ISO-27001","FIPS-140-3","DOD-STIG","CMMC-L2"];export{e as a};

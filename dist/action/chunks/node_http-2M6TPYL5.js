import { createRequire as __passgeniCreateRequire } from "node:module"; const require = __passgeniCreateRequire(import.meta.url);
import{a}from"./chunk-5OI2AMWB.js";import"./chunk-5LC73X4D.js";export default a();

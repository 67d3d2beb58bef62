import {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
} from "./chunk-OBTEGYP3.js";
import "./chunk-IC3VQLS5.js";
export {
  DEFAULT_DATA_DIR,
  DEFAULT_LOCAL_PUBLIC_URL,
  LOCAL_TEAM,
  openLocalIssuerClient
};

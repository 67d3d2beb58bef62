export * from './anchors.js';
export * from './identity.js';
export { TrustStore } from './store.js';

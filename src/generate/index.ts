export { generateCredential } from './credential.js';
export type { GeneratedCredential, GenerateOptions } from './credential.js';
export { createGenerator } from './generator.js';
export { isCommonPassword } from './blocklist.js';
export type { RandomFill } from './random.js';

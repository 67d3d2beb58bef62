/**
 * Scheduled rotation from a manifest (DESIGN §8): the programmatic API behind `passgeni rotate`
 * and the rotate action.
 *
 *   const manifest = await loadManifest('passgeni.yml');          // ManifestError (exit 2) lists every problem
 *   const report = await rotateFromManifest(manifest, { issuer, dryRun, shard: parseShard('2/3'), maxRate: 20 });
 *   process.exitCode = rotationExitCode(report);                  // 0 all ok, 3 some failed
 */
export { loadManifest, parseManifest, ManifestError } from './manifest.js';
export type { Manifest, ManifestIssue } from './manifest.js';
export { manifestJsonSchema, MANIFEST_SCHEMA_ID } from './manifest-schema.js';
export { rotateFromManifest, rotationCounts, rotationExitCode, rotationScope, withWrite } from './rotate.js';
export type { RotateOptions, RotationProgress, RotationReport, FailedEntry } from './rotate.js';
export { parseShard, shardOf, inShard } from './shard.js';
export type { Shard } from './shard.js';
export { DEFAULT_WRITE_RATES, StoreRateLimiter, TokenBucket, parseRate } from './rate-limit.js';
export type { Clock } from './rate-limit.js';

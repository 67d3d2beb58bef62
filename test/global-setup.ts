import { execFileSync } from 'node:child_process';

/**
 * CLI and action tests run the bundles the way users run them (`node dist/…`), so the bundle is
 * rebuilt from the current source before any test starts.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

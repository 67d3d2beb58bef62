import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runNode } from '../support/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const notes = (version: string) => runNode([join(root, 'scripts/release-notes.mjs'), version], { cwd: root });

describe('release notes from CHANGELOG.md (the GitHub release body)', () => {
  it('prints the section of the version asked for, with or without the v', async () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    for (const asked of [version, `v${version}`]) {
      const r = await notes(asked);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('### Added');
      expect(r.stdout).not.toMatch(/^## /m); // one section, not the next one too
    }
  });

  it('refuses a version with no section, saying what to do', async () => {
    const r = await notes('99.0.0');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('CHANGELOG.md has no "## [99.0.0]" section');
  });
});

describe('the release workflow', () => {
  const release = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8'));
  const steps = (release.jobs.publish.steps as { run?: string }[]).map((s) => s.run ?? '').join('\n');

  it('publishes only after the CI workflow (lint, typecheck, tests, check-dist) passes', () => {
    expect(release.jobs.ci.uses).toBe('./.github/workflows/ci.yml');
    expect(release.jobs.publish.needs).toBe('ci');
    const ci = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8'));
    expect(Object.keys(ci.on)).toContain('workflow_call');
    expect(Object.keys(ci.jobs)).toEqual(
      expect.arrayContaining(['lint', 'typecheck', 'test', 'check-dist', 'package']),
    );
  });

  it('publishes with provenance, releases from the changelog and moves the major tag', () => {
    expect(release.jobs.publish.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    expect(steps).toMatch(/npm publish .*--provenance/);
    expect(steps).toContain('node scripts/release-notes.mjs');
    expect(steps).toMatch(/gh release create .*--notes-file/s);
    expect(steps).toContain('major="${GITHUB_REF_NAME%%.*}"');
  });
});

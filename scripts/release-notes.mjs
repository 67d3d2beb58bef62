#!/usr/bin/env node
// Prints the CHANGELOG.md section of one version (`## [1.2.3] - 2026-12-03` up to the next `## `),
// the body of its GitHub release. A release without an entry is refused: users read the changelog
// to decide whether to upgrade, so a tag must not get ahead of it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const version = process.argv[2]?.replace(/^v/, '');
if (!version) {
  console.error('usage: node scripts/release-notes.mjs <version>   (e.g. 1.2.3 or v1.2.3)');
  process.exit(2);
}
const changelog = readFileSync(fileURLToPath(new URL('../CHANGELOG.md', import.meta.url)), 'utf8');
const lines = changelog.split('\n');
const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const start = lines.findIndex((line) => new RegExp(`^## \\[?${escaped}\\]?(\\s|$)`).test(line));
if (start === -1) {
  console.error(
    `CHANGELOG.md has no "## [${version}]" section: add what changed in ${version}, then tag again.`,
  );
  process.exit(1);
}
const end = lines.findIndex((line, i) => i > start && /^## /.test(line));
const body = lines
  .slice(start + 1, end === -1 ? undefined : end)
  .join('\n')
  .trim();
if (body === '') {
  console.error(`CHANGELOG.md's section for ${version} is empty: say what changed, then tag again.`);
  process.exit(1);
}
console.log(body);

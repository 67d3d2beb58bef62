#!/usr/bin/env node
// What a user downloads and waits for: packs the package as `npm publish` would, installs the
// tarball into an empty prefix (offline: the package must need nothing else), and times the CLI's
// first output three ways: the installed bin, `npx` from a warm cache, and `--help` (no SDK loads).
// Run after `npm run build`: `node bench/install-size.mjs`. Figures: docs/performance.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'passgeni-install-'));
const npm = (args, cwd = work) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root));
  const tarball = join(work, packed.filename);
  const prefix = join(work, 'prefix');
  const installStart = performance.now();
  npm(['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball]);
  const installMs = performance.now() - installStart;
  const modules = join(prefix, 'node_modules');
  const packages = listPackages(modules);
  const { bytes, files } = measure(modules);
  const bin = join(modules, '.bin', 'passgeni');
  const cache = join(work, 'npm-cache');
  const npx = ['--cache', cache, '--offline', '--yes', '--package', tarball, '--', 'passgeni', '--version'];
  execFileSync('npx', npx, { cwd: work, stdio: 'ignore' }); // fills the cache
  const figures = {
    tarball: mb(packed.size),
    installed: mb(bytes),
    files,
    packages: packages.length,
    install: `${Math.round(installMs)} ms`,
    'bin --version': `${median(5, () => run(bin, ['--version']))} ms`,
    'bin --help': `${median(5, () => run(bin, ['--help']))} ms`,
    'npx warm --version': `${median(3, () => run('npx', npx))} ms`,
  };
  console.log(`packages: ${packages.join(', ')}`);
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(20)} ${value}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function run(command, args) {
  const start = performance.now();
  const r = spawnSync(command, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - start;
}

function median(rounds, fn) {
  const times = Array.from({ length: rounds }, fn).sort((a, b) => a - b);
  return Math.round(times[Math.floor(rounds / 2)]);
}

function listPackages(modules) {
  return readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name],
    );
}

function measure(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../support/cli.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

// The issue's install goal for the published package.
const MAX_INSTALLED_BYTES = 25e6;
const MAX_PACKAGES = 5;

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/**
 * The package as `npm publish` would ship it, installed from its tarball into an empty prefix with
 * `--offline`: the install succeeds only if the package needs nothing from the registry, and the
 * CLI runs from a directory with no node_modules above it, so nothing can come from the checkout.
 */
describe('the npm package, installed from its tarball', () => {
  let work: string;
  let packed: PackResult;
  let modules: string;
  let bin: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'passgeni-package-'));
    // dist/ was built by the global setup; --ignore-scripts keeps the prepack build from
    // rebuilding it under the other test files' feet
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: root,
    });
    [packed] = JSON.parse(pack.stdout) as [PackResult];
    const prefix = join(work, 'prefix');
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(work, packed.filename)],
      {
        cwd: work,
      },
    );
    modules = join(prefix, 'node_modules');
    bin = join(modules, 'passgeni', 'dist', 'cli.js');
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs within the goal: at most 5 packages and 25 MB', () => {
    const packages = readdirSync(modules).filter((name) => !name.startsWith('.'));
    expect(packages.length).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(packages).toContain('passgeni');
    let bytes = 0;
    for (const entry of readdirSync(modules, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
    }
    expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });

  it('ships the CLI, its chunks, PGlite’s WebAssembly, the licences and the docs, and no source or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/cli.js',
        'dist/chunks/pglite.wasm.gz',
        'dist/chunks/pglite.data.gz',
        'dist/chunks/initdb.wasm.gz',
        'dist/licenses.txt',
        'LICENSE',
        'README.md',
        'package.json',
      ]),
    );
    expect(paths.filter((p) => /^(src|test|adapters|scripts|bench|examples|dist\/action)\//.test(p))).toEqual(
      [],
    );
  });

  it('runs `passgeni --version` and `--help`', async () => {
    const version = await runNode([bin, '--version'], { cwd: work });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await runNode([bin, '--help'], { cwd: work });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('certify');
  });

  it(
    'runs the main job on the embedded defaults (PGlite issuer, file store) and verifies it',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(work, 'job-'));
      const env = { PATH: process.env.PATH ?? '', HOME: dir, PASSGENI_ISSUER_URL: '', NO_COLOR: '1' };
      const certify = await runNode(
        [bin, 'certify', '--standard', 'HIPAA', '--store', 'file://./secrets.env#DB_PASSWORD', '--json'],
        { cwd: dir, env },
      );
      expect(certify.code, certify.stderr).toBe(0);
      const report = JSON.parse(certify.stdout) as { cert_id: string; stored: unknown };
      expect(report.stored).toEqual([{ store: 'file://./secrets.env#DB_PASSWORD' }]);
      expect(dotenv.parse(readFileSync(join(dir, 'secrets.env'))).DB_PASSWORD).toHaveLength(20);
      const verify = await runNode([bin, 'verify', report.cert_id, '--json'], { cwd: dir, env });
      expect(verify.code, verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true, status: 'valid', live: true });
    },
  );
});

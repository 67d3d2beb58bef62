import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RotationReport } from '../../src/rotation/index.js';
import { ProgressBar } from '../../src/rotation/progress-bar.js';
import { runCli } from '../support/cli.js';
import { useTestIssuer } from '../support/hooks.js';
import { holdLockElsewhere } from '../support/store-faults.js';
import { BRIEF_EXAMPLE, certificateCount, snapshot } from './helpers.js';

const issuer = useTestIssuer();
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passgeni-rotate-cli-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

function issuerFlags(): string[] {
  return ['--issuer-url', issuer.url, '--api-key', issuer.apiKey];
}

describe('passgeni rotate', () => {
  it('rejects an invalid manifest with every problem located, rotating nothing (exit 2)', async () => {
    writeFileSync(join(dir, 'db.env'), 'PASSWORD=old\n');
    writeFileSync(join(dir, 'ci.env'), 'DEPLOY_TOKEN=old\n');
    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1
defaults: { standard: HIPAA }
credentials:
  - id: db-admin
    standard: HIPPA
    stores: ["file://./db.env#PASSWORD"]
  - id: ci-deploy
    stores: ["file:/ci.env#DEPLOY_TOKEN"]
  - id: db-admin
    stores: ["file://./ci.env#OTHER"]
`,
    );
    const files = snapshot(dir);
    const count = await certificateCount(issuer);
    const run = await runCli(['rotate', '--manifest', 'passgeni.yml', '--json', ...issuerFlags()], {
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const error = JSON.parse(run.stderr) as {
      code: string;
      errors: Array<{ path: string; line: number; column: number }>;
    };
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ['credentials[0].standard', 5, 15],
      ['credentials[1].stores[0]', 8, 14],
      ['credentials[2].id', 9, 9],
    ]);
    expect(snapshot(dir)).toEqual(files);
    expect(await certificateCount(issuer)).toBe(count);

    const text = await runCli(['rotate', '--manifest', 'passgeni.yml', ...issuerFlags()], { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('passgeni.yml:5:15: credentials[0].standard: Unknown standard "HIPPA"');
    expect(text.stderr).toContain('passgeni.yml:9:9: credentials[2].id: duplicate id "db-admin"');
  });

  it('rotates, reports JSON, and exits 0; a dry run afterwards finds everything current', async () => {
    writeFileSync(join(dir, 'db.env'), 'PASSWORD=old\n');
    writeFileSync(join(dir, 'passgeni.yml'), BRIEF_EXAMPLE);
    // A dry run with the default local issuer must not create its data directory and key.
    const before = await runCli(['rotate', '--dry-run'], { cwd: dir });
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(
      /WOULD ROTATE +db-admin +missing: file:\/\/\.\/db\.env#PASSWORD has no certificate URL/,
    );
    expect(before.stdout).toContain('2 due, 0 current, 0 failed.');
    expect(existsSync(join(dir, '.passgeni'))).toBe(false);

    const run = await runCli(['rotate', '--manifest', 'passgeni.yml', '--json', ...issuerFlags()], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as RotationReport;
    expect(report).toMatchObject({
      manifest: 'passgeni.yml',
      dry_run: false,
      shard: null,
      total: 2,
      skipped: [],
      failed: [],
    });
    expect(report.rotated.map((r) => [r.id, r.reason])).toEqual([
      ['db-admin', 'missing'],
      ['ci-deploy', 'missing'],
    ]);
    expect(report.rotated[0]?.cert_url).toMatch(new RegExp(`^${issuer.url}/cert/`));

    const dry = await runCli(['rotate', '--dry-run', ...issuerFlags()], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Rotation of passgeni\.yml \(dry run\): 2 credentials\n/);
    expect(dry.stdout).toMatch(/current +db-admin +Current: valid until /);
    expect(dry.stdout).toContain('0 due, 2 current, 0 failed. Dry run: nothing was issued or written.');
  });

  it('exits 3 when a credential fails, after rotating the others', async () => {
    holdLockElsewhere(join(dir, 'busy.env'));
    writeFileSync(
      join(dir, 'passgeni.yml'),
      `version: 1
defaults: { standard: SOC2 }
credentials:
  - { id: broken, stores: ["file://./busy.env#A"] }
  - { id: fine, stores: ["file://./fine.env#A"] }
`,
    );
    const run = await runCli(['rotate', '--json', ...issuerFlags()], { cwd: dir });
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as RotationReport;
    expect(report.rotated.map((r) => r.id)).toEqual(['fine']);
    expect(report.failed).toEqual([
      expect.objectContaining({ id: 'broken', code: 'NOT_STORED', stored: [] }),
    ]);
  });

  it('treats bad flags as usage errors (exit 2)', async () => {
    writeFileSync(join(dir, 'passgeni.yml'), BRIEF_EXAMPLE);
    const shard = await runCli(['rotate', '--shard', '4/3', '--json'], { cwd: dir });
    expect(shard.code).toBe(2);
    expect(JSON.parse(shard.stderr)).toMatchObject({
      code: 'INVALID_SHARD',
      error: expect.stringMatching(/got "4\/3"\. Check --shard I\/N\.$/),
    });
    const rate = await runCli(['rotate', '--max-rate', '0'], { cwd: dir });
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('Check --max-rate.');
    const missing = await runCli(['rotate', '--manifest', 'nope.yml', '--json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'MANIFEST_UNREADABLE' });
  });
});

describe('the bundled CLI (dist/cli.js)', () => {
  it('carries rotate and inventory, with the same exit codes', async () => {
    writeFileSync(
      join(dir, 'passgeni.yml'),
      'version: 1\ncredentials:\n  - { id: a, stores: ["file://./a.env#A"] }\n',
    );
    const rotate = await runCli(['rotate', '--dry-run', '--json'], { cwd: dir });
    expect(rotate.code).toBe(2);
    expect(JSON.parse(rotate.stderr)).toMatchObject({
      code: 'MANIFEST_INVALID',
      errors: [
        {
          path: 'credentials[0]',
          line: 3,
          column: 5,
          message: 'no standard: set "standard" here or in "defaults"',
        },
      ],
    });
    writeFileSync(join(dir, 'a.env'), 'A=1\n');
    const inventory = await runCli(
      ['inventory', '--store-prefix', 'file://a.env', '--format', 'csv', '--trust', issuer.trustLine],
      {
        cwd: dir,
      },
    );
    expect(inventory.code).toBe(1);
    expect(inventory.stdout).toBe(
      'store,status,standard,expires_at,label,cert_url,cert_id,generated_at,binding,detail,workflow,target,leaf_index\r\n' +
        'file://a.env#A,missing,,,,,,,not-checked,No certificate URL is attached to this secret.,,,\r\n',
    );
    expect(inventory.stderr).toBe('inventory: 1 secret: 1 missing\n');
  });
});

describe('progress bar', () => {
  function stream(isTTY: boolean) {
    const chunks: string[] = [];
    return { isTTY, columns: 80, chunks, write: (c: string) => chunks.push(c) > 0 };
  }

  it('draws on a terminal and clears its line at the end', () => {
    const tty = stream(true);
    const bar = new ProgressBar(tty, 'rotating');
    bar.update(3, 3, '3 rotated, 0 failed');
    bar.finish();
    expect(tty.chunks).toEqual([
      '\rrotating [##############################] 3/3 3 rotated, 0 failed\u001b[K',
      '\r\u001b[K',
    ]);
  });

  it('stays silent when stderr is not a terminal (CI logs, pipes)', () => {
    const pipe = stream(false);
    const bar = new ProgressBar(pipe, 'rotating');
    bar.update(1, 2);
    bar.finish();
    expect(pipe.chunks).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { STANDARD_IDS } from '../../src/policy/types.js';
import { CLI, runCli } from '../support/cli.js';

describe('passgeni standards', () => {
  it('lists all eight standards as JSON with their basis', async () => {
    const r = await runCli(['standards', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; basis: { kind: string; sources: string[] } }>;
    expect(rows.map((s) => s.id)).toEqual([...STANDARD_IDS]);
    for (const s of rows) expect(s.basis.sources.length).toBeGreaterThan(0);
    // frameworks that set no number are labelled as our baseline, never as a requirement
    expect(rows.find((s) => s.id === 'HIPAA')?.basis.kind).toBe('product-baseline');
    expect(rows.find((s) => s.id === 'PCI-DSS')?.basis.kind).toBe('clause');
  });

  it('prints a readable table', async () => {
    const r = await runCli(['standards']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PCI-DSS\s+12/);
  });
});

describe('passgeni policy', () => {
  it('writes a Markdown policy with the basis of each rule', async () => {
    const r = await runCli(['policy', '--standard', 'pci', '--organisation', 'Acme Health']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Acme Health');
    expect(r.stdout).toContain('8.3.6');
    expect(r.stdout).toMatch(/12/);
  });

  it('writes a self-contained HTML policy with the organisation name escaped', async () => {
    const r = await runCli([
      'policy',
      '--standard',
      'soc2',
      '--format',
      'html',
      '--organisation',
      '<script>x</script>',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/i);
    expect(r.stdout).not.toContain('<script>x</script>');
    expect(r.stdout).toMatch(/(&lt;|&#60;)script(&gt;|&#62;)x/);
    expect(r.stdout).toMatch(/product baseline/i);
  });
});

describe('a reader that closes the pipe early', () => {
  // `passgeni standards | head -1` closed stdout under the CLI and printed an EPIPE stack trace
  it.each([
    ['standards', ['standards']],
    ['generate (a long stream)', ['generate', '--standard', 'hipaa', '--count', '200000']],
    ['--help', ['--help']],
  ])('%s ends quietly', async (_name, args) => {
    const script = `set -o pipefail; "${process.execPath}" "${CLI}" ${args.join(' ')} | head -1`;
    const run = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.status).toBe(0);
  });
});

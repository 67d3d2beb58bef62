import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('passgeni generate', () => {
  it('prints only the credential on stdout by default', async () => {
    const r = await runCli(['generate', '--standard', 'hipaa']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(20);
  });

  it('refuses an unknown class as a usage error, before generating anything', async () => {
    const r = await runCli(['generate', '--standard', 'NIST', '--classes', 'lower,kanji']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('upper, lower, digit, special');
  });

  it('prints the documented JSON shape with --json', async () => {
    const r = await runCli(['generate', '--standard', 'HIPAA', '--length', '24', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(
      [
        'char_pool_size',
        'credential_kind',
        'entropy_bits',
        'generation_params',
        'length',
        'password',
        'standard',
        'standards_met',
      ].sort(),
    );
    expect(out.standard).toBe('HIPAA');
    expect(out.credential_kind).toBe('service');
    expect(out.password).toHaveLength(out.length);
    expect(out.char_pool_size).toBe(94);
    expect(out.generation_params).toEqual({
      length: out.length,
      has_upper: true,
      has_lower: true,
      has_numbers: true,
      has_special: true,
      char_pool_size: 94,
    });
    // no profile meets every standard: HIPAA sets no rotation period, so the STIG (60 days) is out
    // (PCI DSS 8.6.3 leaves a service credential's period to the risk analysis), and FIPS-140-3
    // needs a runtime in FIPS mode, which this one is not
    expect(out.standards_met).toEqual(['NIST-800-63B', 'HIPAA', 'PCI-DSS', 'SOC2', 'ISO-27001', 'CMMC-L2']);
  });

  it('refuses FIPS-140-3 with exit 2, nothing on stdout, on a runtime not in FIPS mode, saying how to enable it', async () => {
    for (const args of [
      ['--standard', 'FIPS-140-3', '--json'],
      ['--standard', 'fips', '--count', '3'],
    ]) {
      const r = await runCli(['generate', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('FIPS_MODE_REQUIRED');
      expect(r.stderr).toContain('--enable-fips');
      expect(r.stderr).toContain('OPENSSL_CONF');
    }
  });

  it('generates DOD-STIG credentials within its run limits, and says so in the parameters', async () => {
    const r = await runCli(['generate', '--standard', 'stig', '--count', '500', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { password: string });
    expect(lines).toHaveLength(500);
    const classOf = (ch: string) => (/[A-Z]/.test(ch) ? 0 : /[a-z]/.test(ch) ? 1 : /\d/.test(ch) ? 2 : 3);
    for (const { password } of lines) {
      expect(password).not.toMatch(/(.)\1\1\1/);
      expect([...password].map(classOf).join('')).not.toMatch(/(\d)\1\1\1\1/);
    }
    const one = JSON.parse((await runCli(['generate', '--standard', 'DOD-STIG', '--json'])).stdout);
    expect(one.standards_met).toContain('DOD-STIG');
  });

  it('streams JSON Lines with --count and --json, honouring exclusions and length', async () => {
    const r = await runCli([
      'generate',
      '--standard',
      'pci',
      '--length',
      '24',
      '--exclude',
      '\'"\\/@',
      '--count',
      '50',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.password).toHaveLength(24);
      expect(row.password).not.toMatch(/['"\\/@]/);
      expect(row.char_pool_size).toBe(89);
    }
    expect(new Set(rows.map((row) => row.password)).size).toBe(50);
  });

  it('refuses a request weaker than the standard, listing every violated rule, and prints no credential', async () => {
    const r = await runCli([
      'generate',
      '--standard',
      'HIPAA',
      '--length',
      '8',
      '--exclude',
      '0123456789',
      '--json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr);
    expect(err.code).toBe('POLICY_VIOLATION');
    const rules = err.violations.map((v: { rule: string }) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(['min-length', 'required-class', 'min-entropy']));
  });

  it('names the valid standards when given an unknown one (exit 2)', async () => {
    const r = await runCli(['generate', '--standard', 'GDPR']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('UNKNOWN_STANDARD');
    expect(r.stderr).toContain('NIST-800-63B');
  });

  it('treats a malformed flag as a usage error (exit 2)', async () => {
    const r = await runCli(['generate', '--standard', 'hipaa', '--length', 'twenty']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('rejects impossible requests quickly with a clear error', async () => {
    const r = await runCli(['generate', '--standard', 'nist', '--length', '4097']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IMPOSSIBLE_REQUEST');
  });
});

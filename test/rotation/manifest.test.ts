import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, parseManifest, type ManifestIssue } from '../../src/rotation/index.js';
import { BRIEF_EXAMPLE } from './helpers.js';

function issuesOf(text: string): ManifestIssue[] {
  try {
    parseManifest(text, { source: 'passgeni.yml', baseDir: '/srv/app' });
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    const manifestError = error as ManifestError;
    expect(manifestError.exitCode).toBe(2);
    expect(manifestError.code).toBe('MANIFEST_INVALID');
    expect(manifestError.details?.errors).toEqual(manifestError.issues);
    return manifestError.issues;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('manifest parsing', () => {
  it('reads the documented shape, applying defaults and resolving standards', () => {
    const manifest = parseManifest(BRIEF_EXAMPLE, { source: 'passgeni.yml', baseDir: '/srv/app' });
    expect(manifest.baseDir).toBe('/srv/app');
    expect(manifest.credentials).toEqual([
      {
        id: 'db-admin',
        standard: 'PCI-DSS',
        stores: ['file://./db.env#PASSWORD'],
        rotateEveryDays: 30,
        rotationFrom: 'credential',
        label: 'prod/db/admin',
        bind: false,
        line: 4,
      },
      {
        id: 'ci-deploy',
        standard: 'HIPAA',
        stores: ['file://./ci.env#DEPLOY_TOKEN'],
        rotateEveryDays: 90,
        rotationFrom: 'defaults',
        bind: false,
        line: 9,
      },
    ]);
  });

  it("takes the shorter of the default period and the standard's, unless the credential sets one", () => {
    const manifest = parseManifest(`version: 1
defaults: { standard: HIPAA, rotate_every_days: 180, length: 24, bind: true }
credentials:
  - { id: pci, standard: pci dss, kind: user, stores: ["vault://secret/pci#pw"] }
  - { id: pci-service, standard: pci dss, stores: ["vault://secret/pci-svc#pw"] }
  - { id: hipaa, stores: ["vault://secret/hipaa#pw"] }
  - { id: pci-long, standard: PCI-DSS, rotate_every_days: 365, stores: ["vault://secret/pci2#pw"], bind: false }
  - { id: soc2, standard: SOC2, rotate_every_days: 0, stores: ["vault://secret/soc#pw"], classes: [upper, lower, digit, digit] }
`);
    const byId = Object.fromEntries(manifest.credentials.map((c) => [c.id, c]));
    // PCI DSS sets 90 days for user passwords (8.3.9): a blanket 180-day default must not stretch it.
    expect(byId.pci).toMatchObject({
      standard: 'PCI-DSS',
      kind: 'user',
      rotateEveryDays: 90,
      rotationFrom: 'standard',
      length: 24,
      bind: true,
    });
    // for service credentials (the default kind) 8.6.3 leaves the period to the risk analysis
    expect(byId['pci-service']).toMatchObject({ rotateEveryDays: 180, rotationFrom: 'defaults' });
    expect(byId['pci-service']?.kind).toBeUndefined();
    expect(byId.hipaa).toMatchObject({ rotateEveryDays: 180, rotationFrom: 'defaults' });
    expect(byId['pci-long']).toMatchObject({ rotateEveryDays: 365, rotationFrom: 'credential', bind: false });
    expect(byId.soc2).toMatchObject({
      rotateEveryDays: 0,
      rotationFrom: 'credential',
      classes: ['upper', 'lower', 'digit'],
    });
  });

  it('reports unknown standards, bad store URIs and duplicate ids all at once, with lines and columns', () => {
    const issues = issuesOf(`version: 1
defaults:
  standard: HIPAA
credentials:
  - id: db-admin
    standard: HIPPA
    stores: ["aws-sm://prod/db#password"]
  - id: cache
    stores:
      - "redis://cache/main#password"
  - id: db-admin
    stores: ["vault://secret/prod/db"]
`);
    expect(issues.map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: 'credentials[0].standard', line: 6, column: 15 },
      { path: 'credentials[1].stores[0]', line: 10, column: 9 },
      { path: 'credentials[2].id', line: 11, column: 9 },
      { path: 'credentials[2].stores[0]', line: 12, column: 14 },
    ]);
    expect(issues[0]?.message).toMatch(/Unknown standard "HIPPA"/);
    expect(issues[1]?.message).toMatch(/unknown store scheme "redis"/);
    expect(issues[2]?.message).toBe('duplicate id "db-admin" (first used by credentials[0] on line 5)');
    expect(issues[3]?.message).toMatch(/key inside the secret is missing/);
  });

  it('reports shape problems (unknown keys, wrong types, missing fields) together with meaning problems', () => {
    const issues = issuesOf(`version: 1
defaults: { standard: HIPAA, rotate_every_days: "ninety" }
credentials:
  - id: api
    stores: ["file://./api.env#TOKEN"]
    lenght: 32
  - id: worker
    standard: FIPS-140-9
    stores: "file://./worker.env#TOKEN"
  - stores: ["file://./x.env#X"]
extra: true
`);
    expect(issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '2:49 defaults.rotate_every_days: expected number, received string',
      '6:5 credentials[0].lenght: unknown key "lenght" (allowed here: id, standard, stores, rotate_every_days, label, target, strategy, target_credential_from, kind, length, exclude, symbols, classes, bind)',
      expect.stringMatching(/^8:15 credentials\[1\]\.standard: Unknown standard "FIPS-140-9"/),
      '9:13 credentials[1].stores: expected array, received string',
      '10:5 credentials[2].id: "id" is required',
      '11:1 extra: unknown key "extra" (allowed here: version, defaults, credentials)',
    ]);
  });

  it('rejects FIPS-140-3 when this runtime is not in FIPS mode, before anything is rotated', () => {
    const issues = issuesOf(`version: 1
credentials:
  - id: fips
    standard: FIPS-140-3
    stores: ["file://./a.env#A"]
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('not in FIPS mode');
    expect(issues[0]?.message).toContain('--enable-fips');
  });

  it('rejects a policy weaker than its standard, pointing at the setting that weakened it', () => {
    const issues = issuesOf(`version: 1
defaults: { standard: HIPAA }
credentials:
  - id: short
    stores: ["file://./a.env#A"]
    length: 12
  - id: uncertifiable
    standard: CMMC-L2
    stores: ["file://./b.env#B"]
`);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ path: 'credentials[0].length', line: 6, column: 13 });
    expect(issues[0]?.message).toMatch(/weaker than HIPAA/);
    expect(issues[1]).toMatchObject({ path: 'credentials[1].standard', line: 8 });
    expect(issues[1]?.message).toMatch(/cannot be certified to/);
  });

  it('refuses two credentials writing the same secret, resolving relative file paths first', () => {
    const issues = issuesOf(`version: 1
defaults: { standard: HIPAA }
credentials:
  - { id: a, stores: ["file://./app.env#TOKEN"] }
  - { id: b, stores: ["file:///srv/app/app.env#TOKEN"] }
`);
    expect(issues).toEqual([
      {
        path: 'credentials[1].stores[0]',
        line: 5,
        column: 23,
        message:
          '"file:///srv/app/app.env#TOKEN" is also a store of credentials[0] ("a"); two credentials would overwrite each other',
      },
    ]);
  });

  it('reports YAML syntax errors with their position, and an empty file as such', () => {
    expect(issuesOf('version: 1\ncredentials:\n  - id: a\n    stores: [x\n')).toEqual([
      expect.objectContaining({ path: '', line: 5, column: 1, message: expect.stringMatching(/^YAML: /) }),
    ]);
    expect(issuesOf('version: 1\nversion: 1\ncredentials: []\n')).toEqual([
      expect.objectContaining({
        line: 2,
        column: 1,
        message: expect.stringMatching(/^YAML: Map keys must be unique/),
      }),
      expect.objectContaining({
        path: 'credentials',
        line: 3,
        column: 14,
        message: 'must be at least 1 item',
      }),
    ]);
    expect(issuesOf('')).toEqual([
      {
        path: '',
        line: 1,
        column: 1,
        message: 'the manifest must be a YAML mapping with "version: 1" and a "credentials" list',
      },
    ]);
  });

  it('formats one message listing every problem as file:line:column', () => {
    try {
      parseManifest(
        'version: 2\ncredentials:\n  - { id: "bad id", stores: ["file://a#A"], standard: SOC2 }\n',
        {
          source: 'deploy/passgeni.yml',
        },
      );
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          'The rotation manifest deploy/passgeni.yml has 2 problems; nothing was rotated:',
          '  deploy/passgeni.yml:1:10: version: must be 1 (the only manifest version)',
          '  deploy/passgeni.yml:3:11: credentials[0].id: an id is 1-128 characters: letters, digits and . _ / : @ -, starting with a letter or digit',
        ].join('\n'),
      );
    }
  });

  it('loads a file, resolving relative stores against its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-manifest-'));
    const file = join(dir, 'passgeni.yml');
    writeFileSync(file, BRIEF_EXAMPLE);
    const manifest = await loadManifest(file);
    expect(manifest).toMatchObject({ source: file, baseDir: dir });
    await expect(loadManifest(join(dir, 'missing.yml'))).rejects.toMatchObject({
      code: 'MANIFEST_UNREADABLE',
      exitCode: 2,
      message: expect.stringContaining('no such file'),
    });
  });

  it('accepts the example manifest shipped in examples/', () => {
    const text = readFileSync(new URL('../../examples/passgeni.yml', import.meta.url), 'utf8');
    const manifest = parseManifest(text, { source: 'examples/passgeni.yml' });
    expect(manifest.credentials.length).toBeGreaterThanOrEqual(3);
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  version: string;
  license: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
};

/** `npx [flags] passgeni[@anything]`: a package name resolved from the registry when it runs. */
export function runsPassgeniByName(text: string): boolean {
  // shell, YAML arrays and HCL alike: drop the quoting and list punctuation, keep the words
  const words = text.replace(/["'`,[\]]/g, ' ');
  return /(^|[\s;&|(])npx((\s+--?[\w-]+(=\S+)?)*)\s+passgeni(@\S*)?(?=\s|$)/m.test(words);
}

describe('repository hygiene', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(
      (f) => f !== '' && !f.startsWith('dist/') && /\.(md|ya?ml|tf|ts|mjs|js|json|sh|ini|txt)$/.test(f),
    );

  it('the check recognises the forms an example could take', () => {
    expect(runsPassgeniByName('npx passgeni certify')).toBe(true);
    expect(runsPassgeniByName('run: npx --yes passgeni@0.1.0 rotate')).toBe(true);
    expect(runsPassgeniByName("command: ['npx', '--yes', 'passgeni@0.1.0', 'rotate']")).toBe(true);
    expect(runsPassgeniByName("passgeni: 'npx --yes passgeni@latest'")).toBe(true);
    expect(runsPassgeniByName('npx --package ./passgeni-0.1.0.tgz -- passgeni --version')).toBe(false);
    expect(runsPassgeniByName('passgeni certify --standard HIPAA')).toBe(false);
    expect(runsPassgeniByName('npx vitest run test/cli/package.test.ts')).toBe(false);
  });

  it('no file runs `npx passgeni` by name (the package is not on npm; a squatter’s would run with your credentials)', () => {
    // this file spells the forms out to test the check itself
    const offenders = files.filter(
      (f) => f !== 'test/cli/package-hygiene.test.ts' && runsPassgeniByName(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('README.md and package.json agree on how to install', () => {
    const readme = read('README.md');
    expect(readme).toContain(`npm install -g ./passgeni-${pkg.version}.tgz`);
    expect(readme).toContain(`npm install -g passgeni@${pkg.version}`);
    expect(readme).toMatch(/Not on npm yet/);
    expect(Object.keys(pkg.bin)).toEqual(['passgeni']);
    // the CLI is bundled: nothing to install beside it (test/cli/package.test.ts installs it)
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('ships a LICENSE matching package.json, a SECURITY.md and a CHANGELOG.md entry for this version', () => {
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
    expect(read('SECURITY.md')).toMatch(/Report a vulnerability/);
    expect(read('CHANGELOG.md')).toContain(`## [${pkg.version}]`);
  });

  it('Dependabot updates the npm packages and the pinned actions', () => {
    const dependabot = read('.github/dependabot.yml');
    expect(dependabot).toMatch(/package-ecosystem: npm/);
    expect(dependabot).toMatch(/package-ecosystem: github-actions/);
  });
});

import { describe, expect, it } from 'vitest';
import { STANDARDS, getStandard, renderPolicy } from '../../src/policy/index.js';

const at = new Date('2026-03-01T12:00:00Z');

describe('renderPolicy', () => {
  it.each(STANDARDS.map((s) => [s.id, s] as const))(
    'writes every section for %s in Markdown',
    (_id, rule) => {
      const md = renderPolicy(rule, 'md', { organisation: 'Acme Health', generatedAt: at });
      expect(md).toMatch(/^# Acme Health password policy: /);
      for (const heading of [
        '1. Purpose and scope',
        '2. Credential rules',
        '3. Generation',
        '4. Storage and handling',
        '5. Rotation',
        '6. Compromise and revocation',
        '7. Evidence',
        '8. Review',
        'Sources',
      ]) {
        expect(md).toContain(`## ${heading}`);
      }
      expect(md).toContain('2026-03-01');
      expect(md).toContain(`${rule.minLength} characters`);
      expect(md).toContain(`${rule.minEntropyBits} bits`);
      // Each basis is printed (escaped text is compared with Markdown escapes removed).
      const plain = md.replace(/\\(.)/g, '$1');
      const kinds = [rule.kinds.service, rule.kinds.user];
      for (const text of [
        rule.basis.length,
        rule.basis.classes,
        rule.basis.entropy,
        ...kinds.map((k) => k.rotation),
      ]) {
        expect(plain).toContain(text);
      }
      for (const source of [...rule.basis.sources, ...kinds.flatMap((k) => k.citations)]) {
        expect(plain).toContain(source.clause);
        expect(plain).toContain(source.url);
      }
      expect(plain).toMatch(/cryptographically secure random source/);
      expect(plain).toMatch(/common and breached passwords/);
      expect(plain).toMatch(/secrets manager/);
      expect(plain).toMatch(/compliance certificate/);
    },
  );

  it('says plainly when the framework sets no number', () => {
    const md = renderPolicy(getStandard('HIPAA'), 'md', { generatedAt: at });
    expect(md).toContain('does not set numeric password rules');
    expect(md).toContain('It is not a requirement of HIPAA Security Rule');
    expect(md).toMatch(/^# Password policy: HIPAA Security Rule/);
  });

  it('states the rotation period from the table', () => {
    expect(renderPolicy(getStandard('PCI-DSS'), 'md')).toContain('at least every 90 days');
    expect(renderPolicy(getStandard('NIST-800-63B'), 'md')).toContain('No periodic change');
  });

  it('escapes Markdown in the organisation name', () => {
    const md = renderPolicy(getStandard('SOC2'), 'md', { organisation: '*Acme* | [x](http://e)' });
    expect(md).toContain('\\*Acme\\* \\| \\[x\\](http://e)');
  });

  it('renders one self-contained HTML page with everything escaped', () => {
    const html = renderPolicy(getStandard('FIPS-140-3'), 'html', {
      organisation: '<script>alert("x")</script> & Co',
      generatedAt: at,
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toMatch(/<link|<img|src=|href=/); // nothing fetched from elsewhere
    expect(html).toContain('<h2>7. Evidence</h2>');
    expect(html).toContain('2026-03-01');
  });
});

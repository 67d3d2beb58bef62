import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Inputs } from '../../src/action/inputs.js';
import { isTrivial, maskablePieces } from '../../src/action/mask.js';
import { createRuntime } from '../../src/action/runtime.js';
import { escapeHtml } from '../../src/lib/html.js';
import { table } from '../../src/action/summary.js';
import { isPassgeniError } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';
import { parseOutputFile } from './support/run-action.js';

describe('inputs', () => {
  const env = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [Inputs.envName(k), v]));

  it('names variables as the runner does: upper-cased, spaces to underscores, dashes kept', () => {
    expect(Inputs.envName('output-credential')).toBe('INPUT_OUTPUT-CREDENTIAL');
    expect(Inputs.envName('my input')).toBe('INPUT_MY_INPUT');
  });

  it('accepts only YAML 1.2 core booleans and uses the fallback when empty', () => {
    const inputs = new Inputs(
      env({ a: 'true', b: 'False', c: 'TRUE', d: '', e: 'yes', f: 'tRue', g: ' true ' }),
    );
    expect(inputs.boolean('a', false)).toBe(true);
    expect(inputs.boolean('b', true)).toBe(false);
    expect(inputs.boolean('c', false)).toBe(true);
    expect(inputs.boolean('d', true)).toBe(true);
    expect(inputs.boolean('g', false)).toBe(true);
    for (const name of ['e', 'f']) {
      const error = thrown(() => inputs.boolean(name, false));
      expect(isPassgeniError(error) && error.code).toBe('INPUT_INVALID');
    }
  });

  it('parses whole numbers within a range and rejects the rest', () => {
    const inputs = new Inputs(
      env({ ok: '32', zero: '0', neg: '-1', frac: '1.5', big: '99999', word: 'ten' }),
    );
    expect(inputs.integer('ok', { min: 1, max: 4096 })).toBe(32);
    expect(inputs.integer('zero', { min: 0, max: 10 })).toBe(0);
    expect(inputs.integer('missing', { min: 0, max: 10 })).toBeUndefined();
    for (const name of ['neg', 'frac', 'big', 'word']) {
      expect(String((thrown(() => inputs.integer(name, { min: 1, max: 4096 })) as Error).message)).toContain(
        `Input '${name}' must be a whole number from 1 to 4096`,
      );
    }
  });

  it('reads one entry a line, skipping blanks and comments; required inputs say so', () => {
    const inputs = new Inputs(
      env({ store: '\n  aws-sm://a  \r\n# comment\nvault://b#k\n\n', empty: ' \n# only a comment\n' }),
    );
    expect(inputs.lines('store')).toEqual(['aws-sm://a', 'vault://b#k']);
    expect(String((thrown(() => inputs.lines('empty', { required: true })) as Error).message)).toBe(
      "Input 'empty' is required (one entry a line).",
    );
    expect(String((thrown(() => inputs.required('absent')) as Error).message)).toBe(
      "Input 'absent' is required.",
    );
  });

  it('enforces choices and lengths', () => {
    const inputs = new Inputs(env({ auth: 'oidc', label: 'x'.repeat(129) }));
    expect(String((thrown(() => inputs.choice('auth', ['token', 'approle', 'jwt'])) as Error).message)).toBe(
      'Input \'auth\' must be one of token, approle, jwt; got "oidc".',
    );
    expect(String((thrown(() => inputs.string('label', { maxLength: 128 })) as Error).message)).toContain(
      'longer than 128',
    );
  });
});

describe('masking', () => {
  it('registers whole values, each line, and each JSON leaf, but no trivial piece', () => {
    expect(maskablePieces('s3cr3t-value')).toEqual(['s3cr3t-value']);
    expect(maskablePieces('-----BEGIN KEY-----\nabcdEFGH1234\n-----END KEY-----\n').sort()).toEqual(
      [
        '-----BEGIN KEY-----\nabcdEFGH1234\n-----END KEY-----',
        '-----BEGIN KEY-----',
        'abcdEFGH1234',
        '-----END KEY-----',
      ].sort(),
    );
    const json = JSON.stringify(
      {
        username: 'svc',
        password: 'pa55word-long',
        port: 5432,
        tls: true,
        nested: { token: 'tok-0123456789' },
      },
      null,
      2,
    );
    const pieces = maskablePieces(json);
    expect(pieces).toContain('pa55word-long');
    expect(pieces).toContain('tok-0123456789');
    expect(pieces).toContain(json);
    for (const trivial of ['{', '}', 'svc', '5432', 'true', '"port": 5432,', '"password": "pa55word-long",'])
      expect(pieces).not.toContain(trivial);
  });

  it('treats structure, short values, booleans and short numbers as trivial', () => {
    for (const piece of ['{', '},', '3', 'abc', 'true', 'False', 'null', '5432', '123456'])
      expect(isTrivial(piece), piece).toBe(true);
    for (const piece of ['abcd', '1234567', 'hvs.token', 'Tr0ub4dor&3'])
      expect(isTrivial(piece), piece).toBe(false);
  });
});

describe('runner protocol', () => {
  function capture() {
    const dir = mkdtempSync(join(tmpdir(), 'passgeni-rt-'));
    const env = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'sum') };
    writeFileSync(env.GITHUB_OUTPUT, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    let stdout = '';
    const runtime = createRuntime({ env, write: (t) => (stdout += t) });
    return { runtime, env, stdout: () => stdout };
  }

  it('escapes command data so a value stays on one line, and masks each piece once', () => {
    const { runtime, stdout } = capture();
    runtime.mask('pa%ss\r\nline-two');
    runtime.mask('line-two');
    runtime.warning('50% done\nnext');
    expect(stdout()).toBe(
      '::add-mask::pa%25ss%0D%0Aline-two\n::add-mask::pa%25ss\n::add-mask::line-two\n::warning::50%25 done%0Anext\n',
    );
  });

  it('writes outputs as heredocs with a fresh delimiter that round-trip multi-line values', () => {
    const { runtime, env } = capture();
    runtime.setOutput('one', 'value');
    runtime.setOutput('multi', 'first\nsecond\n');
    runtime.setOutput('empty', '');
    const text = readFileSync(env.GITHUB_OUTPUT, 'utf8');
    expect(text).toMatch(/^one<<ghadelimiter_[0-9a-f-]{36}\nvalue\nghadelimiter_/);
    expect(parseOutputFile(text)).toEqual({ one: 'value', multi: 'first\nsecond\n', empty: '' });
  });

  it('setFailed is an error annotation and exit code 1', () => {
    const { runtime, stdout } = capture();
    const before = process.exitCode;
    try {
      runtime.setFailed('it broke: a, b');
      expect(process.exitCode).toBe(1);
      expect(runtime.failed).toBe(true);
      expect(stdout()).toBe('::error::it broke: a, b\n');
    } finally {
      process.exitCode = before;
    }
  });

  it('without a summary file, appending reports that nothing was written', () => {
    const runtime = createRuntime({ env: {}, write: () => {} });
    expect(runtime.appendSummary('x')).toBe(false);
  });
});

describe('summary and wording', () => {
  it('escapes every value and links only http(s) URLs', () => {
    const html = table([
      ['Store', { text: 'file://<x>&"y"', code: true }],
      ['Link', { text: 'id', href: 'javascript:alert(1)' }],
      ['Good', { text: 'id', href: 'https://certs.example/cert/1' }],
    ]);
    expect(html).toContain('<code>file://&lt;x&gt;&amp;&quot;y&quot;</code>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://certs.example/cert/1">id</a>');
    expect(escapeHtml("'")).toBe('&#39;');
  });
});

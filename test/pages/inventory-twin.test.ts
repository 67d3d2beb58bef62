import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('passgeni inventory --format html --out', () => {
  it(
    'writes the JSON twin beside the HTML, and the HTML carries its SHA-256 and provenance',
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'passgeni-twin-'));
      const env = { PASSGENI_ISSUER_URL: '', PASSGENI_API_KEY: '' };
      const certify = await runCli(
        ['certify', '--standard', 'HIPAA', '--store', 'file://./secrets.env#DB_PASSWORD'],
        { cwd: dir, env },
      );
      expect(certify.code, certify.stderr).toBe(0);

      const run = await runCli(
        [
          'inventory',
          '--store-prefix',
          'file://./secrets.env',
          '--format',
          'html',
          '--out',
          'registry.html',
          '--data-dir',
          '.passgeni',
        ],
        {
          cwd: dir,
          env,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const html = readFileSync(join(dir, 'registry.html'), 'utf8');
      const twin = readFileSync(join(dir, 'registry.json'));
      const rows = JSON.parse(twin.toString('utf8')) as Array<{ store: string; status: string }>;
      expect(rows).toEqual([
        expect.objectContaining({ store: 'file://./secrets.env#DB_PASSWORD', status: 'valid' }),
      ]);
      expect(html).toContain(`<code>${createHash('sha256').update(twin).digest('hex')}</code>`);
      expect(html).toMatch(
        /Produced by<\/dt><dd>passgeni \d+\.\d+\.\d+\S* inventory, run by \S+ on \S+<\/dd>/,
      );
      // the local issuer by its identity (derived from its key), not by an address
      expect(html).toMatch(
        /Issuers trusted<\/dt><dd>urn:ietf:params:oauth:jwk-thumbprint:sha-256:[\w-]{43}, keys from the local issuer/,
      );
      // the twin is committed like the report: no temporary file left behind
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  );
});

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { CERT_URL_METADATA, CERT_KEY_METADATA } from '../../adapters/vault/index.js';
import {
  csvCell,
  markdownCell,
  markdownCode,
  runInventory,
  scanInventory,
  type InventoryFormat,
  type InventoryOptions,
  type InventoryRow,
} from '../../src/inventory/index.js';
import { mapConcurrent } from '../../src/lib/concurrency.js';
import { runCli } from '../support/cli.js';
import { trustArgs, trustOf, useRegistry } from './fixtures.js';

const registry = useRegistry('passgeni-inventory-');
const trusted = (): string[] => trustArgs(registry.main, registry.shortLived);

async function collect(options: Partial<InventoryOptions> = {}): Promise<InventoryRow[]> {
  const rows: InventoryRow[] = [];
  for await (const row of scanInventory({
    prefixes: ['file://.'],
    storeOptions: { baseDir: registry.dir },
    lookup: { trust: trustOf([registry.main, registry.shortLived]) },
    ...options,
  })) {
    rows.push(row);
  }
  return rows;
}

async function render(format: InventoryFormat, options: Partial<InventoryOptions> = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await runInventory({
    prefixes: ['file://.'],
    storeOptions: { baseDir: registry.dir },
    lookup: { trust: trustOf([registry.main, registry.shortLived]) },
    format,
    out,
    ...options,
  });
  return Buffer.concat(chunks).toString('utf8');
}

const EVIL_STORE = 'file://evil.json#<img src=x onerror=alert(1)>';

describe('inventory scan', () => {
  it('gives every secret its certificate status, in listing order', async () => {
    const rows = await collect({ checkBinding: true });
    expect(rows.map((r) => [r.store, r.status, r.binding])).toEqual([
      ['file://app.env#VALID', 'valid', 'not-bound'],
      ['file://app.env#REVOKED', 'revoked', 'not-bound'],
      ['file://app.env#MISSING', 'missing', 'not-checked'],
      ['file://app.env#BOUND', 'valid', 'match'],
      ['file://app.env#TAMPERED', 'binding-mismatch', 'mismatch'],
      ['file://app.env#UNKNOWN_ID', 'invalid', 'not-checked'],
      [EVIL_STORE, 'valid', 'not-bound'],
      ['file://short.env#SHORT', 'expiring', 'not-bound'],
    ]);
    const byKey = Object.fromEntries(rows.map((r) => [r.store.split('#')[1], r]));
    expect(byKey.VALID).toMatchObject({
      cert_url: registry.urls.VALID,
      standard: 'HIPAA',
      label: '=1+2',
      detail: 'The certificate has no credential binding (certify with --bind to make it checkable).',
    });
    expect(byKey.VALID?.standards_met).toContain('HIPAA');
    expect(Date.parse(byKey.VALID?.expires_at ?? '') - Date.now()).toBeGreaterThan(364 * 86_400_000);
    expect(byKey.REVOKED?.detail).toMatch(/revoked this certificate on .* \(reason: compromised\)/);
    expect(byKey.MISSING).toMatchObject({
      cert_url: null,
      standard: null,
      detail: 'No certificate URL is attached to this secret.',
    });
    expect(byKey.BOUND).toMatchObject({ standard: 'PCI-DSS', label: 'db|admin', detail: '' });
    expect(byKey.TAMPERED?.detail).toMatch(/is not the one this certificate was issued for/);
    expect(byKey.UNKNOWN_ID?.detail).toMatch(/has no certificate 00000000-0000-4000-8000-00000000abcd/);
    expect(byKey.SHORT?.detail).toMatch(
      /^The certificate expires on .*; rotate and re-certify before then\.$/,
    );
  });

  it('without --check-binding reads no credential, so a tampered value is not noticed', async () => {
    const rows = await collect();
    expect(rows.find((r) => r.store.endsWith('#TAMPERED'))).toMatchObject({
      status: 'valid',
      binding: 'not-checked',
    });
    expect(rows.every((r) => r.binding === 'not-checked')).toBe(true);
  });

  it('shows expiry, standard and label of an expired certificate, and honours --expiring-within', async () => {
    const in11Days = await collect({ now: () => Date.now() + 11 * 86_400_000 });
    const short = in11Days.find((r) => r.store.endsWith('#SHORT'));
    expect(short).toMatchObject({ status: 'expired', standard: 'SOC2' });
    expect(Date.parse(short?.expires_at ?? '')).toBeLessThan(Date.now() + 11 * 86_400_000);
    const lenient = await collect({ expiringWithinDays: 5 });
    expect(lenient.find((r) => r.store.endsWith('#SHORT'))?.status).toBe('valid');
  });

  it('a certificate past its rotate_by is overdue: its standard no longer holds, though it has months left', async () => {
    const in91Days = await collect({ now: () => Date.now() + 91 * 86_400_000 });
    const bound = in91Days.find((r) => r.store.endsWith('#BOUND'));
    expect(bound).toMatchObject({ status: 'overdue', standard: 'PCI-DSS' });
    expect(bound?.detail).toContain('due for rotation by');
    // HIPAA sets no rotation period: no rotate_by, never overdue
    expect(in91Days.find((r) => r.store.endsWith('#VALID'))?.status).toBe('valid');
  });

  it("fetches each issuer's keys once, however many certificates it issued", async () => {
    const requested: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requested.push(String(input));
      return fetch(input, init);
    };
    await collect({
      lookup: { trust: trustOf([registry.main, registry.shortLived], counting), fetch: counting },
    });
    const jwks = requested.filter((u) => u.endsWith('/.well-known/jwks.json')).sort();
    expect(jwks).toEqual(
      [
        `${registry.main.url}/.well-known/jwks.json`,
        `${registry.shortLived.url}/.well-known/jwks.json`,
      ].sort(),
    );
    expect(requested.filter((u) => u.includes('/cert/')).length).toBeGreaterThanOrEqual(6);
  });

  it('reports a prefix it cannot list as one unknown row and carries on', async () => {
    const rows = await collect({ prefixes: ['file://no-such-dir', 'file://short.env'] });
    expect(rows.map((r) => [r.store, r.status])).toEqual([
      ['file://no-such-dir', 'unknown'],
      ['file://short.env#SHORT', 'expiring'],
    ]);
    expect(rows[0]?.detail).toMatch(/^Could not list this prefix: .*ENOENT.*\[STORE_NOT_FOUND\]$/);
  });

  it('rejects a malformed prefix before writing any output', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString()));
    await expect(
      runInventory({
        prefixes: ['file://.', 'doppler://p/c'],
        storeOptions: { baseDir: registry.dir },
        lookup: { trust: trustOf([registry.main, registry.shortLived]) },
        format: 'html',
        out,
      }),
    ).rejects.toMatchObject({ code: 'STORE_URI_INVALID', exitCode: 2 });
    expect(written).toBe('');
  });
});

describe('inventory of AWS Secrets Manager and Vault (HTTP mocked with nock)', () => {
  it('lists secrets with their certificate tags and metadata, and checks those certificates', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    try {
      nock('https://secretsmanager.us-east-1.amazonaws.com')
        .post('/')
        .matchHeader('x-amz-target', 'secretsmanager.ListSecrets')
        .reply(
          200,
          {
            SecretList: [
              {
                Name: 'prod/db',
                Tags: [
                  { Key: 'passgeni-cert-url', Value: registry.urls.BOUND },
                  { Key: 'passgeni-cert-key', Value: 'password' },
                ],
              },
              { Name: 'prod/legacy', Tags: [] },
            ],
          },
          { 'content-type': 'application/x-amz-json-1.1' },
        );
      nock('https://vault.test:8200')
        .get('/v1/secret/metadata/app/?list=true')
        .reply(200, { data: { keys: ['api', 'old'] } })
        .get('/v1/secret/metadata/app/api')
        .reply(200, {
          data: {
            custom_metadata: { [CERT_URL_METADATA]: registry.urls.REVOKED, [CERT_KEY_METADATA]: 'token' },
          },
        })
        .get('/v1/secret/metadata/app/old')
        .reply(200, { data: { custom_metadata: null } });
      const rows = await collect({
        prefixes: ['aws-sm://prod/', 'vault://secret/app'],
        storeOptions: {
          env: {
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
            AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
            VAULT_ADDR: 'https://vault.test:8200',
            VAULT_TOKEN: 'hvs.CAESIEXAMPLEvaulttokenvalue0001',
          },
          aws: { maxAttempts: 1 },
          retry: { maxAttempts: 1, baseDelayMs: 1 },
        },
      });
      expect(nock.pendingMocks()).toEqual([]);
      expect(rows.map((r) => [r.store, r.status, r.cert_url])).toEqual([
        ['aws-sm://prod/db#password', 'valid', registry.urls.BOUND],
        ['aws-sm://prod/legacy', 'missing', null],
        ['vault://secret/app/api#token', 'revoked', registry.urls.REVOKED],
        ['vault://secret/app/old', 'missing', null],
      ]);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});

describe('inventory of GitHub Actions secrets (HTTP mocked with nock)', () => {
  it("reads the URL variables and the secrets' dates, and flags a value changed after its certificate", async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    try {
      nock('https://api.github.com')
        .get('/repos/acme/api/actions/secrets')
        .query({ per_page: 100, page: 1 })
        .reply(200, {
          total_count: 4,
          secrets: [
            { name: 'FRESH', updated_at: at(0) },
            { name: 'CHANGED', updated_at: at(3_600_000) },
            { name: 'STALE', updated_at: '2020-01-01T00:00:00Z' },
            { name: 'PLAIN', updated_at: at(0) },
          ],
        })
        .get('/repos/acme/api/actions/variables')
        .query({ per_page: 30, page: 1 })
        .reply(200, {
          total_count: 3,
          variables: [
            { name: 'FRESH_PASSGENI_CERT_URL', value: registry.urls.VALID, updated_at: at(1_000) },
            { name: 'CHANGED_PASSGENI_CERT_URL', value: registry.urls.VALID, updated_at: at(1_000) },
            {
              name: 'STALE_PASSGENI_CERT_URL',
              value: registry.urls.VALID,
              updated_at: '2020-01-01T00:00:01Z',
            },
          ],
        });
      const rows = await collect({
        prefixes: ['gh://acme/api'],
        storeOptions: { env: { PASSGENI_GITHUB_TOKEN: 'ghs_EXAMPLEinstallationtoken000000000' } },
      });
      expect(nock.pendingMocks()).toEqual([]);
      expect(rows.map((r) => [r.store, r.status])).toEqual([
        ['gh://acme/api/FRESH', 'valid'],
        ['gh://acme/api/CHANGED', 'binding-mismatch'],
        ['gh://acme/api/STALE', 'binding-mismatch'],
        ['gh://acme/api/PLAIN', 'missing'],
      ]);
      expect(rows[1]?.detail).toMatch(/changed at .*, after its certificate URL was attached/);
      expect(rows[2]?.detail).toMatch(/dates from 2020-01-01T00:00:00Z, before its certificate was issued/);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});

describe('inventory formats', () => {
  it('json is one array, streamed; jsonl is one object a line', async () => {
    const rows = JSON.parse(await render('json')) as InventoryRow[];
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ store: 'file://app.env#VALID', status: 'valid' });
    const lines = (await render('jsonl')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as InventoryRow).store)).toEqual(rows.map((r) => r.store));
    const empty = new PassThrough();
    let text = '';
    empty.on('data', (c: Buffer) => (text += c.toString()));
    writeFileSync(join(registry.dir, 'empty.env'), '');
    await runInventory({
      prefixes: ['file://empty.env'],
      storeOptions: { baseDir: registry.dir },
      lookup: { trust: trustOf([registry.main, registry.shortLived]) },
      format: 'json',
      out: empty,
    });
    expect(JSON.parse(text)).toEqual([]);
    rmSync(join(registry.dir, 'empty.env'));
  });

  it('csv quotes per RFC 4180 and defuses spreadsheet formulas', async () => {
    const lines = (await render('csv')).split('\r\n');
    expect(lines[0]).toBe(
      'store,status,standard,expires_at,label,cert_url,cert_id,generated_at,binding,detail,workflow,target,leaf_index',
    );
    expect(lines).toHaveLength(10);
    expect(lines[1]).toContain(`,'=1+2,${registry.urls.VALID},`);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('markdown escapes table syntax and inline HTML, and ends with totals', async () => {
    const text = await render('md');
    expect(text).toContain('| `file://app.env#BOUND` | valid | PCI-DSS |');
    expect(text).toContain('| `file://evil.json#<img src=x onerror=alert(1)>` | valid |');
    expect(text).toContain('db\\|admin');
    expect(text).toContain('&lt;script&gt;alert("label")&lt;/script&gt;');
    expect(text).not.toContain('<script>');
    expect(text).toMatch(
      /\| valid \| 4 \|\n\| expiring \| 1 \|\n\| overdue \| 0 \|\n\| expired \| 0 \|\n\| revoked \| 1 \|\n\| pending \| 0 \|\n\| missing \| 1 \|\n\| invalid \| 1 \|\n\| binding-mismatch \| 0 \|\n\| unknown \| 0 \|\n\| \*\*total\*\* \| \*\*8\*\* \|/,
    );
    expect(markdownCell('a|b\nc')).toBe('a\\|b c');
    expect(markdownCode('vault://kv/a|b#k')).toBe('`vault://kv/a\\|b#k`');
    expect(markdownCode('has`tick')).toBe('has\\`tick');
  });

  it('html escapes everything that came from a store or a certificate', async () => {
    const html = await render('html');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;label&quot;)&lt;/script&gt;');
    // Exactly one script element: the sort script, allowed by its hash in the CSP.
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+&#39;; script-src &#39;sha256-/,
    );
    expect(html).not.toMatch(/(src|href)="(?!https?:\/\/127\.0\.0\.1)/);
  });
});

describe('bounded, ordered concurrency', () => {
  it('keeps at most `limit` calls in flight and yields in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    async function* numbers() {
      for (let i = 0; i < 100; i++) yield i;
    }
    const results: number[] = [];
    for await (const r of mapConcurrent(numbers(), 7, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n * 37) % 11));
      inFlight--;
      return n * 2;
    })) {
      results.push(r);
    }
    expect(peak).toBe(7);
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
  });

  it('pulls the source only as fast as results are consumed, and closes it when the consumer stops', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          yield pulled;
        }
      } finally {
        closed = true;
      }
    }
    for await (const value of mapConcurrent(endless(), 4, async (n) => n)) {
      if (value === 10) break;
    }
    expect(pulled).toBeLessThanOrEqual(10 + 4);
    expect(closed).toBe(true);
  });
});

describe('passgeni inventory', () => {
  it('writes the report to --out only once complete, and exits 1 when any certificate is not valid', async () => {
    const run = await runCli(
      ['inventory', '--store-prefix', 'file://.', '--out', 'registry.html', '--check-binding', ...trusted()],
      {
        cwd: registry.dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      'inventory: 8 secrets: 3 valid, 1 expiring, 1 revoked, 1 missing, 1 invalid, 1 binding-mismatch (report: registry.html)',
    );
    const html = readFileSync(join(registry.dir, 'registry.html'), 'utf8');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(readdirSync(registry.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(join(registry.dir, 'registry.html'));
  });

  it('prints JSON with --json, and exits 0 only when every certificate is valid', async () => {
    const run = await runCli(['inventory', '--store-prefix', 'file://app.env', '--json', ...trusted()], {
      cwd: registry.dir,
    });
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout) as InventoryRow[];
    expect(rows).toHaveLength(6);
    const bound = await runCli(['inventory', '-p', 'file://evil.json', '--format', 'csv', ...trusted()], {
      cwd: registry.dir,
    });
    expect(bound.code).toBe(0);
    expect(bound.stdout.split('\r\n')[1]).toMatch(
      /^file:\/\/evil\.json#<img src=x onerror=alert\(1\)>,valid,HIPAA,/,
    );
  });

  it('fails on a bad prefix before creating the output file (exit 2)', async () => {
    const run = await runCli(
      ['inventory', '--store-prefix', 'k8s://ns/secret', '--out', 'r.csv', '--json', ...trusted()],
      {
        cwd: registry.dir,
      },
    );
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'STORE_URI_INVALID' });
    expect(existsSync(join(registry.dir, 'r.csv'))).toBe(false);
    expect(readdirSync(registry.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { finished } from 'node:stream/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInventory } from '../../src/inventory/index.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { trustOf, useRegistry } from './fixtures.js';

const available = existsSync(CHROMIUM);
if (!available && process.env.CI) {
  throw new Error(`${CHROMIUM} is required in CI to check the HTML registry in a real browser.`);
}
if (!available) {
  console.warn(`SKIPPED: the HTML registry browser test needs ${CHROMIUM}, which is not installed here.`);
}

const SCREENSHOT = join(tmpdir(), 'passgeni-inventory-report.png');

describe.skipIf(!available)('HTML registry in headless Chromium', () => {
  const registry = useRegistry('passgeni-html-');
  let file: string;
  let browser: Browser;

  beforeAll(async () => {
    file = join(registry.dir, 'registry.html');
    const out = createWriteStream(file);
    await runInventory({
      prefixes: ['file://.'],
      storeOptions: { baseDir: registry.dir },
      lookup: { trust: trustOf([registry.main, registry.shortLived]) },
      format: 'html',
      out,
      checkBinding: true,
    });
    out.end();
    await finished(out);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the right totals above the table, sorts by column, loads nothing and runs nothing else', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    let dialogs = 0;
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);

    const totals = await page.$$eval('[data-total]', (cells) =>
      Object.fromEntries(cells.map((c) => [c.getAttribute('data-total'), Number(c.textContent)])),
    );
    expect(totals).toEqual({
      valid: 3,
      expiring: 1,
      overdue: 0,
      expired: 0,
      revoked: 1,
      pending: 0,
      missing: 1,
      invalid: 1,
      'binding-mismatch': 1,
      unknown: 0,
      total: 8,
    });
    const totalsBox = await page.locator('#totals').boundingBox();
    const tableBox = await page.locator('#registry').boundingBox();
    expect(totalsBox?.y).toBeLessThan(tableBox?.y ?? 0);

    const statuses = () =>
      page.$$eval('#registry tbody tr td:nth-child(2)', (cells) => cells.map((c) => c.textContent));
    const stores = () =>
      page.$$eval('#registry tbody tr td:nth-child(1)', (cells) => cells.map((c) => c.textContent ?? ''));
    const storesBefore = await stores();
    expect(storesBefore).toContain('file://evil.json#<img src=x onerror=alert(1)>');

    await page.getByRole('button', { name: 'Status' }).click();
    expect(await statuses()).toEqual([
      'revoked',
      'invalid',
      'binding-mismatch',
      'missing',
      'expiring',
      'valid',
      'valid',
      'valid',
    ]);
    expect(
      await page
        .locator('th', { has: page.getByRole('button', { name: 'Status' }) })
        .getAttribute('aria-sort'),
    ).toBe('ascending');
    await page.getByRole('button', { name: 'Status' }).click();
    expect((await statuses())[0]).toBe('valid');
    expect((await statuses()).at(-1)).toBe('revoked');

    await page.getByRole('button', { name: 'Store' }).click();
    expect(await stores()).toEqual(
      [...storesBefore].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    );

    await page.getByRole('button', { name: 'Status' }).click();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(dialogs).toBe(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });
});

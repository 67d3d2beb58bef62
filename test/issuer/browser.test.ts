import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshDatabase } from './support/backends.js';
import type { TestDatabase } from './support/backends.js';
import { sessionBody, uniqueTeam } from './support/fixtures.js';
import { api, testServer } from './support/server.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import type { TestServer } from './support/server.js';

/**
 * What a person sees at a certificate URL, in a real (headless) Chromium: the status word, the
 * reason and date of a revocation, the claims in words. Screenshots go to /tmp for a human look.
 */

/** Runs in the page (the project's TypeScript has no DOM types, hence the cast). */
function backgroundOf(element: unknown): string {
  const view = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } };
  return view.getComputedStyle(element).backgroundColor;
}
const describeBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeBrowser.each(BACKENDS)('certificate page in Chromium on %s', (backend) => {
  let tdb: TestDatabase;
  let t: TestServer;
  let browser: Browser;
  const blocked: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    tdb = await freshDatabase(backend);
    t = await testServer(tdb.db);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await tdb?.drop();
  });

  async function issue(label: string, activate = true): Promise<{ cert_id: string; cert_url: string }> {
    const key = await t.issuer.createApiKey({ team: uniqueTeam() });
    const s = await api<{ generation_session_id: string }>(t.url, '/api/v1/sessions', {
      key: key.key,
      body: sessionBody('PCI-DSS'),
    });
    const c = await api<{ cert_id: string; cert_url: string }>(t.url, '/api/v1/certificates', {
      key: key.key,
      body: { generation_session_id: s.body.generation_session_id, label },
    });
    expect(c.status).toBe(201);
    if (activate) {
      const a = await api(t.url, `/api/v1/certificates/${c.body.cert_id}/activate`, {
        key: key.key,
        method: 'POST',
      });
      expect(a.status).toBe(200);
    }
    (c.body as unknown as { key: string }).key = key.key;
    return c.body;
  }

  async function open(url: string) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(t.url)) blocked.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const response = await page.goto(url);
    return { page, response };
  }

  it('shows a valid certificate as VALID, with its claims in words', async () => {
    const cert = await issue('prod/db/admin');
    const { page, response } = await open(cert.cert_url);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toMatch(/^VALID · PassGeni certificate/);
    expect((await page.locator('.status .word').innerText()).trim()).toBe('VALID');
    const background = await page.locator('.status').evaluate(backgroundOf);
    expect(background).toBe('rgb(26, 127, 55)');
    const text = await page.locator('body').innerText();
    expect(text).toContain('Standard asked for\nPCI-DSS');
    expect(text).toContain('130.92 bits');
    expect(text).toContain('20 characters');
    expect(text).toContain('FIPS mode off');
    expect(text).toContain('prod/db/admin');
    expect(text).toContain('Rotate by');
    // who vouches for what: the issuer's own checks, then the client's statements, apart
    const verified = text.indexOf('What the issuer verified');
    const asserted = text.indexOf('What the client asserted');
    expect(verified).toBeGreaterThan(0);
    expect(asserted).toBeGreaterThan(verified);
    expect(text.indexOf('Standards met')).toBeLessThan(asserted);
    expect(text.indexOf('Credential kind\nservice')).toBeGreaterThan(verified);
    expect(text.indexOf('FIPS mode off')).toBeGreaterThan(asserted);
    expect(text.indexOf('prod/db/admin')).toBeGreaterThan(asserted);
    expect(text).toMatch(/recorded them as said/);
    expect(text).not.toMatch(/trusted/i);
    // the copy button works (its script is allowed by the CSP hash); the label changes only
    // once the asynchronous clipboard write settles, so wait for it rather than read at once
    await page.locator('#copy').click();
    await page.locator('#copy', { hasText: /^Copied$/ }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `/tmp/passgeni-cert-valid-${backend}.png`, fullPage: true });
    await page.close();
    expect(blocked).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('shows a pending certificate as PENDING — NOT VALID, with when the issuer revokes it', async () => {
    const cert = await issue('prod/cache', false);
    const { page } = await open(cert.cert_url);
    expect((await page.locator('.status .word').innerText()).trim()).toBe('PENDING — NOT VALID');
    const why = await page.locator('.status .why').innerText();
    expect(why).toContain('has not yet been told that any store holds this credential');
    expect(why).toMatch(
      /unless it is activated by \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC, the issuer revokes it/,
    );
    expect(await page.locator('.status').evaluate(backgroundOf)).toBe('rgb(154, 103, 0)');
    await page.screenshot({ path: `/tmp/passgeni-cert-pending-${backend}.png`, fullPage: true });
    await page.close();
    expect(cspViolations).toEqual([]);
  });

  it('shows a revoked certificate as REVOKED with the date and reason', async () => {
    const cert = (await issue('prod/api')) as { cert_id: string; cert_url: string; key?: string };
    const revoke = await api(t.url, `/api/v1/certificates/${cert.cert_id}/revoke`, {
      key: cert.key ?? '',
      body: { reason: 'key-compromise' },
    });
    expect(revoke.status).toBe(200);
    const { page } = await open(cert.cert_url);
    expect((await page.locator('.status .word').innerText()).trim()).toBe('REVOKED');
    const why = await page.locator('.status .why').innerText();
    expect(why).toContain(`Revoked on ${String(revoke.body.revoked_at).slice(0, 10)}`);
    expect(why).toContain('Reason: key-compromise');
    const background = await page.locator('.status').evaluate(backgroundOf);
    expect(background).toBe('rgb(207, 34, 46)');
    await page.screenshot({ path: `/tmp/passgeni-cert-revoked-${backend}.png`, fullPage: true });
    await page.close();

    const missing = await open(`${t.url}/cert/00000000-0000-4000-8000-000000000000`);
    expect(missing.response?.status()).toBe(404);
    expect(await missing.page.locator('.status .word').innerText()).toBe('NOT FOUND');
    await missing.page.close();
    expect(blocked).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

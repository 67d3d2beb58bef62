import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCertificatePage } from '../../src/issuer/http/page.js';
import type { CertificateStatusResponse } from '../../src/issuer/types.js';
import { htmlWriter } from '../../src/inventory/html.js';
import { INVENTORY_STATUSES, type InventoryRow } from '../../src/inventory/index.js';
import type { InventoryTotals } from '../../src/inventory/index.js';
import { getStandard, renderPolicy } from '../../src/policy/index.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { b64, NOW_SEC, sampleClaims } from '../support/claims.js';
import { compareScreenshot, FIXED_FONTS, MAX_DIFF_RATIO, updating } from './support/screenshots.js';

/**
 * The pages an auditor keeps — the certificate page, the inventory report, the written policy —
 * in headless Chromium at a phone's width (390 px), a laptop's (1280 px) and in print, each
 * compared with a committed reference screenshot. Everything is fixed (clock, ids, key id,
 * fonts), so a difference is a change to the page. PASSGENI_UPDATE_SCREENSHOTS=1 rewrites the
 * references (review them before committing).
 */

const ISSUER = 'https://certs.example.com';
const JWKS = `${ISSUER}/.well-known/jwks.json`;
const KID = 'Xq0lYx4nJ3vOZpR2sE8mWcTfA6bLk9hUdN1yGiQ7oVw';
const CERT_ID = '7f0c2a9e-4b1d-4e6a-9c3f-2d8b5a1e0f47';

function certificateStatus(): CertificateStatusResponse {
  const claims = sampleClaims(
    {
      jti: CERT_ID,
      iss: ISSUER,
      label: 'prod/payments/db-admin',
      generation_session_id: '0b6e8d4c-3a2f-4c1e-8d7b-6f5a4e3d2c1b',
    },
    NOW_SEC,
  );
  // A fixed token: the page shows it, it need not verify here (an ES256 signature is randomised).
  const certificate = `${b64({ alg: 'ES256', typ: 'JWT', kid: KID })}.${b64(claims)}.${'S'.repeat(86)}`;
  return {
    cert_id: CERT_ID,
    cert_url: `${ISSUER}/cert/${CERT_ID}`,
    status: 'valid',
    certificate,
    claims,
    issued_at: new Date(NOW_SEC * 1000).toISOString(),
    expires_at: new Date(claims.exp * 1000).toISOString(),
    activated_at: new Date(NOW_SEC * 1000 + 2000).toISOString(),
  };
}

function row(i: number, status: InventoryRow['status']): InventoryRow {
  const id = `00000000-0000-4000-8000-00000000000${i}`;
  return {
    store: `aws-sm://prod/payments/service-${i}/database-credentials#password`,
    status,
    cert_url: status === 'missing' ? null : `${ISSUER}/cert/${id}`,
    standard: status === 'missing' ? null : 'PCI-DSS',
    standards_met: status === 'missing' ? [] : ['NIST-800-63B', 'HIPAA', 'PCI-DSS', 'SOC2', 'ISO-27001'],
    expires_at: status === 'missing' ? null : '2027-06-01T00:00:00.000Z',
    rotate_by: status === 'missing' ? null : '2026-08-30T00:00:00.000Z',
    label: status === 'missing' ? null : `prod/payments/service-${i}`,
    cert_id: status === 'missing' ? null : id,
    generated_at: status === 'missing' ? null : '2026-06-01T00:00:00.000Z',
    binding: 'not-checked',
    workflow: null,
    target: i % 2 === 0 ? `postgresql://db.internal:5432/payments#service_${i}` : null,
    leaf_index: status === 'missing' ? null : 1000 + i,
    detail:
      status === 'valid'
        ? ''
        : status === 'missing'
          ? 'no certificate URL on this secret'
          : 'revoked: key-compromise',
  };
}

function inventoryHtml(): string {
  const writer = htmlWriter({
    prefixes: ['aws-sm://prod/payments/', 'vault://secret/prod/payments'],
    generatedAt: '2026-06-01T00:00:00.000Z',
    expiringWithinDays: 30,
    checkBinding: false,
    producedBy: 'passgeni 0.1.0 inventory, run by auditor on audit-laptop',
    trust: [`${ISSUER}, keys from ${JWKS} (--trust)`],
  });
  const rows = [row(1, 'valid'), row(2, 'revoked'), row(3, 'missing'), row(4, 'valid')];
  const totals = Object.fromEntries([...INVENTORY_STATUSES, 'total'].map((s) => [s, 0])) as InventoryTotals;
  for (const r of rows) {
    totals[r.status]++;
    totals.total++;
  }
  return writer.begin() + rows.map((r) => writer.row(r)).join('') + writer.end(totals);
}

const PAGES = {
  certificate: () =>
    renderCertificatePage(certificateStatus(), { issuerId: ISSUER, publicUrl: ISSUER, jwksUrl: JWKS }),
  inventory: inventoryHtml,
  policy: () =>
    renderPolicy(getStandard('PCI-DSS'), 'html', {
      organisation: 'Acme Payments',
      generatedAt: new Date('2026-06-01T00:00:00Z'),
    }),
} as const;
type PageName = keyof typeof PAGES;

// The printable width of A4 at 96 px per inch, inside each page's @page margins: portrait
// 210 mm − 2 × 12 mm (certificate) or 2 × 16 mm (policy); the inventory prints landscape,
// 297 mm − 2 × 12 mm.
const mm = (n: number) => Math.floor((n * 96) / 25.4);
const PRINT_WIDTH: Record<PageName, number> = {
  certificate: mm(210 - 24),
  inventory: mm(297 - 24),
  policy: mm(210 - 32),
};

/** The little of the DOM the checks use (the project's TypeScript has no DOM types). */
interface PageElement {
  tagName: string;
  className: string;
  scrollWidth: number;
  clientWidth: number;
  classList: { contains(name: string): boolean };
  closest(selector: string): PageElement | null;
  getBoundingClientRect(): { width: number; right: number };
}
interface PageDocument {
  documentElement: PageElement;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

const describeBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeBrowser('the pages an auditor keeps, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: PageName, width: number, media: 'screen' | 'print'): Promise<Page> {
    // bypassCSP: the pages allow only their own inline style; the test adds its fixed fonts
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      bypassCSP: true,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.emulateMedia({ media });
    await page.setContent(PAGES[name](), { waitUntil: 'load' });
    await page.addStyleTag({ content: FIXED_FONTS });
    await page.evaluate(
      () =>
        (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready,
    );
    return page;
  }

  /** Elements whose box reaches past the right edge of the viewport (the page scrolls sideways). */
  function overflowing(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const width = (globalThis as unknown as { innerWidth: number }).innerWidth;
      const out: string[] = [];
      if (doc.documentElement.scrollWidth > width) out.push(`document ${doc.documentElement.scrollWidth}px`);
      for (const el of doc.querySelectorAll('body *')) {
        // content inside a scrolling box (the inventory table) may be wider: the box scrolls
        if (el.closest('.scroll') && !el.classList.contains('scroll')) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width > 0 && rect.right > width + 0.5)
          out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(rect.right)}px`);
      }
      return out.slice(0, 10);
    });
  }

  const cases: Array<[PageName, 'screen' | 'print', number]> = [];
  for (const name of Object.keys(PAGES) as PageName[]) {
    cases.push([name, 'screen', 390], [name, 'screen', 1280], [name, 'print', PRINT_WIDTH[name]]);
  }

  it.each(cases)(
    '%s (%s, %i px): nothing reaches past the edge, and it matches its reference',
    async (name, media, width) => {
      const page = await open(name, width, media);
      try {
        expect(await overflowing(page)).toEqual([]);
        const result = await compareScreenshot(page, `${name}-${media}-${width}`);
        if (!updating()) {
          expect(
            result.ratio,
            `${result.differing} pixels differ; diff in ${result.diffFile}`,
          ).toBeLessThanOrEqual(MAX_DIFF_RATIO);
        }
      } finally {
        await page.context().close();
      }
    },
  );

  it('certificate page: names the signing key and links the key set; code wraps inside its box', async () => {
    const page = await open('certificate', 390, 'screen');
    try {
      const text = await page.locator('main').innerText();
      expect(text).toContain(`Signing key\n${KID}`);
      expect(await page.locator(`a[href="${JWKS}"]`).count()).toBeGreaterThanOrEqual(1);
      const boxes = await page.$$eval('pre', (pres) =>
        pres.map((p) => ({
          scroll: (p as unknown as PageElement).scrollWidth,
          client: (p as unknown as PageElement).clientWidth,
        })),
      );
      expect(boxes.length).toBeGreaterThanOrEqual(2);
      for (const box of boxes) expect(box.scroll).toBeLessThanOrEqual(box.client);
    } finally {
      await page.context().close();
    }
  });

  it('certificate page in print: the token is printed in full, the buttons are not, and it fits two A4 pages', async () => {
    const page = await open('certificate', PRINT_WIDTH.certificate, 'print');
    try {
      expect(await page.locator('textarea').isVisible()).toBe(false);
      expect(await page.locator('.actions').isVisible()).toBe(false);
      const printed = await page.locator('pre.jwt-print').innerText();
      expect(printed.replace(/\s/g, '')).toBe(certificateStatus().certificate);
      const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
      const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(2);
    } finally {
      await page.context().close();
    }
  });

  it('inventory: says who produced it, when, from which stores, trusting which issuers, and the SHA-256 of its JSON twin', async () => {
    const page = await open('inventory', 1280, 'screen');
    try {
      const provenance = await page.locator('#provenance').innerText();
      expect(provenance).toContain('passgeni 0.1.0 inventory, run by auditor on audit-laptop');
      expect(provenance).toContain('2026-06-01T00:00:00.000Z');
      expect(provenance).toContain('aws-sm://prod/payments/');
      expect(provenance).toContain(`${ISSUER}, keys from ${JWKS} (--trust)`);
      expect(provenance).toMatch(/SHA-256 of the JSON report\s+[0-9a-f]{64}/);
      // shown above the table although written after it (the hash is known only at the end)
      const [above, table] = await Promise.all([
        page.locator('#provenance').boundingBox(),
        page.locator('#registry').boundingBox(),
      ]);
      expect(above!.y).toBeLessThan(table!.y);
    } finally {
      await page.context().close();
    }
  });

  it('policy: a document-control block to fill in (owner, approver, version, effective date)', async () => {
    const page = await open('policy', 1280, 'screen');
    try {
      const block = await page.locator('table.fill').innerText();
      for (const field of ['Policy owner', 'Approved by', 'Version', 'Effective date', 'Next review due']) {
        expect(block).toContain(field);
      }
    } finally {
      await page.context().close();
    }
  });
});

describe('the inventory JSON twin', () => {
  it('hashes exactly the bytes of the JSON report of the same rows', () => {
    const html = inventoryHtml();
    const shown = /SHA-256 of the JSON report<\/dt><dd><code>([0-9a-f]{64})<\/code>/.exec(html)?.[1];
    expect(shown).toBeDefined();
    const rows = [row(1, 'valid'), row(2, 'revoked'), row(3, 'missing'), row(4, 'valid')];
    const json = `[${rows.map((r, i) => `${i === 0 ? '\n' : ',\n'}  ${JSON.stringify(r)}`).join('')}\n]\n`;
    expect(createHash('sha256').update(json).digest('hex')).toBe(shown);
  });
});

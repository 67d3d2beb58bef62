import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';

const REFERENCES = new URL('../__screenshots__/', import.meta.url).pathname;

/**
 * Share of pixels that may differ from the reference. Anti-aliasing and hinting differ a little
 * between Chromium builds (Debian's here, Google Chrome on CI's Ubuntu); a layout change (a box
 * overflowing, a row wrapping, a block moving) changes far more than this.
 */
const MAX_DIFF_RATIO = 0.01;

/**
 * Fonts the pages are compared in, whatever the page asks for: DejaVu is installed here and on
 * Debian and Ubuntu images alike, so the references do not depend on which system-ui a machine has.
 */
export const FIXED_FONTS = `
*{font-family:"DejaVu Sans",sans-serif !important}
code,pre,textarea,kbd,samp,td.store,td.url,#provenance code{font-family:"DejaVu Sans Mono",monospace !important}
*,*::before,*::after{caret-color:transparent !important;transition:none !important;animation:none !important}
`;

export function updating(): boolean {
  return process.env.PASSGENI_UPDATE_SCREENSHOTS === '1';
}

export interface Comparison {
  name: string;
  width: number;
  height: number;
  differing: number;
  ratio: number;
  diffFile?: string;
}

/**
 * A full-page screenshot compared with the committed reference `__screenshots__/<name>.png`.
 * PASSGENI_UPDATE_SCREENSHOTS=1 writes the references instead (after a deliberate change to a
 * page, or when a merge adds lines to one); a missing reference is an error, never silently made.
 */
export async function compareScreenshot(page: Page, name: string): Promise<Comparison> {
  const actual = PNG.sync.read(await page.screenshot({ fullPage: true, animations: 'disabled' }));
  const file = join(REFERENCES, `${name}.png`);
  if (updating()) {
    mkdirSync(REFERENCES, { recursive: true });
    writeFileSync(file, PNG.sync.write(actual));
    return { name, width: actual.width, height: actual.height, differing: 0, ratio: 0 };
  }
  if (!existsSync(file)) {
    throw new Error(`no reference screenshot ${file}: run with PASSGENI_UPDATE_SCREENSHOTS=1 and review it`);
  }
  const expected = PNG.sync.read(readFileSync(file));
  const out = join(tmpdir(), `passgeni-page-${name}`);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    writeFileSync(`${out}.actual.png`, PNG.sync.write(actual));
    throw new Error(
      `${name}: ${actual.width}×${actual.height} px, the reference is ${expected.width}×${expected.height} (actual in ${out}.actual.png; PASSGENI_UPDATE_SCREENSHOTS=1 if the change is intended)`,
    );
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const differing = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: 0.1,
  });
  const ratio = differing / (actual.width * actual.height);
  const result: Comparison = { name, width: actual.width, height: actual.height, differing, ratio };
  if (ratio > MAX_DIFF_RATIO) {
    writeFileSync(`${out}.diff.png`, PNG.sync.write(diff));
    writeFileSync(`${out}.actual.png`, PNG.sync.write(actual));
    result.diffFile = `${out}.diff.png`;
  }
  return result;
}

export { MAX_DIFF_RATIO };

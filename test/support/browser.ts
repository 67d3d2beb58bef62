import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** The system Chromium the browser tests drive (playwright-core ships no browser of its own). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and without Chromium's own background traffic (sync, updates, QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

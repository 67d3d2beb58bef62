import { chromium, type Browser } from 'playwright-core';

/** The system Chromium the page tests drive (playwright-core downloads no browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, unsandboxed (containers), and quiet: nothing fetched in the background. */
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

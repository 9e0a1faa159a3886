// Debian's Chromium, driven by playwright-core, on pages of this repository served on
// 127.0.0.1 (src/platform/static-server.ts): with the COOP/COEP headers, or without them.
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/platform/static-server.js';
import { needs } from '../os-package.js';
import { root } from '../tarball.js';

export const browserTests = needs('chromium', 'chromium');

// The flags of issue 17 (playwright adds --headless itself, and makes a fresh profile; it
// refuses --user-data-dir among the args).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Session {
  browser: Browser;
  /** Serves the repository with the isolation headers. */
  isolated: StaticServer;
  /** Serves the repository without them. */
  plain: StaticServer;
}

/** Starts Chromium and the two servers before the file's tests; closes them after. */
export function chromiumSession(serveRoot = root): Session {
  const session = {} as Session;
  beforeAll(async () => {
    session.browser = await launchChromium();
    session.isolated = await serveStatic({ root: serveRoot });
    session.plain = await serveStatic({ root: serveRoot, isolated: false });
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.isolated?.close();
    await session.plain?.close();
  });
  return session;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
}

/** A new page at `url`, with the page's errors and console errors kept for the test to show. */
export async function openPage(browser: Browser, url: string): Promise<Page & { errors: string[] }> {
  const page = Object.assign(await browser.newPage(), { errors: [] as string[] });
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(url);
  return page;
}

/** The test page (test/browser/page.html), once it has imported dist/browser.js as window.parwasm. */
export async function parwasmPage(browser: Browser, server: StaticServer): Promise<Page & { errors: string[] }> {
  const page = await openPage(browser, `${server.url}test/browser/page.html`);
  await page.waitForFunction(() => window.parwasm !== undefined);
  return page;
}

declare global {
  interface Window {
    parwasm: typeof import('../../src/browser.js');
  }
}

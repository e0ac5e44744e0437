// The console's browser tests share one way to drive Debian's Chromium (.ci/run installs it; Playwright downloads no
// browser of its own) and one way to read a table's cell by its column.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { eventually } from './testEnvironment.js';

const CHROMIUM = '/usr/bin/chromium';

export interface ConsoleBrowser {
  browser: BrowserContext;
  page: Page;
  /** Requests to another origin than the admin's, over the whole file. */
  elsewhere: string[];
  /** Content Security Policy violations the page logged. */
  violations: string[];
  close(): Promise<void>;
}

/** A headless Chromium with its own profile, one page on `api`, no background networking. */
export async function openConsoleBrowser(api: string): Promise<ConsoleBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'pp-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
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
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api });
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  const violations: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.origin !== new URL(api).origin) elsewhere.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return {
    browser,
    page,
    elsewhere,
    violations,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The text of a row's cell under the column headed `header`. A page may render its table again (a filter's answer
 * arriving after the unfiltered one), so the headers are read until the column is there rather than once.
 */
export async function cellOf(row: Locator, header: string): Promise<string> {
  let seen: string[] = [];
  const index = await eventually(
    async () => {
      seen = await row.locator('xpath=ancestor::table[1]/thead//th').allTextContents();
      const at = seen.indexOf(header);
      return at < 0 ? undefined : at;
    },
    10_000,
    `column "${header}"`,
  ).catch(() => {
    throw new Error(`no column "${header}" in ${JSON.stringify(seen)}`);
  });
  return (await row.getByRole('cell').nth(index).textContent()) ?? '';
}

/** A row whose cells include one reading exactly `text` (a status code, say, that other cells may contain). */
export function withCell(rows: Locator, text: string): Locator {
  return rows.filter({ has: rows.page().getByRole('cell', { name: text, exact: true }) });
}

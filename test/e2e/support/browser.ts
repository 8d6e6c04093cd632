/**
 * Debian's Chromium driven through playwright-core (never `playwright install`), plus helpers the
 * journeys share: a fresh context per journey, screenshots, cookies and TOTP codes.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOT_DIR = '/tmp/wtc-screens'

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A context with no state of its own, pointed at one running server. */
export async function newContext(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'en-GB', timezoneId: 'Europe/London' })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(20_000)
  return context
}

/** Saves a screenshot to /tmp/wtc-screens/<name>.png; the whole page unless `fullPage` is false. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage })
  return file
}

/** Names of the cookies the browser holds for this site. */
export async function cookieNames(context: BrowserContext, baseUrl: string): Promise<string[]> {
  return (await context.cookies(baseUrl)).map((c) => c.name).sort()
}

/** The pathname the page is on now. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname
}

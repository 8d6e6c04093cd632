/**
 * Journey 3 (WCAG 2.2.1 Timing adjustable): the server ends a session after 40 idle seconds and
 * the page warns 35 seconds before. A commissioner who chooses "Stay signed in" is still signed in
 * more than 40 seconds after signing in; a second browser, signed in at the same moment and left
 * alone, is not.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { checkAccessibility } from './pages/base-page.js'
import { SignInPage } from './pages/auth.js'
import { HomePage } from './pages/staff.js'
import { pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const IDLE_SECONDS = 40
const WARNING_SECONDS = 35
const journey = setUpJourney({
  SESSION_IDLE_SECONDS: String(IDLE_SECONDS),
  SESSION_WARNING_SECONDS: String(WARNING_SECONDS),
})

async function signInAsCommissioner(page: Page): Promise<void> {
  const signIn = await new SignInPage(page).open()
  await signIn.signIn('commissioner@barnet.example', DEMO_PASSWORD)
  expect(pathOf(page)).toBe('/home')
}

async function waitUntil(epochMs: number): Promise<void> {
  const wait = epochMs - Date.now()
  if (wait > 0)
    await new Promise<void>((resolve) => {
      setTimeout(resolve, wait)
    })
}

describe('session timeout warning', () => {
  test('ASVS 7.3.1: the timeout warning opens before the idle limit, and "Stay signed in" keeps the session past it', async () => {
    const { page } = await journey.newPage()
    const { page: idlePage } = await journey.newPage()

    await Promise.all([signInAsCommissioner(page), signInAsCommissioner(idlePage)])
    // Both sessions began before this moment.
    const signedInBy = Date.now()
    const home = new HomePage(page)
    await home.verifyOnPage()
    await expect(home.sessionTimeoutDialog.isVisible()).resolves.toBe(false)

    // Warning due (IDLE - WARNING) = 5 s after the page loaded.
    await home.sessionTimeoutDialog.waitFor({ state: 'visible', timeout: 10_000 })
    const dialogState = await page.evaluate(() => {
      const dialog = document.getElementById('session-timeout')
      return {
        modal: dialog?.matches(':modal') ?? false,
        focusInside: dialog?.contains(document.activeElement) ?? false,
        countdown: dialog?.querySelector('.app-timeout-dialog__countdown')?.textContent ?? '',
      }
    })
    expect(dialogState.modal).toBe(true)
    expect(dialogState.focusInside).toBe(true)
    expect(dialogState.countdown).toMatch(/^\d+ seconds$/)
    await expect(home.sessionTimeoutDialog.getByRole('heading', { level: 2 }).innerText()).resolves.toBe(
      'You are about to be signed out',
    )
    await checkAccessibility(page, 'session timeout warning')
    await screenshot(page, 'session-timeout-dialog', false)

    // Extend well after signing in, so a later reload falls past the original idle limit.
    await waitUntil(signedInBy + 15_000)
    const [extendResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/session/extend') && r.request().method() === 'POST'),
      home.sessionTimeoutDialog.getByRole('button', { name: 'Stay signed in' }).click(),
    ])
    expect(extendResponse.status()).toBe(200)
    await home.sessionTimeoutDialog.waitFor({ state: 'hidden' })
    expect(pathOf(page)).toBe('/home')

    // More than IDLE seconds after sign-in, fewer than IDLE after extending.
    await waitUntil(signedInBy + (IDLE_SECONDS + 3) * 1000)
    await page.reload()
    expect(pathOf(page)).toBe('/home')
    await new HomePage(page).verifyOnPage()

    // The browser left alone has been signed out: its page says why, and /home is refused.
    await idlePage.waitForURL('**/sign-in?timedOut=1', { timeout: 10_000 })
    await new SignInPage(idlePage).verifyOnPage()
    await expect(idlePage.locator('.govuk-notification-banner').innerText()).resolves.toContain(
      'You were signed out because you had not done anything for a while.',
    )
    await idlePage.goto('/home')
    expect(pathOf(idlePage)).toBe('/sign-in')
  })
})

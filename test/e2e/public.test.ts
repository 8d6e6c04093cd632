/**
 * Journey 1: a woman looking for help, with no account. Start page, the "leaving quickly"
 * interruption, the support page, and every way out: the Exit this page button, pressing Shift
 * three times, and the second skip link.
 */
import { describe, expect, test } from 'vitest'
import { cookieNames, pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'
import {
  AccessibilityStatementPage,
  CookiesPage,
  PrivacyPage,
  SafetyPage,
  StartPage,
  SupportPage,
} from './pages/public.js'

const journey = setUpJourney()

describe('public pages', () => {
  test('start page leads through the leaving-quickly interruption to support, and Exit this page leaves and clears cookies', async () => {
    const { page, context } = await journey.newPage()
    const exitUrl = journey.exitUrl

    const start = await new StartPage(page).open()
    await start.verifyOnPage()
    await screenshot(page, 'start')
    const beforeYouStart = await (await start.getSupport()).verifyOnPage()
    const support = await (await beforeYouStart.continue()).verifyOnPage()

    // A visitor on the public pages gets no cookie at all: none of them has a form that posts (issue 10.8).
    expect(await cookieNames(context, journey.baseUrl)).toEqual([])

    // ASVS 3.3.1: a page with a form sets the CSRF cookie with the __Host- prefix and Secure;
    // Chromium keeps them on http://localhost.
    await page.goto('/sign-in')
    const cookies = await context.cookies(journey.baseUrl)
    const csrf = cookies.find((c) => c.name === '__Host-wtc-csrf')
    expect(csrf, 'the CSRF cookie was stored by the browser').toBeDefined()
    expect(csrf?.secure).toBe(true)
    expect(csrf?.httpOnly).toBe(true)
    expect(csrf?.path).toBe('/')
    await page.goto('/support')
    await support.verifyOnPage()

    await expect(support.exitThisPageButton.getAttribute('href')).resolves.toBe('/exit')
    await Promise.all([page.waitForURL(exitUrl), support.exitThisPageButton.click()])
    expect(page.url()).toBe(exitUrl)
    expect(await cookieNames(context, journey.baseUrl)).toEqual([])
  })

  test('pressing Shift three times on a public page leaves for the neutral site', async () => {
    const { page } = await journey.newPage()
    await page.goto('/support')
    await new SupportPage(page).verifyOnPage()
    // Two presses are not enough: the page stays put.
    await page.keyboard.press('Shift')
    await page.keyboard.press('Shift')
    await page.waitForTimeout(300)
    expect(pathOf(page)).toBe('/support')
    await Promise.all([page.waitForURL(journey.exitUrl), page.keyboard.press('Shift')])
    expect(page.url()).toBe(journey.exitUrl)
  })

  test('the second skip link is "Exit this page" and points at /exit', async () => {
    const { page } = await journey.newPage()
    const start = await new StartPage(page).open()
    await start.verifyOnPage()
    await expect(start.exitSkipLink.getAttribute('href')).resolves.toBe('/exit')
    const skipLinks = await page.locator('a.govuk-skip-link').allInnerTexts()
    expect(skipLinks.map((t) => t.trim())).toEqual(['Skip to main content', 'Exit this page'])
  })

  test('safety, accessibility, privacy and cookies pages meet WCAG 2.2 AA and offer a way out', async () => {
    const { page } = await journey.newPage()
    const pages = [
      ['/safety', SafetyPage],
      ['/accessibility', AccessibilityStatementPage],
      ['/privacy', PrivacyPage],
      ['/cookies', CookiesPage],
    ] as const
    for (const [url, PageObject] of pages) {
      await page.goto(url)
      const onPage = await new PageObject(page).verifyOnPage()
      await expect(onPage.exitThisPageButton.isVisible(), `Exit this page button on ${url}`).resolves.toBe(true)
    }
  })
})

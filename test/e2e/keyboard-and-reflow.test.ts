/**
 * Journey 5: what axe cannot see. Keyboard users reach the skip links first and can see them when
 * focused (WCAG 2.4.1, 2.4.7); pages reflow at 320 CSS pixels without sideways scrolling, which is
 * 1280 px at 400% zoom (WCAG 1.4.10).
 */
import type { Locator, Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { SignInPage } from './pages/auth.js'
import { checkAccessibility } from './pages/base-page.js'
import { StartPage } from './pages/public.js'
import { AdminUsersPage, AuditTrailPage, HomePage } from './pages/staff.js'
import { pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'
import { checkLayout } from './support/layout.js'

const journey = setUpJourney()
const NARROW = { width: 320, height: 640 }

async function activeElement(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement
    return { id: el?.id ?? '', text: el instanceof HTMLElement ? el.innerText.trim() : '', tag: el?.tagName ?? '' }
  })
}

async function size(locator: Locator): Promise<{ width: number; height: number }> {
  const box = await locator.boundingBox()
  return { width: box?.width ?? 0, height: box?.height ?? 0 }
}

describe('keyboard and reflow', () => {
  test('the first Tab reaches "Skip to main content", visible only when focused, and it moves focus to the main content', async () => {
    const { page } = await journey.newPage()
    const start = await new StartPage(page).open()
    await start.verifyOnPage()

    // Hidden until focused: the usual 1 px visually-hidden box.
    expect((await size(start.skipLink)).width).toBeLessThanOrEqual(1)
    await page.keyboard.press('Tab')
    expect(await activeElement(page)).toMatchObject({ text: 'Skip to main content', tag: 'A' })
    const focused = await size(start.skipLink)
    expect(focused.width).toBeGreaterThan(100)
    expect(focused.height).toBeGreaterThan(20)
    const outline = await start.skipLink.evaluate((el) => getComputedStyle(el).outlineStyle)
    expect(outline).not.toBe('none')

    await page.keyboard.press('Enter')
    expect(await activeElement(page)).toMatchObject({ id: 'main-content', tag: 'MAIN' })
  })

  test('on a public page the second Tab reaches "Exit this page", and Enter leaves for the neutral site', async () => {
    const { page } = await journey.newPage()
    await (await new StartPage(page).open()).verifyOnPage()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await activeElement(page)).toMatchObject({ text: 'Exit this page', tag: 'A' })
    expect((await size(page.locator('a.govuk-skip-link', { hasText: 'Exit this page' }))).width).toBeGreaterThan(100)
    await Promise.all([page.waitForURL(journey.exitUrl), page.keyboard.press('Enter')])
    expect(page.url()).toBe(journey.exitUrl)
  })

  test('at 320 px wide the start page and signed-in pages have no horizontal scroll', async () => {
    const { page } = await journey.newPage(NARROW)
    const start = await new StartPage(page).open()
    await start.verifyOnPage()
    expect((await start.horizontalOverflow()).scrollWidth).toBeLessThanOrEqual(NARROW.width)
    await screenshot(page, 'start-320')

    const signIn = await new SignInPage(page).open()
    await signIn.verifyOnPage()
    expect((await signIn.horizontalOverflow()).scrollWidth).toBeLessThanOrEqual(NARROW.width)

    // The administrator sees the most navigation and the demo banner.
    await signIn.signIn('admin@barnet.example', DEMO_PASSWORD)
    expect(pathOf(page)).toBe('/home')
    const home = await new HomePage(page).verifyOnPage()
    expect((await home.horizontalOverflow()).scrollWidth).toBeLessThanOrEqual(NARROW.width)
    await screenshot(page, 'home-320')

    for (const PageObject of [AdminUsersPage, AuditTrailPage]) {
      const onPage = await new PageObject(page).open()
      await onPage.verifyOnPage()
      const overflow = await onPage.horizontalOverflow()
      expect(overflow.scrollWidth, `sideways scroll on ${onPage.path}`).toBeLessThanOrEqual(NARROW.width)
    }
  })
})

// The layout check every verifyOnPage() runs, shown to fail on pages made to break each rule.
describe('the layout check', () => {
  const good = `<!doctype html><html lang="en"><body style="margin:0">
    <main><h1>A page that reflows</h1><p>Short text.</p>
      <div style="overflow-x:auto" tabindex="0"><table><caption>Wide figures</caption>
        <tr><td style="min-width:2000px">wide</td></tr></table></div></main></body></html>`

  async function pageWith(html: string, viewport = { width: 1000, height: 700 }): Promise<Page> {
    const { page } = await journey.newPage(viewport)
    await page.setContent(html)
    return page
  }

  test('passes a page that reflows, and puts the viewport back', async () => {
    const page = await pageWith(good, { width: 390, height: 700 })
    await checkLayout(page, 'good page')
    expect(page.viewportSize()).toEqual({ width: 390, height: 700 })
  })

  test('fails a page that scrolls sideways', async () => {
    const page = await pageWith(good.replace('<p>Short text.</p>', '<p style="width:600px">Fixed width.</p>'))
    // 600 px fits at 768 and 1280 but not at 320.
    await expect(checkLayout(page, 'sideways page')).rejects.toThrow(/at 320 px: the page scrolls sideways/)
    expect(page.viewportSize()).toEqual({ width: 1000, height: 700 })
  })

  test('fails a wide table outside a scroll container, and one inside a scroll container with no caption', async () => {
    const bare = await pageWith(
      good.replace('<div style="overflow-x:auto" tabindex="0">', '<div style="overflow:hidden">'),
    )
    await expect(checkLayout(bare)).rejects.toThrow(/table "Wide figures" is \d+ px wide .* no scroll container/)
    const uncaptioned = await pageWith(good.replace('<caption>Wide figures</caption>', ''))
    await expect(checkLayout(uncaptioned)).rejects.toThrow(/scrolls sideways in <div> but has no caption/)
  })

  test('fails a page whose fixed banner covers the main heading', async () => {
    const page = await pageWith(
      good.replace(
        '<main>',
        '<div style="position:fixed;inset:0 0 auto 0;height:100vh;background:#fff">Banner</div><main>',
      ),
    )
    await expect(checkLayout(page)).rejects.toThrow(/<div> covers <h1> "A page that reflows"/)
  })
})

describe('the accessibility check', () => {
  test('fails on a moderate best-practice issue: content outside any landmark', async () => {
    const { page } = await journey.newPage()
    const inLandmarks = `<!doctype html><html lang="en"><head><title>Landmarks</title></head><body>
      <header><p>Service name</p></header><main><h1>Landmarks</h1><p>Text.</p></main></body></html>`
    await page.setContent(inLandmarks)
    await checkAccessibility(page, 'page in landmarks')
    await page.setContent(inLandmarks.replace('<main>', '<p>A banner outside every landmark.</p><main>'))
    await expect(checkAccessibility(page, 'page with a stray banner')).rejects.toThrow(/- region \[moderate\]/)
  })
})

/**
 * The standards frameworks (issue 12, first part): a provider, who will rate her services against
 * them, reads the list and the main framework, jumps to a theme, and downloads it as JSON. Every page
 * is checked with axe and at 320, 768 and 1280 px by verifyOnPage().
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { SignInPage } from './pages/auth.js'
import { HomePage } from './pages/staff.js'
import { StandardsPage } from './pages/standards.js'
import { screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

describe('standards', () => {
  test('a provider reads the gender-responsive standards, jumps to a theme and downloads them', async () => {
    const { page } = await journey.newPage({ width: 390, height: 844 })
    await (await new SignInPage(page).open()).signIn('provider@barnet.example', DEMO_PASSWORD)
    await new HomePage(page).verifyOnPage()
    const list = await (await new StandardsPage(page).open()).verifyOnPage()
    await screenshot(page, 'standards-list-390')
    const framework = await (await list.openFramework('Basic standards of gender-responsive treatment')).verifyOnPage()
    const headings = await framework.standardHeadings()
    // 33 standards, counted theme by theme in the framework (3, 4, 3, 5, 5, 4, 4, 3, 2).
    expect(headings).toHaveLength(33)
    expect(headings[0]).toBe('SS1: Women-only groups on different days and times, and online')
    expect(headings.at(-1)).toBe('RA2: A choice of women-only rehab and detox')
    expect(await framework.jumpToTheme('Mothers and families')).toBe('#theme-mothers-families')
    await screenshot(page, 'standards-framework-390')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download this framework as JSON' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('gender-responsive-v1.json')
  })
})

/**
 * Journey: a commissioner adds a service with a women-only Monday session; a woman with no account
 * finds it on the public "find support" page by postcode and the women-only filter, reads its
 * opening times, and leaves quickly by pressing Shift three times. Every page is checked with axe
 * (WCAG 2.2 AA) by verifyOnPage(), including the results, an error and "nothing found".
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { SignInPage } from './pages/auth.js'
import { FindSupportPage, type NewService, ServiceDetailPage, ServiceMapPage } from './pages/find-support.js'
import { HomePage } from './pages/staff.js'
import { cookieNames, pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

const WOMEN_ONLY = 'Women-only service or sessions'
const ONE_MILE = '1 mile (2 km)'

// Placed 0.003 degree north of the middle of the SW1A postcode district (51.502, -0.133827 in
// src/db/reference/geo/postcode-districts.csv), far from the demo's Barnet services (over 8 km).
// Offline search measures from the district middle: 0.003 x π/180 x 6371.0088 = 0.333585 km
// = 0.207280 miles, shown rounded as 'About 0.3 km (0.2 miles)'.
const service: NewService = {
  name: 'Westminster Women’s Drink and Drugs Drop-in',
  description: 'Drop in for help with drinking or drugs. A woman worker runs a group on Mondays.',
  serviceType: 'Community drug and alcohol treatment',
  substances: ['Alcohol', 'Drugs'],
  features: ['Woman key worker on request'],
  phone: '020 7946 0999',
  locationName: 'Westminster Community Rooms',
  addressLine1: '1 Example Street',
  town: 'London',
  postcode: 'SW1A 1AA',
  latitude: '51.505',
  longitude: '-0.133827',
}

describe('find support', () => {
  test('a service a commissioner adds with a women-only Monday session is found by postcode and filter, and Shift x3 leaves', async () => {
    // The commissioner adds the service, published, then its session.
    const staff = await journey.newPage()
    await (await new SignInPage(staff.page).open()).signIn('commissioner@barnet.example', DEMO_PASSWORD)
    await new HomePage(staff.page).verifyOnPage()
    const map = await (await new ServiceMapPage(staff.page).open()).verifyOnPage()
    const form = await (await map.addService()).verifyOnPage()
    const added = await (await form.add(service)).verifyOnPage()

    // Published but with no women-only session yet: found by postcode, not with the women-only filter.
    const woman = await journey.newPage({ width: 390, height: 844 })
    const find = await (await new FindSupportPage(woman.page).open()).verifyOnPage()
    await (await find.search({ place: 'SW1A 1AA', distance: ONE_MILE })).verifyOnPage()
    expect(await find.resultNames()).toEqual([service.name])
    await find.search({ place: 'SW1A 1AA', filters: [WOMEN_ONLY], distance: ONE_MILE })
    await find.verifyOnPage()
    expect(await find.resultNames()).toEqual([])
    expect(await find.resultsHeading()).toBe('No services found within 1 mile of the SW1A postcode district')

    // The commissioner adds the women-only Monday session.
    const sessionForm = await (await added.addSession()).verifyOnPage()
    await (
      await sessionForm.add(
        { day: 'Monday', start: '10:00', end: '12:00', womenOnly: true, mode: 'In person' },
        service.name,
      )
    ).verifyOnPage()

    // Now the woman's search with the filter finds it at once, with its session and features.
    await find.search({ place: 'sw1a 1aa', filters: [WOMEN_ONLY], distance: ONE_MILE })
    await find.verifyOnPage()
    await screenshot(woman.page, 'find-support-results')
    expect(pathOf(woman.page)).toBe('/support')
    expect(new URL(woman.page.url()).searchParams.getAll('filter')).toEqual(['women-only'])
    expect(await find.resultNames()).toEqual([service.name])
    expect(await find.resultsHeading()).toBe('1 service found within 1 mile of the SW1A postcode district')
    expect(await find.distanceOf(service.name)).toBe('About 0.3 km (0.2 miles)')
    expect(await find.sessionsOf(service.name)).toEqual(['Monday, 10am to midday, in person. Women only'])
    expect(await find.featuresOf(service.name)).toEqual([
      'Woman key worker on request. You can ask for a woman key worker.',
    ])
    await expect(
      find.result(service.name).getByRole('link', { name: '020 7946 0999' }).getAttribute('href'),
    ).resolves.toBe('tel:02079460999')
    // Opening the page and searching left no cookie at all in her browser.
    expect(await cookieNames(woman.context, journey.baseUrl)).toEqual([])

    // At 320 px wide (400% zoom) the results reflow without sideways scrolling (WCAG 1.4.10).
    await woman.page.setViewportSize({ width: 320, height: 640 })
    const overflow = await find.horizontalOverflow()
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth)

    // Shift three times leaves for the neutral site.
    await Promise.all([woman.page.waitForURL(journey.exitUrl), find.pressShiftThreeTimes()])
    expect(woman.page.url()).toBe(journey.exitUrl)
    expect(await cookieNames(woman.context, journey.baseUrl)).toEqual([])
  })

  for (const viewport of [
    { width: 320, height: 568 },
    { width: 390, height: 844 },
  ]) {
    test(`at ${String(viewport.width)} px the form folds after a search, the first result shows at once and its page opens`, async () => {
      const { page } = await journey.newPage(viewport)
      const find = await (await new FindSupportPage(page).open()).verifyOnPage()
      // EN5 1AA is in Barnet, where the demo's services are.
      await find.search({ place: 'EN5 1AA' })
      await find.verifyOnPage()
      await expect(find.changeYourSearch.evaluate((el) => (el as HTMLDetailsElement).open)).resolves.toBe(false)
      // The first result card starts inside the first screenful, and nothing scrolls sideways.
      const box = await find.firstResult.boundingBox()
      expect(box).not.toBeNull()
      expect(box?.y ?? Infinity).toBeLessThan(viewport.height)
      const overflow = await find.horizontalOverflow()
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth)

      // Its page, from "More about ...", meets WCAG 2.2 AA and does not scroll sideways either.
      const name = (await find.resultNames())[0] ?? ''
      expect(name).not.toBe('')
      const detail = new ServiceDetailPage(page, name)
      await detail.clickAndWaitForNextPage(find.firstResult.getByRole('link', { name: `More about ${name}` }))
      await detail.verifyOnPage()
      expect(pathOf(page)).toMatch(/^\/support\/services\/E09000003\/[0-9a-f-]{36}$/)
      const detailOverflow = await detail.horizontalOverflow()
      expect(detailOverflow.scrollWidth).toBeLessThanOrEqual(detailOverflow.clientWidth)
      await expect(detail.exitThisPageButton.isVisible()).resolves.toBe(true)
    })
  }

  test('errors and choices on the search page meet WCAG 2.2 AA and say what to do', async () => {
    const { page } = await journey.newPage()
    const find = await (await new FindSupportPage(page).open()).verifyOnPage()

    await find.search({ place: 'NW4 4B' })
    await find.verifyOnPage()
    expect(await find.errorMessages()).toEqual(['Enter a real postcode, like NW4 4BG, or the name of a town or area'])
    // The error summary link moves focus to the input.
    await find.errorSummary.getByRole('link').first().click()
    await expect(find.placeInput.evaluate((el) => el === document.activeElement)).resolves.toBe(true)

    await find.search({ place: 'Nowhereville' })
    await find.verifyOnPage()
    expect((await find.errorMessages())[0]).toContain('We could not find a place called Nowhereville')

    await find.search({ place: 'Hendon' })
    await find.verifyOnPage()
    await find.clickAndWaitForNextPage(page.getByRole('link', { name: 'Hendon, Barnet' }))
    await find.verifyOnPage()
    // Hendon in Barnet is the NW4 district alone ('Brent Cross, Hendon'): searched from its middle.
    expect(await find.resultsHeading()).toMatch(/ within 10 miles of Hendon$/)
    await expect(find.exitThisPageButton.isVisible()).resolves.toBe(true)
  })
})

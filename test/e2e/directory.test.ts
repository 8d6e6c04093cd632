/**
 * Journeys through the signed-in service map of the demo council (its example Barnet directory,
 * src/features/directory/demo-directory.ts): the commissioner filters and sorts the list, opens a
 * service, its history and its form, changes the description and sees the new version; reads the
 * six analysis pages, changes the distance and downloads a table; and re-imports a service as an
 * Open Referral UK file, which changes nothing. The demo provider sees only the services of their
 * own organisations and changes one. Every page visited is checked with axe (WCAG 2.2 AA) by
 * verifyOnPage().
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { SignInPage } from './pages/auth.js'
import { AnalysisPage, type AnalysisPageKey, DirectoryImportPage, ServiceListPage } from './pages/directory.js'
import { JobPage } from './pages/needs.js'
import { HomePage } from './pages/staff.js'
import { pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

async function signIn(email: string): Promise<Page> {
  const { page } = await journey.newPage()
  await (await new SignInPage(page).open()).signIn(email, DEMO_PASSWORD)
  await new HomePage(page).verifyOnPage()
  return page
}

// The demo directory has 47 services (45 published, 2 drafts); the list shows drafts too.
// Services with the feature 'women-only-groups' and at least one session on a Monday, worked out
// from demo-directory.ts (feature lists and the sessions of each service's places), A to Z:
const WOMEN_ONLY_GROUPS_ON_MONDAY = [
  'Example: Burnt Oak community centre',
  'Example: Hendon drug and alcohol service',
  "Example: Hillside women's residential rehab",
  "Example: North Finchley women's centre",
]

// The demo provider owns the organisations 'recovery' and 'hillside' (demo-seed.ts); their
// services in demo-directory.ts, A to Z (the last-but-one 'Edgware' one is a draft):
const PROVIDER_SERVICES = [
  'Example: Barnet alcohol service',
  'Example: Criminal justice drug and alcohol team',
  'Example: Edgware drug and alcohol satellite',
  "Example: Edgware women's evening group (planned)",
  'Example: Finchley drug and alcohol satellite',
  'Example: Hendon drug and alcohol service',
  "Example: Hillside women's residential rehab",
  'Example: Online recovery support',
  "Example: Women's recovery programme at the women's centre",
]

/** The first percentage in a sentence, as a number ('12.3% of women ...' -> 12.3). */
function firstPercent(text: string): number {
  const m = /(\d+(?:\.\d+)?)%/.exec(text)
  if (!m?.[1]) throw new Error(`no percentage in: ${text}`)
  return Number(m[1])
}

describe('service map', () => {
  test('the commissioner filters and sorts the list, and changes a service, which its history records', async () => {
    const page = await signIn('commissioner@barnet.example')
    const list = await (await new ServiceListPage(page).open()).verifyOnPage()
    expect(await list.resultCount()).toBe('47 services')

    await list.applyFilters({
      features: [{ group: 'Women-only provision', label: 'Women-only group sessions' }],
      days: ['Monday'],
    })
    await list.verifyOnPage()
    const query = new URL(page.url()).searchParams
    expect(query.getAll('feature')).toEqual(['women-only-groups'])
    expect(query.getAll('day')).toEqual(['monday'])
    expect(await list.resultCount()).toBe('4 of 47 services match the filters')
    // Sorted by name, A to Z, until a column is chosen.
    expect(await list.serviceNames()).toEqual(WOMEN_ONLY_GROUPS_ON_MONDAY)
    await expect(list.columnHeader('Service').getAttribute('aria-sort')).resolves.toBe('ascending')
    await screenshot(page, 'directory-filtered')

    // The Service heading turns the order round, keeping the filters.
    await (await list.sortBy('Service')).verifyOnPage()
    expect(new URL(page.url()).searchParams.get('order')).toBe('desc')
    expect(new URL(page.url()).searchParams.getAll('feature')).toEqual(['women-only-groups'])
    expect(await list.serviceNames()).toEqual([...WOMEN_ONLY_GROUPS_ON_MONDAY].reverse())
    await expect(list.columnHeader('Service').getAttribute('aria-sort')).resolves.toBe('descending')

    const name = 'Example: Burnt Oak community centre'
    const service = await (await list.openService(name)).verifyOnPage()
    expect(pathOf(page)).toMatch(/^\/directory\/services\/[0-9a-f-]{36}$/)
    const before = await service.value('Description')

    const history = await (await service.history()).verifyOnPage()
    const firstVersion = await history.rows()
    // Loaded once by the demo seed: one version.
    expect(firstVersion.map((r) => r.version)).toEqual(['1'])

    const back = await (await history.backTo(name)).verifyOnPage()
    const form = await (await back.change()).verifyOnPage()
    await expect(form.description.inputValue()).resolves.toBe(before)
    const description =
      'Example: a community centre with a women-only drop-in on Monday mornings. A woman worker from the treatment service joins the group.'
    const changed = await (await form.changeDescription(description)).verifyOnPage()
    expect(await changed.banner()).toContain('Service updated')
    expect(await changed.value('Description')).toBe(description)
    expect(await changed.value('Version')).toMatch(/^2, last changed /)

    const after = await (await changed.history()).verifyOnPage()
    const rows = await after.rows()
    expect(rows.map((r) => r.version)).toEqual(['2', '1'])
    expect(rows[0]?.who).toBe('commissioner@barnet.example')
    expect(rows[0]?.role).toBe('Commissioner')
    expect(rows[0]?.whatChanged).toContain('Description changed')
    await screenshot(page, 'directory-history')
  })

  test('on a phone the list shows first, and the filters open and close behind "Show filters"', async () => {
    const viewport = { width: 390, height: 844 }
    const { page } = await journey.newPage(viewport)
    await (await new SignInPage(page).open()).signIn('commissioner@barnet.example', DEMO_PASSWORD)
    await new HomePage(page).verifyOnPage()
    const list = await (await new ServiceListPage(page).open()).verifyOnPage()

    // The first service's name is inside the first screenful, without scrolling.
    const first = await list.firstServiceLink().boundingBox()
    expect(first).not.toBeNull()
    expect(first?.y).toBeGreaterThanOrEqual(0)
    expect((first?.y ?? Infinity) + (first?.height ?? 0)).toBeLessThanOrEqual(viewport.height)
    expect((first?.x ?? Infinity) + (first?.width ?? 0)).toBeLessThanOrEqual(viewport.width)

    // The filters are folded away until asked for, then fold away again.
    await expect(list.applyButton.isVisible()).resolves.toBe(false)
    await list.filterToggle.click()
    await expect(list.applyButton.isVisible()).resolves.toBe(true)
    await expect(list.filterToggle.innerText()).resolves.toBe('Hide filters')
    await list.verifyOnPage()
    await screenshot(page, 'directory-filters-open-390')
    await list.filterToggle.click()
    await expect(list.applyButton.isVisible()).resolves.toBe(false)
    await expect(list.filterToggle.innerText()).resolves.toBe('Show filters')
  })

  test('the commissioner reads the six analysis pages, changes the distance and downloads a table', async () => {
    const page = await signIn('commissioner@barnet.example')
    const list = await (await new ServiceListPage(page).open()).verifyOnPage()
    await list.clickAndWaitForNextPage(page.getByRole('link', { name: 'Gaps and co-location analysis' }))
    let analysis = await new AnalysisPage(page, 'overview').verifyOnPage()
    expect(await analysis.currentNavItem()).toBe('Overview')

    for (const key of ['distance', 'time', 'features', 'cohorts', 'colocation'] satisfies AnalysisPageKey[]) {
      analysis = await (await analysis.goTo(key)).verifyOnPage()
      expect(await analysis.tableCaptions(), `tables on ${key}`).not.toEqual([])
      await screenshot(page, `directory-analysis-${key}`)
    }

    // Distance: the default is 2 km; at 1 km no fewer women are farther than the distance.
    analysis = await (await analysis.goTo('distance')).verifyOnPage()
    const twoKm = await analysis.distanceLead()
    expect(twoKm.heading).toBe('Women-only provision: women more than 2 km away')
    await analysis.showDistance('1')
    await analysis.verifyOnPage()
    expect(new URL(page.url()).searchParams.get('within')).toBe('1')
    const oneKm = await analysis.distanceLead()
    expect(oneKm.heading).toBe('Women-only provision: women more than 1 km away')
    expect(oneKm.lead).toMatch(/ more than 1 km from the nearest /)
    // Anyone beyond 2 km is also beyond 1 km, so the share can only grow.
    expect(firstPercent(oneKm.lead)).toBeGreaterThanOrEqual(firstPercent(twoKm.lead))
    expect(await page.getByLabel('Distance', { exact: true }).inputValue()).toBe('1')

    const csv = await analysis.downloadCsv('summary')
    // service-map-distance, what it is measured to, the distance, the table's id.
    expect(csv.name).toBe('service-map-distance-women-only-1km-summary.csv')
    // UTF-8 byte-order mark first, so spreadsheet programs read the text as UTF-8.
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = csv.bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean)
    expect(lines[0]).toBe(
      '"Distance to","Places","LSOAs more than 1 km away","Women living more than 1 km away","Share of women (%)","Average distance for women (km)"',
    )
    // One line for each row of the table on the page.
    expect(lines.length - 1).toBe(await analysis.tableRowCount('summary'))
    expect(pathOf(page)).toBe('/directory/analysis/distance')
  })

  test('the demo provider sees only their own services and changes one', async () => {
    const page = await signIn('provider@barnet.example')
    const list = await (await new ServiceListPage(page).open()).verifyOnPage()
    expect(await list.resultCount()).toBe('9 services')
    expect(await list.serviceNames()).toEqual(PROVIDER_SERVICES)
    // The council's own tools are not offered.
    await expect(page.getByRole('link', { name: 'Gaps and co-location analysis' }).count()).resolves.toBe(0)
    await expect(page.getByRole('link', { name: 'Import an Open Referral UK file' }).count()).resolves.toBe(0)

    const name = 'Example: Online recovery support'
    const service = await (await list.openService(name)).verifyOnPage()
    const form = await (await service.change()).verifyOnPage()
    const description = 'Example: online groups and one-to-one video calls, with evening groups for women only.'
    const changed = await (await form.changeDescription(description)).verifyOnPage()
    expect(await changed.banner()).toContain('Service updated')
    expect(await changed.value('Description')).toBe(description)
    const history = await (await changed.history()).verifyOnPage()
    const rows = await history.rows()
    expect(rows.map((r) => r.version)).toEqual(['2', '1'])
    expect(rows[0]?.who).toBe('provider@barnet.example')
    expect(rows[0]?.role).toBe('Provider')
    expect(rows[0]?.whatChanged).toContain('Description changed')
  })

  test('re-importing a service as an Open Referral UK file changes nothing', async () => {
    const page = await signIn('commissioner@barnet.example')
    const list = await (await new ServiceListPage(page).open()).verifyOnPage()
    const name = "Example: North Finchley women's centre"
    const id = await list.serviceId(name)

    await list.clickAndWaitForNextPage(page.getByRole('link', { name: 'Import an Open Referral UK feed' }))
    const importPage = await new DirectoryImportPage(page).verifyOnPage()

    // No file chosen: the error summary links to the file input.
    await importPage.upload(null)
    await importPage.verifyOnPage()
    expect(await importPage.errorMessages()).toEqual(['Select a JSON file or give a web address'])
    await importPage.errorSummary.getByRole('link', { name: 'Select a JSON file or give a web address' }).click()
    await expect(importPage.fileInput.evaluate((el) => el === document.activeElement)).resolves.toBe(true)

    // The service as the open API publishes it.
    const response = await fetch(`${journey.baseUrl}/api/oruk/services/${id}`)
    expect(response.status).toBe(200)
    const json = await response.text()
    expect((JSON.parse(json) as { id: string; name: string }).name).toBe(name)

    await importPage.upload({ name: 'north-finchley-womens-centre.json', json })
    // The import runs as a job; its page shows the counts when it has finished.
    // A running job's page refreshes itself, so axe checks it once it has finished.
    const job = new JobPage(page, 'Importing an Open Referral UK feed')
    expect(await job.waitUntilDone()).toContain('1 service read: 0 added, 0 updated, 1 unchanged.')
    await job.verifyOnPage()
    await screenshot(page, 'directory-import-done')

    // Nothing new in the service's history.
    await list.open()
    const service = await (await list.openService(name)).verifyOnPage()
    const history = await (await service.history()).verifyOnPage()
    expect((await history.rows()).map((r) => r.version)).toEqual(['1'])
  })
})

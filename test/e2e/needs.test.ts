/**
 * Journey: an analyst works on the needs assessment of the demo council (whose published data the
 * demo seed has imported). Signs in, opens Needs assessment, imports a Fingertips file through the
 * upload page, watches the job finish, opens the import's summary, reads the overview's headline
 * figures, opens the access section's page, downloads a table's CSV, pages to the next section,
 * reads "How to read these figures" and downloads the Word report. Every page visited is checked with axe (WCAG 2.2 AA) by verifyOnPage().
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { fromRoot } from '../../src/platform/root.js'
import { SignInPage } from './pages/auth.js'
import {
  AssessmentPage,
  DataImportsPage,
  followNeedsSubNavigation,
  type ImportSummaryPage,
  JobPage,
  openNeedsFromServiceNavigation,
} from './pages/needs.js'
import { HomePage } from './pages/staff.js'
import { pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

const reference = (name: string) => fromRoot('src', 'db', 'reference', 'needs', name)
const FINGERTIPS = 'fingertips-93532-unmet-need-alcohol.csv'

/**
 * From the Data imports page: imports one file, watches its job to the end, and follows
 * "See what was imported" to the import's summary.
 */
async function importThroughThePage(
  imports: DataImportsPage,
  kindLabel: string,
  fileName: string,
): Promise<ImportSummaryPage> {
  const page = imports.page
  await imports.importFile(kindLabel, reference(fileName))
  expect(pathOf(page)).toMatch(/^\/jobs\/[0-9a-f-]{36}$/)
  const job = new JobPage(page, 'Importing a data file')
  const finished = await job.waitUntilDone()
  expect(finished).toContain('Finished')
  await job.verifyOnPage()
  await screenshot(page, `needs-job-${fileName}`)

  const summary = await job.seeWhatWasImported(fileName)
  expect(pathOf(page)).toMatch(/^\/needs\/imports\/[0-9a-f-]{36}$/)
  return summary.verifyOnPage()
}

describe('needs assessment journey', () => {
  test('an analyst imports a Fingertips file, follows the job, reads the assessment and downloads a table and the report', async () => {
    const { page } = await journey.newPage()
    await (await new SignInPage(page).open()).signIn('analyst@barnet.example', DEMO_PASSWORD)
    await new HomePage(page).verifyOnPage()

    const before = await (await openNeedsFromServiceNavigation(page)).verifyOnPage()
    await before.goTo('Imports')
    const imports = await new DataImportsPage(page).verifyOnPage()

    // The demo council's data (src/demo/needs-data.ts) already holds one import of this file.
    await expect(imports.importLink(FINGERTIPS).count()).resolves.toBe(1)
    const fingertips = await importThroughThePage(imports, 'Fingertips indicator data', FINGERTIPS)
    // 17 data rows: 18 lines in the file, one of them the header; every row is a valid area and period.
    expect(await fingertips.summaryValue('Rows read')).toBe('17')
    expect(await fingertips.summaryValue('Rows stored')).toBe('17')
    expect(await fingertips.summaryValue('Rows refused')).toBe('0')
    await screenshot(page, 'needs-import-summary')
    await followNeedsSubNavigation(page, 'Imports')
    // The list of imports now holds this import beside the demo's.
    await expect((await new DataImportsPage(page).verifyOnPage()).importLink(FINGERTIPS).count()).resolves.toBe(2)

    await followNeedsSubNavigation(page, 'Assessment')
    const overview = await new AssessmentPage(page).verifyOnPage()
    await screenshot(page, 'needs-overview')
    // Barnet, 2021/22 (the latest period), women, all ages, all drug groups: the ViewIt row
    // "2021/22,Barnet,F,Total,Total" has intreatment_allintx = 455 (men 1010, TOTAL 1465).
    expect(await overview.headlineFigure('Women in treatment')).toBe('455')
    // Every section has its key finding on the overview; the access section's names the 455 women.
    expect(await overview.keyFinding('access')).toContain('455')

    // The access section's own page, with the selection kept in its address.
    const access = await (await overview.openSection('Women’s access to treatment')).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/access')
    expect(new URL(page.url()).searchParams.get('period')).toBe('2021/22')
    await screenshot(page, 'needs-section-access')
    await expect(access.section('access').isVisible()).resolves.toBe(true)
    expect(await access.headlineFigure('access', 'Women in treatment')).toBe('455')
    // Women's share of everyone in treatment: 455 / 1465 = 0.31058 -> 31.1%.
    expect(await access.headlineFigure('access', 'Women’s share of people in treatment')).toBe('31.1%')

    const csv = await access.downloadTableCsv('access')
    // needs-assessment, the period 2021/22 made safe for a file name, the table's id.
    expect(csv.name).toBe('needs-assessment-2021-22-access.csv')
    // UTF-8 byte-order mark first, so spreadsheet programs read the text as UTF-8.
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(csv.bytes.toString('utf8')).toContain('455')

    // The next section's page through the pagination, then back to the overview.
    const unmet = await (await access.nextSection('Unmet need')).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/unmet-need')
    const back = await (await unmet.backToOverview()).verifyOnPage()

    // The notes on rounding, intervals and small numbers, once, on their own page.
    const howTo = await (await back.openHowToRead()).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/how-to-read')
    const again = await (await howTo.backToOverview()).verifyOnPage()

    const report = await again.downloadReport()
    // needs-assessment, Barnet's area code, the period.
    expect(report.name).toBe('needs-assessment-E09000003-2021-22.docx')
    // A .docx is a zip file: local file header signature "PK\x03\x04".
    expect([...report.bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])

    // Still on the overview after the download.
    expect(pathOf(page)).toBe('/needs')
  })
})

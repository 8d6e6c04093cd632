/**
 * Journey: the demo analyst adds what the council knows locally to the needs assessment. Records a
 * piece of local insight (after first sending the form empty and following its error links), finds
 * it in the list and by group of women, and reads it under the related sections of the assessment;
 * records a priority from a section's "Record this as a priority" button and finds it on the
 * priorities page and in the assessment; states a female share and reads the modelled figures it
 * gives; and opens the data imports and CSV templates pages and downloads a template. Every page
 * visited is checked with axe (WCAG 2.2 AA) by verifyOnPage().
 */
import { readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { fromRoot } from '../../src/platform/root.js'
import { SignInPage } from './pages/auth.js'
import { sectionTitles } from '../../src/features/needs/assessment/sections/common.js'
import { AssessmentPage, AssessmentSectionPage, DataImportsPage, followNeedsSubNavigation } from './pages/needs.js'
import {
  AssessmentLocalPart,
  AssumptionsPage,
  InsightListPage,
  type NewInsight,
  PrioritiesPage,
  TemplatesPage,
} from './pages/needs-local.js'
import { HomePage } from './pages/staff.js'
import { pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

const HOMELESS = 'Women who are homeless or in unstable housing'
const MIGRANT = 'Migrant women'

const insight: NewInsight = {
  organisation: 'Example: Street Outreach Women’s Forum',
  byAndFor: true,
  cohorts: [HOMELESS, MIGRANT],
  received: { day: '4', month: '3', year: '2025' },
  summary: 'Women sleeping rough told us the mixed waiting room at the hub puts them off coming back.',
}
// The card title: organisation, then the date in GOV.UK style.
const insightTitle = `${insight.organisation}, 4 March 2025`

async function signInAsAnalyst() {
  const { page } = await journey.newPage()
  await (await new SignInPage(page).open()).signIn('analyst@barnet.example', DEMO_PASSWORD)
  await new HomePage(page).verifyOnPage()
  return page
}

describe('local insight, priorities and assumptions', () => {
  test('an empty insight form lists every problem, and each error link moves focus to its field', async () => {
    const page = await signInAsAnalyst()
    const list = await (await new InsightListPage(page).open()).verifyOnPage()
    const form = await (await list.recordInsight()).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/insight/new')

    await form.save()
    await form.verifyOnPage()
    expect(pathOf(page)).toBe('/needs/insight')
    // One message per required question, in the order of the form; the date links to its first box.
    expect(await form.errorLinks()).toEqual([
      { text: 'Enter the name of the organisation', href: '#organisation' },
      { text: 'Select yes if the organisation is run by and for the women it speaks for', href: '#byAndFor' },
      { text: 'Select at least one group of women the insight is about', href: '#cohorts' },
      { text: 'Enter the date received', href: '#receivedOn-day' },
      { text: 'Enter a summary of the insight', href: '#summary' },
    ])
    expect(await page.title()).toMatch(/^Error: Record insight/)
    await screenshot(page, 'needs-insight-errors')

    // govuk-frontend's error summary moves focus to the field (the first radio or checkbox of a group).
    for (const { text, href } of await form.errorLinks()) {
      expect(await form.followErrorLink(text), `focus after "${text}"`).toBe(href.slice(1))
    }
    // Nothing was stored.
    await list.open()
    expect(await list.listHeading()).toBe('All insight (0)')
  })

  test('the analyst records insight, a priority and a female share, and the assessment shows all three', async () => {
    const page = await signInAsAnalyst()
    const assessment = new AssessmentLocalPart(page)

    // ---- Local insight ----
    await (await new AssessmentPage(page).open()).verifyOnPage()
    await AssessmentSectionPage.open(page, 'unmet-need', 'Unmet need')
    // The demo council has no local insight yet.
    expect(await assessment.relatedInsight('unmet-need')).toEqual([])
    await followNeedsSubNavigation(page, 'Insight')
    const list = await new InsightListPage(page).verifyOnPage()
    expect(await list.listHeading()).toBe('All insight (0)')

    const form = await (await list.recordInsight()).verifyOnPage()
    await form.fill(insight)
    await form.save()
    await list.verifyOnPage()
    expect(pathOf(page)).toBe('/needs/insight')
    expect(await list.banner()).toContain('Insight recorded')
    expect(await list.listHeading()).toBe('All insight (1)')
    expect(await list.entryTitles()).toEqual([insightTitle])
    expect(await list.entry(insightTitle)).toEqual({
      Organisation: insight.organisation,
      'By and for': 'By and for',
      About: `${HOMELESS} ${MIGRANT}`,
      Received: '4 March 2025',
      Summary: insight.summary,
      Source: 'None given',
    })
    await screenshot(page, 'needs-insight-list')

    // Filtered by a group it is about, it is there; by another group, it is not.
    await (await list.showInsightAbout(MIGRANT)).verifyOnPage()
    expect(new URL(page.url()).searchParams.get('cohort')).toBe('migrant')
    expect(await list.listHeading()).toBe('Insight about migrant women (1)')
    expect(await list.entryTitles()).toEqual([insightTitle])
    await (await list.showInsightAbout('Pregnant women')).verifyOnPage()
    expect(await list.listHeading()).toBe('Insight about pregnant women (0)')
    expect(await list.entryTitles()).toEqual([])

    // In the assessment: under the sections whose groups include homeless or migrant women
    // (src/features/needs/assessment/sections/common.ts, sectionCohorts), not under the others;
    // each section on its own page.
    await followNeedsSubNavigation(page, 'Assessment')
    await new AssessmentPage(page).verifyOnPage()
    for (const section of ['access', 'unmet-need', 'exits', 'harm']) {
      await AssessmentSectionPage.open(page, section, sectionTitles[section] ?? section)
      const related = await assessment.relatedInsight(section)
      expect(related, `related insight in ${section}`).toHaveLength(1)
      expect(related[0]).toContain(`${insight.organisation} (by and for)`)
      expect(related[0]).toContain(insight.summary)
    }
    for (const section of ['referrals', 'safeguarding', 'representation']) {
      await AssessmentSectionPage.open(page, section, sectionTitles[section] ?? section)
      expect(await assessment.relatedInsight(section), `related insight in ${section}`).toEqual([])
    }
    // The local insight section lists the entry once under each of its two groups, homeless
    // before migrant (the order of the groups in the guide); the source column is empty. The
    // summary, a sentence, is a note under the table rather than a column (at most 6 columns a page).
    const insightPage = await AssessmentSectionPage.open(page, 'local-insight', 'Local insight')
    const entryCells = [insight.organisation, 'Yes', '4 March 2025', '']
    expect(await assessment.tableRows('insight')).toEqual([
      [HOMELESS, ...entryCells],
      [MIGRANT, ...entryCells],
    ])
    expect(await page.locator('main').innerText()).toContain(insight.summary)
    expect(await insightPage.headlineFigure('insight', 'Cohorts with local insight')).toBe('2 of 16')

    // ---- A priority from the unmet need section ----
    await AssessmentSectionPage.open(page, 'unmet-need', 'Unmet need')
    const priorityForm = await (await assessment.recordAsPriority('unmet-need')).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/priorities/new')
    // The button fills in the section's title and where the finding comes from.
    await expect(priorityForm.titleInput.inputValue()).resolves.toBe('Unmet need')
    await expect(priorityForm.evidenceInput.inputValue()).resolves.toMatch(/^Needs assessment, Unmet need, 2021\/22 /)
    const priorityTitle = 'Reach women sleeping rough who drink'
    const finding =
      'Most women dependent on alcohol are not in treatment, and women sleeping rough say the hub feels unsafe.'
    const priority = await priorityForm.record({
      title: priorityTitle,
      finding,
      cohorts: [HOMELESS],
      period: '2025 to 2028',
      status: 'Agreed',
    })
    await priority.verifyOnPage()
    expect(pathOf(page)).toMatch(/^\/needs\/priorities\/[0-9a-f-]{36}$/)
    expect(await priority.banner()).toContain('Priority recorded')
    expect(await priority.value('Finding')).toBe(finding)
    expect(await priority.value('Evidence')).toMatch(/^Needs assessment, Unmet need, 2021\/22 /)
    expect(await priority.value('Status')).toBe('Agreed')
    const evidence = await priority.value('Evidence')

    await followNeedsSubNavigation(page, 'Priorities')
    const priorities = await new PrioritiesPage(page).verifyOnPage()
    expect(await priorities.rows()).toEqual([[priorityTitle, HOMELESS, '2025 to 2028', 'Agreed']])

    await followNeedsSubNavigation(page, 'Assessment')
    await new AssessmentPage(page).verifyOnPage()
    await AssessmentSectionPage.open(page, 'recorded-priorities', 'Priorities')
    // The finding, the evidence and the cohorts run to sentences, so they are notes under the table.
    expect(await assessment.tableRows('priorities')).toEqual([[priorityTitle, '2025 to 2028', 'Agreed']])
    expect(await assessment.tableNotes('priorities')).toEqual([
      `Finding, ${priorityTitle}: ${finding}`,
      `Evidence, ${priorityTitle}: ${evidence}`,
      `Cohorts, ${priorityTitle}: ${HOMELESS}`,
    ])
    await expect(assessment.section('priorities').getByText('1 priority recorded, 1 agreed.').count()).resolves.toBe(1)

    // ---- The female share of alcohol dependence ----
    // Barnet's alcohol dependence estimate for all people (the latest before 2021/22 is 2017/18):
    // 3,046 (2,237 to 4,284). Women in treatment for alcohol in 2021/22 (ViewIt, F, TOTAL ages):
    // alcohol only 170 + non-opiate and alcohol 75 = 245; all people 440 + 230 = 670.
    // The demo's 30% is labelled an example value (ADR 24), so no card or figure for women rests on it
    // and the section says what to do instead.
    const cardLabel = 'Women dependent drinkers not in treatment (modelled)'
    const unmetNeed = await AssessmentSectionPage.open(page, 'unmet-need', 'Unmet need')
    await expect(
      assessment
        .section('unmet-need')
        .locator('ul[aria-label^="Headline figures"] > li')
        .filter({ hasText: cardLabel })
        .count(),
    ).resolves.toBe(0)
    expect(await assessment.section('unmet-need').innerText()).toContain('Set your council’s female share of need')

    await followNeedsSubNavigation(page, 'Assumptions')
    const assumptions = await new AssumptionsPage(page).verifyOnPage()
    const source = 'Example: local treatment survey, 2024, women as a share of dependent drinkers'
    await assumptions.state("Women's share of alcohol dependence", '25', source)
    await assumptions.verifyOnPage()
    expect(pathOf(page)).toBe('/needs/assumptions')
    expect(await assumptions.banner()).toContain('Assumptions saved')
    expect(await assumptions.current('Alcohol dependence')).toMatch(
      new RegExp(`^25% of the combined estimate\\. Source: ${source}\\. Set `),
    )

    await followNeedsSubNavigation(page, 'Assessment')
    await new AssessmentPage(page).verifyOnPage()
    await AssessmentSectionPage.open(page, 'unmet-need', 'Unmet need')
    await screenshot(page, 'needs-assessment-modelled')
    // 25%: 3046 x 0.25 = 761.5; 1 - 245 / 761.5 = 0.67827 -> 67.8%.
    // Lower: 2237 x 0.25 = 559.25; 1 - 245 / 559.25 = 0.56191 -> 56.2%.
    // Upper: 4284 x 0.25 = 1071; 1 - 245 / 1071 = 0.77124 -> 77.1%.
    // All people (not modelled): 1 - 670 / 3046 = 0.78004 -> 78.0%.
    expect(await unmetNeed.headlineFigure('unmet-need', cardLabel)).toBe('67.8%')
    const card = assessment
      .section('unmet-need')
      .locator('ul[aria-label^="Headline figures"] > li')
      .filter({ hasText: cardLabel })
    await expect(card.locator('p').nth(2).innerText()).resolves.toBe('56.2% to 77.1%; all people 78.0%')
    // On the page each figure carries its interval in one cell, and the basis, a sentence, is a note.
    const womenRow = await assessment.tableRow('unmet-need', 'Alcohol: women')
    expect(womenRow[0]).toBe('Alcohol: women (modelled)')
    expect(womenRow).toContain('67.8% (56.2 to 77.1) (modelled)')
    expect(
      (await assessment.tableNotes('unmet-need')).filter((n) =>
        n.startsWith('Where the estimate comes from, Alcohol: women: '),
      ),
    ).toEqual([expect.stringContaining('modelled: 25.0% of the 2017/18 estimate for all people')])
    // The men's figure rests on the remaining 75%: 1 - (270 + 155) / (3046 x 0.75) = 1 - 425 / 2284.5
    // = 0.81396 -> 81.4%; lower 1 - 425 / (2237 x 0.75) = 1 - 425 / 1677.75 = 0.74668 -> 74.7%;
    // upper 1 - 425 / (4284 x 0.75) = 1 - 425 / 3213 = 0.86772 -> 86.8%.
    expect(await assessment.tableRow('unmet-need', 'Alcohol: men')).toContain('81.4% (74.7 to 86.8) (modelled)')
  })

  test('the imports and templates pages, and a template download', async () => {
    const page = await signInAsAnalyst()
    await (await new AssessmentPage(page).open()).verifyOnPage()
    await followNeedsSubNavigation(page, 'Imports')
    await new DataImportsPage(page).verifyOnPage()
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'CSV templates' }).click()])
    const templates = await new TemplatesPage(page).verifyOnPage()
    expect(pathOf(page)).toBe('/needs/templates')
    await screenshot(page, 'needs-templates')

    // Every template file in the folder is offered (the README is the page's documentation).
    const files = readdirSync(fromRoot('src', 'features', 'needs', 'importers', 'templates'))
      .filter((f) => f.endsWith('.csv'))
      .sort()
    expect([...(await templates.templateNames())].sort()).toEqual(files)

    const download = await templates.download('prevalence-template.csv')
    expect(download.name).toBe('prevalence-template.csv')
    const firstLine = download.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]
    // The columns the prevalence importer reads (src/features/needs/importers/templates/README.md).
    expect(firstLine).toBe('area_code,area_name,period,sex,age_group,substance_group,estimate,lower_95,upper_95,source')
    // Still on the templates page after the download.
    expect(pathOf(page)).toBe('/needs/templates')
  })
})

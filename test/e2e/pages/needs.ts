/** Needs assessment pages: data imports, an import's job and summary, the assessment and its downloads. */
import { readFile } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'
import { BasePage } from './base-page.js'

export interface Downloaded {
  /** The file name the server suggested (Content-Disposition). */
  name: string
  bytes: Buffer
}

/** Clicks a link that answers with an attachment and returns what the browser saved. */
export async function downloadFrom(page: Page, link: Locator): Promise<Downloaded> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  const failure = await download.failure()
  if (failure) throw new Error(`download of ${download.url()} failed: ${failure}`)
  const file = await download.path()
  return { name: download.suggestedFilename(), bytes: await readFile(file) }
}

/** The Needs assessment sub-navigation (MoJ sub-navigation, labelled "Needs assessment"). */
function subNavigation(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Needs assessment' })
}

/** Follows an item of the Needs assessment sub-navigation ("Assessment", "Imports", ...) from any needs page. */
export async function followNeedsSubNavigation(page: Page, item: string): Promise<void> {
  await Promise.all([
    page.waitForEvent('load'),
    subNavigation(page).getByRole('link', { name: item, exact: true }).click(),
  ])
}

export class DataImportsPage extends BasePage {
  readonly heading = 'Data imports'

  async open(): Promise<this> {
    await this.page.goto('/needs/imports')
    return this
  }

  /** Chooses the kind of data by its label, picks the file and submits; the browser goes to the job page. */
  async importFile(kindLabel: string, filePath: string): Promise<void> {
    await this.page.getByRole('radio', { name: kindLabel, exact: true }).check()
    await this.page.getByLabel('CSV file').setInputFiles(filePath)
    await Promise.all([
      this.page.waitForURL(/\/jobs\/[0-9a-f-]+$/),
      this.page.getByRole('button', { name: 'Import file' }).click(),
    ])
  }

  /** The link to an import's summary in the list of imports, by file name. */
  importLink(fileName: string): Locator {
    return this.page.locator('#imports').getByRole('link', { name: fileName, exact: true })
  }
}

/** A job's page: it refreshes itself every 2 seconds until the job has finished or failed. */
export class JobPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  /**
   * Waits (through the page's own refreshes) until the job has finished; fails with the job's
   * error message when it did not. Returns the text of the "Finished" panel.
   */
  async waitUntilDone(timeoutMs = 60_000): Promise<string> {
    const done = this.page.locator('.govuk-panel, #job-error')
    await done.first().waitFor({ state: 'visible', timeout: timeoutMs })
    await this.page.waitForLoadState('load')
    if (await this.page.locator('#job-error').count()) {
      throw new Error(`the job did not finish: ${(await this.page.locator('#job-error').innerText()).trim()}`)
    }
    return (await this.page.locator('.govuk-panel').innerText()).trim()
  }

  /** Follows "See what was imported" to the import's summary. */
  async seeWhatWasImported(fileName: string): Promise<ImportSummaryPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: 'See what was imported' }))
    return new ImportSummaryPage(this.page, fileName)
  }

  /** The progress the page showed, while the job is still running (null once it has ended). */
  async progress(): Promise<number | null> {
    const bar = this.page.locator('progress')
    if ((await bar.count()) === 0) return null
    return Number(await bar.getAttribute('value'))
  }
}

/** One import's summary: what was read, stored and refused, and what the file covered. */
export class ImportSummaryPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  /** The value beside a key of the first summary list ("Rows read", "Rows stored", ...). */
  async summaryValue(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row').filter({
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    })
    return (await row.first().locator('.govuk-summary-list__value').innerText()).trim()
  }
}

/** Headline figure cards: each card is a list item of paragraphs (label, value, detail). */
async function figureIn(cards: Locator, label: string): Promise<string | undefined> {
  for (const card of await cards.all()) {
    const texts = (await card.locator('p').allInnerTexts()).map((t) => t.trim())
    if (texts[0] === label) return texts[1] ?? ''
  }
  return undefined
}

/** The assessment's overview (/needs): headline figures and each section's key finding. */
export class AssessmentPage extends BasePage {
  readonly heading = 'Needs assessment: women’s drug and alcohol treatment'

  async open(): Promise<this> {
    await this.page.goto('/needs')
    return this
  }

  /** Follows an item of the Needs assessment sub-navigation ("Assessment", "Imports", ...). */
  async goTo(item: string): Promise<void> {
    await followNeedsSubNavigation(this.page, item)
  }

  /** The value of a headline figure of the overview, found by its label (exactly). */
  async headlineFigure(label: string): Promise<string> {
    const value = await figureIn(this.page.locator('ul[aria-label="Headline figures"] > li'), label)
    if (value === undefined) throw new Error(`no headline figure "${label}" on the overview`)
    return value
  }

  /** The key finding shown for a section, by the section's id. */
  async keyFinding(sectionId: string): Promise<string> {
    return (await this.page.locator(`li#${sectionId} p`).first().innerText()).trim()
  }

  /** Follows a section's link in the key findings to the section's page. */
  async openSection(title: string): Promise<AssessmentSectionPage> {
    await this.clickAndWaitForNextPage(
      this.page.locator('#key-findings + ol').getByRole('link', { name: title, exact: true }),
    )
    return new AssessmentSectionPage(this.page, title)
  }

  /** Follows "how to read these figures". */
  async openHowToRead(): Promise<HowToReadPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: 'how to read these figures' }).first())
    return new HowToReadPage(this.page)
  }

  async downloadReport(): Promise<Downloaded> {
    return downloadFrom(this.page, this.page.locator('a[href^="/needs/report.docx"]').first())
  }
}

/** One section's page (/needs/access, /needs/unmet-need, ...); its h1 is the section's title. */
export class AssessmentSectionPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  /** Opens a section's page by its address (/needs/<slug>) and checks it is the page titled `title`. */
  static async open(page: Page, slug: string, title: string): Promise<AssessmentSectionPage> {
    await page.goto(`/needs/${slug}`)
    return new AssessmentSectionPage(page, title).verifyOnPage()
  }

  /** A section of the assessment by its id (access, unmet-need, referrals, ...). */
  section(id: string): Locator {
    return this.page.locator(`section#${id}`)
  }

  /** The value of a headline figure in the section, found by its label (exactly). */
  async headlineFigure(sectionId: string, label: string): Promise<string> {
    const cards = this.section(sectionId).locator('ul[aria-label^="Headline figures"] > li')
    const value = await figureIn(cards, label)
    if (value === undefined) throw new Error(`no headline figure "${label}" in section ${sectionId}`)
    return value
  }

  /** Downloads the CSV of the first table of a section with a CSV link. */
  async downloadTableCsv(sectionId: string): Promise<Downloaded> {
    const link = this.section(sectionId).locator('a[href*="format=csv"][href*="table="]').first()
    return downloadFrom(this.page, link)
  }

  /** Follows the GOV.UK pagination to the next section's page, whose title is `nextTitle`. */
  async nextSection(nextTitle: string): Promise<AssessmentSectionPage> {
    await this.clickAndWaitForNextPage(this.page.locator('.govuk-pagination__next a'))
    return new AssessmentSectionPage(this.page, nextTitle)
  }

  async backToOverview(): Promise<AssessmentPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: 'Back to the overview' }))
    return new AssessmentPage(this.page)
  }
}

/** The notes that apply to every table, said once, and the sources. */
export class HowToReadPage extends BasePage {
  readonly heading = 'How to read these figures'

  async backToOverview(): Promise<AssessmentPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: 'Back to the overview' }))
    return new AssessmentPage(this.page)
  }
}

/** The Home page's service navigation entry for the needs assessment. */
export async function openNeedsFromServiceNavigation(page: Page): Promise<AssessmentPage> {
  await Promise.all([
    page.waitForURL('**/needs'),
    page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Needs assessment' }).click(),
  ])
  await page.waitForLoadState('load')
  return new AssessmentPage(page)
}

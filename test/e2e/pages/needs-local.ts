/**
 * What a council adds to the published data in the needs assessment: local insight, priorities,
 * female share assumptions, and the CSV templates (src/features/needs/insight/ and uploads/).
 */
import type { Locator, Page } from 'playwright-core'
import { BasePage } from './base-page.js'
import { type Downloaded, downloadFrom } from './needs.js'

/** The text of an element with its runs of white space made single spaces. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim()
}

export class InsightListPage extends BasePage {
  readonly heading = 'Local insight'

  async open(): Promise<this> {
    await this.page.goto('/needs/insight')
    return this
  }

  async recordInsight(): Promise<InsightFormPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Record insight' }))
    return new InsightFormPage(this.page)
  }

  /** Chooses a group of women in "Show insight about" (its label, or 'All groups') and shows the list. */
  async showInsightAbout(groupLabel: string): Promise<this> {
    await this.page.getByLabel('Show insight about').selectOption({ label: groupLabel })
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Show', exact: true }))
    return this
  }

  /** The heading above the entries, e.g. 'All insight (1)'. */
  async listHeading(): Promise<string> {
    return textOf(this.page.locator('main h2.govuk-heading-m').first())
  }

  /** The titles of the entries' cards ('Organisation, 4 March 2025'), in the order shown. */
  async entryTitles(): Promise<string[]> {
    return (await this.page.locator('.govuk-summary-card__title').allInnerTexts()).map((t) => t.trim())
  }

  /** The rows of one entry's card as key -> value, found by the card's title. */
  async entry(title: string): Promise<Record<string, string>> {
    const card = this.page.locator('.govuk-summary-card').filter({
      has: this.page.locator('.govuk-summary-card__title', { hasText: title }),
    })
    const rows: Record<string, string> = {}
    for (const row of await card.locator('.govuk-summary-list__row').all()) {
      rows[await textOf(row.locator('dt'))] = await textOf(row.locator('dd'))
    }
    return rows
  }

  async banner(): Promise<string> {
    return textOf(this.page.locator('.govuk-notification-banner'))
  }
}

export interface NewInsight {
  organisation: string
  byAndFor: boolean
  /** Labels of the groups of women, as on the form. */
  cohorts: string[]
  received: { day: string; month: string; year: string }
  summary: string
}

export class InsightFormPage extends BasePage {
  readonly heading = 'Record insight'

  /** Fills in the form (the optional link left empty) without saving it. */
  async fill(entry: NewInsight): Promise<void> {
    const page = this.page
    await page.getByLabel('Organisation', { exact: true }).fill(entry.organisation)
    await page
      .getByRole('group', { name: 'Is the organisation run by and for the women it speaks for?' })
      .getByLabel(entry.byAndFor ? 'Yes' : 'No', { exact: true })
      .check()
    const cohorts = page.getByRole('group', { name: 'Which groups of women is it about?' })
    for (const label of entry.cohorts) await cohorts.getByLabel(label, { exact: true }).check()
    const date = page.getByRole('group', { name: 'When did you receive it?' })
    await date.getByLabel('Day').fill(entry.received.day)
    await date.getByLabel('Month').fill(entry.received.month)
    await date.getByLabel('Year').fill(entry.received.year)
    await page.getByLabel('Summary', { exact: true }).fill(entry.summary)
  }

  /** Presses "Save insight"; the next page is the list, or this form again with its errors. */
  async save(): Promise<void> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save insight' }))
  }

  /** The links of the error summary, as text and href. */
  async errorLinks(): Promise<{ text: string; href: string }[]> {
    const links = this.errorSummary.getByRole('link')
    const out: { text: string; href: string }[] = []
    for (const link of await links.all()) {
      out.push({ text: (await link.innerText()).trim(), href: (await link.getAttribute('href')) ?? '' })
    }
    return out
  }

  /** Follows an error summary link (by its text) and returns the id of the element that then has focus. */
  async followErrorLink(text: string): Promise<string> {
    await this.errorSummary.getByRole('link', { name: text, exact: true }).click()
    return this.page.evaluate(() => document.activeElement?.id ?? '')
  }
}

/** The parts of the needs assessment's section pages that local insight and priorities feed. */
export class AssessmentLocalPart {
  constructor(readonly page: Page) {}

  section(id: string): Locator {
    return this.page.locator(`section#${id}`)
  }

  /** The entries under "Related local insight" in a section, as read. */
  async relatedInsight(sectionId: string): Promise<string[]> {
    const items = this.section(sectionId).locator('h2:text-is("Related local insight") + ul > li')
    return Promise.all((await items.all()).map((li) => textOf(li)))
  }

  /** Cells of a row of a section's table, found by the text of its row header; the header first. */
  async tableRow(tableId: string, rowHeader: string): Promise<string[]> {
    const row = this.page
      .locator(`#table-${tableId} tbody tr`)
      .filter({ has: this.page.locator('th', { hasText: rowHeader }) })
    return Promise.all((await row.first().locator('th, td').all()).map((cell) => textOf(cell)))
  }

  /** Every row of a section's table, each as its cells (the row header first). */
  async tableRows(tableId: string): Promise<string[][]> {
    const rows = await this.page.locator(`#table-${tableId} tbody tr`).all()
    return Promise.all(rows.map(async (r) => Promise.all((await r.locator('th, td').all()).map((c) => textOf(c)))))
  }

  /** The notes listed under a table (its prose columns and what only the CSV holds). */
  async tableNotes(tableId: string): Promise<string[]> {
    const list = this.page.locator(`#table-${tableId}`).locator('xpath=following::ul[1]')
    return Promise.all((await list.locator('li').all()).map((li) => textOf(li)))
  }

  /** Follows a section's "Record this as a priority" button to the priority form. */
  async recordAsPriority(sectionId: string): Promise<PriorityFormPage> {
    // A link styled as a button (it leads to a form; it changes nothing).
    const button = this.section(sectionId).locator('a.govuk-button', { hasText: 'Record this as a priority' })
    await Promise.all([this.page.waitForEvent('load'), button.click()])
    return new PriorityFormPage(this.page)
  }
}

export interface NewPriority {
  title: string
  finding: string
  cohorts: string[]
  period: string
  status: 'Draft' | 'Agreed' | 'Retired'
}

export class PriorityFormPage extends BasePage {
  readonly heading = 'Record a priority'

  get titleInput(): Locator {
    return this.page.getByLabel('Title', { exact: true })
  }

  get evidenceInput(): Locator {
    return this.page.getByLabel('Evidence', { exact: true })
  }

  /** Fills in the form (the evidence as it came) and saves it; the next page is the priority. */
  async record(p: NewPriority): Promise<PriorityPage> {
    const page = this.page
    await this.titleInput.fill(p.title)
    await page.getByLabel('Finding', { exact: true }).fill(p.finding)
    const cohorts = page.getByRole('group', { name: 'Which groups of women is it about? (optional)' })
    for (const label of p.cohorts) await cohorts.getByLabel(label, { exact: true }).check()
    await page.getByLabel('Period (optional)').fill(p.period)
    await page.getByRole('group', { name: 'Status' }).getByLabel(p.status, { exact: true }).check()
    await this.clickAndWaitForNextPage(page.getByRole('button', { name: 'Save priority' }))
    return new PriorityPage(page, p.title)
  }
}

export class PriorityPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  /** The value beside a key of the summary list ("Finding", "Status", ...). */
  async value(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row').filter({
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    })
    return textOf(row.first().locator('.govuk-summary-list__value'))
  }

  async banner(): Promise<string> {
    return textOf(this.page.locator('.govuk-notification-banner'))
  }
}

export class PrioritiesPage extends BasePage {
  readonly heading = 'Priorities'

  async open(): Promise<this> {
    await this.page.goto('/needs/priorities')
    return this
  }

  /** The rows of the table of priorities: priority, about, period, status. */
  async rows(): Promise<string[][]> {
    const rows = await this.page.locator('#priorities tbody tr').all()
    return Promise.all(rows.map(async (r) => Promise.all((await r.locator('td').all()).map((c) => textOf(c)))))
  }
}

export class AssumptionsPage extends BasePage {
  readonly heading = 'Female share assumptions'

  async open(): Promise<this> {
    await this.page.goto('/needs/assumptions')
    return this
  }

  /** The "Current assumptions" value for a kind ('Alcohol dependence' or 'Opiate and crack cocaine use'). */
  async current(kind: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row').filter({
      has: this.page.locator('.govuk-summary-list__key', { hasText: kind }),
    })
    return textOf(row.first().locator('.govuk-summary-list__value'))
  }

  /** States the share for one kind (its fieldset legend names it) and saves the form. */
  async state(legend: string, percent: string, source: string): Promise<void> {
    const group = this.page.getByRole('group', { name: legend })
    await group.getByLabel('Share', { exact: true }).fill(percent)
    await group.getByLabel('Source', { exact: true }).fill(source)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save assumptions' }))
  }

  async banner(): Promise<string> {
    return textOf(this.page.locator('.govuk-notification-banner'))
  }
}

export class TemplatesPage extends BasePage {
  readonly heading = 'CSV templates'

  async open(): Promise<this> {
    await this.page.goto('/needs/templates')
    return this
  }

  /** The file names offered, in order. */
  async templateNames(): Promise<string[]> {
    return (await this.page.locator('main a[href^="/needs/templates/"]').allInnerTexts()).map((t) => t.trim())
  }

  async download(fileName: string): Promise<Downloaded> {
    return downloadFrom(this.page, this.page.getByRole('link', { name: fileName, exact: true }))
  }
}

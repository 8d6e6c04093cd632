/**
 * The signed-in service map (src/features/directory/web/ and analysis/): the list with its filters
 * and sorting, a service, its history and its form, the analysis pages, and the Open Referral UK
 * import.
 */
import type { Locator, Page } from 'playwright-core'
import { BasePage } from './base-page.js'
import { type Downloaded, downloadFrom } from './needs.js'

/** The text of an element with its runs of white space made single spaces. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim()
}

/** The value beside a key of the summary lists on the page. */
async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page.locator('.govuk-summary-list__row').filter({
    has: page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${key}\\s*$`) }),
  })
  return textOf(row.first().locator('.govuk-summary-list__value'))
}

export interface ListFilters {
  /** Feature labels with the legend of their group, e.g. { group: 'Women-only provision', label: 'Women-only group sessions' }. */
  features?: { group: string; label: string }[]
  /** Day labels, e.g. 'Monday'. */
  days?: string[]
}

export class ServiceListPage extends BasePage {
  readonly heading = 'Service map'

  async open(): Promise<this> {
    await this.page.goto('/directory')
    return this
  }

  private get filterForm(): Locator {
    return this.page.locator('form[action="/directory"]')
  }

  /** The "Show filters" / "Hide filters" control that folds the filters away on small screens. */
  get filterToggle(): Locator {
    return this.page.locator('summary.app-filter-toggle__summary')
  }

  get applyButton(): Locator {
    return this.filterForm.getByRole('button', { name: 'Apply filters' })
  }

  /** The link of the first service in the table. */
  firstServiceLink(): Locator {
    return this.page.locator('table.app-directory-table tbody tr td:first-child a').first()
  }

  /** Ticks the filters and presses "Apply filters"; the page reloads with them in its address. */
  async applyFilters(filters: ListFilters): Promise<this> {
    const form = this.filterForm
    for (const f of filters.features ?? []) {
      await form.getByRole('group', { name: f.group, exact: true }).getByLabel(f.label, { exact: true }).check()
    }
    for (const day of filters.days ?? []) {
      await form.getByRole('group', { name: 'Day', exact: true }).getByLabel(day, { exact: true }).check()
    }
    await this.clickAndWaitForNextPage(form.getByRole('button', { name: 'Apply filters' }))
    return this
  }

  /** The line above the table, e.g. '4 of 47 services match the filters'. */
  async resultCount(): Promise<string> {
    return textOf(this.page.locator('#result-count'))
  }

  /** The services' names in the order of the table. */
  async serviceNames(): Promise<string[]> {
    return (await this.page.locator('table.app-directory-table tbody tr td:first-child a').allInnerTexts()).map((t) =>
      t.trim(),
    )
  }

  /** A column header of the table (its sort link inside). */
  columnHeader(name: string): Locator {
    return this.page.locator('table.app-directory-table thead th').filter({
      has: this.page.getByRole('link', { name, exact: true }),
    })
  }

  /** Follows a column heading's link to sort the table by it (again to turn the order round). */
  async sortBy(column: string): Promise<this> {
    await this.clickAndWaitForNextPage(this.columnHeader(column).getByRole('link'))
    return this
  }

  async openService(name: string): Promise<DirectoryServicePage> {
    await this.clickAndWaitForNextPage(
      this.page.locator('table.app-directory-table').getByRole('link', { name, exact: true }),
    )
    return new DirectoryServicePage(this.page, name)
  }

  /** The id of a service in the list (from its link). */
  async serviceId(name: string): Promise<string> {
    const href = await this.page
      .locator('table.app-directory-table')
      .getByRole('link', { name, exact: true })
      .getAttribute('href')
    const id = /\/directory\/services\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1]
    if (id === undefined) throw new Error(`no service link for ${name}: ${String(href)}`)
    return id
  }
}

export class DirectoryServicePage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async value(key: string): Promise<string> {
    return summaryValue(this.page, key)
  }

  async banner(): Promise<string> {
    return textOf(this.page.locator('.govuk-notification-banner'))
  }

  async history(): Promise<ServiceHistoryPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: 'See the history of changes' }))
    return new ServiceHistoryPage(this.page)
  }

  async change(): Promise<ServiceFormPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Change service' }))
    return new ServiceFormPage(this.page, `Change ${this.heading}`, this.heading)
  }
}

export interface HistoryRow {
  version: string
  who: string
  role: string
  /** The "What changed" cell: the summary line and the details. */
  whatChanged: string
}

export class ServiceHistoryPage extends BasePage {
  readonly heading = 'History of changes'

  async rows(): Promise<HistoryRow[]> {
    const rows = await this.page.locator('main table tbody tr').all()
    return Promise.all(
      rows.map(async (r) => ({
        version: await textOf(r.locator('th')),
        who: await textOf(r.locator('td').nth(1)),
        role: await textOf(r.locator('td').nth(2)),
        whatChanged: await textOf(r.locator('td').nth(3)),
      })),
    )
  }

  /** Back to the service (the back link names it). */
  async backTo(serviceName: string): Promise<DirectoryServicePage> {
    await this.clickAndWaitForNextPage(this.page.locator('a.govuk-back-link', { hasText: serviceName }))
    return new DirectoryServicePage(this.page, serviceName)
  }
}

export class ServiceFormPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
    readonly serviceName: string,
  ) {
    super(page)
  }

  get description(): Locator {
    return this.page.getByLabel('Description', { exact: true })
  }

  /** Replaces the description and saves; the next page is the service. */
  async changeDescription(text: string): Promise<DirectoryServicePage> {
    await this.description.fill(text)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save changes' }))
    return new DirectoryServicePage(this.page, this.serviceName)
  }
}

// ---- Analysis ----

export const analysisPages = {
  overview: { nav: 'Overview', path: '/directory/analysis', heading: 'Service map analysis' },
  distance: { nav: 'Distance', path: '/directory/analysis/distance', heading: 'How far women live from support' },
  time: { nav: 'Time', path: '/directory/analysis/time', heading: 'When women-only sessions run' },
  features: {
    nav: 'Features',
    path: '/directory/analysis/features',
    heading: 'Gender-responsive features by service type',
  },
  cohorts: { nav: 'Groups of women', path: '/directory/analysis/cohorts', heading: 'Services for each group of women' },
  colocation: {
    nav: 'Co-location',
    path: '/directory/analysis/colocation',
    heading: 'Co-location: treatment where women already go',
  },
} as const
export type AnalysisPageKey = keyof typeof analysisPages

export class AnalysisPage extends BasePage {
  readonly heading: string

  constructor(
    page: Page,
    readonly key: AnalysisPageKey,
  ) {
    super(page)
    this.heading = analysisPages[key].heading
  }

  async open(): Promise<this> {
    await this.page.goto(analysisPages[this.key].path)
    return this
  }

  /** Follows a link of the analysis pages' own navigation to another of them. */
  async goTo(key: AnalysisPageKey): Promise<AnalysisPage> {
    const nav = this.page.getByRole('navigation', { name: 'Service map analysis' })
    await this.clickAndWaitForNextPage(nav.getByRole('link', { name: analysisPages[key].nav, exact: true }))
    return new AnalysisPage(this.page, key)
  }

  /** The item of the analysis navigation marked as the current page. */
  async currentNavItem(): Promise<string> {
    const nav = this.page.getByRole('navigation', { name: 'Service map analysis' })
    return textOf(nav.locator('[aria-current="page"]'))
  }

  /** Captions of the tables on the page, in order. */
  async tableCaptions(): Promise<string[]> {
    return (await this.page.locator('main table caption').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** Number of body rows of a table, by its id (e.g. 'summary'). */
  async tableRowCount(tableId: string): Promise<number> {
    return this.page.locator(`#table-${tableId} tbody tr`).count()
  }

  /** On the distance page: sets the distance in km and presses "Show figures". */
  async showDistance(km: string): Promise<this> {
    await this.page.getByLabel('Distance', { exact: true }).fill(km)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Show figures' }))
    return this
  }

  /** On the distance page: the heading and lead sentence of the chosen measure. */
  async distanceLead(): Promise<{ heading: string; lead: string }> {
    return {
      heading: await textOf(this.page.locator('main h2.govuk-heading-m').first()),
      lead: await textOf(this.page.locator('main p.govuk-body-l').first()),
    }
  }

  /** Downloads a table's CSV with its "Download CSV" link. */
  async downloadCsv(tableId: string): Promise<Downloaded> {
    return downloadFrom(this.page, this.page.locator(`a[href*="format=csv"][href$="table=${tableId}"]`))
  }
}

// ---- Open Referral UK import ----

export class DirectoryImportPage extends BasePage {
  readonly heading = 'Import an Open Referral UK feed'

  async open(): Promise<this> {
    await this.page.goto('/directory/import')
    return this
  }

  get fileInput(): Locator {
    return this.page.getByLabel('Open Referral UK JSON file')
  }

  /** Chooses a file (made in the test, never on disk) and presses "Import". */
  async upload(file: { name: string; json: string } | null): Promise<void> {
    if (file) {
      await this.fileInput.setInputFiles({
        name: file.name,
        mimeType: 'application/json',
        buffer: Buffer.from(file.json, 'utf8'),
      })
    }
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Import', exact: true }))
  }
}

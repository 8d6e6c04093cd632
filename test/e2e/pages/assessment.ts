/** Page objects for standards assessment rounds, returns and actions (issue 12). */
import type { Page } from 'playwright-core'
import { BasePage } from './base-page.js'

/** The three GOV.UK date fields of a fieldset, filled with a date n days from today. */
async function fillDate(page: Page, legend: string, daysFromToday: number): Promise<void> {
  const d = new Date(Date.now() + daysFromToday * 86_400_000)
  const group = page.getByRole('group', { name: legend })
  await group.getByLabel('Day').fill(String(d.getUTCDate()))
  await group.getByLabel('Month').fill(String(d.getUTCMonth() + 1))
  await group.getByLabel('Year').fill(String(d.getUTCFullYear()))
}

export class RoundsPage extends BasePage {
  readonly heading = 'Assessment rounds'

  async open(): Promise<this> {
    await this.page.goto('/standards/rounds')
    return this
  }

  async openNewRound(): Promise<NewRoundPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Open a round' }))
    return new NewRoundPage(this.page)
  }
}

export class NewRoundPage extends BasePage {
  readonly heading = 'Open an assessment round'

  async openRound(opts: {
    title: string
    framework: string
    services: string[]
    dueInDays: number
  }): Promise<RoundPage> {
    await this.page.getByLabel('Name of the round').fill(opts.title)
    await this.page.getByLabel(opts.framework).check()
    await fillDate(this.page, 'When are the returns due?', opts.dueInDays)
    for (const s of opts.services) await this.page.getByLabel(s, { exact: true }).check()
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Open the round' }))
    return new RoundPage(this.page, opts.title)
  }
}

export class RoundPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async statusOf(service: string): Promise<string> {
    const row = this.page.locator('tr', { has: this.page.getByRole('link', { name: service }) })
    return (await row.locator('.govuk-tag').innerText()).trim()
  }

  async openReturn(service: string): Promise<ReturnPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: service }))
    return new ReturnPage(this.page, service)
  }
}

export class ReturnPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async status(): Promise<string> {
    return (
      await this.page.locator('.govuk-summary-list__row', { hasText: 'Status' }).locator('.govuk-tag').innerText()
    ).trim()
  }

  /** The status shown beside each standard in the task list, by standard id. */
  async standardStatuses(): Promise<Record<string, string>> {
    const items = this.page.locator('.govuk-task-list__item')
    const out: Record<string, string> = {}
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i)
      const title = (await item.locator('.govuk-task-list__name-and-hint a').innerText()).trim()
      out[title.split(':')[0] ?? title] = (await item.locator('.govuk-task-list__status').innerText()).trim()
    }
    return out
  }

  async openStandard(id: string, title: string): Promise<StandardPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name: `${id}: ${title}` }))
    return new StandardPage(this.page, `${id}: ${title}`)
  }

  async submit(): Promise<void> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Submit the return' }))
  }

  async finishVerifying(): Promise<void> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Finish verifying' }))
  }

  async assignPanelMember(name: string): Promise<void> {
    await this.page.getByLabel('Assign a panel member').selectOption({ label: name })
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Assign', exact: true }))
  }

  async agreeAction(opts: { gap: string; title: string; dueInDays: number }): Promise<void> {
    await this.page.getByLabel('Gap it answers').selectOption({ value: opts.gap })
    await this.page.getByLabel('What will be done').fill(opts.title)
    await fillDate(this.page, 'Due by', opts.dueInDays)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Agree the action' }))
  }

  async backToReturn(): Promise<void> {
    await this.page.reload()
  }
}

export class StandardPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async rate(rating: 'Met' | 'Partly met' | 'Not met' | 'Not applicable', text: string): Promise<void> {
    await this.page
      .getByRole('group', { name: /Does the service meet this standard|Change the rating/ })
      .getByLabel(rating, { exact: true })
      .check()
    if (rating === 'Not applicable') await this.page.getByLabel('If it does not apply, why not').fill(text)
    else await this.page.getByLabel('What the service does').fill(text)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save the rating' }))
  }

  async attach(label: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByLabel('What it is').fill(label)
    await this.page.getByLabel('Attach a file').setInputFiles(file)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Add the evidence' }))
  }

  async evidenceLabels(): Promise<string[]> {
    return (await this.page.locator('#evidence + ul li a').allInnerTexts()).map((t) => t.trim())
  }

  async decide(decision: 'Agree' | 'Send back for more evidence', reason = ''): Promise<void> {
    await this.page
      .getByRole('group', { name: 'Do you agree with the provider’s rating?' })
      .getByLabel(decision, { exact: true })
      .check()
    if (reason) await this.page.getByLabel('Reason', { exact: true }).fill(reason)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save the decision' }))
  }

  async observe(opts: {
    how: 'Visit' | 'Conversation'
    daysAgo: number
    found: 'Met' | 'Partly met' | 'Not met'
    text: string
  }): Promise<void> {
    await this.page
      .getByRole('group', { name: 'How did you find this out?' })
      .getByLabel(opts.how, { exact: true })
      .check()
    await fillDate(this.page, 'When?', -opts.daysAgo)
    await this.page
      .getByRole('group', { name: 'What did you find? (optional)' })
      .getByLabel(opts.found, { exact: true })
      .check()
    await this.page.getByLabel('What you found', { exact: true }).fill(opts.text)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Save the observation' }))
  }

  async notice(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner__content').innerText()).trim()
  }

  async backToReturn(service: string): Promise<ReturnPage> {
    await this.clickAndWaitForNextPage(this.page.locator('.govuk-back-link'))
    return new ReturnPage(this.page, service)
  }
}

export class ActionPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }
}

/** The training register: the council's table of every provider (commissioners and analysts). */
export class TrainingRegisterPage extends BasePage {
  readonly heading = 'Training register'

  async open(): Promise<this> {
    await this.page.goto('/standards/workforce')
    return this
  }

  /** The page table's cell for a provider and a course, as shown. */
  async cell(provider: string, course: string): Promise<string> {
    const table = this.page.locator('#table-training')
    const headers = (await table.locator('thead th').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
    const column = headers.indexOf(course)
    const row = table.locator('tbody tr', { has: this.page.locator('th', { hasText: provider }) })
    return (await row.locator('th, td').nth(column).innerText()).replace(/\s+/g, ' ').trim()
  }
}

/** One course of one provider's training register, with its groups and, for the provider, its forms. */
export class TrainingCoursePage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async notice(): Promise<string> {
    return (await this.page.locator('.govuk-notification-banner__content').innerText()).trim()
  }

  async heldInDate(): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', { hasText: 'Held in date' }).first()
    return (await row.locator('.govuk-summary-list__value').innerText()).trim()
  }

  /** Records a group trained today, renewing the group named by the radio's label (if given). */
  async recordTraining(staff: number, renews: string | null): Promise<void> {
    const today = new Date()
    await this.page.getByLabel('How many staff completed it').fill(String(staff))
    await this.page.getByLabel('Day').fill(String(today.getDate()))
    await this.page.getByLabel('Month').fill(String(today.getMonth() + 1))
    await this.page.getByLabel('Year').fill(String(today.getFullYear()))
    if (renews) await this.page.getByLabel(renews).check()
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Record training' }))
  }
}

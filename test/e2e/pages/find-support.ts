/**
 * The public "find support" search (/support) and the staff pages a commissioner uses to add a
 * service with a weekly session (src/features/directory/web/).
 */
import type { Locator, Page } from 'playwright-core'
import { BasePage } from './base-page.js'

export interface SearchInput {
  place: string
  /** Filter labels as on the page, e.g. 'Women-only service or sessions'. */
  filters?: string[]
  /** Distance label as on the page, e.g. '1 mile (2 km)'. */
  distance?: string
}

export class FindSupportPage extends BasePage {
  readonly heading = 'Get support'

  async open(): Promise<this> {
    await this.page.goto('/support')
    return this
  }

  get placeInput(): Locator {
    return this.page.getByLabel('Postcode or place')
  }

  filter(label: string): Locator {
    return this.page.getByRole('group', { name: 'Only show services with' }).getByLabel(label, { exact: true })
  }

  /** Fills in the plain GET form and submits it; the next page is the results (or the errors). */
  async search(input: SearchInput): Promise<this> {
    await this.openChangeYourSearch()
    await this.placeInput.fill(input.place)
    const boxes = this.page.getByRole('group', { name: 'Only show services with' }).getByRole('checkbox')
    for (const box of await boxes.all()) await box.setChecked(false)
    for (const label of input.filters ?? []) await this.filter(label).check()
    if (input.distance !== undefined) {
      await this.page
        .getByRole('group', { name: 'How far can you travel?' })
        .getByLabel(input.distance, { exact: true })
        .check()
    }
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Search', exact: true }))
    return this
  }

  /** After a search the form is folded in "Change your search": opens it when it is closed. */
  async openChangeYourSearch(): Promise<void> {
    const details = this.changeYourSearch
    if ((await details.count()) === 0) return
    if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) {
      await details.locator('summary').click()
    }
  }

  get changeYourSearch(): Locator {
    return this.page.locator('details#change-search')
  }

  /** The first result card. */
  get firstResult(): Locator {
    return this.page.locator('.app-find-support__result').first()
  }

  /** The heading above the results, e.g. '1 service found within 1 mile of the SW1A postcode district'. */
  async resultsHeading(): Promise<string> {
    return (await this.page.locator('#results-heading').innerText()).replace(/\s+/g, ' ').trim()
  }

  /** The results' service names in page order (drug and alcohol help, women's services, other support; nearest first in each). */
  async resultNames(): Promise<string[]> {
    return (await this.page.locator('.app-find-support__result h4').allInnerTexts()).map((t) =>
      t.replace(/\s*Example data$/, '').trim(),
    )
  }

  result(name: string): Locator {
    return this.page.locator('.app-find-support__result').filter({
      has: this.page.getByRole('heading', { level: 4, name }),
    })
  }

  /** A result's opening times as read on the page, e.g. 'Monday, 10am to midday, in person. Women only'. */
  async sessionsOf(name: string): Promise<string[]> {
    // Inside the card's "Opening times and more" (closed until opened): read as text.
    return (await this.result(name).locator('.app-find-support__sessions li').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    )
  }

  async distanceOf(name: string): Promise<string> {
    return (await this.result(name).locator('.app-find-support__distance').innerText()).trim()
  }

  async featuresOf(name: string): Promise<string[]> {
    return (await this.result(name).locator('.app-find-support__features li').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    )
  }

  /** Presses Shift three times, as a woman leaving in a hurry would. */
  async pressShiftThreeTimes(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.page.keyboard.press('Shift')
  }
}

/** One service's public page (/support/services/:council/:id), its heading the service's name. */
export class ServiceDetailPage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }
}

/** The commissioner's service map list. */
export class ServiceMapPage extends BasePage {
  readonly heading = 'Service map'

  async open(): Promise<this> {
    await this.page.goto('/directory')
    return this
  }

  async addService(): Promise<AddServicePage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Add a service' }))
    return new AddServicePage(this.page)
  }
}

export interface NewService {
  name: string
  description: string
  serviceType: string
  substances: string[]
  features: string[]
  phone: string
  locationName: string
  addressLine1: string
  town: string
  postcode: string
  latitude: string
  longitude: string
}

export class AddServicePage extends BasePage {
  readonly heading = 'Add a service'

  /** Fills in the form (published, the first organisation offered) and adds the service. */
  async add(s: NewService): Promise<ServicePage> {
    const page = this.page
    await page.getByLabel('Service name', { exact: true }).fill(s.name)
    await page.getByLabel('Organisation', { exact: true }).selectOption({ index: 1 })
    await page.getByLabel('Description', { exact: true }).fill(s.description)
    await page.getByLabel('Service type', { exact: true }).selectOption({ label: s.serviceType })
    const substances = page.getByRole('group', { name: 'Does it help with alcohol or drugs?' })
    for (const label of s.substances) await substances.getByLabel(label, { exact: true }).check()
    await page.getByRole('group', { name: 'Status', exact: true }).getByLabel('Published').check()
    for (const label of s.features) await page.getByLabel(label, { exact: true }).check()
    const contact = page.getByRole('group', { name: 'Contact (optional)' })
    await contact.getByLabel('Job title or team').fill('Reception')
    await contact.getByLabel('Phone number').fill(s.phone)
    await page.getByLabel('Location name').fill(s.locationName)
    await page.getByLabel('Address line 1', { exact: true }).fill(s.addressLine1)
    await page.getByLabel('Town or city').fill(s.town)
    await page.getByLabel('Postcode', { exact: true }).fill(s.postcode)
    await page.getByLabel('Latitude', { exact: true }).fill(s.latitude)
    await page.getByLabel('Longitude', { exact: true }).fill(s.longitude)
    await this.clickAndWaitForNextPage(page.getByRole('button', { name: 'Add service' }))
    return new ServicePage(page, s.name)
  }
}

export class ServicePage extends BasePage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page)
  }

  async addSession(): Promise<AddSessionPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Add a session' }))
    return new AddSessionPage(this.page)
  }
}

export interface NewSession {
  day: string
  start: string
  end: string
  womenOnly: boolean
  mode: 'In person' | 'Online' | 'In person or online'
}

export class AddSessionPage extends BasePage {
  readonly heading = 'Add a weekly session'

  async add(s: NewSession, serviceName: string): Promise<ServicePage> {
    const page = this.page
    await page.getByRole('group', { name: 'Where is it?' }).getByRole('radio').first().check()
    await page.getByLabel('Day', { exact: true }).selectOption({ label: s.day })
    await page.getByLabel('Start time').fill(s.start)
    await page.getByLabel('End time').fill(s.end)
    await page
      .getByRole('group', { name: 'Is the session for women only?' })
      .getByLabel(s.womenOnly ? 'Yes' : 'No', { exact: true })
      .check()
    await page.getByRole('group', { name: 'How does it run?' }).getByLabel(s.mode, { exact: true }).check()
    await this.clickAndWaitForNextPage(page.getByRole('button', { name: 'Add session' }))
    return new ServicePage(page, serviceName)
  }
}

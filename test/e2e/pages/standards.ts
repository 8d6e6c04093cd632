/** Page objects for the standards frameworks (issue 12). */
import { BasePage } from './base-page.js'

export class StandardsPage extends BasePage {
  readonly heading = 'Standards'

  async open(): Promise<this> {
    await this.page.goto('/standards')
    return this
  }

  /** Opens a framework from the list by its name. */
  async openFramework(name: string): Promise<FrameworkPage> {
    await this.clickAndWaitForNextPage(this.page.getByRole('link', { name }))
    return new FrameworkPage(this.page, name)
  }
}

export class FrameworkPage extends BasePage {
  constructor(
    page: import('playwright-core').Page,
    readonly heading: string,
  ) {
    super(page)
  }

  /** The standards' headings ("SS1: ...") in page order. */
  async standardHeadings(): Promise<string[]> {
    return (await this.page.locator('main h3').allInnerTexts()).map((t) => t.trim())
  }

  /** Follows a theme link in the list of themes and says which heading it landed on. */
  async jumpToTheme(title: string): Promise<string> {
    await this.page.getByRole('navigation', { name: 'Themes' }).getByRole('link', { name: title }).click()
    return this.page.evaluate(() => decodeURIComponent(location.hash))
  }
}

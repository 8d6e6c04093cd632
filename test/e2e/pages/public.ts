/** Pages anyone can read, with no account. */
import { BasePage } from './base-page.js'

export class StartPage extends BasePage {
  readonly heading = 'Drug and alcohol support for women'

  async open(): Promise<this> {
    await this.page.goto('/')
    return this
  }

  async getSupport(): Promise<BeforeYouStartPage> {
    await Promise.all([
      this.page.waitForURL('**/support/before-you-start'),
      this.page.getByRole('button', { name: 'Get support' }).click(),
    ])
    return new BeforeYouStartPage(this.page)
  }
}

/** The interruption card that explains "Exit this page" before the support information. */
export class BeforeYouStartPage extends BasePage {
  readonly heading = 'Leaving this site quickly'

  async continue(): Promise<SupportPage> {
    await Promise.all([this.page.waitForURL('**/support'), this.page.getByRole('button', { name: 'Continue' }).click()])
    return new SupportPage(this.page)
  }
}

export class SupportPage extends BasePage {
  readonly heading = 'Get support'
}

export class SafetyPage extends BasePage {
  readonly heading = 'Staying safe online'
}

export class AccessibilityStatementPage extends BasePage {
  readonly heading = 'Accessibility statement'
}

export class PrivacyPage extends BasePage {
  readonly heading = 'Privacy notice'
}

export class CookiesPage extends BasePage {
  readonly heading = 'Cookies'
}

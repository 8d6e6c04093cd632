/** Signing in, the second factor, accepting an invitation and signing out. */
import { BasePage } from './base-page.js'

export class SignInPage extends BasePage {
  readonly heading = 'Sign in'

  async open(): Promise<this> {
    await this.page.goto('/sign-in')
    return this
  }

  /** Fills in and submits the form; the caller checks where the browser went. */
  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByLabel('Email address').fill(email)
    await this.page.getByLabel('Password', { exact: true }).fill(password)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Sign in', exact: true }))
  }
}

export class SecondFactorPage extends BasePage {
  readonly heading = 'Enter your security code'

  async enterCode(code: string): Promise<void> {
    await this.page.getByLabel('Enter your security code').fill(code)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Continue' }))
  }
}

export class EnrolSecondFactorPage extends BasePage {
  readonly heading = 'Set up your security codes'

  /** The base32 key from the "I cannot scan the QR code" details, without its spaces. */
  async secret(): Promise<string> {
    await this.page.getByText('I cannot scan the QR code').click()
    const key = this.page.locator('#totp-secret')
    await key.waitFor({ state: 'visible' })
    return (await key.innerText()).replace(/\s+/g, '')
  }

  async enterCode(code: string): Promise<void> {
    await this.page.getByLabel('Code from your authenticator app').fill(code)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Continue' }))
  }
}

export class RecoveryCodesPage extends BasePage {
  readonly heading = 'Save your recovery codes'

  async codes(): Promise<string[]> {
    return (await this.page.locator('#recovery-codes li').allInnerTexts()).map((c) => c.trim())
  }

  async continue(): Promise<void> {
    await Promise.all([
      this.page.waitForURL('**/home'),
      this.page.getByRole('button', { name: 'I have saved my codes' }).click(),
    ])
  }
}

export class AcceptInvitationPage extends BasePage {
  readonly heading = 'Create your account'

  async createAccount(name: string, password: string): Promise<void> {
    await this.page.getByLabel('Your name').fill(name)
    await this.page.getByLabel('Create a password').fill(password)
    await this.page.getByLabel('Confirm password').fill(password)
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Create account' }))
  }
}

export class SignedOutPage extends BasePage {
  readonly heading = 'You have signed out'
}

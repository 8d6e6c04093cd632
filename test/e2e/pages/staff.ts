/** Pages for signed-in council staff. */
import type { Locator } from 'playwright-core'
import { BasePage } from './base-page.js'

export class HomePage extends BasePage {
  readonly heading = 'Commissioning drug and alcohol treatment for women'

  async open(): Promise<this> {
    await this.page.goto('/home')
    return this
  }

  /** The caption above the heading: council name and area code. */
  async councilCaption(): Promise<string> {
    return (await this.page.locator('.govuk-caption-l').innerText()).trim()
  }

  /** The council named in the service navigation. */
  async serviceName(): Promise<string> {
    return (await this.page.locator('.govuk-service-navigation__service-name').innerText()).trim()
  }

  /** The session-timeout warning, a modal <dialog> opened by our JavaScript. */
  get sessionTimeoutDialog(): Locator {
    return this.page.locator('dialog#session-timeout')
  }
}

export class AdminUsersPage extends BasePage {
  readonly heading = 'People and roles'

  async open(): Promise<this> {
    await this.page.goto('/admin/users')
    return this
  }

  async inviteSomeone(): Promise<InvitationNewPage> {
    await Promise.all([
      this.page.waitForURL('**/admin/invitations/new'),
      this.page.getByRole('button', { name: 'Invite someone' }).click(),
    ])
    return new InvitationNewPage(this.page)
  }

  async peopleEmails(): Promise<string[]> {
    return (await this.page.locator('#people tbody tr td:nth-child(2)').allInnerTexts()).map((t) => t.trim())
  }
}

export class InvitationNewPage extends BasePage {
  readonly heading = 'Invite someone'

  async open(): Promise<this> {
    await this.page.goto('/admin/invitations/new')
    return this
  }

  async invite(person: { name: string; email: string; organisation: string; role: string }): Promise<void> {
    await this.page.getByLabel('Name', { exact: true }).fill(person.name)
    await this.page.getByLabel('Email address').fill(person.email)
    await this.page.getByLabel('Organisation').selectOption({ label: person.organisation })
    await this.page.getByRole('radio', { name: person.role, exact: true }).check()
    await this.clickAndWaitForNextPage(this.page.getByRole('button', { name: 'Create invitation' }))
  }
}

export class InvitationCreatedPage extends BasePage {
  readonly heading = 'Invitation created'

  async invitationLink(): Promise<string> {
    return (await this.page.locator('#invitation-link').innerText()).trim()
  }
}

export class AuditTrailPage extends BasePage {
  readonly heading = 'Audit trail'

  async open(): Promise<this> {
    await this.page.goto('/audit')
    return this
  }

  /** The "What" column, newest first. */
  async actions(): Promise<string[]> {
    return (await this.page.locator('#audit tbody tr td:nth-child(3)').allInnerTexts()).map((t) => t.trim())
  }
}

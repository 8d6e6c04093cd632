/**
 * Journey 2: an administrator invites a commissioner; she creates her account, sets up her
 * authenticator app, saves her recovery codes, signs out, and signs in again with her password and
 * a code from the app. The TOTP codes come from otplib in the test, not from the app's own code.
 */
import { generateSync } from 'otplib'
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { checkAccessibility } from './pages/base-page.js'
import { cookieNames, pathOf, screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'
import {
  AcceptInvitationPage,
  EnrolSecondFactorPage,
  RecoveryCodesPage,
  SecondFactorPage,
  SignedOutPage,
  SignInPage,
} from './pages/auth.js'
import { AdminUsersPage, AuditTrailPage, HomePage, InvitationCreatedPage } from './pages/staff.js'

const journey = setUpJourney()

const STEP = 30
const stepOf = (epochSeconds: number) => Math.floor(epochSeconds / STEP)
const nowSeconds = () => Math.floor(Date.now() / 1000)

/** A six-digit code that is none of the codes valid around now (the server accepts one step either side). */
function wrongCode(secret: string): string {
  const valid = new Set([-STEP, 0, STEP].map((d) => generateSync({ secret, epoch: nowSeconds() + d })))
  for (let n = 123456; ; n = (n + 111111) % 1_000_000) {
    const candidate = String(n).padStart(6, '0')
    if (!valid.has(candidate)) return candidate
  }
}

describe('invitation, second-factor set-up and sign-in with TOTP', () => {
  test('ASVS 6.3.3, 6.5.1: an invited commissioner sets up TOTP, signs out, and signs in again with password and code', async () => {
    const { page, context } = await journey.newPage()
    const email = `priya.shah.${String(Date.now())}@barnet.example`
    const password = 'amber kettle harbour violin meadow'

    // A wrong password shows the error summary, which must itself be accessible.
    const signIn = await new SignInPage(page).open()
    await signIn.verifyOnPage()
    await screenshot(page, 'sign-in')
    await signIn.signIn('admin@barnet.example', 'not the password')
    await signIn.verifyOnPage()
    expect(await signIn.errorMessages()).toEqual([
      'Enter a correct email address and password. After several wrong attempts an account is locked for a while.',
    ])

    // The demo administrator invites a commissioner.
    await signIn.signIn('admin@barnet.example', DEMO_PASSWORD)
    const adminHome = await new HomePage(page).verifyOnPage()
    expect(await adminHome.serviceName()).toBe('Barnet')
    await Promise.all([
      page.waitForURL('**/admin/users'),
      adminHome.serviceNavigation.getByRole('link', { name: 'Users' }).click(),
    ])
    const users = await new AdminUsersPage(page).verifyOnPage()
    await screenshot(page, 'admin-users')
    const invite = await (await users.inviteSomeone()).verifyOnPage()
    await invite.clickAndWaitForNextPage(page.getByRole('button', { name: 'Create invitation' }))
    await invite.verifyOnPage()
    expect(await invite.errorMessages()).toContain('Select an organisation')
    await invite.invite({ name: 'Priya Shah', email, organisation: 'Barnet', role: 'Commissioner' })
    const created = await new InvitationCreatedPage(page).verifyOnPage()
    const link = await created.invitationLink()
    expect(link.startsWith(`${journey.baseUrl}/invitations/`)).toBe(true)
    expect(link.slice(`${journey.baseUrl}/invitations/`.length)).toMatch(/^[A-Za-z0-9_-]{20,}$/)

    // The audit trail records the invitation.
    await Promise.all([
      page.waitForURL('**/audit'),
      adminHome.serviceNavigation.getByRole('link', { name: 'Audit trail' }).click(),
    ])
    const audit = await new AuditTrailPage(page).verifyOnPage()
    await screenshot(page, 'audit-trail')
    // The trail says what happened in words (src/features/audit/wording.ts), not as a code.
    expect(await audit.actions()).toContain(`Invited ${email} as commissioner`)

    await audit.signOut()
    await new SignedOutPage(page).verifyOnPage()
    expect(await cookieNames(context, journey.baseUrl)).not.toContain('__Host-wtc-session')

    // She opens the link and creates her account; mismatched passwords are refused first.
    await page.goto(link)
    const accept = await new AcceptInvitationPage(page).verifyOnPage()
    await page.getByLabel('Your name').fill('Priya Shah')
    await page.getByLabel('Create a password').fill(password)
    await page.getByLabel('Confirm password').fill(`${password} typo`)
    await accept.clickAndWaitForNextPage(page.getByRole('button', { name: 'Create account' }))
    await accept.verifyOnPage()
    expect(await accept.errorMessages()).toEqual(['The passwords do not match'])
    await accept.createAccount('Priya Shah', password)

    // Enrolment: the key from the details, a code computed here, then recovery codes.
    expect(pathOf(page)).toBe('/account/second-factor/set-up')
    const enrol = await new EnrolSecondFactorPage(page).verifyOnPage()
    const secret = await enrol.secret()
    await checkAccessibility(page, 'set-up page with the key shown')
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    await enrol.enterCode(wrongCode(secret))
    await enrol.verifyOnPage()
    expect(await enrol.errorMessages()).toEqual([
      'The code is not correct or has already been used. Wait for a new code and try again.',
    ])
    const enrolEpoch = nowSeconds()
    await enrol.enterCode(generateSync({ secret, epoch: enrolEpoch }))
    const recovery = await new RecoveryCodesPage(page).verifyOnPage()
    const codes = await recovery.codes()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/)
    await recovery.continue()
    const home = await new HomePage(page).verifyOnPage()
    expect(await home.councilCaption()).toBe('Barnet (E09000003)')
    await expect(page.locator('.app-demo-banner').count()).resolves.toBe(0)
    await screenshot(page, 'home')

    await home.signOut()
    await new SignedOutPage(page).verifyOnPage()

    // Sign in again: the password is not enough, a code is asked for.
    await signIn.open()
    await signIn.signIn(email, password)
    expect(pathOf(page)).toBe('/sign-in/second-factor')
    const secondFactor = await new SecondFactorPage(page).verifyOnPage()
    // The code used at enrolment is still inside the server's one-step tolerance, so only its
    // single use can make it fail.
    const enrolCode = generateSync({ secret, epoch: enrolEpoch })
    expect(nowSeconds() - enrolEpoch).toBeLessThan(STEP)
    await secondFactor.enterCode(enrolCode)
    await secondFactor.verifyOnPage()
    expect(await secondFactor.errorMessages()).toEqual([
      'The code is not correct or has already been used. Wait for a new code and try again.',
    ])
    // If the enrolment's 30-second step is still current, use the next step's code, which the server
    // accepts as within one step of now.
    const epoch = stepOf(nowSeconds()) > stepOf(enrolEpoch) ? nowSeconds() : (stepOf(enrolEpoch) + 1) * STEP
    await secondFactor.enterCode(generateSync({ secret, epoch }))
    expect(pathOf(page)).toBe('/home')
    const homeAgain = await new HomePage(page).verifyOnPage()
    expect(await homeAgain.councilCaption()).toBe('Barnet (E09000003)')
    expect(await page.locator('main').innerText()).toContain('You are signed in as Priya Shah, Commissioner.')
  })
})

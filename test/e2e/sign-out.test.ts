/**
 * Journey 4: signing out ends the session on the server; neither the back button nor typing the
 * address of a signed-in page brings it back.
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { SignedOutPage, SignInPage } from './pages/auth.js'
import { HomePage } from './pages/staff.js'
import { cookieNames, pathOf } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

describe('sign out', () => {
  test('ASVS 7.4.1: after signing out, the back button and revisiting /home lead to the sign-in page', async () => {
    const { page, context } = await journey.newPage()
    const signIn = await new SignInPage(page).open()
    await signIn.signIn('commissioner@barnet.example', DEMO_PASSWORD)
    const home = await new HomePage(page).verifyOnPage()
    expect(await cookieNames(context, journey.baseUrl)).toContain('__Host-wtc-session')

    await home.signOut()
    await new SignedOutPage(page).verifyOnPage()
    expect(await cookieNames(context, journey.baseUrl)).not.toContain('__Host-wtc-session')

    // The signed-in page is not shown again from the browser's cache.
    await page.goBack()
    expect(pathOf(page)).toBe('/sign-in')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/home')
    await new SignInPage(page).verifyOnPage()
    await expect(page.getByText('Demo Commissioner').count()).resolves.toBe(0)

    await page.goto('/home')
    expect(pathOf(page)).toBe('/sign-in')
    await new SignInPage(page).verifyOnPage()
  })
})

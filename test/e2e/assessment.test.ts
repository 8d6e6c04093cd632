/**
 * A standards round from start to finish (issue 12), in the browser with axe on every page: the
 * commissioner opens a round; the provider rates each standard on a phone, attaches a PDF and
 * submits; the commissioner agrees four ratings and sends one back; the provider answers and
 * resubmits; the commissioner assigns the panel member and verifies; the panel member adds an
 * observation; the agreed action appears on the provider's home page.
 */
import { describe, expect, test } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { builtinFramework } from '../../src/features/standards/builtin.js'
import { SignInPage } from './pages/auth.js'
import { HomePage } from './pages/staff.js'
import {
  ActionPage,
  ReturnPage,
  RoundPage,
  RoundsPage,
  TrainingCoursePage,
  TrainingRegisterPage,
} from './pages/assessment.js'
import { screenshot } from './support/browser.js'
import { setUpJourney } from './support/journey.js'

const journey = setUpJourney()

const ROUND = 'Winter 2027 environment check'
const SERVICE = 'Example: Finchley drug and alcohol satellite'
const pie = builtinFramework('psychologically-informed-environment')?.themes[0]?.standards ?? []
const title = (id: string): string => pie.find((s) => s.id === id)?.title ?? id

/** Signs in; the home page is checked with axe and the layout checks once, for the first person. */
async function signedIn(email: string, width: number, check = false) {
  const { page } = await journey.newPage({ width, height: 900 })
  await (await new SignInPage(page).open()).signIn(email, DEMO_PASSWORD)
  const home = new HomePage(page)
  if (check) await home.verifyOnPage()
  else await page.locator('h1').waitFor()
  return page
}

describe('a standards round', () => {
  test('goes from opening to a verified return with an observation and an action', async () => {
    expect(pie.map((s) => s.id)).toEqual(['PIE1', 'PIE2', 'PIE3', 'PIE4', 'PIE5'])

    // The commissioner opens the round.
    const commissioner = await signedIn('commissioner@barnet.example', 1280, true)
    const rounds = await (await new RoundsPage(commissioner).open()).verifyOnPage()
    const form = await (await rounds.openNewRound()).verifyOnPage()
    const round = await (
      await form.openRound({
        title: ROUND,
        framework: 'Psychologically informed environments: the five elements (version 1)',
        services: [SERVICE],
        dueInDays: 28,
      })
    ).verifyOnPage()
    expect(await round.statusOf(SERVICE)).toBe('Not started')
    const roundUrl = commissioner.url()

    // The provider answers on a phone, from her home page.
    const provider = await signedIn('provider@barnet.example', 390)
    await Promise.all([
      provider.waitForEvent('load'),
      provider.getByRole('link', { name: `${SERVICE}: ${ROUND}` }).click(),
    ])
    let ret = await new ReturnPage(provider, SERVICE).verifyOnPage()
    const answers: [string, 'Met' | 'Partly met' | 'Not met', string][] = [
      ['PIE1', 'Met', 'Example: the team works from a shared psychological framework, reviewed each quarter.'],
      ['PIE2', 'Partly met', 'Example: reflective practice runs monthly for the women’s team only.'],
      ['PIE3', 'Met', 'Example: the women’s room has its own entrance and soft seating.'],
      ['PIE4', 'Not met', 'Example: no written approach to relationships yet.'],
      ['PIE5', 'Met', 'Example: women’s feedback is reviewed at each team meeting.'],
    ]
    for (const [i, [id, rating, text]] of answers.entries()) {
      const standard = await ret.openStandard(id, title(id))
      if (i === 0) await standard.verifyOnPage()
      await standard.rate(rating, text)
      expect(await standard.notice()).toBe('Rating saved.')
      if (id === 'PIE1') {
        await standard.attach('Example: psychological framework', {
          name: 'framework.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
        })
        expect(await standard.notice()).toBe('Evidence added.')
        expect(await standard.evidenceLabels()).toEqual(['Example: psychological framework'])
        await screenshot(provider, 'assessment-standard-390')
      }
      ret = await standard.backToReturn(SERVICE)
    }
    expect(await ret.standardStatuses()).toEqual({
      PIE1: 'Met',
      PIE2: 'Partly met',
      PIE3: 'Met',
      PIE4: 'Not met',
      PIE5: 'Met',
    })
    await ret.submit()
    expect(await ret.status()).toBe('Submitted')
    await screenshot(provider, 'assessment-return-390')

    // The commissioner agrees four ratings and sends PIE2 back.
    await commissioner.goto(roundUrl)
    let review = await new RoundPage(commissioner, ROUND).openReturn(SERVICE)
    await review.verifyOnPage()
    for (const [id] of answers) {
      const standard = await review.openStandard(id, title(id))
      if (id === 'PIE2') {
        await standard.verifyOnPage()
        await standard.decide(
          'Send back for more evidence',
          'Example: show when the whole team will have reflective practice.',
        )
      } else await standard.decide('Agree')
      expect(await standard.notice()).toBe('Decision saved.')
      review = await standard.backToReturn(SERVICE)
    }
    await review.assignPanelMember('Demo Panel Member')
    await review.finishVerifying()
    expect(await review.status()).toBe('Sent back')

    // The provider sees why, answers and resubmits.
    await provider.reload()
    ret = new ReturnPage(provider, SERVICE)
    expect(await provider.locator('.govuk-inset-text').first().innerText()).toContain(
      'show when the whole team will have reflective practice',
    )
    const again = await ret.openStandard('PIE2', title('PIE2'))
    await again.rate('Partly met', 'Example: the whole team starts monthly reflective practice in March.')
    ret = await again.backToReturn(SERVICE)
    await ret.submit()
    expect(await ret.status()).toBe('Submitted')

    // The commissioner agrees the answer, verifies, and agrees an action for the gap.
    await review.backToReturn()
    const pie2 = await review.openStandard('PIE2', title('PIE2'))
    await pie2.decide('Agree')
    review = await pie2.backToReturn(SERVICE)
    await review.finishVerifying()
    expect(await review.status()).toBe('Verified')
    await review.agreeAction({
      gap: 'PIE4',
      title: 'Example: write the team’s approach to relationships',
      dueInDays: 60,
    })
    await review.verifyOnPage()
    await screenshot(commissioner, 'assessment-verified-1280')

    // The panel member adds what she saw.
    const panel = await signedIn('panel@barnet.example', 390)
    await Promise.all([panel.waitForEvent('load'), panel.getByRole('link', { name: `${SERVICE}: ${ROUND}` }).click()])
    const observed = await (await new ReturnPage(panel, SERVICE).verifyOnPage()).openStandard('PIE3', title('PIE3'))
    await observed.verifyOnPage()
    await observed.observe({
      how: 'Visit',
      daysAgo: 1,
      found: 'Met',
      text: 'Example: the women’s room felt calm and private; women said they liked the separate door.',
    })
    expect(await observed.notice()).toBe('Observation saved.')

    // The action is on the provider's home page, and opens.
    await new HomePage(provider).open()
    await Promise.all([
      provider.waitForEvent('load'),
      provider.getByRole('link', { name: 'Example: write the team’s approach to relationships' }).click(),
    ])
    await new ActionPage(provider, 'Example: write the team’s approach to relationships').verifyOnPage()
  })

  test('the comparison of the demo’s verified round has a row per standard, each cell in words', async () => {
    const page = await signedIn('analyst@barnet.example', 1280)
    const rounds = await new RoundsPage(page).open()
    await rounds.clickAndWaitForNextPage(page.getByRole('link', { name: 'Autumn 2026 self-assessment (example)' }))
    await rounds.clickAndWaitForNextPage(page.getByRole('link', { name: 'Compare the services standard by standard' }))
    const comparison = await new RoundPage(page, 'Comparison of services').verifyOnPage()
    const rows = comparison.page.locator('table.app-heatmap tbody tr:has(td)')
    expect(await rows.count()).toBe(33)
    const first = await rows.first().locator('td').allInnerTexts()
    // The demo's SS1 ratings (src/demo/standards-seed.ts): Hendon partly met, Northgate not met, café not met.
    expect(first.map((t) => t.trim())).toEqual(['Partly met', 'Not met', 'Not met'])
    await screenshot(page, 'assessment-comparison-1280')
  })

  test('the provider renews lapsed training on a phone, and the lapse leaves both home pages', async () => {
    // The demo provider's domestic abuse course (src/demo/standards-seed.ts): 24 in post, renewed
    // every 24 months; 12 trained 10 months ago are in date; 5 still counted from 25 months ago lapsed.
    const commissioner = await signedIn('commissioner@barnet.example', 1280)
    const council = await (await new TrainingRegisterPage(commissioner).open()).verifyOnPage()
    expect(await council.cell('Demo treatment provider', 'Domestic abuse')).toBe('12 of 24 (50%); 5 lapsed')

    const provider = await signedIn('provider@barnet.example', 390)
    const lapse = provider.getByRole('link', { name: 'Domestic abuse training lapsed for 5 staff' })
    await Promise.all([provider.waitForEvent('load'), lapse.click()])
    const course = await new TrainingCoursePage(provider, 'Domestic abuse').verifyOnPage()
    expect(await course.heldInDate()).toBe('12 of 24 (50%)')
    await course.recordTraining(5, 'The 5 staff trained on')
    expect(await course.notice()).toBe('Training recorded.')
    await course.verifyOnPage()
    // The 5 renewed today join the 12: 17 of 24, 70.8%, shown as 71%.
    expect(await course.heldInDate()).toBe('17 of 24 (71%)')
    await screenshot(provider, 'training-course-390')

    await new HomePage(provider).open()
    expect(await provider.getByText('Domestic abuse training lapsed').count()).toBe(0)
    await new HomePage(commissioner).open()
    expect(await commissioner.getByText('Domestic abuse training lapsed').count()).toBe(0)
    await council.open()
    expect(await council.cell('Demo treatment provider', 'Domestic abuse')).toBe('17 of 24 (71%)')
  })
})

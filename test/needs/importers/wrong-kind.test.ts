/**
 * A file refused for its header says what kind of file it looks like, when another kind's header
 * check accepts it (issue 11: "name the kind of file it looks like when it is the wrong one").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REFERENCE, setup, type Setup, TEMPLATES } from './helpers.js'

describe('a file of the wrong kind', () => {
  let s: Setup
  beforeAll(async () => {
    s = await setup()
  }, 60_000)
  afterAll(async () => {
    await s.close()
  })

  it('names the Fingertips download chosen as local population estimates, and stores nothing', async () => {
    const before = await s.digest()
    const summary = await s.refused('population', REFERENCE.ocu)
    const reasons = summary.refusals.map((r) => r.reason)
    expect(reasons).toContain(
      'This file looks like "Fingertips indicator data", not "Local population estimates". Start the import again and choose that kind of file, or check that this is the file you meant.',
    )
    expect(await s.digest()).toBe(before)
  })

  it('names the population template chosen as a ViewIt export', async () => {
    const summary = await s.refused('ndtms-viewit', TEMPLATES.population)
    expect(
      summary.refusals.some((r) => r.reason.startsWith('This file looks like "Local population estimates", not')),
    ).toBe(true)
  })

  it('says nothing of the kind for a file that fits no kind', async () => {
    const summary = await s.refused('population', s.file('odd.csv', 'colour,size\nred,4\n'))
    expect(summary.refusals.length).toBeGreaterThan(0)
    expect(summary.refusals.some((r) => r.reason.startsWith('This file looks like'))).toBe(false)
  })
})

/**
 * The public page of one service (/support/services/:council/:id, issue 11): what, who for, when,
 * where and how to get in touch, for published services only; a draft, another council's id, an
 * unknown id and a malformed one are a plain 404. The directory is fixtures.ts.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paths } from '../../../src/platform/paths.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { councilCodes, type Seeded, seedDirectories } from './fixtures.js'
import { pageTitle } from './html.js'

let ctx: TestContext
let seeded: Seeded

beforeAll(async () => {
  ctx = await createTestContext()
  seeded = await seedDirectories(ctx.app.db)
})
afterAll(async () => {
  await ctx.close()
})

const get = async (url: string) => {
  const res = await ctx.client().get(url)
  return { status: res.statusCode, html: res.body }
}
const id = (key: string): string => {
  const value = seeded.ids[key]
  if (value === undefined || value === '') throw new Error(`no id for ${key}`)
  return value
}
/** The items of the list with this id, tags stripped and spaces collapsed. */
const listItems = (html: string, listId: string): string[] => {
  const list = new RegExp(`<ul[^>]*id="${listId}"[^>]*>([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? ''
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/\s+/g, ' ')
      .trim(),
  )
}

describe('a published service’s page', () => {
  it('says what it offers, who it is for, where and when, and how to get in touch', async () => {
    const { status, html } = await get(paths.support.service(councilCodes.barnet, id('hendon-women')))
    expect(status).toBe(200)
    expect(pageTitle(html)).toBe('Hendon Women’s Recovery Group – WTC')
    expect(html).toContain('<h1 class="govuk-heading-l app-find-support__link">Hendon Women’s Recovery Group</h1>')
    expect(html).toContain('Hendon Women’s Recovery Group: support near you.')
    // Women-only as a whole (fixtures: feature women-only-service sets eligibility.womenOnly).
    expect(listItems(html, 'who-for')).toEqual(['For women only.'])
    expect(listItems(html, 'offers')).toEqual(['Woman key worker on request. You can ask for a woman key worker.'])
    expect(html).toContain('1 High Street, London, NW4 4BG')
    expect(html).toContain('<li>Monday, 10am to midday, in person, women only</li>')
    expect(listItems(html, 'contact')).toEqual([
      'Phone: 020 7946 0001',
      'Email: hendon@example.org',
      'Website: https://hendon.example.org',
    ])
    expect(html).toContain('href="tel:02079460001"')
    expect(html).toContain('Example data')
    // Exit this page, as on every public page; nothing internal or personal.
    expect(html).toContain('govuk-exit-this-page')
    expect(html).not.toContain('INTERNAL-NOTE-NEVER-PUBLIC')
    expect(html).not.toContain('Reception')
  })

  it('lists each place with its sessions, children welcome under who it is for, and online sessions', async () => {
    const colindale = await get(paths.support.service(councilCodes.barnet, id('colindale-recovery')))
    expect(colindale.status).toBe(200)
    expect(listItems(colindale.html, 'who-for')).toEqual([
      'Creche or children welcome: You can bring your children. Some sessions have a creche.',
    ])
    expect(colindale.html).toContain('Colindale Recovery Hub place 1')
    expect(colindale.html).toContain('Colindale Recovery Hub place 2')
    expect(colindale.html.match(/<li>Saturday, 10am to 1pm, in person<\/li>/g)).toHaveLength(2)
    expect(colindale.html).not.toContain('id="remote"')

    const camden = await get(paths.support.service(councilCodes.camden, id('camden-da')))
    expect(camden.status).toBe(200)
    expect(listItems(camden.html, 'remote')).toEqual(['Some sessions are online.'])
    expect(camden.html).toContain('<li>Wednesday, 1pm to 3pm, online</li>')
    expect(listItems(camden.html, 'who-for')).toEqual(['Anyone who needs this support can ask.'])
  })

  it('is linked from its result card as “More about …”', async () => {
    const { html } = await get('/support?q=NW4+4BG&distance=10')
    const href = paths.support.service(councilCodes.barnet, id('hendon-women'))
    expect(html).toContain(`href="${href}">More about Hendon Women’s Recovery Group</a>`)
  })
})

describe('services the public cannot see', () => {
  it('a draft is a plain 404 that shows nothing of it', async () => {
    const { status, html } = await get(paths.support.service(councilCodes.barnet, id('barnet-draft')))
    expect(status).toBe(404)
    expect(html).not.toContain('Barnet Draft Service')
    expect(html).not.toContain('INTERNAL-NOTE-NEVER-PUBLIC')
  })

  it('another council’s service under this council’s code is a 404', async () => {
    const camdenUnderBarnet = await get(paths.support.service(councilCodes.barnet, id('camden-da')))
    expect(camdenUnderBarnet.status).toBe(404)
    expect(camdenUnderBarnet.html).not.toContain('Camden Domestic Abuse Advice')
    const camdenDraft = await get(paths.support.service(councilCodes.camden, id('camden-draft')))
    expect(camdenDraft.status).toBe(404)
    expect(camdenDraft.html).not.toContain('Camden Draft Service')
  })

  it('an unknown id is a 404', async () => {
    expect((await get(paths.support.service(councilCodes.barnet, randomUUID()))).status).toBe(404)
    expect((await get(paths.support.service('E09000099', id('hendon-women')))).status).toBe(404)
  })

  it('a malformed id or council code is a 404, not a server error', async () => {
    for (const url of [
      paths.support.service(councilCodes.barnet, 'not-a-uuid'),
      paths.support.service(councilCodes.barnet, `${id('hendon-women')}x`),
      paths.support.service(councilCodes.barnet, '%00'),
      paths.support.service(councilCodes.barnet, 'a'.repeat(90)),
      paths.support.service('barnet', id('hendon-women')),
      paths.support.service("E09000003'--", id('hendon-women')),
    ]) {
      expect({ url: url.slice(0, 80), status: (await get(url)).status }).toEqual({ url: url.slice(0, 80), status: 404 })
    }
  })
})

describe('the search form folds away after a search', () => {
  const details = (html: string) => /<details class="govuk-details app-find-support__change"[^>]*>/.exec(html)?.[0]
  const summary = (html: string) =>
    /<span class="govuk-details__summary-text app-find-support__link">([\s\S]*?)<\/span><\/span>/
      .exec(html)?.[1]
      ?.replace(/<[^>]+>/g, '')
      .trim()

  it('shows the form plainly before a search', async () => {
    const { html } = await get('/support')
    expect(details(html)).toBeUndefined()
    expect(html).toContain('id="q"')
  })

  it('is folded in a closed “Change your search” naming the place, distance and filters after a search', async () => {
    const { html } = await get('/support?q=NW4+4BG&filter=women-only&distance=5')
    expect(details(html)).toBe('<details class="govuk-details app-find-support__change" id="change-search">')
    expect(summary(html)).toBe('Change your search: NW4 4BG, within 5 miles, women-only service or sessions')
    // The form is still there (inside the details), so it works without JavaScript.
    expect(html).toContain('id="q"')
    expect(html.indexOf('id="change-search"')).toBeLessThan(html.indexOf('id="results-heading"'))
  })

  it('is open when the search needs changing', async () => {
    const { status, html } = await get('/support?q=NW4+4B')
    expect(status).toBe(400)
    expect(details(html)).toBe('<details class="govuk-details app-find-support__change" id="change-search" open>')
  })
})

describe('the public header', () => {
  it('names the councils the search covers', async () => {
    // fixtures.ts imports services of Barnet, Camden and Sunderland (published ones of each).
    const { html } = await get('/support')
    expect(html).toContain('Find support in Barnet, Camden and Sunderland')
    const one = await get(paths.support.service(councilCodes.camden, id('camden-da')))
    expect(one.html).toContain('Find support in Camden')
  })
})

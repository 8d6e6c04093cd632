/**
 * The public search's result order, pages and coverage (src/features/directory/find-support/results.ts), and on
 * the page: a place outside every council the search holds is told so, with the national helplines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  councilAreasAt,
  helpGroupOf,
  orderForHelp,
  pageOf,
  paginationFor,
  readPage,
} from '../../../src/features/directory/find-support/results.js'
import type { SearchableService, SearchHit } from '../../../src/features/directory/find-support/search.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { seedDirectories, specs } from './fixtures.js'

const entryOfType = (serviceType: string): SearchableService =>
  ({ service: { serviceType } }) as unknown as SearchableService
const hit = (serviceType: string, distanceKm: number): SearchHit =>
  ({ entry: entryOfType(serviceType), distanceKm }) as unknown as SearchHit

describe('result order', () => {
  it('puts drug and alcohol help first, then women’s services, then other support, keeping distance order in each', () => {
    const hits = [
      hit('gp-practice', 0.5),
      hit('probation', 0.8),
      hit('refuge', 1),
      hit('community-treatment', 2),
      hit('family-hub', 2.5),
      hit('womens-centre', 3),
      hit('peer-recovery', 4),
      hit('residential-rehab', 9),
    ]
    const ordered = orderForHelp(hits)
    expect(ordered.map((o) => o.hit.distanceKm)).toEqual([2, 4, 9, 1, 3, 0.5, 0.8, 2.5])
    expect(ordered.map((o) => o.group)).toEqual([
      'drug-and-alcohol',
      'drug-and-alcohol',
      'drug-and-alcohol',
      'women',
      'women',
      'other',
      'other',
      'other',
    ])
    expect(helpGroupOf(entryOfType('inpatient-detox'))).toBe('drug-and-alcohol')
    expect(helpGroupOf(entryOfType('domestic-abuse'))).toBe('women')
    expect(helpGroupOf(entryOfType('community-venue'))).toBe('other')
  })
})

describe('pages of results', () => {
  const items = Array.from({ length: 23 }, (_, i) => i + 1)

  it('gives 10 a page, the last page the rest, and a page past the end is the last', () => {
    expect(pageOf(items, 1)).toEqual({ items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], page: 1, pageCount: 3, from: 1, to: 10 })
    expect(pageOf(items, 3)).toEqual({ items: [21, 22, 23], page: 3, pageCount: 3, from: 21, to: 23 })
    expect(pageOf(items, 9).page).toBe(3)
    expect(pageOf([], 1)).toEqual({ items: [], page: 1, pageCount: 1, from: 0, to: 0 })
  })

  it('reads the page number leniently', () => {
    expect(readPage({ page: '2' })).toBe(2)
    for (const page of [undefined, '', '0', '-1', 'two', '1.5', '99999', ['x']])
      expect(readPage({ page }), String(page)).toBe(1)
    expect(readPage({ page: ['3', '4'] })).toBe(3)
  })

  it('has GOV.UK pagination with previous, next, the first, last and neighbouring pages', () => {
    const href = (n: number) => `/p${String(n)}`
    expect(paginationFor({ page: 1, pageCount: 1 }, href)).toBeNull()
    expect(paginationFor({ page: 1, pageCount: 3 }, href)).toEqual({
      next: { href: '/p2' },
      items: [
        { number: 1, href: '/p1', current: true },
        { number: 2, href: '/p2', current: false },
        { number: 3, href: '/p3', current: false },
      ],
    })
    expect(paginationFor({ page: 5, pageCount: 9 }, href)).toEqual({
      previous: { href: '/p4' },
      next: { href: '/p6' },
      items: [
        { number: 1, href: '/p1', current: false },
        { ellipsis: true },
        { number: 4, href: '/p4', current: false },
        { number: 5, href: '/p5', current: true },
        { number: 6, href: '/p6', current: false },
        { ellipsis: true },
        { number: 9, href: '/p9', current: false },
      ],
    })
  })
})

describe('which council a place is in', () => {
  it('reads it from the nearest LSOA', () => {
    // Hendon (NW4, 51.59, -0.23) is in Barnet; Westminster (51.501, -0.142) in Westminster;
    // Edinburgh (55.95, -3.19) is more than 5 km from every English LSOA.
    expect(councilAreasAt(51.59, -0.23)?.ladCode).toBe('E09000003')
    expect(councilAreasAt(51.501, -0.142)?.ladCode).toBe('E09000033')
    expect(councilAreasAt(55.95, -3.19)).toBeUndefined()
  })
})

describe('a search from outside the councils the search covers', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
    await seedDirectories(ctx.database.db)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('says which councils it covers and points to the national helplines; inside, it says nothing of it', async () => {
    // The fixtures publish services of Barnet, Camden and Sunderland (fixtures.ts).
    expect(new Set(specs.filter((s) => s.status === 'published').map((s) => s.council))).toEqual(
      new Set(['barnet', 'camden', 'sunderland']),
    )
    const outside = await ctx.client().get('/support?q=SW1A+1AA&distance=10')
    expect(outside.statusCode).toBe(200)
    expect(outside.body).toContain('id="outside-area"')
    expect(outside.body).toContain('This search covers Barnet, Camden and Sunderland.')
    expect(outside.body).toContain('href="tel:03001236600"')
    const inside = await ctx.client().get('/support?q=NW4+4BG&distance=10')
    expect(inside.statusCode).toBe(200)
    expect(inside.body).not.toContain('id="outside-area"')
  })

  it('the kept search form shows each search its own text, escaped, and nothing of another search', async () => {
    const first = await ctx.client().get('/support?q=NW9+5HE&distance=10')
    expect(first.body).toContain('value="NW9 5HE"')
    // Same filters and distance, so the same kept form: only this search's text is in it.
    const second = await ctx.client().get('/support?q=Barnet&distance=10')
    expect(second.statusCode).toBe(200)
    expect(second.body).toContain('value="Barnet"')
    expect(second.body).not.toContain('NW9 5HE')
    const quoted = await ctx.client().get(`/support?q=${encodeURIComponent('NW4 "4BG"')}&distance=10`)
    expect(quoted.body).toContain('value="NW4 &quot;4BG&quot;"')
    expect(quoted.body).not.toContain('wtc-typed-search-text')
  })
})

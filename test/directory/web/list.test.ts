/**
 * The service map list: each filter against a hand-made expectation on the small directory of
 * support.ts (see the table there), sorting, the result count, example data tags, and what a
 * provider user sees.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { directoryServices } from '../../../src/db/schema/index.js'
import { bumpDataVersion } from '../../../src/platform/cache.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { listBodyBuilds } from '../../../src/features/directory/web/list-cache.js'
import { listedNames, providerUser, seedSmallDirectory, type SmallDirectory } from './support.js'

let ctx: TestContext
let dir: SmallDirectory
let commissioner: TestClient
let scope: TenantScope

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await ctx.user({ roles: ['commissioner'], totp: true })
  scope = user.scope
  dir = await seedSmallDirectory(ctx, user.scope)
  commissioner = await ctx.signedIn(user)
})
afterAll(async () => {
  await ctx.close()
})

const names = async (query: string): Promise<string[]> => {
  const res = await commissioner.get(`/directory${query}`)
  expect(res.statusCode).toBe(200)
  return listedNames(res.body)
}

describe('the service map list', () => {
  it('lists every service of the council in name order, each linking to its page, with the count', async () => {
    const res = await commissioner.get('/directory')
    expect(res.statusCode).toBe(200)
    // Name order A to Z: Alpha Group, Alpha Outreach, Beta Refuge, Council Hub.
    expect(listedNames(res.body)).toEqual(['Alpha Group', 'Alpha Outreach', 'Beta Refuge', 'Council Hub'])
    expect(res.body).toContain(`href="/directory/services/${dir.services.betaRefuge}"`)
    expect(res.body).toMatch(/4 services\s*<\/p>/)
    expect(res.body).toContain('moj-filter')
  })

  // Each filter, with the services expected worked out from the table in support.ts.
  const cases: [string, string, string[]][] = [
    ['service type: community treatment', '?type=community-treatment', ['Alpha Group', 'Alpha Outreach']],
    ['two service types (either)', '?type=refuge&type=family-hub', ['Beta Refuge', 'Council Hub']],
    ['one feature: creche or children welcome', '?feature=children-welcome', ['Alpha Group', 'Council Hub']],
    // Features combine with AND: only Alpha Group has both.
    ['two features (both)', '?feature=children-welcome&feature=women-only-groups', ['Alpha Group']],
    // Monday sessions: Alpha Group 10-12, Council Hub 16-18.
    ['day: Monday', '?day=monday', ['Alpha Group', 'Council Hub']],
    // Monday evening (from 17:00): only Council Hub's 16-18 session reaches into the evening.
    ['day and time: Monday evening', '?day=monday&time=evening', ['Council Hub']],
    ['day and time: Monday morning', '?day=monday&time=morning', ['Alpha Group']],
    // Afternoon (12:00-17:00) on any day: Beta Tue 13-15, Council Mon 16-18. Alpha's Mon session ends at 12:00.
    ['time: afternoon', '?time=afternoon', ['Beta Refuge', 'Council Hub']],
    // Women-only sessions on a Monday: Alpha's 10-12 only (Council Hub's Monday session is mixed).
    ['Monday women-only sessions', '?day=monday&womenOnlySessions=yes', ['Alpha Group']],
    // Evening sessions of any day: Alpha Wed 18-20 and Council Mon 16-18.
    ['time: evening', '?time=evening', ['Alpha Group', 'Council Hub']],
    ['area: Enfield', '?area=Enfield', ['Beta Refuge']],
    ['area: Barnet', '?area=Barnet', ['Alpha Group', 'Beta Refuge']],
    ['status: draft', '?status=draft', ['Beta Refuge']],
    ['status: published', '?status=published', ['Alpha Group', 'Alpha Outreach', 'Council Hub']],
  ]
  for (const [what, query, expected] of cases) {
    it(`filters by ${what}`, async () => {
      expect(await names(query)).toEqual(expected)
    })
  }

  it('filters by organisation', async () => {
    expect(await names(`?organisation=${dir.organisations.alpha}`)).toEqual(['Alpha Group', 'Alpha Outreach'])
  })

  it('says how many services match out of how many, and shows the chosen filters with links to remove them', async () => {
    const res = await commissioner.get('/directory?type=community-treatment&status=published')
    // Alpha Group and Alpha Outreach are both published community treatment services: 2 of 4.
    expect(res.body).toContain('2 of 4 services match the filters')
    expect(res.body).toContain('Selected filters')
    // Removing the type filter leaves the status one.
    expect(res.body).toContain('href="/directory?status=published"')
    expect(res.body).toContain('href="/directory?type=community-treatment"')
  })

  it('says when nothing matches', async () => {
    // No service has a Sunday session.
    const res = await commissioner.get('/directory?day=sunday')
    expect(listedNames(res.body)).toEqual([])
    expect(res.body).toContain('No services match the filters')
  })

  it('shows where each service is, in a table of at most six columns that scrolls in its own captioned region', async () => {
    const res = await commissioner.get('/directory')
    const table = res.body.split('<table class="govuk-table app-directory-table">')[1]?.split('</table>')[0] ?? ''
    // Service, Where, Type, Women-only, Features, Status.
    expect(table.match(/<th scope="col"/g)).toHaveLength(6)
    expect(table).toContain('>Where</th>')
    // Every service of support.ts is at 1 Test Street, NW4 4BG: one cell each, named for a phone,
    // where each row is a block and the cell says what it is.
    expect(table.match(/<td class="govuk-table__cell" data-label="Where">1 Test Street, NW4 4BG<\/td>/g)).toHaveLength(
      4,
    )
    expect(res.body).toContain(
      '<div class="app-table-wrap" role="region" aria-labelledby="services-caption" tabindex="0">',
    )
    expect(res.body).toContain('id="services-caption">Services')
    // On a phone the other pages' links follow the list (once above it, once after, each hidden on
    // the other side of the breakpoint).
    expect(res.body.match(/href="\/directory\/import"/g)).toHaveLength(2)
    expect(res.body.indexOf('<h2 class="govuk-heading-s govuk-!-margin-top-4 app-narrow-only">')).toBeGreaterThan(
      res.body.indexOf('</table>'),
    )
  })

  it('sorts by a column, with ties in name order, and marks the sorted column with aria-sort', async () => {
    // Feature counts: Alpha Group 2, Beta Refuge 2, Council Hub 1, Alpha Outreach 0.
    const res = await commissioner.get('/directory?sort=features&order=desc')
    expect(listedNames(res.body)).toEqual(['Alpha Group', 'Beta Refuge', 'Council Hub', 'Alpha Outreach'])
    expect(res.body).toMatch(/aria-sort="descending"><a[^>]*href="\/directory\?sort=features&amp;order=asc"/)
    // Organisation names: Alpha Recovery (Group, Outreach), Beta Womens Aid, Council Services; descending reverses them.
    expect(await names('?sort=organisation&order=desc')).toEqual([
      'Council Hub',
      'Beta Refuge',
      'Alpha Group',
      'Alpha Outreach',
    ])
    // Women-only: Beta Refuge whole service, Alpha Group and Council Hub some sessions, Alpha Outreach none.
    expect(await names('?sort=women-only&order=desc')).toEqual([
      'Beta Refuge',
      'Alpha Group',
      'Council Hub',
      'Alpha Outreach',
    ])
  })

  it('refuses a filter value that is not in the lists with a 400 naming it', async () => {
    const res = await commissioner.get('/directory?feature=free-biscuits')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('feature')
  })

  it('tags example data', async () => {
    const before = await commissioner.get('/directory')
    expect(before.body.split(`/directory/services/${dir.services.councilHub}"`)[1]?.split('</tr>')[0]).not.toContain(
      'Example data',
    )
    // Written here without the repository, so the data version is raised by hand, as every
    // repository write does in its transaction: the list's kept content is then rebuilt.
    await ctx.database.db
      .update(directoryServices)
      .set({ isExample: true })
      .where(eq(directoryServices.id, dir.services.councilHub))
    await bumpDataVersion(ctx.database.db, scope.tenantId, 'directory')
    const res = await commissioner.get('/directory')
    const row = res.body.split(`/directory/services/${dir.services.councilHub}"`)[1]?.split('</tr>')[0] ?? ''
    expect(row).toContain('Example data')
    const other = res.body.split(`/directory/services/${dir.services.alphaGroup}"`)[1]?.split('</tr>')[0] ?? ''
    expect(other).not.toContain('Example data')
    expect((await commissioner.get(`/directory/services/${dir.services.councilHub}`)).body).toContain('Example data')
  })

  it('shows a provider user only the services of organisations theirs owns', async () => {
    const scope = (await ctx.user({ roles: ['analyst'] })).scope
    const alphaUser = await providerUser(ctx, scope, dir.providers.alpha)
    const alpha = await ctx.signedIn(alphaUser)
    const res = await alpha.get('/directory')
    expect(res.statusCode).toBe(200)
    expect(listedNames(res.body)).toEqual(['Alpha Group', 'Alpha Outreach'])
    expect(res.body).not.toContain('Beta Refuge')
    // The organisation filter offers only their own organisation.
    expect(res.body).not.toContain('Council Services')
  })

  it('shows an analyst everything', async () => {
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    expect(listedNames((await analyst.get('/directory')).body)).toHaveLength(4)
  })
})

describe('the list’s kept content', () => {
  it('is built once per data version and filters, and rebuilt after a change through the repository', async () => {
    const url = '/directory?type=community-treatment'
    const first = await commissioner.get(url)
    const builds = listBodyBuilds()
    const again = await commissioner.get(url)
    expect(/<tbody[\s\S]*<\/tbody>/.exec(again.body)?.[0]).toBe(/<tbody[\s\S]*<\/tbody>/.exec(first.body)?.[0])
    expect(listBodyBuilds()).toBe(builds)
    // Another filter is another page.
    await commissioner.get('/directory?type=refuge')
    expect(listBodyBuilds()).toBe(builds + 1)
    // The same page after the data version moves is built again.
    await bumpDataVersion(ctx.database.db, scope.tenantId, 'directory')
    await commissioner.get(url)
    expect(listBodyBuilds()).toBe(builds + 2)
  })
})

/**
 * The analysis pages over HTTP: the small hand-made directory (fixture.ts) imported into Barnet
 * through the repository, then each page as HTML, CSV and JSON with the same numbers; roles;
 * query checking; another council sees only its own directory.
 */
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDirectory } from '../../../src/features/directory/repository.js'
import { haversineKm } from '../../../src/lib/geo.js'
import { loadLsoaCentroids } from '../../../src/platform/reference.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { ids, locations, names, smallDirectory } from './fixture.js'

const BARNET = 'E09000003'
const ENFIELD = 'E09000010'

const actor = { userId: null, label: 'test seed', role: 'commissioner' }

/** CSV text (with its byte order mark) as rows of strings. */
function csvRows(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: false })
}

interface JsonTable {
  id: string
  columns: { key: string; label: string }[]
  rows: Record<string, unknown>[]
}

describe('service map analysis pages', () => {
  let ctx: TestContext
  let commissioner: TestUser
  let client: TestClient

  beforeAll(async () => {
    ctx = await createTestContext()
    commissioner = await ctx.user({ roles: ['commissioner'], totp: true, council: BARNET })
    await importDirectory(ctx.database.db, commissioner.scope, actor, smallDirectory())
    client = await ctx.signedIn(commissioner)
  }, 60_000)

  afterAll(async () => {
    await ctx.close()
  })

  it('distance: the page, the CSV and the JSON give the same figures, checked against brute force', async () => {
    // Independent check: for every Barnet LSOA, the nearest of the three women-only places of the
    // fixture (women's centre A, GP C, rehab R) by brute force over haversine distances.
    const lsoas = loadLsoaCentroids({ utlaCode: BARNET })
    const places = [locations.A, locations.C, locations.R]
    let female = 0
    let beyond = 0
    let beyondLsoas = 0
    for (const l of lsoas) {
      const d = Math.min(...places.map((p) => haversineKm(l.lat, l.lon, p.latitude, p.longitude)))
      female += l.femaleResidents
      if (d > 2) {
        beyond += l.femaleResidents
        beyondLsoas++
      }
    }
    const percent = Math.round((beyond / female) * 1000) / 10

    const json = await client.get('/directory/analysis/distance?format=json')
    expect(json.statusCode).toBe(200)
    expect(json.headers['content-type']).toContain('application/json')
    const page = JSON.parse(json.body) as {
      withinKm: number
      measure: string
      summary: {
        femaleResidentsBeyond: number
        femaleResidents: number
        femaleSharePercentBeyond: number
        lsoasBeyond: number
        places: number
      }
      directory: { published: number; drafts: number }
      tables: JsonTable[]
    }
    expect(page.withinKm).toBe(2)
    expect(page.measure).toBe('women-only')
    expect(page.directory).toEqual({ published: 6, drafts: 1 })
    expect(page.summary.places).toBe(3)
    expect(page.summary.femaleResidents).toBe(female)
    expect(page.summary.femaleResidentsBeyond).toBe(beyond)
    expect(page.summary.lsoasBeyond).toBe(beyondLsoas)
    expect(page.summary.femaleSharePercentBeyond).toBe(percent)
    // Sanity: Barnet has 220 LSOAs and the places are in the south of it, so some women are beyond.
    expect(lsoas).toHaveLength(220)
    expect(beyondLsoas).toBeGreaterThan(0)

    const lsoaTable = page.tables.find((t) => t.id === 'lsoas')
    expect(lsoaTable?.rows).toHaveLength(220)

    const csv = await client.get('/directory/analysis/distance?format=csv&table=lsoas')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toContain('attachment')
    const rows = csvRows(csv.body)
    expect(rows[0]).toEqual([
      'LSOA code',
      'LSOA name',
      'Female residents',
      'Distance (km)',
      'More than 2 km',
      'Nearest service',
      'Place',
    ])
    expect(rows).toHaveLength(221)
    // Row by row, the CSV carries the JSON's numbers.
    rows.slice(1).forEach((row, i) => {
      const j = lsoaTable?.rows[i]
      expect(row[0]).toBe(j?.code)
      expect(Number(row[2])).toBe(j?.femaleResidents)
      expect(Number(row[3])).toBe(j?.distanceKm)
    })
    // The rows marked 'Yes' add up to the women beyond.
    const yes = rows.slice(1).filter((r) => r[4] === 'Yes')
    expect(yes).toHaveLength(beyondLsoas)
    expect(yes.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(beyond)

    // One table as JSON: the same rows.
    const one = JSON.parse((await client.get('/directory/analysis/distance?format=json&table=lsoas')).body) as {
      table: JsonTable
    }
    expect(one.table.rows).toEqual(lsoaTable?.rows)

    const html = await client.get('/directory/analysis/distance')
    expect(html.statusCode).toBe(200)
    expect(html.body).toContain(`${percent.toFixed(1)}% of women`)
    expect(html.body).toContain('<svg')
    expect(html.body).toContain('id="distance-map-title"')
    expect(html.body).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m" id="table-lsoas-caption">',
    )
    expect(html.body).toContain('govuk-table__cell--numeric')
    expect(html.body).toContain('1 draft service is left out until it is published')
  })

  it('distance: a chosen treatment type and distance, and the summary table as CSV', async () => {
    const res = await client.get('/directory/analysis/distance?type=community-treatment&within=1.5&format=json')
    expect(res.statusCode).toBe(200)
    const page = JSON.parse(res.body) as {
      withinKm: number
      measure: string
      summary: { places: number }
      tables: JsonTable[]
    }
    expect(page.withinKm).toBe(1.5)
    expect(page.measure).toBe('community-treatment')
    // The draft's place does not count: one published community treatment service.
    expect(page.summary.places).toBe(1)
    const places = page.tables.find((t) => t.id === 'places')
    expect(places?.rows.map((r) => r.service)).toEqual([names.ct])

    const csv = csvRows(
      (await client.get('/directory/analysis/distance?type=community-treatment&within=1.5&format=csv')).body,
    )
    // The first table by default: the summary, one row for women-only provision and each treatment type.
    expect(csv[0]?.[0]).toBe('Distance to')
    expect(csv.slice(1).map((r) => r[0])).toEqual([
      'Women-only provision',
      'Community drug and alcohol treatment',
      'Residential rehabilitation',
      'Inpatient detox',
    ])
    // Inpatient detox: no place, so every woman is beyond: 100%.
    expect(csv[4]?.[4]).toBe('100')
    expect(csv[4]?.[1]).toBe('0')
  })

  it('time: the grid by hand, in HTML, CSV and JSON', async () => {
    const csv = csvRows((await client.get('/directory/analysis/time?format=csv&table=grid-all')).body)
    expect(csv[0]).toEqual([
      'Day',
      'Morning (before 12:00): sessions',
      'Morning (before 12:00): services',
      'Afternoon (12:00 to 17:00): sessions',
      'Afternoon (12:00 to 17:00): services',
      'Evening (after 17:00): sessions',
      'Evening (after 17:00): services',
    ])
    // Monday: morning GP + women's centre (2 sessions, 2 services); afternoon the women's centre
    // twice (2 sessions, 1 service); no evening. Thursday: the rehab in the afternoon.
    expect(csv[1]).toEqual(['Monday', '2', '2', '2', '1', '0', '0'])
    expect(csv[2]).toEqual(['Tuesday', '0', '0', '0', '0', '1', '1'])
    expect(csv[4]).toEqual(['Thursday', '0', '0', '1', '1', '0', '0'])
    const json = JSON.parse((await client.get('/directory/analysis/time?format=json')).body) as {
      grids: { mode: string; sessions: number; rows: { cells: { sessions: number }[] }[] }[]
    }
    expect(json.grids.map((g) => [g.mode, g.sessions])).toEqual([
      ['all', 5],
      ['in_person', 4],
      ['online', 2],
    ])
    expect(json.grids[0]?.rows[0]?.cells.map((c) => c.sessions)).toEqual([2, 2, 0])
    const html = await client.get('/directory/analysis/time')
    expect(html.statusCode).toBe(200)
    expect(html.body).toContain('No women-only sessions on Saturday at any time')
    expect(html.body).toContain('No in-person women-only sessions on Tuesday at any time')
  })

  it('features: coverage with counts and shares', async () => {
    const csv = csvRows((await client.get('/directory/analysis/features?format=csv&table=coverage')).body)
    expect(csv[0]).toEqual(['Feature', 'Services: services', 'Services: share (%)'])
    // Creche or children welcome: 3 of the 6 published services.
    expect(csv.find((r) => r[0] === 'Creche or children welcome')).toEqual(['Creche or children welcome', '3', '50'])
    // Women-only groups: 1 of 6 = 16.7%.
    expect(csv.find((r) => r[0] === 'Women-only group sessions')).toEqual(['Women-only group sessions', '1', '16.7'])
    const none = csvRows((await client.get('/directory/analysis/features?format=csv&table=services-with-none')).body)
    expect(none.slice(1).map((r) => r[0])).toEqual([names.gp, names.rehab])
    const html = await client.get('/directory/analysis/features')
    expect(html.body).toContain('3 of 6 (50.0%)')
    expect(html.body).toContain('2 of the 6 published services have none of the gender-responsive features.')
  })

  it('cohorts: served and unserved groups', async () => {
    const json = JSON.parse((await client.get('/directory/analysis/cohorts?format=json')).body) as {
      cohortsWithNone: string[]
      cohorts: { cohort: string; services: { name: string }[]; byAndForOrganisations: string[] }[]
    }
    expect(json.cohortsWithNone).toHaveLength(13)
    expect(json.cohorts.find((c) => c.cohort === 'minoritised_ethnic')?.byAndForOrganisations).toEqual([
      'Test circle organisation',
    ])
    const csv = csvRows((await client.get('/directory/analysis/cohorts?format=csv')).body)
    expect(csv.find((r) => r[0] === 'Mothers')).toEqual(['Mothers', '3', '0'])
    const html = await client.get('/directory/analysis/cohorts')
    expect(html.body).toContain('No published service serves:')
    expect(html.body).toContain('Women involved in sex work')
  })

  it('co-location: the default 1 km and a chosen distance', async () => {
    const one = csvRows((await client.get('/directory/analysis/colocation?format=csv')).body)
    expect(one).toHaveLength(2)
    // 0.005° of latitude = 0.556 km, shown as 0.6.
    expect(one[1]?.slice(0, 2)).toEqual(['1', names.ct])
    expect(one[1]?.[3]).toBe(names.circle)
    expect(one[1]?.[6]).toBe('0.6')
    const three = JSON.parse((await client.get('/directory/analysis/colocation?within=3&format=json')).body) as {
      pairs: number
      tables: JsonTable[]
    }
    expect(three.pairs).toBe(3)
    expect(three.tables[0]?.rows.map((r) => r.place)).toEqual([names.circle, names.fh, names.gp])
    const html = await client.get('/directory/analysis/colocation?within=3')
    expect(html.statusCode).toBe(200)
    expect(html.body).toContain('3 pairs in different buildings within 3 km')
    expect(html.body).toContain('0 pairs are already in the same building.')
  })

  it('overview links every page', async () => {
    const res = await client.get('/directory/analysis')
    expect(res.statusCode).toBe(200)
    for (const path of ['distance', 'time', 'features', 'cohorts', 'colocation']) {
      expect(res.body).toContain(`href="/directory/analysis/${path}"`)
    }
    expect(res.body).toContain('2 of the 6 published services have none of the gender-responsive features.')
  })

  it('refuses a distance or type it cannot use, with a message', async () => {
    for (const within of ['0', '0.05', '51', 'abc', '-1', '1e3']) {
      const res = await client.get(`/directory/analysis/distance?within=${within}`)
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('Enter a distance between 0.1 and 50 km, like 2 or 1.5')
      expect(res.body).toContain('govuk-error-summary')
    }
    const type = await client.get('/directory/analysis/distance?type=spaceship')
    expect(type.statusCode).toBe(400)
    expect(type.body).toContain('Choose what to measure the distance to from the list')
    const csv = await client.get('/directory/analysis/distance?type=spaceship&format=csv')
    expect(csv.statusCode).toBe(400)
    const colocation = await client.get('/directory/analysis/colocation?within=100')
    expect(colocation.statusCode).toBe(400)
    expect(colocation.body).toContain('Enter a distance between 0.1 and 50 km')
    expect((await client.get('/directory/analysis/time?colour=red')).statusCode).toBe(400)
    expect((await client.get('/directory/analysis/time?format=csv&table=nothing')).statusCode).toBe(404)
    expect((await client.get('/directory/analysis/time?table=sessions')).statusCode).toBe(400)
    // The edges are allowed.
    expect((await client.get('/directory/analysis/distance?within=0.1')).statusCode).toBe(200)
    expect((await client.get('/directory/analysis/distance?within=50')).statusCode).toBe(200)
  })

  it('lets analysts in and keeps other roles out', async () => {
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true, council: BARNET }))
    expect((await analyst.get('/directory/analysis/features')).statusCode).toBe(200)
    for (const role of ['provider', 'panel_member', 'partner', 'admin'] as const) {
      const other = await ctx.signedIn(await ctx.user({ roles: [role], totp: true, council: BARNET }))
      expect((await other.get('/directory/analysis/distance?format=json')).statusCode).toBe(403)
    }
    const anonymous = ctx.client()
    expect((await anonymous.get('/directory/analysis')).statusCode).toBe(303)
  })

  it('another council sees only its own directory, without a map where no boundaries are loaded', async () => {
    const enfield = await ctx.user({ roles: ['commissioner'], totp: true, council: ENFIELD })
    const e = await ctx.signedIn(enfield)
    const json = JSON.parse((await e.get('/directory/analysis/features?format=json')).body) as {
      services: number
      directory: { published: number }
    }
    expect(json.services).toBe(0)
    expect(json.directory.published).toBe(0)
    const html = await e.get('/directory/analysis/distance')
    expect(html.statusCode).toBe(200)
    expect(html.body).not.toContain('<svg')
    expect(html.body).toContain('The map is available where LSOA boundaries are loaded')
    expect(html.body).not.toContain(names.wc.replace("'", '&#39;'))
  })

  it('writes formula-safe CSV', async () => {
    const other = await ctx.user({ roles: ['commissioner'], totp: true, council: 'E09000002' })
    const dangerous = smallDirectory()
    const gp = dangerous.services.find((s) => s.id === ids.gp)
    if (!gp) throw new Error('fixture changed')
    gp.name = '=HYPERLINK("https://example.org")'
    await importDirectory(ctx.database.db, other.scope, actor, dangerous)
    const c = await ctx.signedIn(other)
    const res = await c.get('/directory/analysis/features?format=csv&table=services-with-none')
    expect(res.body).toContain(`"'=HYPERLINK(""https://example.org"")"`)
  })
})

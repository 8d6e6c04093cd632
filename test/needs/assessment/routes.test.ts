/**
 * The assessment page's address: who may open it, what a bad query gets (400 with a message, the
 * form kept), an unknown table (404), and that each council sees only its own data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentView } from '../../../src/features/needs/assessment/types.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { insertImport, insertNdtms } from './support.js'

describe('GET /needs', () => {
  let ctx: TestContext
  let commissioner: TestUser
  let client: TestClient

  beforeAll(async () => {
    ctx = await createTestContext()
    commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    const importId = await insertImport(ctx.database.db, commissioner.scope, 'ndtms-viewit', 'Test treatment data')
    const rows = (['2020/21', '2021/22'] as const).flatMap((period) =>
      (['F', 'M', 'Persons'] as const).map((sex) => ({
        period,
        sex,
        measures: {
          intreatment_allintx: sex === 'F' ? 300 : sex === 'M' ? 700 : 1000,
          newpresentation_newtx: sex === 'F' ? 100 : sex === 'M' ? 200 : 300,
        },
      })),
    )
    await insertNdtms(ctx.database.db, commissioner.scope, importId, rows)
    client = await ctx.signedIn(commissioner)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('is for commissioners and analysts only', async () => {
    for (const role of ['commissioner', 'analyst'] as const) {
      const c = await ctx.signedIn(await ctx.user({ roles: [role], totp: true }))
      expect((await c.get('/needs')).statusCode, role).toBe(200)
      expect((await c.get('/needs?format=csv')).statusCode, role).toBe(200)
    }
    for (const role of ['provider', 'panel_member', 'partner', 'admin'] as const) {
      const c = await ctx.signedIn(await ctx.user({ roles: [role], totp: true }))
      for (const url of ['/needs', '/needs?format=json', '/needs?format=csv&table=access']) {
        const res = await c.get(url)
        expect(res.statusCode, `${role} ${url}`).toBe(403)
        expect(res.body).not.toContain('table-access')
        expect(res.body).not.toContain('intreatment')
      }
    }
    const anonymous = await ctx.client().get('/needs?format=json')
    expect([302, 303, 401]).toContain(anonymous.statusCode)
    expect(anonymous.body).not.toContain('intreatment')
  })

  it('a year the data does not have is a 400 that says which years it has, with the form kept', async () => {
    const res = await client.get('/needs?period=2030%2F31')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('There is a problem')
    expect(res.body).toContain('There is no treatment data for 2030/31. Choose a year from 2020/21 to 2021/22.')
    expect(res.body).toContain('href="#period"')
    expect(res.body).toContain('name="period"')
  })

  it('values outside the lists, malformed years and unknown parameters are 400s', async () => {
    const cases: [string, string][] = [
      ['/needs?substance=heroin', 'Choose a substance group from the list.'],
      ['/needs?age=12-17', 'Choose an age group from the list.'],
      ['/needs?period=last%20year', 'Choose a year from the list, like 2021/22.'],
      ['/needs?format=xml', 'format'],
      ['/needs?tenantId=x', 'Unknown query parameter: tenantId'],
      ['/needs?format=csv&table=Bad%20Id', 'table'],
      ['/needs?table=access', 'A table can only be downloaded as CSV or JSON.'],
    ]
    for (const [url, message] of cases) {
      const res = await client.get(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.body, url).toContain(message.replace(/'/g, '&#39;'))
    }
    const json = await client.get('/needs?format=json&period=2030%2F31')
    expect(json.statusCode).toBe(400)
    expect(json.headers['content-type']).toContain('application/json')
    expect((JSON.parse(json.body) as { message: string }).message).toContain('There is no treatment data for 2030/31')
  })

  it('a table the assessment does not have is a 404', async () => {
    for (const url of ['/needs?format=csv&table=no-such-table', '/needs?format=json&table=no-such-table']) {
      expect((await client.get(url)).statusCode, url).toBe(404)
    }
  })

  it('accepts 2021-22 for 2021/22, and the form’s empty values mean the defaults', async () => {
    const a = JSON.parse((await client.get('/needs?format=json&period=2021-22')).body) as AssessmentView
    expect(a.selection.period).toBe('2021/22')
    const b = JSON.parse((await client.get('/needs?format=json&period=&substance=&age=')).body) as AssessmentView
    expect(b.selection).toEqual({ period: '2021/22', substanceGroup: 'all', ageGroup: 'all' })
    const c = JSON.parse((await client.get('/needs?format=json&period=2020%2F21')).body) as AssessmentView
    expect(c.selection.period).toBe('2020/21')
  })

  it('another council sees none of this council’s data, and is told which import fills each section', async () => {
    const other = await ctx.user({ roles: ['commissioner'], totp: true, council: 'E09000010' })
    const c = await ctx.signedIn(other)
    const view = JSON.parse((await c.get('/needs?format=json')).body) as AssessmentView
    expect(view.council.code).toBe('E09000010')
    expect(view.options.periods).toEqual([])
    expect(view.sources).toEqual([])
    const access = view.sections.find((s) => s.id === 'access')
    expect(access?.status).toBe('no-data')
    expect(access?.noDataMessage).toContain('NDTMS ViewIt')
    const page = await c.get('/needs')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('href="/needs/imports"')
    expect(page.body).not.toContain('Test treatment data')
    // Asking for this council's year gives nothing of this council's either.
    const asked = await c.get('/needs?format=json&period=2021%2F22')
    expect(asked.statusCode).toBe(200)
    expect(asked.body).not.toContain('"display": "300"')
    const own = await client.get('/needs?format=json')
    expect(own.body).toContain('"display": "300"')
  })

  it('the page has the selection form, a contents list and the sub-navigation', async () => {
    const res = await client.get('/needs')
    expect(res.body).toContain('<form method="get" action="/needs"')
    expect(res.body).toContain('Contents')
    for (const id of [
      'access',
      'unmet-need',
      'referrals',
      'exits',
      'safeguarding',
      'representation',
      'harm',
      'insight',
      'priorities',
    ]) {
      expect(res.body).toContain(`href="#${id}"`)
      expect(res.body).toContain(`id="${id}"`)
    }
    expect(res.body).toContain('href="/needs/imports"')
    expect(res.body).not.toMatch(/<script(?![^>]*nonce)/)
  })
})

/**
 * The assessment page's address: who may open it, what a bad query gets (400 with a message, the
 * form kept), an unknown table (404), and that each council sees only its own data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DIFFERENCE_NOTE,
  ROUNDING_NOTE,
  SUPPRESSION_NOTE,
  WILSON_NOTE,
} from '../../../src/features/needs/assessment/notes.js'
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

  const sectionPages: [string, string][] = [
    ['access', '/needs/access'],
    ['unmet-need', '/needs/unmet-need'],
    ['referrals', '/needs/referrals'],
    ['exits', '/needs/exits'],
    ['safeguarding', '/needs/safeguarding'],
    ['representation', '/needs/representation'],
    ['harm', '/needs/harm'],
    ['insight', '/needs/local-insight'],
    ['priorities', '/needs/recorded-priorities'],
  ]
  const selection = 'period=2021%2F22&substance=all&age=all'

  it('the overview has the selection form, a key finding per section linking to its page, and no tables', async () => {
    const res = await client.get('/needs')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<form method="get" action="/needs"')
    expect(res.body).toContain('Key findings')
    for (const [id, path] of sectionPages) {
      expect(res.body, id).toContain(`href="${path}?${selection.replace(/&/g, '&amp;')}"`)
      expect(res.body, id).toContain(`id="${id}"`)
    }
    // Access: women are 300 of 1,000 in treatment (the hand-made rows above).
    const view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
    const accessFinding = view.sections.find((s) => s.id === 'access')?.findings[0]
    expect(accessFinding).toBeTruthy()
    expect(res.body).toContain(escapeHtml(accessFinding ?? ''))
    expect(res.body).not.toContain('<table')
    expect(res.body).not.toContain(escapeHtml(SUPPRESSION_NOTE))
    expect(res.body).toContain(`href="/needs/how-to-read?${selection.replace(/&/g, '&amp;')}"`)
    expect(res.body).toContain('href="/needs/report.docx?')
    expect(res.body).toContain('href="/needs/imports"')
    expect(res.body).not.toMatch(/<script(?![^>]*nonce)/)
  })

  it('each section has a page of its own with its tables, keeping the selection', async () => {
    const view = JSON.parse((await client.get('/needs?format=json&period=2020%2F21')).body) as AssessmentView
    for (const [id, path] of sectionPages) {
      const res = await client.get(`${path}?period=2020%2F21`)
      expect(res.statusCode, path).toBe(200)
      const section = view.sections.find((s) => s.id === id)
      expect(section, id).toBeDefined()
      expect(res.body, id).toContain(
        `<h1 class="govuk-heading-xl" id="${id}-heading">${escapeHtml(section?.title ?? '')}</h1>`,
      )
      expect(res.body, id).toContain(`<form method="get" action="${path}"`)
      for (const table of section?.tables ?? [])
        expect(res.body, `${id} ${table.id}`).toContain(`id="table-${table.id}"`)
      // Tables of other sections are not on this page.
      for (const other of view.sections.filter((s) => s.id !== id)) {
        for (const table of other.tables)
          expect(res.body, `${id} has ${table.id}`).not.toContain(`id="table-${table.id}"`)
      }
      // The links keep the chosen year.
      expect(res.body, id).toContain('period=2020%2F21')
    }
    const access = await client.get('/needs/access')
    expect(access.body).toContain('>300<')
    // The pages run in order with GOV.UK pagination: access has a next page and no previous one.
    expect(access.body).toContain('govuk-pagination__next')
    expect(access.body).not.toContain('govuk-pagination__prev')
    expect(access.body).toContain(`href="/needs/unmet-need?${selection.replace(/&/g, '&amp;')}"`)
    const last = await client.get('/needs/recorded-priorities')
    expect(last.body).toContain('govuk-pagination__prev')
    expect(last.body).not.toContain('govuk-pagination__next')
  })

  it('the notes on rounding, intervals and suppression are on "How to read these figures", once, not under each table', async () => {
    const view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
    // The view model (downloads, Word report) still carries them.
    expect(view.sections.flatMap((s) => s.tables).some((t) => t.notes.includes(SUPPRESSION_NOTE))).toBe(true)
    const howTo = await client.get('/needs/how-to-read')
    expect(howTo.statusCode).toBe(200)
    for (const note of [ROUNDING_NOTE, WILSON_NOTE, DIFFERENCE_NOTE, SUPPRESSION_NOTE]) {
      expect(howTo.body.split(escapeHtml(note)).length - 1, note).toBe(1)
    }
    expect(howTo.body).toContain('Test treatment data')
    for (const [, path] of sectionPages) {
      const res = await client.get(path)
      for (const note of [ROUNDING_NOTE, WILSON_NOTE, DIFFERENCE_NOTE, SUPPRESSION_NOTE]) {
        expect(res.body, `${path}: ${note}`).not.toContain(escapeHtml(note))
      }
      expect(res.body, path).toContain('href="/needs/how-to-read?')
    }
  })

  it('a section downloads as CSV and JSON, and one of its tables from its own address', async () => {
    const view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
    const access = view.sections.find((s) => s.id === 'access')
    const csv = await client.get('/needs/access?format=csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="needs-assessment-2021-22-access-section.csv"',
    )
    const sectionsInCsv = new Set(
      csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.split(',')[0]?.replace(/"/g, '')),
    )
    expect([...sectionsInCsv]).toEqual(['access'])
    const json = JSON.parse((await client.get('/needs/access?format=json')).body) as AssessmentView
    expect(json.sections.map((s) => s.id)).toEqual(['access'])
    expect(json.sections[0]).toEqual(access)
    const table = await client.get('/needs/access?format=csv&table=access')
    expect(table.statusCode).toBe(200)
    expect(table.headers['content-disposition']).toBe('attachment; filename="needs-assessment-2021-22-access.csv"')
    // A table of another section is not on this section's address.
    expect((await client.get('/needs/access?format=csv&table=referrals')).statusCode).toBe(404)
  })

  it('section pages refuse what the overview refuses, keep the form, and are for commissioners and analysts only', async () => {
    const res = await client.get('/needs/exits?period=2030%2F31')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('There is no treatment data for 2030/31. Choose a year from 2020/21 to 2021/22.')
    expect(res.body).toContain('<form method="get" action="/needs/exits"')
    expect((await client.get('/needs/exits?table=exits')).statusCode).toBe(400)
    expect((await client.get('/needs/exits?tenantId=x')).statusCode).toBe(400)
    expect((await client.get('/needs/how-to-read?format=csv')).statusCode).toBe(400)
    expect((await client.get('/needs/no-such-section')).statusCode).toBe(404)
    for (const role of ['provider', 'panel_member', 'partner', 'admin'] as const) {
      const c = await ctx.signedIn(await ctx.user({ roles: [role], totp: true }))
      for (const url of ['/needs/access', '/needs/how-to-read', '/needs/access?format=csv']) {
        const r = await c.get(url)
        expect(r.statusCode, `${role} ${url}`).toBe(403)
        expect(r.body).not.toContain('table-access')
      }
    }
  })
})

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

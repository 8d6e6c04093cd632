/**
 * GET /needs/report.docx: the Word report of the assessment the page shows, for commissioners and
 * analysts only, downloaded as an attachment with a neutral name, and audited.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAssessment } from '../../../src/features/needs/assessment/service.js'
import type { AssessmentView } from '../../../src/features/needs/assessment/types.js'
import { queryRows } from '../../../src/platform/db/index.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { seedBarnetNdtms } from './seed.js'
import { paragraphs, readZip, runTexts } from '../../support/docx.js'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

describe('GET /needs/report.docx', () => {
  let ctx: TestContext
  let commissioner: TestUser
  // One signed-in client for the commissioner: a TOTP code works once, so signing the same
  // person in again and again within a minute would run out of codes.
  let c: TestClient
  beforeAll(async () => {
    ctx = await createTestContext()
    commissioner = await ctx.user({ roles: ['commissioner'], totp: true, email: 'report@barnet.example' })
    await seedBarnetNdtms(ctx.database.db, commissioner.scope.tenantId, ['2020/21', '2021/22'])
    c = await ctx.signedIn(commissioner)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('sends the assessment for the chosen year as a Word attachment, and audits the download', async () => {
    const res = await c.get('/needs/report.docx?period=2021/22')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(DOCX)
    expect(res.headers['content-disposition']).toBe('attachment; filename="needs-assessment-E09000003-2021-22.docx"')
    expect(res.headers['cache-control']).toBe('no-store')

    const files = readZip(res.rawPayload)
    const xml = files.get('word/document.xml')!.toString('utf8')
    const paras = paragraphs(xml)
    const runs = new Set(runTexts(xml))
    // The same view model as the page: built here by the service for the same selection.
    const view: AssessmentView = await buildAssessment(ctx.database.db, commissioner.scope, { period: '2021/22' })
    expect(view.selection.period).toBe('2021/22')
    expect(paras).toContain('Period: 2021/22')
    expect(paras).toContain('Barnet (E09000003)')
    // The recorded priorities are the report's recommendations, not a section of their own.
    expect(paras).toContain('Recommendations')
    for (const section of view.sections.filter((s) => s.id !== 'priorities')) {
      expect(paras).toContain(section.title)
      for (const table of section.tables) {
        expect(paras.some((p) => p.endsWith(`: ${table.caption}`))).toBe(true)
        for (const row of table.rows) for (const cell of Object.values(row)) expect(runs.has(cell.display)).toBe(true)
      }
    }
    const charts = view.sections.flatMap((s) => s.charts)
    // Barnet's 2021/22 treatment data fills several sections, with charts and tables to check.
    expect(charts.length).toBeGreaterThan(0)
    expect(view.sections.flatMap((s) => s.tables).length).toBeGreaterThan(0)
    expect([...xml.matchAll(/<wp:docPr [^>]*descr="[^"]+"/g)]).toHaveLength(charts.length)

    const audit = await queryRows<{ actor_label: string; details: Record<string, unknown> }>(
      ctx.database.db,
      sql`SELECT actor_label, details FROM audit_events WHERE action = 'needs.report.download' ORDER BY id`,
    )
    expect(audit).toHaveLength(1)
    expect(audit[0]!.actor_label).toBe('report@barnet.example')
    expect(audit[0]!.details).toMatchObject({
      format: 'docx',
      fileName: 'needs-assessment-E09000003-2021-22.docx',
      period: '2021/22',
    })
  })

  it('lets an analyst download it too; other roles may not', async () => {
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    const ok = await analyst.get('/needs/report.docx?period=2020/21')
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-disposition']).toBe('attachment; filename="needs-assessment-E09000003-2020-21.docx"')
    for (const role of ['provider', 'partner', 'admin', 'panel_member'] as const) {
      const other = await ctx.signedIn(await ctx.user({ roles: [role], totp: true }))
      expect((await other.get('/needs/report.docx')).statusCode, role).toBe(403)
    }
  })

  it('names the file after the substance group and age band when they are not all', async () => {
    const res = await c.get('/needs/report.docx?period=2021/22&substance=alcohol_only&age=50%2B')
    expect(res.statusCode).toBe(200)
    // '+' is not safe in a file name: 50+ becomes 50-plus
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="needs-assessment-E09000003-2021-22-alcohol-only-50-plus.docx"',
    )
    const paras = paragraphs(readZip(res.rawPayload).get('word/document.xml')!.toString('utf8'))
    expect(paras).toContain('Substances: Alcohol only')
    expect(paras).toContain('Ages: 50 and over')
  })

  it('sends someone who is not signed in to sign in', async () => {
    const res = await ctx.client().get('/needs/report.docx')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent('/needs/report.docx')}`)
  })

  it('refuses a year that is not in the data, naming the years that are, and records nothing', async () => {
    const before = await downloads()
    const res = await c.get('/needs/report.docx?period=2030/31')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('The data for Barnet has no year 2030/31. Years in the data: 2020/21 and 2021/22.')
    expect(await downloads()).toBe(before)
    expect((await c.get('/needs/report.docx?period=2021/22&tenantId=x')).statusCode).toBe(400)
  })

  it('gives another council its own data only', async () => {
    const other = await ctx.user({ roles: ['commissioner'], totp: true, council: 'E08000025' })
    const otherClient = await ctx.signedIn(other)
    const res = await otherClient.get('/needs/report.docx?period=2021/22')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('There is no treatment data for Birmingham yet')
  })

  async function downloads(): Promise<number> {
    const rows = await queryRows<{ n: string }>(
      ctx.database.db,
      sql`SELECT count(*)::text AS n FROM audit_events WHERE action = 'needs.report.download'`,
    )
    return Number(rows[0]?.n)
  }
})

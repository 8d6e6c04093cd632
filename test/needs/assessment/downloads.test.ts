/**
 * The page, the CSV downloads and the JSON downloads show the same figures: every cell of every
 * table is compared across all of them, on Barnet's published data with local insight and a
 * priority added (so the text tables are covered too).
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents } from '../../../src/db/schema/index.js'
import type { AssessmentView, TableView } from '../../../src/features/needs/assessment/types.js'
import { importFile } from '../../../src/features/needs/importers/index.js'
import { createInsight, createPriority } from '../../../src/features/needs/insight/repository.js'
import { fromRoot } from '../../../src/platform/root.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { htmlTableCells, htmlTableHeaders, parseCsv } from './support.js'
import { allSectionPages } from './pages.js'

describe('assessment downloads', () => {
  let ctx: TestContext
  let user: TestUser
  let client: TestClient
  let view: AssessmentView
  let page: string
  let tables: TableView[]

  beforeAll(async () => {
    ctx = await createTestContext()
    user = await ctx.user({ roles: ['analyst'], totp: true })
    await importFile(ctx.database.db, user.scope, {
      kind: 'ndtms-viewit',
      filePath: fromRoot('src/db/reference/needs/viewit-la-barnet-2009-2022.csv'),
      fileName: 'viewit-la-barnet-2009-2022.csv',
      userId: user.id,
    })
    const actor = { userId: user.id, label: user.email }
    await createInsight(ctx.database.db, user.scope, actor, {
      organisation: 'Women’s Centre, "North" & Co',
      byAndFor: true,
      cohorts: ['minoritised_ethnic', 'domestic_abuse'],
      receivedOn: '2024-03-01',
      summary: 'Women say the <main> hub feels unsafe in the evening; =SUM(A1) is not a formula.',
      sourceUrl: null,
    })
    await createPriority(ctx.database.db, user.scope, actor, {
      title: 'More referrals from health services',
      finding: 'Few women are referred by GPs.',
      evidence: 'Needs assessment 2021/22, referrals',
      cohorts: ['pregnant'],
      period: '2021/22',
      status: 'agreed',
    })
    client = await ctx.signedIn(user)
    view = JSON.parse((await client.get('/needs?format=json')).body) as AssessmentView
    page = await allSectionPages(client)
    tables = view.sections.flatMap((s) => s.tables)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('has tables in the sections that hold data, including insight and priorities', () => {
    const ids = tables.map((t) => t.id)
    for (const id of ['access', 'access-trend', 'referrals', 'exits', 'safeguarding', 'insight', 'priorities']) {
      expect(ids).toContain(id)
    }
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('every table on the page shows the display strings of the JSON view model, in at most 6 columns', () => {
    for (const t of tables) {
      const headers = htmlTableHeaders(page, t.id)
      expect(headers.length, t.id).toBeLessThanOrEqual(6)
      const cells = htmlTableCells(page, t.id)
      expect(cells, t.id).toHaveLength(t.rows.length)
      t.rows.forEach((r, i) => {
        headers.forEach((label, j) => {
          // A page column is a view-model column, or one with its interval: "31.1% (28.7 to 33.5)".
          const plain = label.replace(/ \(95% interval\)$/, '')
          const column = t.columns.find((c) => c.label === plain)
          expect(column, `${t.id}: ${label}`).toBeDefined()
          const shown = cells[i]?.[j] ?? ''
          const display = r[column!.key]?.display ?? ''
          if (plain === label) expect(shown, `${t.id} ${label}`).toBe(display)
          else expect(shown.startsWith(display), `${t.id} ${label}: ${shown}`).toBe(true)
        })
      })
    }
  })

  it('each table’s CSV and JSON downloads hold the same figures, under a neutral file name', async () => {
    for (const t of tables) {
      const csv = await client.get(`/needs?format=csv&table=${t.id}`)
      expect(csv.statusCode, t.id).toBe(200)
      expect(csv.headers['content-type']).toContain('text/csv')
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="needs-assessment-2021-22-${t.id}.csv"`)
      const [header, ...rows] = parseCsv(csv.body)
      expect(header).toEqual(t.columns.map((c) => c.label))
      // Text a spreadsheet would run as a formula is prefixed with an apostrophe (src/lib/csv.ts).
      const safe = (s: string) => (/^[=+\-@\t\r\n]/.test(s) ? `'${s}` : s)
      expect(rows).toEqual(t.rows.map((r) => t.columns.map((c) => safe(r[c.key]?.display ?? ''))))

      const json = await client.get(`/needs?format=json&table=${t.id}`)
      expect(json.statusCode, t.id).toBe(200)
      expect(json.headers['content-disposition']).toBe(`attachment; filename="needs-assessment-2021-22-${t.id}.json"`)
      const body = JSON.parse(json.body) as { table: TableView; selection: unknown }
      expect(body.table).toEqual(t)
      expect(body.selection).toEqual(view.selection)
    }
  })

  it('the whole-assessment CSV has one line per cell with the same value, display and status', async () => {
    const res = await client.get('/needs?format=csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toBe('attachment; filename="needs-assessment-2021-22.csv"')
    const [header, ...lines] = parseCsv(res.body)
    expect(header).toEqual(['section', 'table', 'caption', 'row', 'column', 'value', 'display', 'status'])
    const expectedCount = tables.reduce((n, t) => n + t.rows.length * (t.columns.length - 1), 0)
    expect(lines).toHaveLength(expectedCount)
    let i = 0
    for (const section of view.sections) {
      for (const t of section.tables) {
        const [first, ...rest] = t.columns
        for (const row of t.rows) {
          for (const column of rest) {
            const line = lines[i++]
            const cell = row[column.key]
            const unsafe = (s: string | undefined) => (s?.startsWith("'") ? s.slice(1) : s)
            expect(line?.[0]).toBe(section.id)
            expect(line?.[1]).toBe(t.id)
            expect(unsafe(line?.[3])).toBe(row[first?.key ?? '']?.display)
            expect(line?.[4]).toBe(column.label)
            expect(unsafe(line?.[5])).toBe(cell?.value === null || cell?.value === undefined ? '' : String(cell.value))
            expect(unsafe(line?.[6])).toBe(cell?.display)
            expect(line?.[7]).toBe(cell?.status)
          }
        }
      }
    }
  })

  it('the whole view model downloads as JSON, and downloads are audited', async () => {
    const res = await client.get('/needs?format=json')
    expect(res.headers['content-disposition']).toBe('attachment; filename="needs-assessment-2021-22.json"')
    const again = JSON.parse(res.body) as AssessmentView
    expect(again.sections.map((s) => s.tables)).toEqual(view.sections.map((s) => s.tables))
    const audits = await ctx.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, user.scope.tenantId), eq(auditEvents.action, 'needs.assessment.export')))
    expect(audits.length).toBeGreaterThan(tables.length)
    expect(audits.some((a) => (a.details as { table?: string }).table === 'referrals')).toBe(true)
  })

  it('a selection other than all substances and ages is named in the file name', async () => {
    const res = await client.get('/needs?format=csv&table=referrals&period=2020%2F21&substance=alcohol_only&age=50%2B')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="needs-assessment-2020-21-alcohol-only-50-plus-referrals.csv"',
    )
  })
})

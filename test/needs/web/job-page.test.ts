import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../../src/db/schema/index.js'
import { jobPageView } from '../../../src/features/jobs/routes.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { decode } from './support.js'

const importId = '0b9d3c39-5a2c-4e55-9a0e-8f1c2d3e4f50'

describe('jobPageView', () => {
  it('a finished import links to the import and says how many rows were stored', () => {
    const view = jobPageView({
      kind: 'needs-import',
      status: 'succeeded',
      result: {
        importId,
        summary: { rowsRead: 1234, rowsStored: 1234, rowsRefused: 0, refusals: [], warnings: ['w'] },
      },
    })
    expect(view.importPath).toBe(`/needs/imports/${importId}`)
    expect(view.finishedText).toBe('1,234 rows were stored.')
    expect(view.rows).toEqual({ read: 1234, stored: 1234, refused: 0 })
    expect(view.warnings).toEqual(['w'])
  })

  it('a refused import lists its refusals, file-level problems (row 0) as the whole file, and no import link', () => {
    const view = jobPageView({
      kind: 'needs-import',
      status: 'failed',
      result: {
        importId: null,
        summary: {
          rowsRead: 3,
          rowsStored: 0,
          rowsRefused: 2,
          refusals: [
            { row: 0, column: '', value: '', reason: 'The file has no header row.' },
            { row: 1503, column: 'Value', value: 'abc', reason: 'Value must be a number' },
          ],
        },
      },
    })
    expect(view.importPath).toBeNull()
    expect(view.refusals).toEqual([
      { row: 'Whole file', column: '', value: '', reason: 'The file has no header row.' },
      { row: '1,503', column: 'Value', value: 'abc', reason: 'Value must be a number' },
    ])
    expect(view.refusedCount).toBe(2)
  })

  it('other jobs keep their plain summary sentence; stored JSON of the wrong shape is ignored', () => {
    expect(
      jobPageView({ kind: 'audit-verify', status: 'succeeded', result: { summary: 'Checked 12 entries.' } }),
    ).toMatchObject({
      finishedText: 'Checked 12 entries.',
      importPath: null,
      refusals: [],
    })
    const odd = jobPageView({
      kind: 'needs-import',
      status: 'succeeded',
      result: { importId: 'javascript:alert(1)', summary: { refusals: 'nope', warnings: [1, 'ok'] } },
    })
    expect(odd.importPath).toBeNull()
    expect(odd.refusals).toEqual([])
    expect(odd.warnings).toEqual(['ok'])
    expect(jobPageView({ kind: 'needs-import', status: 'failed', result: null }).refusals).toEqual([])
  })
})

describe('the job page for imports', () => {
  let ctx: TestContext
  let client: TestClient
  let scope: TenantScope
  beforeAll(async () => {
    ctx = await createTestContext()
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    scope = user.scope
    client = await ctx.signedIn(user)
  })
  afterAll(async () => {
    await ctx.close()
  })

  const insertJob = async (values: Partial<typeof jobs.$inferInsert>): Promise<string> => {
    const rows = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: scope.tenantId,
        kind: 'needs-import',
        title: 'Import a data file',
        params: {},
        ...values,
      })
      .returning({ id: jobs.id })
    return rows[0]?.id ?? ''
  }

  it('a refused import shows each refusal in a table with a caption and column headers, and says nothing was stored', async () => {
    const refusals = Array.from({ length: 100 }, (_, i) => ({
      row: i + 2,
      column: 'count',
      value: `<b>${String(i)}</b>`,
      reason: 'Count must be a whole number',
    }))
    const id = await insertJob({
      status: 'failed',
      error: 'The file was not imported because 250 rows have problems. Nothing was changed.',
      result: { summary: { rowsRead: 300, rowsStored: 0, rowsRefused: 250, refusals } },
    })
    const page = await client.get(`/jobs/${id}`)
    expect(page.statusCode).toBe(200)
    const body = decode(page.body)
    expect(body).toContain('The file was not imported because 250 rows have problems.')
    expect(body).toContain('Nothing from the file was stored.')
    expect(body).toContain('250 rows were refused. The first 100 are listed.')
    expect(page.body).toContain('<th scope="col" class="govuk-table__header">What is wrong</th>')
    expect((page.body.match(/<tr class="govuk-table__row">/g) ?? []).length).toBe(101) // header row + 100
    // Values from the file are text, never markup.
    expect(page.body).toContain('&lt;b&gt;0&lt;/b&gt;')
    expect(page.body).not.toContain('<b>0</b>')
    expect(page.body).toContain('href="#refusals"')
  })

  it('a running import refreshes itself and shows no refusals table yet', async () => {
    const id = await insertJob({ status: 'running', progress: 40, message: 'Read 4,000 rows' })
    const page = await client.get(`/jobs/${id}`)
    expect(page.headers.refresh).toBe('2')
    expect(page.body).toContain('In progress: 40% done. Read 4,000 rows')
    expect(page.body).not.toContain('id="refusals"')
  })
})

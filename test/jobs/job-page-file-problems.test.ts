/**
 * Issue 11: a failed import's job page said "Rows refused 0" above a table of two problems. When
 * only the file as a whole was refused (its header), the page counts the problems the table lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../src/db/schema/index.js'
import { jobPageView } from '../../src/features/jobs/routes.js'
import { createTestContext, type TestContext } from '../support/app.js'

const headerRefused = {
  kind: 'needs-import',
  status: 'failed',
  result: {
    importId: null,
    summary: {
      rowsRead: 0,
      rowsStored: 0,
      rowsRefused: 0,
      refusals: [
        { row: 1, column: 'Period', value: '', reason: 'The column "Period" is missing.' },
        { row: 1, column: 'Sex', value: '', reason: 'The column "Sex" is missing.' },
      ],
    },
  },
} as const

describe('a failed import whose header was refused', () => {
  it('counts the problems with the file, two as listed, and calls row 1 the header row', () => {
    const view = jobPageView(headerRefused)
    expect(view.fileProblems).toBe(2)
    expect(view.refusals.map((r) => r.row)).toEqual(['Header row', 'Header row'])
  })

  it('keeps the count of refused rows when data rows were refused', () => {
    const view = jobPageView({
      ...headerRefused,
      result: {
        importId: null,
        summary: {
          ...headerRefused.result.summary,
          rowsRefused: 1,
          refusals: [{ row: 7, column: 'Value', value: 'x', reason: 'Value must be a number' }],
        },
      },
    })
    expect(view.fileProblems).toBeNull()
    expect(view.rows?.refused).toBe(1)
    expect(view.refusals[0]?.row).toBe('7')
  })
})

describe('the job page of an import whose header was refused', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('shows "Problems with the file 2" above the two problems, not "Rows refused 0"', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const rows = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: user.scope.tenantId,
        kind: 'needs-import',
        title: 'Import a data file',
        params: {},
        status: 'failed',
        error: 'The file was not imported. The column "Period" is missing.',
        result: headerRefused.result,
      })
      .returning({ id: jobs.id })
    const client = await ctx.signedIn(user)
    const page = await client.get(`/jobs/${rows[0]?.id ?? ''}`)
    expect(page.statusCode).toBe(200)
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
    expect(text).toContain('Problems with the file 2 (listed below; no single row was refused)')
    expect(text).not.toContain('Rows refused 0')
    expect(page.body).toContain('id="refusals-caption">Problems with the file</caption>')
    expect((page.body.match(/<td class="govuk-table__cell">Header row<\/td>/g) ?? []).length).toBe(2)
  })
})

import { readFile } from 'node:fs/promises'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataImports, jobs, ndtmsRows } from '../../../src/db/schema/index.js'
import { fromRoot } from '../../../src/platform/root.js'
import { SESSION_COOKIE } from '../../../src/platform/session.js'
import { createTestContext, TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { factories } from '../../security/needs/uploads.js'
import { auditFor, decode, errorSummary, leftBehind, postUpload } from './support.js'

const VIEWIT = fromRoot('src', 'db', 'reference', 'needs', 'viewit-la-barnet-2009-2022.csv')

/** The header and the first 19 data rows of Barnet's ViewIt export. */
async function viewItSlice(): Promise<string> {
  const text = await readFile(VIEWIT, 'utf8')
  return `${text.split(/\r?\n/).slice(0, 20).join('\n')}\n`
}

describe('data imports pages', () => {
  let ctx: TestContext
  let analyst: TestUser
  let client: TestClient
  beforeAll(async () => {
    ctx = await createTestContext()
    analyst = await ctx.user({ roles: ['analyst'], totp: true })
    client = await ctx.signedIn(analyst)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('the imports page lists the kinds of data from the importer, with a no-JavaScript multipart form and the sub-navigation', async () => {
    const page = await client.get('/needs/imports')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('enctype="multipart/form-data"')
    expect(page.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/)
    for (const value of ['ndtms-viewit', 'fingertips', 'prevalence', 'population', 'indicator']) {
      expect(page.body).toContain(`name="kind" type="radio" value="${value}"`)
    }
    expect(page.body).toContain('name="prevalenceKind" type="radio" value="alcohol"')
    expect(page.body).toContain('name="prevalenceKind" type="radio" value="ocu"')
    expect(page.body).toContain('type="file"')
    expect(page.body).toContain('Nothing has been imported yet.')
    // Sub-navigation: Imports is the current section.
    expect(page.body).toMatch(/class="moj-sub-navigation__link" aria-current="page" href="\/needs\/imports"/)
    for (const href of ['/needs', '/needs/insight', '/needs/priorities', '/needs/assumptions'])
      expect(page.body).toContain(`href="${href}"`)
  })

  describe('upload checks (GOV.UK error summary naming the field)', () => {
    const cases: [string, Record<string, string>, Parameters<typeof postUpload>[2], string[]][] = [
      [
        'no file chosen (the browser sends an empty part with no file name)',
        { kind: 'ndtms-viewit' },
        { name: 'file', filename: '', content: '', type: 'application/octet-stream' },
        ['#file Select a CSV file'],
      ],
      ['no file part at all', { kind: 'ndtms-viewit' }, undefined, ['#file Select a CSV file']],
      [
        'an empty file',
        { kind: 'fingertips' },
        { name: 'file', filename: 'empty.csv', content: '' },
        ['#file The selected file is empty'],
      ],
      [
        'a file whose name does not end .csv',
        { kind: 'fingertips' },
        { name: 'file', filename: 'data.xlsx', content: 'a,b\n1,2\n' },
        ['#file The selected file must be a CSV'],
      ],
      [
        'a spreadsheet renamed .csv (a zip file: PK\\x03\\x04)',
        { kind: 'fingertips' },
        {
          name: 'file',
          filename: 'renamed.csv',
          content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]),
        },
        [
          '#file The selected file must be a CSV: this one is not comma-separated text. Save it from your spreadsheet as CSV and try again',
        ],
      ],
      [
        'text with no comma on its first line',
        { kind: 'population' },
        { name: 'file', filename: 'notes.csv', content: 'Just some notes\nwith no columns\n' },
        [
          '#file The selected file must be a CSV: this one is not comma-separated text. Save it from your spreadsheet as CSV and try again',
        ],
      ],
      [
        'no kind chosen',
        {},
        { name: 'file', filename: 'ok.csv', content: 'a,b\n1,2\n' },
        ['#kind Select what kind of data the file holds'],
      ],
      [
        'prevalence without saying alcohol or opiates and crack cocaine, and no file',
        { kind: 'prevalence' },
        undefined,
        [
          '#prevalenceKind Select whether the estimates are for alcohol or for opiates and crack cocaine',
          '#file Select a CSV file',
        ],
      ],
      [
        'a kind that is not offered',
        { kind: 'everything' },
        { name: 'file', filename: 'ok.csv', content: 'a,b\n1,2\n' },
        ['#kind Select what kind of data the file holds'],
      ],
    ]
    for (const [name, fields, file, summary] of cases) {
      it(`refuses ${name}, starts no job and keeps no file`, async () => {
        const jobsBefore = (await ctx.database.db.select().from(jobs)).length
        let res: Awaited<ReturnType<typeof postUpload>> | undefined
        const left = await leftBehind(async () => {
          res = await postUpload(client, fields, file)
        })
        expect(res?.statusCode).toBe(400)
        expect(errorSummary(res?.body ?? '')).toEqual(summary)
        expect(res?.body).toContain('govuk-form-group--error')
        expect((await ctx.database.db.select().from(jobs)).length).toBe(jobsBefore)
        expect(left).toEqual([])
      })
    }

    it('keeps the chosen kind when the form comes back with an error', async () => {
      const res = await postUpload(client, { kind: 'prevalence', prevalenceKind: 'ocu' }, undefined)
      expect(res.statusCode).toBe(400)
      expect(res.body).toMatch(/name="kind" type="radio" value="prevalence" checked/)
      expect(res.body).toMatch(/name="prevalenceKind" type="radio" value="ocu" checked/)
    })

    it('refuses a field the form does not have with a 400 naming it', async () => {
      let res: Awaited<ReturnType<typeof postUpload>> | undefined
      const left = await leftBehind(async () => {
        res = await postUpload(
          client,
          { kind: 'fingertips', tenantId: 'x' },
          { name: 'file', filename: 'ok.csv', content: 'a,b\n1,2\n' },
        )
      })
      expect(res?.statusCode).toBe(400)
      expect(res?.body).toContain('tenantId')
      expect(left).toEqual([])
    })
  })

  it('CSRF: a multipart upload without a token, or with another browser’s token, is refused and leaves no file', async () => {
    const file = { name: 'file', filename: 'slice.csv', content: 'a,b\n1,2\n' }
    const jobsBefore = (await ctx.database.db.select().from(jobs)).length
    const stranger = new TestClient(ctx.app)
    const strangersToken = await stranger.csrfToken('/sign-in')
    const statuses: number[] = []
    const left = await leftBehind(async () => {
      statuses.push((await postUpload(client, { kind: 'fingertips' }, file, { csrf: false })).statusCode)
      statuses.push((await postUpload(client, { kind: 'fingertips' }, file, { csrf: strangersToken })).statusCode)
      const crossSite = await postUpload(client, { kind: 'fingertips' }, file, {
        headers: { origin: 'https://evil.example' },
      })
      statuses.push(crossSite.statusCode)
    })
    expect(statuses).toEqual([403, 403, 403])
    expect((await ctx.database.db.select().from(jobs)).length).toBe(jobsBefore)
    expect(left).toEqual([])
    // Control: the same upload with this browser's own token is accepted.
    const ok = await postUpload(client, { kind: 'fingertips' }, file)
    expect(ok.statusCode).toBe(303)
    await ctx.app.jobs.idle()
  })

  it('a signed-in provider, or nobody, cannot upload: refused before the file is written', async () => {
    const provider = await ctx.user({ roles: ['provider'], totp: true })
    const p = await ctx.signedIn(provider)
    const token = await p.csrfToken('/home')
    const file = { name: 'file', filename: 'slice.csv', content: 'a,b\n1,2\n' }
    const anonymous = new TestClient(ctx.app)
    const anonToken = await anonymous.csrfToken('/sign-in')
    const statuses: number[] = []
    const left = await leftBehind(async () => {
      statuses.push((await postUpload(p, { kind: 'fingertips' }, file, { csrf: token })).statusCode)
      statuses.push((await postUpload(anonymous, { kind: 'fingertips' }, file, { csrf: anonToken })).statusCode)
    })
    expect(statuses).toEqual([403, 401])
    expect(left).toEqual([])
  })

  it('end to end: a ViewIt slice is uploaded, imported by the job, linked from the job page and listed', async () => {
    const csv = await viewItSlice()
    let jobPath = ''
    // The job deletes the temporary file once it has read it.
    const left = await leftBehind(async () => {
      const res = await postUpload(
        client,
        { kind: 'ndtms-viewit' },
        { name: 'file', filename: 'viewit-barnet-slice.csv', content: csv },
      )
      expect(res.statusCode).toBe(303)
      jobPath = String(res.headers.location)
      await ctx.app.jobs.idle()
    })
    expect(left).toEqual([])
    expect(jobPath).toMatch(/^\/jobs\/[0-9a-f-]{36}$/)
    const jobId = jobPath.split('/').pop() ?? ''

    const job = (await ctx.database.db.select().from(jobs).where(eq(jobs.id, jobId)))[0]
    expect(job?.kind).toBe('needs-import')
    expect(job?.status).toBe('succeeded')
    expect(job?.params).toMatchObject({ kind: 'ndtms-viewit', fileName: 'viewit-barnet-slice.csv', deleteAfter: true })

    const imports = await ctx.database.db
      .select()
      .from(dataImports)
      .where(eq(dataImports.tenantId, analyst.scope.tenantId))
    expect(imports).toHaveLength(1)
    const imported = imports[0]
    if (!imported) throw new Error('no import')
    // 20 lines = 1 header + 19 data rows, each a distinct period/sex/age/drug group.
    expect(imported.rowsRead).toBe(19)
    expect(imported.rowsStored).toBe(19)
    expect(imported.importedBy).toBe(analyst.id)
    // Line 5 of the file: 2009/10, Barnet, F, Total, Total, intreatment_allintx 330.
    const women = await ctx.database.db
      .select()
      .from(ndtmsRows)
      .where(
        and(
          eq(ndtmsRows.tenantId, analyst.scope.tenantId),
          eq(ndtmsRows.sex, 'F'),
          eq(ndtmsRows.ageGroup, 'all'),
          eq(ndtmsRows.substanceGroup, 'all'),
        ),
      )
    expect(women.map((r) => r.measures.intreatment_allintx)).toEqual([330])

    const jobPage = await client.get(jobPath)
    expect(jobPage.statusCode).toBe(200)
    expect(jobPage.body).toContain(`href="/needs/imports/${imported.id}"`)
    expect(jobPage.body).toContain('19 rows were stored.')
    expect(jobPage.body).not.toContain('[object Object]')

    const list = await client.get('/needs/imports')
    expect(list.body).toContain(`href="/needs/imports/${imported.id}"`)
    expect(list.body).toContain('viewit-barnet-slice.csv')
    expect(list.body).toContain('NDTMS ViewIt adult treatment export')

    const show = await client.get(`/needs/imports/${imported.id}`)
    expect(show.statusCode).toBe(200)
    expect(decode(show.body)).toContain(imported.source)
    expect(show.body).toMatch(/Rows stored\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*19\s*<\/dd>/)

    // The upload is audited against its job.
    const audit = await auditFor(ctx.database.db, jobId)
    expect(audit.map((a) => a.action)).toContain('needs.import.start')
    const start = audit.find((a) => a.action === 'needs.import.start')
    expect(start?.tenantId).toBe(analyst.scope.tenantId)
    expect(start?.actorUserId).toBe(analyst.id)
    expect(start?.details).toMatchObject({
      kind: 'ndtms-viewit',
      fileName: 'viewit-barnet-slice.csv',
      bytes: Buffer.byteLength(csv),
    })
  })

  it('a refused import: the job page lists each refused row (row, column, value, reason) in a table, not as JSON', async () => {
    // The header, two good rows, then line 4 with its intreatment_allintx (6th column) changed to 'lots'.
    const lines = (await viewItSlice()).split('\n')
    const cells = (lines[3] ?? '').split(',')
    cells[5] = 'lots'
    const csv = `${[lines[0], lines[1], lines[2], cells.join(',')].join('\n')}\n`
    const res = await postUpload(client, { kind: 'ndtms-viewit' }, { name: 'file', filename: 'bad.csv', content: csv })
    expect(res.statusCode).toBe(303)
    await ctx.app.jobs.idle()
    const page = await client.get(String(res.headers.location))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('The job did not finish')
    expect(page.body).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m" id="refusals-caption">Rows refused</caption>',
    )
    const table = /<table class="govuk-table" id="refusals">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? ''
    expect(table).toMatch(
      /<td class="govuk-table__cell">4<\/td>\s*<td class="govuk-table__cell app-code-break">intreatment_allintx<\/td>\s*<td class="govuk-table__cell app-code-break">lots<\/td>/,
    )
    expect(page.body).not.toContain('"reason":')
  })

  it('isolation: another council cannot see this council’s import (404) and its list does not show it', async () => {
    const id = await factories['data-import']?.(ctx.app, analyst.scope)
    if (!id) throw new Error('no factory')
    expect((await client.get(`/needs/imports/${id}`)).statusCode).toBe(200)
    const other = await ctx.user({ roles: ['analyst', 'commissioner'], totp: true, council: 'E08000025' })
    const o = await ctx.signedIn(other)
    const res = await o.get(`/needs/imports/${id}`)
    expect(res.statusCode).toBe(404)
    expect((await o.get('/needs/imports')).body).not.toContain(id)
    expect((await client.get('/needs/imports/not-a-uuid')).statusCode).toBe(404)
  })

  it('the import page shows what was covered, the warnings and the stored refusals', async () => {
    const rows = await ctx.database.db
      .insert(dataImports)
      .values({
        tenantId: analyst.scope.tenantId,
        kind: 'fingertips',
        fileName: 'fingertips-93517.csv',
        source: 'OHID Fingertips, indicator 93517 (Open Government Licence v3.0)',
        coverage: { indicatorIds: [93517], periods: ['2019/20', '2020/21'] },
        rowsRead: 10,
        rowsStored: 10,
        rowsRefused: 0,
        refusals: [{ row: 7, column: 'Value', value: 'n/a', reason: 'Value must be a number' }],
        warnings: ['3 rows had no value and were stored as not available.'],
      })
      .returning({ id: dataImports.id })
    const page = await client.get(`/needs/imports/${rows[0]?.id ?? ''}`)
    expect(page.statusCode).toBe(200)
    const body = decode(page.body)
    expect(body).toMatch(/Indicator ids\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*93,517\s*<\/dd>/)
    expect(body).toMatch(/Periods\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*2019\/20, 2020\/21\s*<\/dd>/)
    expect(body).toContain('3 rows had no value and were stored as not available.')
    expect(body).toContain('Value must be a number')
  })

  it('a provider is refused the imports pages', async () => {
    const provider = await ctx.user({ roles: ['provider'], totp: true })
    const p = await ctx.signedIn(provider)
    expect((await p.get('/needs/imports')).statusCode).toBe(403)
    expect((await p.get('/needs/templates')).statusCode).toBe(403)
  })

  it('templates: each CSV template downloads as an attachment, and the documentation page links to them', async () => {
    for (const name of ['prevalence-template.csv', 'population-template.csv', 'indicator-template.csv']) {
      const res = await client.get(`/needs/templates/${name}`)
      expect(res.statusCode, name).toBe(200)
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`)
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
      const onDisk = await readFile(fromRoot('src', 'features', 'needs', 'importers', 'templates', name), 'utf8')
      expect(res.body).toBe(onDisk)
    }
    const docs = await client.get('/needs/templates')
    expect(docs.statusCode).toBe(200)
    // Each file is offered once (the prevalence template serves both kinds of prevalence).
    for (const name of ['prevalence-template.csv', 'population-template.csv', 'indicator-template.csv'])
      expect(docs.body.split(`href="/needs/templates/${name}"`)).toHaveLength(2)
    expect(decode(docs.body)).toContain(
      'Alcohol dependence prevalence estimates or Opiate and crack cocaine use (OCU) prevalence estimates',
    )
    expect(docs.body).not.toContain('The documentation for the templates is not available')
    expect((await client.get('/needs/templates/secrets.csv')).statusCode).toBe(404)
    expect((await client.get('/needs/templates/..%2F..%2F..%2Fpackage.json')).statusCode).toBe(404)
  })

  it('the session cookie alone is not enough after sign-out: the upload is refused', async () => {
    const c = await ctx.signedIn(analyst)
    const token = await c.csrfToken('/needs/imports')
    await c.post('/sign-out', {})
    expect(c.cookies.get(SESSION_COOKIE)).toBeUndefined()
    const res = await postUpload(
      c,
      { kind: 'fingertips' },
      { name: 'file', filename: 'a.csv', content: 'a,b\n' },
      { csrf: token },
    )
    expect(res.statusCode).toBe(401)
  })
})

import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insights } from '../../../src/db/schema/index.js'
import { listInsights } from '../../../src/features/needs/insight/repository.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { auditFor, decode, errorSummary } from './support.js'

const valid = {
  organisation: 'Ashiana Network',
  byAndFor: 'yes',
  cohorts: ['minoritised_ethnic', 'domestic_abuse'],
  'receivedOn-day': '4',
  'receivedOn-month': '3',
  'receivedOn-year': '2025',
  summary: 'Women said they would come to a group run in their own language.',
  sourceUrl: 'https://www.example.org/report',
}

describe('local insight log', () => {
  let ctx: TestContext
  let commissioner: TestUser
  let client: TestClient
  beforeAll(async () => {
    ctx = await createTestContext()
    commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    client = await ctx.signedIn(commissioner)
  })
  afterAll(async () => {
    await ctx.close()
  })

  const idOf = async (organisation: string): Promise<string> => {
    const rows = await ctx.database.db.select().from(insights).where(eq(insights.organisation, organisation))
    const id = rows[0]?.id
    if (!id) throw new Error(`no insight from ${organisation}`)
    return id
  }

  it('the form offers every cohort by its plain name, a GOV.UK date input and a warning about identifying details', async () => {
    const page = await client.get('/needs/insight/new')
    expect(page.statusCode).toBe(200)
    const body = decode(page.body)
    for (const label of ['Minoritised ethnic women', 'LGBTQ+ women', 'Older women', 'Young women', 'Mothers'])
      expect(body).toContain(label)
    expect(page.body).toContain('name="receivedOn-day"')
    expect(page.body).toContain('name="receivedOn-month"')
    expect(page.body).toContain('name="receivedOn-year"')
    expect(body).toContain('Do not include names or anything else that could identify')
    expect(page.body).toContain('data-maxlength="2000"')
    expect(page.body).toMatch(/class="moj-sub-navigation__link" aria-current="page" href="\/needs\/insight"/)
  })

  it('records insight, lists it, and audits the change without copying the summary into the trail', async () => {
    const res = await client.post('/needs/insight', valid)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/needs/insight?done=created')
    const id = await idOf('Ashiana Network')
    const row = (await ctx.database.db.select().from(insights).where(eq(insights.id, id)))[0]
    expect(row).toMatchObject({
      tenantId: commissioner.scope.tenantId,
      byAndFor: true,
      cohorts: ['minoritised_ethnic', 'domestic_abuse'],
      receivedOn: '2025-03-04',
      sourceUrl: 'https://www.example.org/report',
      createdBy: commissioner.id,
    })
    const list = decode((await client.get('/needs/insight?done=created')).body)
    expect(list).toContain('Insight recorded')
    expect(list).toContain('Ashiana Network, 4 March 2025')
    expect(list).toContain('Women experiencing domestic abuse')
    expect(list).toContain('By and for')
    const audit = await auditFor(ctx.database.db, id)
    expect(audit.map((a) => a.action)).toEqual(['needs.insight.create'])
    expect(audit[0]?.actorUserId).toBe(commissioner.id)
    expect(audit[0]?.tenantId).toBe(commissioner.scope.tenantId)
    expect(JSON.stringify(audit[0]?.details)).not.toContain('own language')
  })

  it('filters the list by cohort, and listInsights filters the same way', async () => {
    await client.post('/needs/insight', {
      ...valid,
      organisation: 'Rural Recovery Group',
      cohorts: ['rural'],
      byAndFor: 'no',
    })
    const rural = await client.get('/needs/insight?cohort=rural')
    expect(rural.body).toContain('Rural Recovery Group')
    expect(rural.body).not.toContain('Ashiana Network')
    expect(rural.body).toMatch(/<option value="rural" selected>/)
    const all = await client.get('/needs/insight')
    expect(all.body).toContain('Rural Recovery Group')
    expect(all.body).toContain('Ashiana Network')
    // An unknown cohort shows everything rather than failing.
    expect((await client.get('/needs/insight?cohort=nonsense')).statusCode).toBe(200)

    const fromRepo = await listInsights(ctx.database.db, commissioner.scope, { cohort: 'rural' })
    expect(fromRepo.map((r) => r.organisation)).toEqual(['Rural Recovery Group'])
    const everything = await listInsights(ctx.database.db, commissioner.scope)
    expect(everything.map((r) => r.organisation).sort()).toEqual(['Ashiana Network', 'Rural Recovery Group'])
  })

  it('shows the summary as text with its line breaks, never as markup', async () => {
    await client.post('/needs/insight', {
      ...valid,
      organisation: 'Markup Test Org',
      summary: 'First line\n<script>alert(1)</script>',
    })
    const list = await client.get('/needs/insight')
    expect(list.body).toMatch(/First line<br \/>\s*&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
    expect(list.body).not.toContain('<script>alert(1)</script>')
    await ctx.database.db.delete(insights).where(eq(insights.organisation, 'Markup Test Org'))
  })

  describe('validation', () => {
    const cases: [string, Record<string, string | string[]>, string[]][] = [
      [
        'an empty form',
        {},
        [
          '#organisation Enter the name of the organisation',
          '#byAndFor Select yes if the organisation is run by and for the women it speaks for',
          '#cohorts Select at least one group of women the insight is about',
          '#receivedOn-day Enter the date received',
          '#summary Enter a summary of the insight',
        ],
      ],
      [
        'a date with no month',
        { ...valid, 'receivedOn-month': '' },
        ['#receivedOn-month Date received must include a month'],
      ],
      [
        '31 February',
        { ...valid, 'receivedOn-day': '31', 'receivedOn-month': '2' },
        ['#receivedOn-day Date received must be a real date'],
      ],
      ['a two-digit year', { ...valid, 'receivedOn-year': '25' }, ['#receivedOn-year Year must include 4 numbers']],
      [
        'a date in the future',
        { ...valid, 'receivedOn-year': String(new Date().getFullYear() + 1) },
        ['#receivedOn-day Date received must be today or in the past'],
      ],
      [
        'a summary over 2,000 characters',
        { ...valid, summary: 'a'.repeat(2001) },
        ['#summary Summary must be 2,000 characters or fewer'],
      ],
      [
        'a link that is not https',
        { ...valid, sourceUrl: 'http://www.example.org/report' },
        ['#sourceUrl Enter the link as a web address starting with https://, like https://www.example.org/report'],
      ],
      [
        'a javascript: link',
        { ...valid, sourceUrl: 'javascript:alert(1)' },
        ['#sourceUrl Enter the link as a web address starting with https://, like https://www.example.org/report'],
      ],
      ['a cohort not on the list', { ...valid, cohorts: ['everyone'] }, ['#cohorts Select groups from the list']],
    ]
    for (const [name, form, summary] of cases) {
      it(`refuses ${name}, naming the field, and stores nothing`, async () => {
        const before = (await ctx.database.db.select().from(insights)).length
        const res = await client.post('/needs/insight', form)
        expect(res.statusCode).toBe(400)
        expect(errorSummary(res.body)).toEqual(summary)
        expect((await ctx.database.db.select().from(insights)).length).toBe(before)
      })
    }

    it('keeps what was typed when the form comes back', async () => {
      const res = await client.post('/needs/insight', { ...valid, summary: '' })
      expect(res.body).toContain('value="Ashiana Network"')
      expect(res.body).toMatch(/name="cohorts" type="checkbox" value="domestic_abuse" checked/)
      expect(res.body).toMatch(/name="receivedOn-year" type="text" value="2025"/)
    })

    it('refuses an extra field such as tenantId with a 400 naming it', async () => {
      const res = await client.post('/needs/insight', { ...valid, tenantId: commissioner.scope.tenantId })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('tenantId')
    })
  })

  it('changes insight through the edit form (prefilled), and audits the change', async () => {
    const id = await idOf('Rural Recovery Group')
    const form = await client.get(`/needs/insight/${id}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="Rural Recovery Group"')
    expect(form.body).toMatch(/name="receivedOn-day" type="text" value="4"/)
    expect(form.body).toMatch(/name="byAndFor" type="radio" value="no" checked/)
    const res = await client.post(`/needs/insight/${id}`, {
      ...valid,
      organisation: 'Rural Recovery Group',
      cohorts: ['rural', 'older_women'],
      byAndFor: 'no',
      sourceUrl: '',
    })
    expect(res.statusCode).toBe(303)
    const row = (await ctx.database.db.select().from(insights).where(eq(insights.id, id)))[0]
    expect(row?.cohorts).toEqual(['rural', 'older_women'])
    expect(row?.sourceUrl).toBeNull()
    expect((await auditFor(ctx.database.db, id)).map((a) => a.action)).toEqual([
      'needs.insight.update',
      'needs.insight.create',
    ])
  })

  it('deletes only after confirmation: no choice is an error, No keeps it, Yes deletes it and is audited', async () => {
    const id = await idOf('Rural Recovery Group')
    const confirm = await client.get(`/needs/insight/${id}/delete`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Are you sure you want to delete this insight?')
    const none = await client.post(`/needs/insight/${id}/delete`, {})
    expect(none.statusCode).toBe(400)
    expect(errorSummary(none.body)).toEqual(['#confirm Select yes if you want to delete this insight'])
    const no = await client.post(`/needs/insight/${id}/delete`, { confirm: 'no' })
    expect(no.statusCode).toBe(303)
    expect(await ctx.database.db.select().from(insights).where(eq(insights.id, id))).toHaveLength(1)
    const yes = await client.post(`/needs/insight/${id}/delete`, { confirm: 'yes' })
    expect(yes.statusCode).toBe(303)
    expect(yes.headers.location).toBe('/needs/insight?done=deleted')
    expect(await ctx.database.db.select().from(insights).where(eq(insights.id, id))).toHaveLength(0)
    expect((await auditFor(ctx.database.db, id)).map((a) => a.action)[0]).toBe('needs.insight.delete')
    expect((await client.get(`/needs/insight/${id}/edit`)).statusCode).toBe(404)
  })

  it("isolation: another council's user gets 404 for this council's insight, on every route, and changes nothing", async () => {
    const id = await idOf('Ashiana Network')
    const other = await ctx.user({ roles: ['commissioner', 'analyst'], totp: true, council: 'E08000025' })
    const o = await ctx.signedIn(other)
    expect((await o.get(`/needs/insight/${id}/edit`)).statusCode).toBe(404)
    expect((await o.get(`/needs/insight/${id}/delete`)).statusCode).toBe(404)
    expect((await o.post(`/needs/insight/${id}`, valid)).statusCode).toBe(404)
    expect((await o.post(`/needs/insight/${id}/delete`, { confirm: 'yes' })).statusCode).toBe(404)
    expect((await o.get('/needs/insight')).body).not.toContain('Ashiana Network')
    expect(await listInsights(ctx.database.db, other.scope)).toEqual([])
    const row = (await ctx.database.db.select().from(insights).where(eq(insights.id, id)))[0]
    expect(row?.organisation).toBe('Ashiana Network')
    expect(row?.cohorts).toEqual(['minoritised_ethnic', 'domestic_abuse'])
    expect((await auditFor(ctx.database.db, id)).map((a) => a.action)).toEqual(['needs.insight.create'])
  })

  it('an analyst may record insight; a provider and a partner may not', async () => {
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    expect((await analyst.post('/needs/insight', { ...valid, organisation: 'Analyst entry' })).statusCode).toBe(303)
    for (const role of ['provider', 'partner'] as const) {
      const c = await ctx.signedIn(await ctx.user({ roles: [role], totp: true }))
      expect((await c.get('/needs/insight')).statusCode).toBe(403)
      const token = await c.csrfToken('/home')
      expect((await c.post('/needs/insight', { ...valid, _csrf: token })).statusCode).toBe(403)
    }
  })
})

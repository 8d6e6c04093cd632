import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { femaleShareAssumptions, priorities } from '../../../src/db/schema/index.js'
import { getFemaleShares, listPriorities } from '../../../src/features/needs/insight/repository.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { auditFor, decode, errorSummary } from './support.js'

const valid = {
  title: 'Women leaving treatment early',
  finding: 'Women leave treatment in the first twelve weeks more often than men.',
  evidence: 'Exits section: 2021/22 planned exits.',
  cohorts: ['mothers'],
  period: '2025 to 2028',
  status: 'draft',
}

describe('priorities', () => {
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

  const created = async (form: Record<string, string | string[]>): Promise<string> => {
    const res = await client.post('/needs/priorities', form)
    expect(res.statusCode).toBe(303)
    const m = /^\/needs\/priorities\/([0-9a-f-]{36})\?done=priority-created$/.exec(String(res.headers.location))
    if (!m?.[1]) throw new Error(`unexpected redirect ${String(res.headers.location)}`)
    return m[1]
  }

  it('the new page takes the evidence and title from the assessment’s link, and starts as a draft', async () => {
    const page = await client.get(
      `/needs/priorities/new?evidence=${encodeURIComponent('Access: women are 30.4% of people in treatment')}&title=${encodeURIComponent('Fewer women in treatment')}`,
    )
    expect(page.statusCode).toBe(200)
    const body = decode(page.body)
    expect(body).toContain('Access: women are 30.4% of people in treatment</textarea>')
    expect(body).toContain('value="Fewer women in treatment"')
    expect(page.body).toMatch(/name="status" type="radio" value="draft" checked/)
    // Text from the address is shown as text, never as markup.
    const hostile = await client.get(
      `/needs/priorities/new?evidence=${encodeURIComponent('<script>alert(1)</script>')}`,
    )
    expect(hostile.body).not.toContain('<script>alert(1)</script>')
    expect(hostile.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('records a priority, shows it, lists it, and audits it', async () => {
    const id = await created(valid)
    const row = (await ctx.database.db.select().from(priorities).where(eq(priorities.id, id)))[0]
    expect(row).toMatchObject({
      tenantId: analyst.scope.tenantId,
      title: valid.title,
      cohorts: ['mothers'],
      period: '2025 to 2028',
      status: 'draft',
      createdBy: analyst.id,
    })
    const page = decode((await client.get(`/needs/priorities/${id}`)).body)
    expect(page).toContain(valid.finding)
    expect(page).toContain(valid.evidence)
    expect(page).toContain('Mothers')
    expect(page).toContain('Draft')
    const list = decode((await client.get('/needs/priorities')).body)
    expect(list).toContain(`href="/needs/priorities/${id}"`)
    expect(list).toContain(valid.title)
    const audit = await auditFor(ctx.database.db, id)
    expect(audit.map((a) => a.action)).toEqual(['needs.priority.create'])
    expect(audit[0]?.details).toMatchObject({ title: valid.title, status: 'draft' })
  })

  it('changes a priority (agreeing it) through the prefilled edit form, audited with the previous status', async () => {
    const id = await created({ ...valid, title: 'Pregnant women waiting', cohorts: ['pregnant'] })
    const form = await client.get(`/needs/priorities/${id}/edit`)
    expect(form.body).toContain('value="Pregnant women waiting"')
    expect(form.body).toMatch(/name="cohorts" type="checkbox" value="pregnant" checked/)
    const res = await client.post(`/needs/priorities/${id}`, {
      ...valid,
      title: 'Pregnant women waiting',
      cohorts: [],
      period: '',
      status: 'agreed',
    })
    expect(res.statusCode).toBe(303)
    const row = (await ctx.database.db.select().from(priorities).where(eq(priorities.id, id)))[0]
    expect(row?.status).toBe('agreed')
    expect(row?.cohorts).toEqual([])
    expect(row?.period).toBeNull()
    const audit = await auditFor(ctx.database.db, id)
    expect(audit.map((a) => a.action)).toEqual(['needs.priority.update', 'needs.priority.create'])
    expect(audit[0]?.details).toMatchObject({ status: 'agreed', previousStatus: 'draft' })
    expect(decode((await client.get(`/needs/priorities/${id}`)).body)).toContain('All women')
    // listPriorities puts agreed priorities first.
    const listed = await listPriorities(ctx.database.db, analyst.scope)
    expect(listed[0]?.id).toBe(id)
    expect(listed.map((p) => p.status)).toEqual(['agreed', 'draft'])
  })

  describe('validation', () => {
    const cases: [string, Record<string, string | string[]>, string[]][] = [
      [
        'an empty form',
        {},
        [
          '#title Enter a title for the priority',
          '#finding Enter what was found',
          '#evidence Enter what the finding rests on',
          '#status Select the status of the priority',
        ],
      ],
      ['an unknown status', { ...valid, status: 'done' }, ['#status Select the status of the priority']],
      [
        'a title over 200 characters',
        { ...valid, title: 't'.repeat(201) },
        ['#title Title must be 200 characters or fewer'],
      ],
      [
        'a period over 50 characters',
        { ...valid, period: 'p'.repeat(51) },
        ['#period Period must be 50 characters or fewer'],
      ],
      ['a blank finding', { ...valid, finding: '   ' }, ['#finding Enter what was found']],
    ]
    for (const [name, form, summary] of cases) {
      it(`refuses ${name}, naming the field, and stores nothing`, async () => {
        const before = (await ctx.database.db.select().from(priorities)).length
        const res = await client.post('/needs/priorities', form)
        expect(res.statusCode).toBe(400)
        expect(errorSummary(res.body)).toEqual(summary)
        expect((await ctx.database.db.select().from(priorities)).length).toBe(before)
      })
    }
  })

  it("isolation: another council's user gets 404 for this council's priority on every route, and changes nothing", async () => {
    const id = await created({ ...valid, title: 'Only for Barnet' })
    const other = await ctx.signedIn(await ctx.user({ roles: ['commissioner'], totp: true, council: 'E08000025' }))
    expect((await other.get(`/needs/priorities/${id}`)).statusCode).toBe(404)
    expect((await other.get(`/needs/priorities/${id}/edit`)).statusCode).toBe(404)
    expect((await other.post(`/needs/priorities/${id}`, { ...valid, status: 'retired' })).statusCode).toBe(404)
    expect((await other.get('/needs/priorities')).body).not.toContain('Only for Barnet')
    const row = (await ctx.database.db.select().from(priorities).where(eq(priorities.id, id)))[0]
    expect(row?.status).toBe('draft')
    expect((await auditFor(ctx.database.db, id)).map((a) => a.action)).toEqual(['needs.priority.create'])
  })
})

describe('female share assumptions', () => {
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

  it('explains that figures built on the shares are labelled modelled, and shows none set at first', async () => {
    const page = decode((await client.get('/needs/assumptions')).body)
    expect(page).toContain('labelled ‘modelled’')
    expect(page.match(/Not set: no modelled figures for women are shown/g)).toHaveLength(2)
  })

  it('sets both shares as proportions (29.5% -> 0.295), shows them, and audits each', async () => {
    const res = await client.post('/needs/assumptions', {
      alcoholShare: '29.5',
      alcoholSource: 'Adult Psychiatric Morbidity Survey 2014',
      ocuShare: '27%',
      ocuSource: 'NDTMS 2021/22, women as a share of people in treatment for opiates',
    })
    expect(res.statusCode).toBe(303)
    const shares = await getFemaleShares(ctx.database.db, commissioner.scope)
    expect(shares.map((s) => [s.kind, s.share, s.source])).toEqual([
      ['alcohol', 0.295, 'Adult Psychiatric Morbidity Survey 2014'],
      ['ocu', 0.27, 'NDTMS 2021/22, women as a share of people in treatment for opiates'],
    ])
    expect(shares[0]?.setBy).toBe(commissioner.id)
    const page = decode((await client.get('/needs/assumptions?done=saved')).body)
    expect(page).toContain('Assumptions saved')
    expect(page).toContain('29.5% of the combined estimate. Source: Adult Psychiatric Morbidity Survey 2014.')
    expect(page).toContain('value="27"')
    const audit = await auditFor(ctx.database.db, 'alcohol')
    expect(audit[0]?.action).toBe('needs.assumption.update')
    expect(audit[0]?.tenantId).toBe(commissioner.scope.tenantId)
    expect(audit[0]?.details).toMatchObject({ share: 0.295, previousShare: null })
  })

  it('changing one share leaves the other as it was; saving the same value again writes no audit entry', async () => {
    const before = (await auditFor(ctx.database.db, 'ocu')).length
    const res = await client.post('/needs/assumptions', {
      alcoholShare: '31',
      alcoholSource: 'Adult Psychiatric Morbidity Survey 2014',
      ocuShare: '27',
      ocuSource: 'NDTMS 2021/22, women as a share of people in treatment for opiates',
    })
    expect(res.statusCode).toBe(303)
    const shares = await getFemaleShares(ctx.database.db, commissioner.scope)
    expect(shares.map((s) => s.share)).toEqual([0.31, 0.27])
    expect((await auditFor(ctx.database.db, 'ocu')).length).toBe(before)
    const alcohol = await auditFor(ctx.database.db, 'alcohol')
    expect(alcohol[0]?.details).toMatchObject({ share: 0.31, previousShare: 0.295 })
  })

  describe('validation', () => {
    const cases: [string, Record<string, string>, string[]][] = [
      [
        'nothing at all',
        {},
        [
          '#alcoholShare Enter a female share for alcohol dependence or for opiate and crack cocaine use, with its source',
        ],
      ],
      [
        '0%',
        { alcoholShare: '0', alcoholSource: 'S' },
        ['#alcoholShare Female share of alcohol dependence must be more than 0% and less than 100%'],
      ],
      [
        '100%',
        { ocuShare: '100', ocuSource: 'S' },
        ['#ocuShare Female share of opiate and crack cocaine use must be more than 0% and less than 100%'],
      ],
      [
        'two decimal places',
        { alcoholShare: '29.55', alcoholSource: 'S' },
        ['#alcoholShare Female share of alcohol dependence must have no more than one decimal place'],
      ],
      [
        'words',
        { alcoholShare: 'about a third', alcoholSource: 'S' },
        ['#alcoholShare Enter the female share of alcohol dependence as a percentage, like 30 or 29.5'],
      ],
      [
        'a negative share',
        { alcoholShare: '-5', alcoholSource: 'S' },
        ['#alcoholShare Enter the female share of alcohol dependence as a percentage, like 30 or 29.5'],
      ],
      [
        'a share with no source',
        { ocuShare: '25' },
        ['#ocuSource Enter the source of the female share of opiate and crack cocaine use'],
      ],
      [
        'a source with no share',
        { alcoholSource: 'A survey' },
        ['#alcoholShare Enter the female share of alcohol dependence'],
      ],
    ]
    for (const [name, form, summary] of cases) {
      it(`refuses ${name}, naming the field, and changes nothing`, async () => {
        const before = await ctx.database.db.select().from(femaleShareAssumptions)
        const res = await client.post('/needs/assumptions', form)
        expect(res.statusCode).toBe(400)
        expect(errorSummary(res.body)).toEqual(summary)
        expect(await ctx.database.db.select().from(femaleShareAssumptions)).toEqual(before)
      })
    }
  })

  it("isolation: another council sees none of this council's shares and cannot change them", async () => {
    const other = await ctx.user({ roles: ['commissioner'], totp: true, council: 'E08000025' })
    const o = await ctx.signedIn(other)
    const page = decode((await o.get('/needs/assumptions')).body)
    expect(page).not.toContain('Adult Psychiatric Morbidity Survey 2014')
    await o.post('/needs/assumptions', { alcoholShare: '50', alcoholSource: 'Birmingham guess' })
    expect((await getFemaleShares(ctx.database.db, commissioner.scope)).map((s) => s.share)).toEqual([0.31, 0.27])
    expect((await getFemaleShares(ctx.database.db, other.scope)).map((s) => s.share)).toEqual([0.5])
  })
})

/**
 * The training register through its routes (issue 12, principle 3): a provider records the staff
 * in post and groups trained for a course; lapses reach the home pages and the standards' pages;
 * renewals and leavers clear them; bad input and stale forms change nothing; providers see only
 * their own organisation's register and the commissioning team reads every one.
 */
import { parse } from 'csv-parse/sync'
import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assessmentReturns,
  assessmentRounds,
  auditEvents,
  trainingCourses,
  trainingSessions,
} from '../../src/db/schema/index.js'
import { builtinFramework } from '../../src/features/standards/builtin.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'
import { makeProviderOrganisation, makeProviderSession } from '../support/factories.js'

let ctx: TestContext
let scope: TenantScope
let commissioner: TestClient
let provider: TestClient
let otherProvider: TestClient
let panel: TestClient
let providerId: string

const PROVIDER = 'Eastbrook Women’s Recovery'
const register = () => `/standards/workforce/${providerId}`
const course = (slug = 'domestic-abuse') => `${register()}/courses/${slug}`

/** A date n days before today, as the three GOV.UK date fields. */
function daysAgo(days: number): Record<string, string> {
  const d = new Date(Date.now() - days * 86_400_000)
  return {
    'completedOn-day': String(d.getUTCDate()),
    'completedOn-month': String(d.getUTCMonth() + 1),
    'completedOn-year': String(d.getUTCFullYear()),
  }
}

const db = () => ctx.database.db
const settings = async () =>
  (await db().select().from(trainingCourses).where(eq(trainingCourses.organisationId, providerId))).find(
    (c) => c.course === 'domestic_abuse',
  )
const groups = async () =>
  db()
    .select()
    .from(trainingSessions)
    .where(and(eq(trainingSessions.organisationId, providerId), eq(trainingSessions.course, 'domestic_abuse')))
    .orderBy(trainingSessions.completedOn)
const groupCount = async () =>
  (await db().select({ n: count() }).from(trainingSessions).where(eq(trainingSessions.organisationId, providerId)))[0]
    ?.n
const audits = async (action: string) =>
  (await db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, action)))[0]?.n ?? 0

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await ctx.user({ roles: ['commissioner'], totp: true })
  scope = user.scope
  commissioner = await ctx.signedIn(user)
  providerId = await makeProviderOrganisation(db(), scope, PROVIDER)
  provider = (await makeProviderSession(ctx, scope, providerId)).client
  const otherId = await makeProviderOrganisation(db(), scope, 'Another provider')
  otherProvider = (await makeProviderSession(ctx, scope, otherId)).client
  panel = await ctx.signedIn(await ctx.user({ roles: ['panel_member'], totp: true }))
})
afterAll(async () => {
  await ctx.close()
})

describe('a provider keeps its register', () => {
  it('records the staff in post and renewal period of a course, audited', async () => {
    const before = await audits('standards.training.course')
    const res = await provider.post(course(), { staffInPost: '12', renewalMonths: '24', version: '0' })
    expect(res.statusCode).toBe(303)
    expect(await settings()).toMatchObject({ staffInPost: 12, renewalMonths: 24, version: 1 })
    expect(await audits('standards.training.course')).toBe(before + 1)
    const page = await provider.get(course())
    expect(page.body).toContain('0 of 12 (0%)')
    expect(page.body).toContain('None trained')
  })

  it('tells the second of two saves from the same form that someone else changed it, and keeps the first', async () => {
    const res = await provider.post(course(), { staffInPost: '30', renewalMonths: '24', version: '0' })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('Someone else changed the staff in post')
    expect((await settings())?.staffInPost).toBe(12)
  })

  it('refuses bad figures with a message naming the field, and changes nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ staffInPost: 'twelve', renewalMonths: '24' }, 'The number of staff in post must be a whole number, like 12'],
      [{ staffInPost: '12', renewalMonths: '0' }, 'The renewal period must be at least 1 month'],
      [{ staffInPost: '12', renewalMonths: '' }, 'Enter how often the course is renewed, in months'],
      [{ staffInPost: '-3', renewalMonths: '24' }, 'The number of staff in post must be a whole number, like 12'],
      [{ staffInPost: '5001', renewalMonths: '24' }, 'The number of staff in post must be 5,000 or fewer'],
    ]
    for (const [form, message] of cases) {
      const res = await provider.post(course(), { ...form, version: '1' })
      expect(res.statusCode, message).toBe(400)
      expect(res.body).toContain(message)
      expect(res.body).toContain('<title>Error:')
    }
    expect(await settings()).toMatchObject({ staffInPost: 12, renewalMonths: 24, version: 1 })
    // A field the form does not have is refused outright.
    expect(
      (await provider.post(course(), { staffInPost: '1', renewalMonths: '2', version: '1', name: 'x' })).statusCode,
    ).toBe(400)
  })

  it('refuses training dated in the future, no staff, or a course with no staff in post recorded', async () => {
    const before = await groupCount()
    const future = await provider.post(`${course()}/training`, { staffTrained: '4', ...daysAgo(-3), renews: 'none' })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date the training was completed must be today or in the past')
    const none = await provider.post(`${course()}/training`, { staffTrained: '0', ...daysAgo(3), renews: 'none' })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('The number of staff trained must be 1 or more')
    const unset = await provider.post(`${course('working-with-mothers')}/training`, {
      staffTrained: '4',
      ...daysAgo(3),
      renews: 'none',
    })
    expect(unset.statusCode).toBe(400)
    expect(unset.body).toContain(
      'Enter the staff in post and the renewal period for this course before recording training.',
    )
    expect(await groupCount()).toBe(before)
  })

  it('counts a group from 800 days ago as lapsed (renewed every 24 months) and one from last month as in date', async () => {
    expect(
      (await provider.post(`${course()}/training`, { staffTrained: '6', ...daysAgo(800), renews: 'none' })).statusCode,
    ).toBe(303)
    expect(
      (await provider.post(`${course()}/training`, { staffTrained: '4', ...daysAgo(30), renews: 'none' })).statusCode,
    ).toBe(303)
    const page = await provider.get(course())
    // In date: the 4 of last month, of 12 in post: 33%. Lapsed: the 6 of 800 days ago.
    expect(page.body).toContain('4 of 12 (33%)')
    expect(page.body).toContain('Lapsed')
    expect(page.body).toContain('6 staff')
    expect(await audits('standards.training.session')).toBeGreaterThanOrEqual(2)
  })

  it('shows the lapse on the provider’s and the commissioner’s home pages', async () => {
    for (const client of [provider, commissioner]) {
      const home = await client.get('/home')
      expect(home.body).toContain('Domestic abuse training lapsed for 6 staff')
      expect(home.body).toContain(PROVIDER)
    }
    // The other provider's home does not carry it.
    expect((await otherProvider.get('/home')).body).not.toContain('Domestic abuse training lapsed')
  })

  it('lowers a lapsed group by the staff who renewed, and clears the lapse when the rest have left', async () => {
    const [old] = await groups()
    if (!old) throw new Error('no group')
    expect(old.stillInPost).toBe(6)
    const renewed = await provider.post(`${course()}/training`, { staffTrained: '4', ...daysAgo(0), renews: old.id })
    expect(renewed.statusCode).toBe(303)
    const after = (await groups()).find((g) => g.id === old.id)
    expect(after?.stillInPost).toBe(2) // 6 counted, 4 renewed
    const page = await provider.get(course())
    expect(page.body).toContain('8 of 12 (67%)') // 4 last month + 4 today
    // The 2 still counted against the old group have left.
    const left = await provider.post(`/standards/training/${old.id}`, {
      stillInPost: '0',
      version: String(after?.version ?? 0),
    })
    expect(left.statusCode).toBe(303)
    expect((await provider.get('/home')).body).not.toContain('Domestic abuse training lapsed')
  })

  it('refuses more still in post than the group trained, naming the group’s field, and changes nothing', async () => {
    const recent = (await groups()).at(-1)
    if (!recent) throw new Error('no group')
    const res = await provider.post(`/standards/training/${recent.id}`, {
      stillInPost: '9',
      version: String(recent.version),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('The number still in post cannot be more than the 4 staff this group trained.')
    expect(res.body).toContain(`href="#stillInPost-${recent.id}"`)
    expect((await groups()).at(-1)?.stillInPost).toBe(4)
    const stale = await provider.post(`/standards/training/${recent.id}`, { stillInPost: '3', version: '99' })
    expect(stale.statusCode).toBe(409)
    expect((await groups()).at(-1)?.stillInPost).toBe(4)
  })

  it('refuses to renew a group of another course', async () => {
    const trauma = course('trauma-informed')
    await provider.post(trauma, { staffInPost: '12', renewalMonths: '36', version: '0' })
    const recent = (await groups()).at(-1)
    const res = await provider.post(`${trauma}/training`, {
      staffTrained: '2',
      ...daysAgo(1),
      renews: recent?.id ?? '',
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('not one of this course’s groups still counted')
    expect((await groups()).at(-1)?.stillInPost).toBe(4)
  })
})

describe('who sees a register', () => {
  it('keeps each provider to its own organisation: another provider gets 404 and changes nothing', async () => {
    expect((await otherProvider.get(register())).statusCode).toBe(404)
    expect((await otherProvider.get(course())).statusCode).toBe(404)
    const res = await otherProvider.post(course(), { staffInPost: '1', renewalMonths: '1', version: '1' })
    expect(res.statusCode).toBe(404)
    const [g] = await groups()
    expect(
      (await otherProvider.post(`/standards/training/${g?.id ?? ''}`, { stillInPost: '0', version: '1' })).statusCode,
    ).toBe(404)
    expect((await settings())?.staffInPost).toBe(12)
  })

  it('lets the commissioner read but not change it, and keeps panel members out', async () => {
    const page = await commissioner.get(course())
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('Record training')
    expect((await commissioner.post(course(), { staffInPost: '1', renewalMonths: '1', version: '1' })).statusCode).toBe(
      403,
    )
    expect((await panel.get('/standards/workforce')).statusCode).toBe(403)
    expect((await panel.get(register())).statusCode).toBe(403)
  })

  it('sends a provider of one organisation straight to its register', async () => {
    const res = await provider.get('/standards/workforce')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(register())
  })

  it('downloads the council’s table as CSV with the figures the page shows', async () => {
    const page = await commissioner.get('/standards/workforce')
    expect(page.body).toContain('8 of 12 (67%)')
    const res = await commissioner.get('/standards/workforce?format=csv&table=training')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="training-register-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    const rows: Record<string, string>[] = parse(res.body, { columns: true, bom: true })
    const mine = rows.find((r) => r.Provider === PROVIDER)
    // Domestic abuse: 8 of 12 staff in post hold it in date, 66.7%; 0 lapsed now; renewed every 24 months.
    expect(mine?.['Domestic abuse: staff trained in date']).toBe('8')
    expect(mine?.['Domestic abuse: share (%)']).toBe('66.7')
    expect(mine?.['Domestic abuse: staff in post']).toBe('12')
    expect(mine?.['Domestic abuse: staff lapsed']).toBe('0')
    expect(mine?.['Domestic abuse: renewal period (months)']).toBe('24')
    // Trauma-informed practice: 12 in post, none trained.
    expect(mine?.['Trauma-informed practice: staff trained in date']).toBe('0')
    // Not recorded: no figures at all, not zeros.
    expect(mine?.['Working with mothers: staff in post']).toBe('')
    const json = await commissioner.get('/standards/workforce?format=json')
    expect(JSON.parse(json.body).table.rows.length).toBe(rows.length)
  })
})

describe('the register as evidence', () => {
  it('shows the share trained on the workforce standard of the provider’s return', async () => {
    const framework = builtinFramework('gender-responsive')
    if (!framework) throw new Error('no framework')
    const [round] = await db()
      .insert(assessmentRounds)
      .values({
        tenantId: scope.tenantId,
        title: 'Register round',
        frameworkKey: framework.key,
        frameworkVersion: framework.version,
        framework,
        dueOn: '2099-01-01',
      })
      .returning({ id: assessmentRounds.id })
    const [ret] = await db()
      .insert(assessmentReturns)
      .values({
        tenantId: scope.tenantId,
        roundId: round?.id ?? '',
        providerOrganisationId: providerId,
        providerName: PROVIDER,
        serviceId: crypto.randomUUID(),
        serviceName: 'Eastbrook community service',
        serviceType: 'community-treatment',
      })
      .returning({ id: assessmentReturns.id })
    for (const client of [provider, commissioner]) {
      const page = await client.get(`/standards/returns/${ret?.id ?? ''}/standards/WF2`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain(`From ${PROVIDER}’s training register`)
      expect(page.body).toMatch(/Domestic abuse<\/a>: 8 of 12 \(67%\) staff in post hold it in date/)
    }
    // A standard no course bears on carries no register figures.
    expect((await provider.get(`/standards/returns/${ret?.id ?? ''}/standards/SS1`)).body).not.toContain(
      'training register',
    )
  })
})

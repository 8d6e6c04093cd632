/**
 * The assessment cycle through the routes (issue 12): a commissioner opens a round, the provider
 * rates each standard with evidence and submits, the commissioner verifies (agrees, changes one,
 * sends one back), the provider answers and resubmits, the return is verified, a gap becomes an
 * improvement action, and an assigned panel member adds an observation. Bad input is refused with
 * a message naming the field, and changes nothing.
 */
import { parse } from 'csv-parse/sync'
import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  actions,
  assessmentEvidence,
  assessmentRatings,
  assessmentReturns,
  assessmentRounds,
  auditEvents,
} from '../../src/db/schema/index.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'
import {
  makeDirectoryOrganisation,
  makeProviderOrganisation,
  makeProviderSession,
  makeService,
  type TestUser,
} from '../support/factories.js'
import { paragraphs, readZip, tables } from '../support/docx.js'
import { multipartBody, type FilePart } from '../support/multipart.js'

let ctx: TestContext
let scope: TenantScope
let commissioner: TestClient
let provider: TestClient
let otherProvider: TestClient
let panel: TestClient
let panelUser: TestUser
let unassignedPanel: TestClient
let serviceId: string
let roundId: string
let returnId: string

const FRAMEWORK = 'psychologically-informed-environment'
const SERVICE = 'Northside women’s recovery'
const PROVIDER = 'Northside Recovery CIC'

/** A date n days from today, as the three GOV.UK date fields. */
function dateFields(prefix: string, days: number): Record<string, string> {
  const d = new Date(Date.now() + days * 86_400_000)
  return {
    [`${prefix}-day`]: String(d.getUTCDate()),
    [`${prefix}-month`]: String(d.getUTCMonth() + 1),
    [`${prefix}-year`]: String(d.getUTCFullYear()),
  }
}

const rating = async (standardId: string) =>
  (
    await ctx.database.db
      .select()
      .from(assessmentRatings)
      .where(and(eq(assessmentRatings.returnId, returnId), eq(assessmentRatings.standardId, standardId)))
  )[0]

const status = async () =>
  (await ctx.database.db.select().from(assessmentReturns).where(eq(assessmentReturns.id, returnId)))[0]

async function rate(client: TestClient, standardId: string, form: Record<string, string>) {
  const current = await rating(standardId)
  return client.post(`/standards/returns/${returnId}/standards/${standardId}/rating`, {
    version: String(current?.version ?? 0),
    ...form,
  })
}

async function upload(client: TestClient, standardId: string, fields: [string, string][], file?: FilePart) {
  const token = await client.csrfToken(`/standards/returns/${returnId}/standards/${standardId}`)
  const { payload, contentType } = multipartBody([['_csrf', token], ...fields], file)
  return client.request({
    method: 'POST',
    url: `/standards/returns/${returnId}/standards/${standardId}/evidence`,
    payload,
    headers: { 'content-type': contentType },
  })
}

/** A standard's title in the shipped framework (the page names it so). */
const title = async (id: string): Promise<string | undefined> =>
  (await import('../../src/features/standards/builtin.js'))
    .builtinFramework(FRAMEWORK)
    ?.themes.flatMap((t) => t.standards)
    .find((s) => s.id === id)?.title

const returnVersion = async () => String((await status())?.version ?? -1)

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await ctx.user({ roles: ['commissioner'], totp: true })
  scope = user.scope
  commissioner = await ctx.signedIn(user)
  const db = ctx.database.db
  const providerId = await makeProviderOrganisation(db, scope, PROVIDER)
  const listing = await makeDirectoryOrganisation(db, scope, { name: PROVIDER, owner: providerId })
  serviceId = await makeService(db, scope, {
    name: SERVICE,
    organisationId: listing,
    serviceType: 'community-treatment',
  })
  provider = (await makeProviderSession(ctx, scope, providerId)).client
  const otherId = await makeProviderOrganisation(db, scope, 'Another provider')
  otherProvider = (await makeProviderSession(ctx, scope, otherId)).client
  panelUser = await ctx.user({ roles: ['panel_member'], totp: true })
  panel = await ctx.signedIn(panelUser)
  unassignedPanel = await ctx.signedIn(await ctx.user({ roles: ['panel_member'], totp: true }))
  // A provider member of two organisations would see both; this one is in one only.
  expect(providerId).not.toBe(otherId)
})
afterAll(async () => {
  await ctx.close()
})

describe('opening a round', () => {
  it('offers the provider’s service and refuses a due date in the past, opening nothing', async () => {
    const form = await commissioner.get('/standards/rounds/new')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(SERVICE)
    expect(form.body).toContain(PROVIDER)
    const res = await commissioner.post('/standards/rounds', {
      title: 'Spring round',
      framework: FRAMEWORK,
      services: [serviceId],
      ...dateFields('dueOn', -2),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('The due date must be today or in the future')
    const rounds = await ctx.database.db.select({ n: count() }).from(assessmentRounds)
    expect(rounds[0]?.n).toBe(0)
  })

  it('refuses a service of another council or a made-up id', async () => {
    const res = await commissioner.post('/standards/rounds', {
      title: 'Spring round',
      framework: FRAMEWORK,
      services: ['7f0c1c7e-0000-4000-8000-000000000001'],
      ...dateFields('dueOn', 30),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Choose services from the list')
  })

  it('opens a round with one return per chosen service, keeping the framework version', async () => {
    const res = await commissioner.post('/standards/rounds', {
      title: 'Spring round',
      framework: FRAMEWORK,
      services: [serviceId],
      ...dateFields('dueOn', 30),
    })
    expect(res.statusCode).toBe(303)
    const m = /^\/standards\/rounds\/([0-9a-f-]{36})\?done=opened$/.exec(res.headers.location ?? '')
    expect(m).not.toBeNull()
    roundId = m?.[1] ?? ''
    const page = await commissioner.get(`/standards/rounds/${roundId}`)
    expect(page.body).toContain('Not started')
    const link = /href="\/standards\/returns\/([0-9a-f-]{36})"/.exec(page.body)
    returnId = link?.[1] ?? ''
    const round = (await ctx.database.db.select().from(assessmentRounds).where(eq(assessmentRounds.id, roundId)))[0]
    expect(round?.frameworkKey).toBe(FRAMEWORK)
    expect(round?.frameworkVersion).toBe(1)
  })
})

describe('the provider’s return', () => {
  it('is the provider’s own: another provider and an unassigned panel member get a 404', async () => {
    const mine = await provider.get(`/standards/returns/${returnId}`)
    expect(mine.statusCode).toBe(200)
    // The five elements of a psychologically informed environment, each a task.
    for (const id of ['PIE1', 'PIE2', 'PIE3', 'PIE4', 'PIE5']) expect(mine.body).toContain(`${id}: `)
    expect((await otherProvider.get(`/standards/returns/${returnId}`)).statusCode).toBe(404)
    expect((await unassignedPanel.get(`/standards/returns/${returnId}`)).statusCode).toBe(404)
    expect((await otherProvider.get(`/standards/rounds/${roundId}`)).statusCode).toBe(404)
  })

  it('refuses an empty narrative and a not-applicable rating without a reason, saving nothing', async () => {
    const empty = await rate(provider, 'PIE1', { rating: 'met', narrative: '   ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter what the service does towards this standard')
    const na = await rate(provider, 'PIE5', { rating: 'not_applicable', narrative: '' })
    expect(na.statusCode).toBe(400)
    expect(na.body).toContain('Enter why the standard does not apply to this service')
    expect(await rating('PIE1')).toBeUndefined()
    expect(await rating('PIE5')).toBeUndefined()
    expect((await status())?.status).toBe('not_started')
  })

  it('refuses to submit while standards are unrated', async () => {
    const res = await provider.post(`/standards/returns/${returnId}/submit`, { version: await returnVersion() })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('PIE1, PIE2, PIE3, PIE4, PIE5 are not rated yet')
  })

  it('saves ratings as a draft and tells a second, stale save that someone else changed it', async () => {
    expect(
      (await rate(provider, 'PIE1', { rating: 'met', narrative: 'A psychologist meets the team monthly.' })).statusCode,
    ).toBe(303)
    expect((await status())?.status).toBe('draft')
    // A form opened before that save still says version 0.
    const stale = await provider.post(`/standards/returns/${returnId}/standards/PIE1/rating`, {
      version: '0',
      rating: 'not_met',
      narrative: 'Another view.',
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this rating')
    expect((await rating('PIE1'))?.rating).toBe('met')
    for (const [id, value, narrative] of [
      ['PIE2', 'met', 'Staff have reflective practice every fortnight.'],
      ['PIE3', 'partly_met', 'The waiting room was repainted; the entrance is shared.'],
      ['PIE4', 'not_met', 'No written approach to relationships yet.'],
    ] as const) {
      expect((await rate(provider, id, { rating: value, narrative })).statusCode, id).toBe(303)
    }
    expect(
      (await rate(provider, 'PIE5', { rating: 'not_applicable', naReason: 'Evaluation is the council’s.' })).statusCode,
    ).toBe(303)
  })

  it('keeps a real PDF as evidence and refuses an executable named .pdf, a file over 10 MB and an empty form', async () => {
    const before = await ctx.database.db.select({ n: count() }).from(assessmentEvidence)
    const exe = await upload(provider, 'PIE1', [['label', 'Timetable']], {
      name: 'file',
      filename: 'timetable.pdf',
      content: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200)]),
      type: 'application/pdf',
    })
    expect(exe.statusCode).toBe(400)
    expect(exe.body).toContain(
      'is named .pdf but its content is not a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file',
    )
    const big = await upload(provider, 'PIE1', [['label', 'Big']], {
      name: 'file',
      filename: 'big.pdf',
      content: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 + 10)]),
      type: 'application/pdf',
    })
    expect(big.statusCode).toBe(400)
    expect(big.body).toContain('The selected file must be smaller than 10 MB')
    const nothing = await upload(provider, 'PIE1', [
      ['label', 'Nothing'],
      ['url', ''],
    ])
    expect(nothing.statusCode).toBe(400)
    expect(nothing.body).toContain('Select a file or enter a link')
    expect(await ctx.database.db.select({ n: count() }).from(assessmentEvidence)).toEqual(before)

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
    const ok = await upload(provider, 'PIE1', [['label', 'Reflective practice log']], {
      name: 'file',
      filename: 'log.pdf',
      content: pdf,
      type: 'application/pdf',
    })
    expect(ok.statusCode).toBe(303)
    const link = await upload(provider, 'PIE2', [
      ['label', 'Policy online'],
      ['url', 'https://www.example.org/policy'],
    ])
    expect(link.statusCode).toBe(303)
    const rows = await ctx.database.db
      .select()
      .from(assessmentEvidence)
      .where(eq(assessmentEvidence.returnId, returnId))
    expect(rows.map((r) => r.kind).sort()).toEqual(['file', 'link'])
    const file = rows.find((r) => r.kind === 'file')
    // Kept under a generated name, never the one the browser sent.
    expect(file?.storedName).toMatch(/^[0-9a-f-]{36}$/)
    expect(file?.contentType).toBe('application/pdf')

    const download = await commissioner.get(`/standards/evidence/${file?.id ?? ''}`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-disposition']).toBe('attachment; filename="log.pdf"')
    expect(download.headers['x-content-type-options']).toBe('nosniff')
    expect(download.rawPayload.equals(pdf)).toBe(true)
    expect((await otherProvider.get(`/standards/evidence/${file?.id ?? ''}`)).statusCode).toBe(404)
    expect((await panel.get(`/standards/evidence/${file?.id ?? ''}`)).statusCode).toBe(403)
  })

  it('submits, after which the provider can change nothing', async () => {
    const res = await provider.post(`/standards/returns/${returnId}/submit`, { version: await returnVersion() })
    expect(res.statusCode).toBe(303)
    expect((await status())?.status).toBe('submitted')
    const locked = await rate(provider, 'PIE4', { rating: 'met', narrative: 'Changed my mind.' })
    expect(locked.statusCode).toBe(400)
    expect(locked.body).toContain('cannot be changed unless the commissioner sends it back')
    expect((await rating('PIE4'))?.rating).toBe('not_met')
  })
})

describe('verification', () => {
  const decide = async (id: string, form: Record<string, string>) =>
    commissioner.post(`/standards/returns/${returnId}/standards/${id}/decision`, {
      version: String((await rating(id))?.version ?? -1),
      ...form,
    })

  it('asks for a reason when a rating is changed or sent back', async () => {
    const res = await decide('PIE2', { decision: 'changed', verifiedRating: 'partly_met' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Enter why you changed the rating: the provider will see it')
    const same = await decide('PIE2', { decision: 'changed', verifiedRating: 'met', reason: 'x' })
    expect(same.body).toContain('Select a rating other than the provider’s')
    expect((await rating('PIE2'))?.decision).toBeNull()
  })

  it('sends the return back when one rating needs more evidence, and the provider sees why', async () => {
    expect((await decide('PIE1', { decision: 'agreed' })).statusCode).toBe(303)
    expect(
      (
        await decide('PIE2', {
          decision: 'changed',
          verifiedRating: 'partly_met',
          reason: 'Sessions lapsed in August.',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (await decide('PIE3', { decision: 'returned', reason: 'Show the plan for a separate entrance.' })).statusCode,
    ).toBe(303)
    // Not every rating decided: finishing is refused.
    const early = await commissioner.post(`/standards/returns/${returnId}/verification`, {
      version: await returnVersion(),
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('PIE4, PIE5 are not verified yet')
    expect((await decide('PIE4', { decision: 'agreed' })).statusCode).toBe(303)
    expect((await decide('PIE5', { decision: 'agreed' })).statusCode).toBe(303)
    const finish = await commissioner.post(`/standards/returns/${returnId}/verification`, {
      version: await returnVersion(),
    })
    expect(finish.statusCode).toBe(303)
    expect(finish.headers.location).toContain('done=returned')
    expect((await status())?.status).toBe('returned')
    const page = await provider.get(`/standards/returns/${returnId}`)
    expect(page.body).toContain('Show the plan for a separate entrance.')
  })

  it('verifies the resubmitted return afresh where it had been sent back', async () => {
    expect(
      (
        await rate(provider, 'PIE3', {
          rating: 'partly_met',
          narrative: 'A separate entrance opens in May; plan attached.',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (await provider.post(`/standards/returns/${returnId}/submit`, { version: await returnVersion() })).statusCode,
    ).toBe(303)
    expect((await rating('PIE3'))?.decision).toBeNull()
    expect((await rating('PIE2'))?.decision).toBe('changed')
    expect((await decide('PIE3', { decision: 'agreed' })).statusCode).toBe(303)
    const finish = await commissioner.post(`/standards/returns/${returnId}/verification`, {
      version: await returnVersion(),
    })
    expect(finish.headers.location).toContain('done=verified')
    expect((await status())?.status).toBe('verified')
  })

  it('summarises the theme with the commissioner’s change counted', async () => {
    // PIE1 met, PIE2 partly met (the commissioner's), PIE3 partly met, PIE4 not met, PIE5 not
    // applicable: 1 + 1/2 + 1/2 + 0 = 2 of 4 that apply = 50%, amber (50% is amber's floor).
    const page = await commissioner.get(`/standards/returns/${returnId}`)
    expect(page.body).toMatch(/1 met, 2 partly met, 1 not met, 1 not applicable/)
    expect(page.body).toMatch(/data-label="Score">50%/)
    expect(page.body).toMatch(/data-label="RAG"><strong class="govuk-tag govuk-tag--yellow">Amber/)
  })
})

describe('actions and observations', () => {
  it('turns a gap into an action the provider owns and updates', async () => {
    const past = await commissioner.post(`/standards/returns/${returnId}/actions`, {
      standard: 'PIE4',
      title: 'Write down how staff build trusting relationships',
      ...dateFields('dueOn', -1),
    })
    expect(past.statusCode).toBe(400)
    expect(past.body).toContain('The due date must be today or in the future')
    const notAGap = await commissioner.post(`/standards/returns/${returnId}/actions`, {
      standard: 'PIE1',
      title: 'Nothing to do',
      ...dateFields('dueOn', 20),
    })
    expect(notAGap.statusCode).toBe(400)
    expect(await ctx.database.db.select({ n: count() }).from(actions)).toEqual([{ n: 0 }])

    const res = await commissioner.post(`/standards/returns/${returnId}/actions`, {
      standard: 'PIE4',
      title: 'Write down how staff build trusting relationships',
      ...dateFields('dueOn', 60),
    })
    expect(res.statusCode).toBe(303)
    const action = (await ctx.database.db.select().from(actions))[0]
    expect(action?.ownerName).toBe(PROVIDER)
    expect(action?.subjectId).toBe(serviceId)
    const list = await provider.get('/actions')
    expect(list.body).toContain('Write down how staff build trusting relationships')
    expect((await otherProvider.get(`/actions/${action?.id ?? ''}`)).statusCode).toBe(404)
    const update = await provider.post(`/actions/${action?.id ?? ''}/update`, {
      status: 'in_progress',
      note: 'A first draft is with the team.',
      version: String(action?.version ?? 0),
    })
    expect(update.statusCode).toBe(303)
    const stale = await provider.post(`/actions/${action?.id ?? ''}/update`, {
      status: 'done',
      note: 'Finished.',
      version: String(action?.version ?? 0),
    })
    expect(stale.statusCode).toBe(409)
    const page = await commissioner.get(`/actions/${action?.id ?? ''}`)
    expect(page.body).toContain('A first draft is with the team.')
    expect(page.body).toContain('In progress')
  })

  it('lets an assigned panel member add an observation, without seeing the provider’s answers', async () => {
    const assign = await commissioner.post(`/standards/returns/${returnId}/panel`, { userId: panelUser.id })
    expect(assign.statusCode).toBe(303)
    const page = await panel.get(`/standards/returns/${returnId}/standards/PIE3`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('A separate entrance opens in May')
    const empty = await panel.post(`/standards/returns/${returnId}/standards/PIE3/observations`, {
      source: 'visit',
      text: '',
      ...dateFields('observedOn', -1),
    })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter what you found')
    const res = await panel.post(`/standards/returns/${returnId}/standards/PIE3/observations`, {
      source: 'visit',
      view: 'partly_met',
      text: 'Women said the shared entrance still feels unsafe in the evening.',
      ...dateFields('observedOn', -1),
    })
    expect(res.statusCode).toBe(303)
    const seen = await commissioner.get(`/standards/returns/${returnId}/standards/PIE3`)
    expect(seen.body).toContain('Women said the shared entrance still feels unsafe in the evening.')
    // The provider's rating stands beside it, unchanged.
    expect((await rating('PIE3'))?.rating).toBe('partly_met')
  })

  it('compares the round as a table whose CSV carries the same ratings', async () => {
    const res = await commissioner.get(`/standards/rounds/${roundId}/comparison?format=csv`)
    expect(res.statusCode).toBe(200)
    const rows: string[][] = parse(res.body, { bom: true })
    expect(rows[0]).toEqual(['Theme', 'Standard', `${SERVICE} (${PROVIDER})`])
    expect(rows.find((r) => r[1]?.startsWith('PIE2:'))?.[2]).toBe('Partly met')
    expect(rows.find((r) => r[1]?.startsWith('PIE4:'))?.[2]).toBe('Not met')
    expect(rows.find((r) => r[1]?.startsWith('PIE5:'))?.[2]).toBe('Not applicable')
    expect(rows).toHaveLength(6)
    expect((await provider.get(`/standards/rounds/${roundId}/comparison`)).statusCode).toBe(403)
  })

  it('reports the round in Word: the commissioner’s has every service, a provider’s only its own', async () => {
    const res = await commissioner.get(`/standards/rounds/${roundId}/report`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(res.headers['content-disposition']).toBe('attachment; filename="spring-round-report.docx"')
    const xml = readZip(res.rawPayload).get('word/document.xml')?.toString('utf8') ?? ''
    const text = paragraphs(xml)
    expect(text).toContain('Spring round: standards assessment')
    // The two gaps, the commissioner's change (PIE2) counted.
    expect(text).toContain(`PIE2: ${(await title('PIE2')) ?? ''} (partly met)`)
    expect(text).toContain(`PIE4: ${(await title('PIE4')) ?? ''} (not met)`)
    expect(text.some((t) => t.includes('Women said the shared entrance still feels unsafe in the evening.'))).toBe(true)
    const [summary, themes, actionTable] = tables(xml)
    // One service, verified: 2 of 4 half-point pairs = 50%, amber (worked out above).
    expect(summary?.[1]).toEqual([SERVICE, PROVIDER, 'Verified', '50%', 'Amber'])
    expect(themes?.[1]?.slice(1)).toEqual(['1', '2', '1', '1', '50%', 'Amber'])
    expect(actionTable?.[1]?.[0]).toBe('Write down how staff build trusting relationships')
    expect((await provider.get(`/standards/rounds/${roundId}/report`)).statusCode).toBe(200)
    expect((await otherProvider.get(`/standards/rounds/${roundId}/report`)).statusCode).toBe(404)
    expect((await panel.get(`/standards/rounds/${roundId}/report`)).statusCode).toBe(403)
  })

  it('audited every step', async () => {
    const rows = await ctx.database.db.select({ action: auditEvents.action }).from(auditEvents)
    const seen = new Set(rows.map((r) => r.action))
    for (const a of [
      'standards.round.open',
      'standards.rating.save',
      'standards.evidence.add',
      'standards.return.submit',
      'standards.rating.verify',
      'standards.return.send-back',
      'standards.return.verify',
      'standards.panel.assign',
      'standards.observation.add',
      'action.create',
      'action.update',
    ])
      expect(seen, a).toContain(a)
  })
})

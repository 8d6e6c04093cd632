/**
 * Open Referral UK interoperability through the storage and the pages (issue 8, issue 10 point 2,
 * ADR 0015): a conformant foreign record imports as "to review", is never published until a
 * commissioner completes it, keeps its foreign terms and exports them unchanged; a council's
 * mapping of a foreign term is reused by later imports; a copy of another council's id gets its
 * own id and never shadows the original in the public API; the national feed shows a record
 * imported into two councils once.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportOruk, importOrukText } from '../../../src/features/directory/api/exchange.js'
import { loadDirectory, loadPublishedDirectories } from '../../../src/features/directory/repository.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'

let ctx: TestContext
let scope: TenantScope
let commissioner: TestClient
const actor = { userId: null, label: 'interop test', role: 'commissioner' }

const SERVICE_ID = '6a1c2f3e-8b4d-4e5f-9a0b-1c2d3e4f5a6b'
const ORG_ID = '7b2d3e4f-9c5e-4f60-8b1c-2d3e4f5a6b7c'
const FOREIGN_TERM = {
  id: '3f7b145d-84af-42d7-8fae-eaca714b02b2',
  name: 'Women’s support',
  description: 'Support for women',
  taxonomy: 'Example Council services',
  term_uri: 'https://taxonomy.example.org/terms/womens-support',
}

/** A service_full record the UK profile allows and our model cannot yet publish. */
const foreignRecord = (overrides: Record<string, unknown> = {}) => ({
  id: SERVICE_ID,
  name: 'Example: Women’s wellbeing line',
  description: '<p>A phone line for women.</p><p>Open <b>weekdays</b> &amp; evenings.</p>',
  status: 'active',
  organization: { id: ORG_ID, name: 'Example: Wellbeing Trust', description: 'A charity.' },
  contacts: [{ id: '8c3e4f5a-0d6f-4071-9c2d-3e4f5a6b7c8d', name: 'Duty worker' }],
  service_at_locations: [
    {
      id: '9d4f5a6b-1e70-4182-8d3e-4f5a6b7c8d9e',
      location: {
        id: 'ae5a6b7c-2f81-4293-9e4f-5a6b7c8d9eaf',
        location_type: 'postal',
        name: 'Post room',
        addresses: [
          {
            id: 'bf6b7c8d-3092-43a4-8f5a-6b7c8d9eafb0',
            address_1: 'PO Box 1',
            city: 'London',
            state_province: '',
            postal_code: 'NW4 4BG',
            country: 'GB',
            address_type: 'postal',
          },
        ],
      },
    },
  ],
  schedules: [
    { id: 'c07c8d9e-41a3-44b5-9a6b-7c8d9eafb0c1', freq: 'WEEKLY', byday: 'MO', opens_at: '10:00', closes_at: '12:00' },
  ],
  attributes: [
    { id: 'd18d9eaf-52b4-45c6-8b7c-8d9eafb0c1d2', taxonomy_term_id: FOREIGN_TERM.id, taxonomy_term: FOREIGN_TERM },
  ],
  ...overrides,
})

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await ctx.user({ council: 'E09000003', roles: ['commissioner'], totp: true })
  scope = user.scope
  commissioner = await ctx.signedIn(user)
})
afterAll(async () => {
  await ctx.close()
})

const api = async (url: string) => {
  const res = await ctx.app.inject({ method: 'GET', url })
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> }
}
const listedIds = async (url: string) =>
  ((await api(url)).body.contents as { id: string; name: string }[]).map((s) => `${s.id} ${s.name}`)

describe('a conformant foreign record', () => {
  it('imports as a draft to review, with each reason and its JSON path, and HTML read as plain text', async () => {
    const outcome = await importOrukText(ctx.app.db, scope, actor, JSON.stringify(foreignRecord()))
    expect(outcome.ok && outcome.toReview).toBe(1)
    expect(outcome.ok && outcome.warnings).toContain('/description: HTML read as plain text')
    const stored = await loadDirectory(ctx.app.db, scope, { publishedOnly: false })
    const service = stored.services.find((s) => s.id === SERVICE_ID)
    expect(service?.status).toBe('draft')
    expect(service?.description).toBe('A phone line for women.\nOpen weekdays & evenings.')
    expect(service?.review?.publishWhenComplete).toBe(true)
    expect(service?.review?.reasons.map((r) => `${r.code} ${r.path}`)).toEqual([
      'contact /contacts/0',
      'service-type /attributes',
      'location /service_at_locations/0/location',
      'schedule /schedules/0',
    ])
    expect(service?.foreignTerms?.map((t) => t.attribute)).toEqual([foreignRecord().attributes[0]])
  })

  it('is not in the open data feed, the lookup by id or the public search', async () => {
    expect(await listedIds('/api/oruk/services?per_page=100')).not.toContain(
      `${SERVICE_ID} Example: Women’s wellbeing line`,
    )
    expect((await api(`/api/oruk/services/${SERVICE_ID}`)).status).toBe(404)
    const published = await loadPublishedDirectories(ctx.app.db)
    expect(published.flatMap((d) => d.directory.services.map((s) => s.id))).not.toContain(SERVICE_ID)
  })

  it('is listed on the review page with its reasons and links; the service page says it is to review', async () => {
    const page = await commissioner.get('/directory/review')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Example: Women’s wellbeing line')
    expect(page.body).toContain(`href="/directory/services/${SERVICE_ID}/edit"`)
    expect(page.body).toContain('No WTC service type yet')
    expect(page.body).toContain('A session not tied to one of its places')
    const detail = await commissioner.get(`/directory/services/${SERVICE_ID}`)
    expect(detail.body).toContain('To review')
    expect(detail.body).toContain('Not chosen yet')
    const list = await commissioner.get('/directory')
    expect(list.body).toMatch(/<strong class="govuk-tag govuk-tag--orange">To review<\/strong>/)
    expect(list.body).toContain('href="/directory/review"')
    expect(detail.body).toContain('Women’s support (Example Council services)')
    const analyst = await ctx.signedIn(await ctx.user({ council: 'E09000003', roles: ['analyst'], totp: true }))
    expect((await analyst.get('/directory/review')).statusCode).toBe(403)
  })

  it('takes the council’s meaning of its foreign term on the next import', async () => {
    const list = await commissioner.get('/directory/term-mappings')
    expect(list.body).toContain('Women’s support')
    const edit = await commissioner.get(
      `/directory/term-mappings/edit?term=${encodeURIComponent(FOREIGN_TERM.term_uri)}`,
    )
    expect(edit.statusCode).toBe(200)
    const bad = await commissioner.post('/directory/term-mappings', {
      key: FOREIGN_TERM.term_uri,
      serviceType: 'not-a-type',
    })
    expect(bad.statusCode).toBe(400)
    const saved = await commissioner.post('/directory/term-mappings', {
      key: FOREIGN_TERM.term_uri,
      serviceType: 'womens-centre',
      features: ['women-only-space', 'online-or-phone'],
    })
    expect(saved.statusCode).toBe(303)
    await importOrukText(ctx.app.db, scope, actor, JSON.stringify(foreignRecord()))
    const service = (await loadDirectory(ctx.app.db, scope, { publishedOnly: false })).services.find(
      (s) => s.id === SERVICE_ID,
    )
    expect(service?.serviceType).toBe('womens-centre')
    expect(service?.features).toEqual(['women-only-space', 'online-or-phone'])
    expect(service?.review?.reasons.map((r) => r.code)).toEqual(['contact', 'location', 'schedule'])
  })

  it('is published once a commissioner completes it, with its foreign term exported unchanged', async () => {
    const input = (await loadDirectory(ctx.app.db, scope, { publishedOnly: false })).services.find(
      (s) => s.id === SERVICE_ID,
    )
    const form = {
      name: 'Example: Women’s wellbeing line',
      organisationId: ORG_ID,
      description: 'A phone line for women, open weekdays and evenings.',
      serviceType: 'womens-centre',
      substances: [] as string[],
      status: 'published',
      features: ['women-only-space', 'online-or-phone'],
      byAndForCommunity: '',
      minimumAge: '',
      maximumAge: '',
      url: '',
      email: '',
      contactName: 'Duty worker',
      contactTitle: '',
      contactEmail: '',
      contactPhone: '020 7946 0123',
      serviceAreas: '',
      locationName: 'Hendon Hub',
      addressLine1: '1 Example Road',
      addressLine2: '',
      town: 'London',
      postcode: 'NW4 4BG',
      latitude: '51.5880',
      longitude: '-0.2240',
      internalNotes: '',
      version: String(input?.version ?? 0),
    }
    // Published while a session is still not tied to a place: refused.
    const early = await commissioner.post(`/directory/services/${SERVICE_ID}`, form)
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('Complete the service before publishing it')
    const asDraft = await commissioner.post(`/directory/services/${SERVICE_ID}`, { ...form, status: 'draft' })
    expect(asDraft.statusCode).toBe(303)
    const again = (await loadDirectory(ctx.app.db, scope, { publishedOnly: false })).services.find(
      (s) => s.id === SERVICE_ID,
    )
    expect(again?.review?.reasons.map((r) => r.code)).toEqual(['schedule'])
    const sessions = await commissioner.get(`/directory/services/${SERVICE_ID}/sessions/new`)
    const salId = /name="serviceAtLocationId" value="([0-9a-f-]{36})"/.exec(sessions.body)?.[1] ?? ''
    const added = await commissioner.post(`/directory/services/${SERVICE_ID}/sessions`, {
      ...(salId === '' ? {} : { serviceAtLocationId: salId }),
      day: 'monday',
      start: '10:00',
      end: '12:00',
      mode: 'online',
      womenOnly: 'yes',
      runBy: '',
      notes: '',
      version: String(again?.version ?? 0),
    })
    expect(added.statusCode).toBe(303)
    const afterSession = (await loadDirectory(ctx.app.db, scope, { publishedOnly: false })).services.find(
      (s) => s.id === SERVICE_ID,
    )
    expect(afterSession?.review).toBeUndefined()
    const published = await commissioner.post(`/directory/services/${SERVICE_ID}`, {
      ...form,
      version: String(afterSession?.version ?? 0),
    })
    expect(published.statusCode).toBe(303)
    expect((await commissioner.get('/directory/review')).body).not.toContain('Example: Women’s wellbeing line')
    const record = await api(`/api/oruk/services/${SERVICE_ID}`)
    expect(record.status).toBe(200)
    const attributes = record.body.attributes as Record<string, unknown>[]
    expect(attributes).toContainEqual(foreignRecord().attributes[0])
    const exported = await exportOruk(ctx.app.db, scope, { includeDrafts: false })
    expect(exported.find((s) => s.id === SERVICE_ID)?.attributes).toContainEqual(foreignRecord().attributes[0])
  })

  it('stays completed and published when the same feed is imported again', async () => {
    const outcome = await importOrukText(ctx.app.db, scope, actor, JSON.stringify(foreignRecord()))
    expect(outcome.ok && outcome.unchanged).toBe(1)
    expect(outcome.ok && outcome.warnings.join(' ')).toContain(
      '1 service was completed here since an earlier import and the file still lacks what was added',
    )
    expect((await api(`/api/oruk/services/${SERVICE_ID}`)).status).toBe(200)
  })
})

describe('ids across councils', () => {
  it('a copy of another council’s id gets its own id and never answers for the original', async () => {
    const other = await ensureCouncil(ctx.app.db, 'E08000025')
    const phishing = foreignRecord({
      name: 'Example: Phishing copy',
      organization: { id: ORG_ID, name: 'Example: Not the trust', description: 'A copy.' },
    })
    const outcome = await importOrukText(ctx.app.db, other, actor, JSON.stringify(phishing))
    expect(outcome.ok && outcome.warnings.join(' ')).toContain('another council’s directory already uses')
    const copy = (await loadDirectory(ctx.app.db, other, { publishedOnly: false })).services[0]
    expect(copy?.id).not.toBe(SERVICE_ID)
    expect(copy?.origin?.id).toBe(SERVICE_ID)
    // Publish the copy directly (as if completed) to test the public API.
    await ctx.app.db.execute(
      sql`update directory_services set status = 'published', needs_review = false,
          data = (data - 'review') || '{"status":"published"}'::jsonb
          where tenant_id = ${other.tenantId}::uuid`,
    )
    const original = await api(`/api/oruk/services/${SERVICE_ID}`)
    expect(original.body.name).toBe('Example: Women’s wellbeing line')
    expect((await api(`/api/oruk/services/${SERVICE_ID}?council=E08000025`)).status).toBe(404)
    // The national list shows the record once (the original); Birmingham's own list shows its copy.
    const national = await listedIds('/api/oruk/services?per_page=100')
    expect(national.filter((x) => x.startsWith(SERVICE_ID))).toEqual([`${SERVICE_ID} Example: Women’s wellbeing line`])
    expect(national.filter((x) => x.endsWith('Phishing copy'))).toEqual([])
    expect(await listedIds('/api/oruk/services?council=E08000025')).toEqual([
      `${String(copy?.id)} Example: Phishing copy`,
    ])
    const ids = national.map((x) => x.split(' ')[0])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('an id two councils held before copies got their own ids is never answered with either', async () => {
    const third = await ensureCouncil(ctx.app.db, 'E06000001')
    // Rows as an older version could store them: the same id in a second council.
    await ctx.app.db.execute(
      sql`insert into directory_organisations (tenant_id, id, name, data)
          select ${third.tenantId}::uuid, id, name, data from directory_organisations
          where tenant_id = ${scope.tenantId}::uuid and id = ${ORG_ID}::uuid`,
    )
    await ctx.app.db.execute(
      sql`insert into directory_services (tenant_id, id, organisation_id, name, status, service_type, substances, features, women_only, data)
          select ${third.tenantId}::uuid, id, organisation_id, 'Example: Legacy copy', status, service_type, substances, features, women_only, data
          from directory_services where tenant_id = ${scope.tenantId}::uuid and id = ${SERVICE_ID}::uuid`,
    )
    const answer = await api(`/api/oruk/services/${SERVICE_ID}`)
    expect(answer.status).toBe(409)
    expect(answer.body.councils).toEqual(['E06000001', 'E09000003'])
    expect((await api(`/api/oruk/services/${SERVICE_ID}?council=E09000003`)).status).toBe(200)
    // The national list still shows the id once.
    const national = await listedIds('/api/oruk/services?per_page=100')
    expect(national.filter((x) => x.startsWith(SERVICE_ID))).toHaveLength(1)
  })
})

describe('isolation between councils', () => {
  it('another council’s commissioner sees neither the review list nor the term meanings, and cannot change them', async () => {
    const other = await ctx.signedIn(await ctx.user({ council: 'E06000002', roles: ['commissioner'], totp: true }))
    // Something of their own to review, so the page is not empty by chance.
    const ownScope = await ensureCouncil(ctx.app.db, 'E06000002')
    await importOrukText(
      ctx.app.db,
      ownScope,
      actor,
      JSON.stringify(foreignRecord({ id: 'e29eafb0-63c5-46d7-9c8d-9eafb0c1d2e3', name: 'Example: Their own line' })),
    )
    const review = await other.get('/directory/review')
    expect(review.statusCode).toBe(200)
    expect(review.body).toContain('Example: Their own line')
    expect(review.body).not.toContain('Example: Women’s wellbeing line')
    // Barnet's meaning of the term is Barnet's: this council has the term unmapped.
    const edit = await other.get(`/directory/term-mappings/edit?term=${encodeURIComponent(FOREIGN_TERM.term_uri)}`)
    expect(edit.statusCode).toBe(200)
    expect(edit.body).not.toMatch(/value="womens-centre" checked/)
    expect((await other.get('/directory/term-mappings/edit?term=id%3Aunknown')).statusCode).toBe(404)
    await other.post('/directory/term-mappings', { key: FOREIGN_TERM.term_uri, serviceType: 'refuge' })
    const after = await commissioner.get(
      `/directory/term-mappings/edit?term=${encodeURIComponent(FOREIGN_TERM.term_uri)}`,
    )
    expect(after.body).not.toMatch(/value="refuge" checked/)
    expect(after.body).toMatch(/value="womens-centre" checked/)
  })
})

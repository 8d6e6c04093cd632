/**
 * Adding and changing services and sessions on the directory pages: the journey of adding a
 * service with a women-only Monday session, GOV.UK validation (each message on its field),
 * concurrent edits, provider editing, history with roles, isolation between councils and audit.
 */
import { and, asc, eq, gt } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, directoryLocations, directoryServices } from '../../../src/db/schema/index.js'
import { loadServiceInput } from '../../../src/features/directory/repository.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { addDirectoryOrganisation, addProviderOrganisation, addService, providerUser } from './support.js'

let ctx: TestContext
let user: TestUser
let scope: TenantScope
let commissioner: TestClient
let orgId: string

beforeAll(async () => {
  ctx = await createTestContext()
  user = await ctx.user({ roles: ['commissioner'], totp: true })
  scope = user.scope
  commissioner = await ctx.signedIn(user)
  orgId = await addDirectoryOrganisation(ctx, scope, 'Hendon Recovery Partnership', null)
})
afterAll(async () => {
  await ctx.close()
})

/** A complete, valid service form; tests change one field at a time. */
const validForm = (overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  name: 'Hendon Women’s Recovery Group',
  organisationId: orgId,
  description: 'A weekly recovery group for women, with a creche.',
  serviceType: 'community-treatment',
  substances: ['alcohol', 'drugs'],
  status: 'published',
  features: ['women-only-groups', 'children-welcome'],
  byAndForCommunity: '',
  minimumAge: '18',
  maximumAge: '',
  url: 'https://example.org/hendon',
  email: '',
  contactName: 'Duty worker',
  contactTitle: '',
  contactEmail: '',
  contactPhone: '020 7946 0123',
  serviceAreas: 'Barnet',
  locationName: 'Hendon Hub',
  addressLine1: '1 Example Road',
  addressLine2: '',
  town: 'London',
  postcode: 'nw4 4bg',
  latitude: '51.5880',
  longitude: '-0.2240',
  internalNotes: 'Funding ends in March.',
  ...overrides,
})

const idFrom = (location: string | undefined): string => {
  const match = /\/directory\/services\/([0-9a-f-]{36})/.exec(location ?? '')
  if (!match?.[1]) throw new Error(`no service id in ${String(location)}`)
  return match[1]
}

const version = async (id: string): Promise<number> =>
  (await loadServiceInput(ctx.database.db, scope, id))?.service.version ?? -1

/** The error summary's links and messages, as [href, text]. */
const summaryOf = (html: string): [string, string][] => {
  const summary = html.split('govuk-error-summary__list')[1]?.split('</ul>')[0] ?? ''
  const decode = (t: string) =>
    t
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  return [...summary.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1] ?? '', decode(m[2] ?? '').trim()])
}

describe('adding a service with a women-only Monday session', () => {
  it('creates the service, adds the session, and shows both on the service page', async () => {
    const created = await commissioner.post('/directory/services', validForm())
    expect(created.statusCode).toBe(303)
    const id = idFrom(created.headers.location)
    expect(created.headers.location).toBe(`/directory/services/${id}?done=created`)

    const sessionPage = await commissioner.get(`/directory/services/${id}/sessions/new`)
    expect(sessionPage.statusCode).toBe(200)
    expect(sessionPage.body).toContain('name="version" value="1"')
    const added = await commissioner.post(`/directory/services/${id}/sessions`, {
      version: '1',
      day: 'monday',
      start: '10:00',
      end: '12:00',
      womenOnly: 'yes',
      mode: 'in_person',
      runBy: 'Specialist women’s worker',
      notes: '',
    })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe(`/directory/services/${id}?done=session-added`)

    const page = await commissioner.get(String(added.headers.location))
    expect(page.statusCode).toBe(200)
    const body = page.body
    expect(body).toContain('Hendon Women’s Recovery Group')
    expect(body).toContain('Session added')
    // The session row: Monday, 10:00 to 12:00, women only, in person, run by.
    const row = body.split('<th scope="row" class="govuk-table__header">Monday</th>')[1]?.split('</tr>')[0] ?? ''
    expect(row).toContain('10:00 to 12:00')
    expect(row).toMatch(/<td class="govuk-table__cell">Yes<\/td>/)
    expect(row).toContain('In person')
    expect(row).toContain('Specialist women’s worker')
    // Features in plain words from the taxonomy.
    expect(body).toContain('There are group sessions just for women. Men do not come to these sessions.')
    expect(body).toContain('You can bring your children. Some sessions have a creche.')
    // The place with its normalised postcode, the internal notes, the areas, the version.
    expect(body).toContain('NW4 4BG')
    expect(body).toContain('Funding ends in March.')
    expect(body).toContain('Barnet')
    expect(body).toMatch(/Version\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*2,/)
    expect(await version(id)).toBe(2)
    // And it is in the list.
    expect((await commissioner.get('/directory?day=monday&womenOnlySessions=yes')).body).toContain(
      `/directory/services/${id}"`,
    )
  })

  it('fills latitude and longitude left blank from the postcode district, and says so', async () => {
    const created = await commissioner.post(
      '/directory/services',
      validForm({ name: 'District placed service', latitude: '', longitude: '' }),
    )
    expect(created.statusCode).toBe(303)
    const id = idFrom(created.headers.location)
    expect(created.headers.location).toBe(`/directory/services/${id}?done=created&located=NW4`)
    const input = await loadServiceInput(ctx.database.db, scope, id)
    // NW4 in src/db/reference/geo/postcode-districts.csv: 51.5874, -0.223758 (Brent Cross, Hendon).
    expect(input?.places[0]?.location.latitude).toBe(51.5874)
    expect(input?.places[0]?.location.longitude).toBe(-0.223758)
    const page = await commissioner.get(String(created.headers.location))
    expect(page.body).toContain('has been placed at the centre of the NW4 postcode district')
  })
})

describe('validation: each problem is named on its field and nothing is saved', () => {
  const serviceCases: [string, Record<string, string | string[]>, string, RegExp][] = [
    ['a missing name', { name: '' }, '#name', /Enter service name/],
    ['an invalid postcode', { postcode: 'NW4 4BX9' }, '#postcode', /Postcode must be a full UK postcode/],
    [
      'coordinates outside the UK (swapped)',
      { latitude: '-0.2240', longitude: '51.5880' },
      '#latitude',
      /must be a place in the United Kingdom/,
    ],
    ['a latitude without a longitude', { longitude: '' }, '#longitude', /Enter the longitude as well/],
    ['a latitude that is not a number', { latitude: 'north' }, '#latitude', /Latitude must be a number/],
    [
      'an unknown feature term (not offered by the checkboxes)',
      { features: ['women-only-groups', 'free-biscuits'] },
      '#features',
      /'free-biscuits' is not a term of the gender-responsive features taxonomy/,
    ],
    [
      'a by-and-for service without the community it serves',
      { features: ['by-and-for'] },
      '#byAndForCommunity',
      /Enter the community the by-and-for organisation serves/,
    ],
    ['a phone number that is not a UK one', { contactPhone: '12345' }, '#contactPhone', /must be a UK phone number/],
    [
      'a maximum age below the minimum age',
      { minimumAge: '25', maximumAge: '18' },
      '#maximumAge',
      /Maximum age must be the same as or more than the minimum age/,
    ],
    ['a website that is not https', { url: 'ftp://example.org' }, '#url', /web address starting with https:\/\//],
    ['no status', { status: '' }, '#status', /Choose whether the service is published or a draft/],
    ['no service type', { serviceType: '' }, '#serviceType', /Choose a service type/],
    [
      'an organisation not in the list',
      { organisationId: 'someone-else' },
      '#organisationId',
      /Choose the organisation/,
    ],
  ]
  for (const [what, change, href, message] of serviceCases) {
    it(`adding a service: ${what}`, async () => {
      const before = await ctx.database.db
        .select({ id: directoryServices.id })
        .from(directoryServices)
        .where(eq(directoryServices.tenantId, scope.tenantId))
      const res = await commissioner.post('/directory/services', validForm(change))
      expect(res.statusCode).toBe(400)
      const summary = summaryOf(res.body)
      const entry = summary.find(([h]) => h === href)
      expect(entry, JSON.stringify(summary)).toBeDefined()
      expect(entry?.[1]).toMatch(message)
      // The message is also beside the field.
      expect(res.body).toContain('govuk-error-message')
      // What was typed is kept.
      expect(res.body).toContain('Funding ends in March.')
      const after = await ctx.database.db
        .select({ id: directoryServices.id })
        .from(directoryServices)
        .where(eq(directoryServices.tenantId, scope.tenantId))
      expect(after.length).toBe(before.length)
    })
  }

  it('a form with a field the page does not have is refused outright', async () => {
    const res = await commissioner.post('/directory/services', validForm({ tenantId: scope.tenantId }))
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('tenantId')
  })

  describe('sessions', () => {
    let id: string
    beforeAll(async () => {
      id = await addService(ctx, scope, {
        name: 'Session rules service',
        organisationId: orgId,
        serviceType: 'womens-centre',
        features: [],
        status: 'published',
        areas: [],
        sessions: [['tuesday', '10:00', '12:00', true]],
      })
    })
    const session = (overrides: Record<string, string>) => ({
      version: '1',
      day: 'wednesday',
      start: '10:00',
      end: '11:00',
      womenOnly: 'no',
      mode: 'online',
      runBy: '',
      notes: '',
      ...overrides,
    })
    const sessionCases: [string, Record<string, string>, string, RegExp][] = [
      ['an end before the start', { start: '14:00', end: '13:00' }, '#end', /End time must be after the start time/],
      [
        // The service already has Tuesday 10:00 to 12:00 at the same place.
        'a session overlapping another at the same place',
        { day: 'tuesday', start: '11:30', end: '13:00' },
        '#start',
        /Sessions overlap: Tuesday 11:30 to 13:00 overlaps Tuesday 10:00 to 12:00/,
      ],
      ['a time that is not a 24-hour time', { start: '25:00' }, '#start', /Start time must be a 24-hour time/],
      ['no day', { day: '' }, '#day', /Choose the day of the session/],
      ['no answer to women only', { womenOnly: '' }, '#womenOnly', /Say whether the session is for women only/],
      ['no mode', { mode: '' }, '#mode', /Say whether the session is in person, online or both/],
    ]
    for (const [what, change, href, message] of sessionCases) {
      it(`adding a session: ${what}`, async () => {
        const res = await commissioner.post(`/directory/services/${id}/sessions`, session(change))
        expect(res.statusCode).toBe(400)
        const entry = summaryOf(res.body).find(([h]) => h === href)
        expect(entry, JSON.stringify(summaryOf(res.body))).toBeDefined()
        expect(entry?.[1]).toMatch(message)
        expect(await version(id)).toBe(1)
      })
    }

    it('accepts a session that starts when another ends, and times typed loosely', async () => {
      // Tuesday 12:00 to 13:30 touches 10:00 to 12:00 but does not overlap it; '1330' means 13:30.
      const res = await commissioner.post(
        `/directory/services/${id}/sessions`,
        session({ day: 'tuesday', start: '12:00', end: '1330' }),
      )
      expect(res.statusCode).toBe(303)
      const input = await loadServiceInput(ctx.database.db, scope, id)
      const times = input?.places[0]?.schedules.map((s) => `${s.dayOfWeek} ${s.start}-${s.end}`).sort()
      expect(times).toEqual(['tuesday 10:00-12:00', 'tuesday 12:00-13:30'])
    })

    it('removes a session', async () => {
      const input = await loadServiceInput(ctx.database.db, scope, id)
      const target = input?.places[0]?.schedules.find((s) => s.start === '12:00')
      const v = input?.service.version ?? 0
      const res = await commissioner.post(`/directory/services/${id}/sessions/${target?.id ?? ''}/delete`, {
        version: String(v),
      })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe(`/directory/services/${id}?done=session-removed`)
      const after = await loadServiceInput(ctx.database.db, scope, id)
      expect(after?.places[0]?.schedules.map((s) => s.start)).toEqual(['10:00'])
      expect(after?.service.version).toBe(v + 1)
    })
  })
})

describe('two people changing one service at once', () => {
  it('refuses the second save, says someone else changed it, and changes nothing', async () => {
    const id = await addService(ctx, scope, {
      name: 'Contested service',
      organisationId: orgId,
      serviceType: 'womens-centre',
      features: [],
      status: 'published',
      areas: [],
      sessions: [],
    })
    const first = commissioner
    const second = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    const pageA = await first.get(`/directory/services/${id}/edit`)
    const pageB = await second.get(`/directory/services/${id}/edit`)
    // Both pages carry the version they were opened at.
    expect(pageA.body).toContain('name="version" value="1"')
    expect(pageB.body).toContain('name="version" value="1"')

    const form = (name: string) =>
      validForm({ name, serviceType: 'womens-centre', features: [], version: '1', substances: [] })
    const saveA = await first.post(`/directory/services/${id}`, form('Contested service, renamed by A'))
    expect(saveA.statusCode).toBe(303)
    const afterA = await ctx.database.db
      .select()
      .from(directoryServices)
      .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.id, id)))

    const saveB = await second.post(`/directory/services/${id}`, form('Contested service, renamed by B'))
    expect(saveB.statusCode).toBe(409)
    expect(saveB.body).toContain('Someone else changed this service since you opened it')
    expect(saveB.body).toContain(`href="/directory/services/${id}"`)
    const afterB = await ctx.database.db
      .select()
      .from(directoryServices)
      .where(and(eq(directoryServices.tenantId, scope.tenantId), eq(directoryServices.id, id)))
    expect(afterB).toEqual(afterA)
    expect(afterB[0]?.name).toBe('Contested service, renamed by A')
    expect(afterB[0]?.version).toBe(2)

    // A session form opened before A's save is refused in the same way.
    const staleSession = await second.post(`/directory/services/${id}/sessions`, {
      version: '1',
      day: 'monday',
      start: '09:00',
      end: '10:00',
      womenOnly: 'yes',
      mode: 'in_person',
    })
    expect(staleSession.statusCode).toBe(409)
    expect(await version(id)).toBe(2)
  })
})

describe('providers, history, isolation and audit', () => {
  let alphaProvider: string
  let ownServiceId: string
  let otherServiceId: string
  let provider: TestClient
  let providerAccount: TestUser

  beforeAll(async () => {
    alphaProvider = await addProviderOrganisation(ctx, scope, 'Alpha Recovery CIC')
    const betaProvider = await addProviderOrganisation(ctx, scope, 'Beta Womens Aid Ltd')
    const alphaOrg = await addDirectoryOrganisation(ctx, scope, 'Alpha Recovery', alphaProvider)
    const betaOrg = await addDirectoryOrganisation(ctx, scope, 'Beta Womens Aid', betaProvider)
    const base = {
      serviceType: 'community-treatment' as const,
      features: [] as [],
      status: 'published' as const,
      areas: [],
      sessions: [],
    }
    ownServiceId = await addService(ctx, scope, { ...base, name: 'Alpha Service', organisationId: alphaOrg })
    otherServiceId = await addService(ctx, scope, { ...base, name: 'Beta Service', organisationId: betaOrg })
    providerAccount = await providerUser(ctx, scope, alphaProvider)
    provider = await ctx.signedIn(providerAccount)
  })

  const providerForm = (organisationId: string, name: string, v: string) =>
    validForm({ organisationId, name, serviceType: 'community-treatment', features: [], substances: [], version: v })

  it("a provider changes their own organisation's service", async () => {
    const input = await loadServiceInput(ctx.database.db, scope, ownServiceId)
    const page = await provider.get(`/directory/services/${ownServiceId}/edit`)
    expect(page.statusCode).toBe(200)
    const res = await provider.post(
      `/directory/services/${ownServiceId}`,
      providerForm(input?.service.organisationId ?? '', 'Alpha Service, changed by the provider', '1'),
    )
    expect(res.statusCode).toBe(303)
    expect((await loadServiceInput(ctx.database.db, scope, ownServiceId))?.service.name).toBe(
      'Alpha Service, changed by the provider',
    )
  })

  it("a provider gets 404, not 403, for another organisation's service, on every page, and nothing changes", async () => {
    const input = await loadServiceInput(ctx.database.db, scope, otherServiceId)
    const orgOfOther = input?.service.organisationId ?? ''
    const before = await ctx.database.db
      .select()
      .from(directoryServices)
      .where(eq(directoryServices.id, otherServiceId))
    for (const path of ['', '/edit', '/history', '/sessions/new']) {
      const res = await provider.get(`/directory/services/${otherServiceId}${path}`)
      expect(res.statusCode, path).toBe(404)
      expect(res.body).not.toContain('Beta Service')
    }
    const edit = await provider.post(`/directory/services/${otherServiceId}`, providerForm(orgOfOther, 'Hijacked', '1'))
    expect(edit.statusCode).toBe(404)
    const session = await provider.post(`/directory/services/${otherServiceId}/sessions`, {
      version: '1',
      day: 'monday',
      start: '09:00',
      end: '10:00',
      womenOnly: 'yes',
      mode: 'in_person',
    })
    expect(session.statusCode).toBe(404)
    // Nor can they move their own service to an organisation they do not own.
    const move = await provider.post(`/directory/services/${ownServiceId}`, providerForm(orgOfOther, 'Moved', '2'))
    expect(move.statusCode).toBe(400)
    expect(summaryOf(move.body).map(([h]) => h)).toContain('#organisationId')
    expect(
      await ctx.database.db.select().from(directoryServices).where(eq(directoryServices.id, otherServiceId)),
    ).toEqual(before)
  })

  it('history shows both changes with who made them and their role; the commissioner sees the provider change flagged', async () => {
    // Version 1: created (by the seed, as a commissioner); version 2: the provider's change (test above);
    // version 3: the commissioner's change here.
    const input = await loadServiceInput(ctx.database.db, scope, ownServiceId)
    expect(input?.service.version).toBe(2)
    const res = await commissioner.post(
      `/directory/services/${ownServiceId}`,
      providerForm(input?.service.organisationId ?? '', 'Alpha Service, checked by the council', '2'),
    )
    expect(res.statusCode).toBe(303)
    const history = await commissioner.get(`/directory/services/${ownServiceId}/history`)
    expect(history.statusCode).toBe(200)
    const rows = history.body.split('<tbody class="govuk-table__body">')[1]?.split('</tbody>')[0]?.split('</tr>') ?? []
    // Newest first: version 3 by the commissioner, version 2 by the provider, version 1 the creation.
    expect(rows[0]).toContain(user.email)
    expect(rows[0]).toContain('Commissioner')
    // Each changed field with its old and new value.
    expect(rows[0]).toContain('Name changed')
    expect(rows[0]).toContain('Was: Alpha Service, changed by the provider</p>')
    expect(rows[0]).toContain('Now: Alpha Service, checked by the council</p>')
    expect(rows[0]).not.toContain('Changed by provider')
    expect(rows[1]).toContain(providerAccount.email)
    expect(rows[1]).toContain('Provider')
    expect(rows[1]).toContain('Changed by provider')
    expect(rows[1]).toContain('Was: Alpha Service</p>')
    expect(rows[1]).toContain('Now: Alpha Service, changed by the provider</p>')
    expect(rows[2]).toContain('Created')
    // The provider sees the same history, without the flag (it is their own organisation's change).
    const own = await provider.get(`/directory/services/${ownServiceId}/history`)
    expect(own.statusCode).toBe(200)
    expect(own.body).not.toContain('Changed by provider')
  })

  it("a user of another council gets 404 for this council's service, and nothing changes", async () => {
    const birmingham = await ctx.signedIn(await ctx.user({ council: 'E08000025', roles: ['commissioner'], totp: true }))
    const before = await ctx.database.db.select().from(directoryServices).where(eq(directoryServices.id, ownServiceId))
    for (const path of ['', '/edit', '/history', '/sessions/new']) {
      expect((await birmingham.get(`/directory/services/${ownServiceId}${path}`)).statusCode, path).toBe(404)
    }
    const post = await birmingham.post(`/directory/services/${ownServiceId}`, providerForm(orgId, 'Taken over', '3'))
    expect(post.statusCode).toBe(404)
    expect(listedNamesCount((await birmingham.get('/directory')).body)).toBe(0)
    expect(
      await ctx.database.db.select().from(directoryServices).where(eq(directoryServices.id, ownServiceId)),
    ).toEqual(before)
  })

  it('every change is in the audit trail with who made it', async () => {
    const last = await ctx.database.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(asc(auditEvents.id))
    const from = last[last.length - 1]?.id ?? 0
    const created = await commissioner.post('/directory/services', validForm({ name: 'Audited service' }))
    const id = idFrom(created.headers.location)
    await commissioner.post(`/directory/services/${id}/sessions`, {
      version: '1',
      day: 'friday',
      start: '17:00',
      end: '19:00',
      womenOnly: 'yes',
      mode: 'both',
    })
    const rows = await ctx.database.db
      .select()
      .from(auditEvents)
      .where(and(gt(auditEvents.id, from), eq(auditEvents.subjectId, id)))
      .orderBy(asc(auditEvents.id))
    expect(rows.map((r) => r.action)).toEqual(['directory.service.create', 'directory.service.update'])
    expect(rows.every((r) => r.actorUserId === user.id && r.tenantId === scope.tenantId)).toBe(true)
    // A refused save leaves no audit row and no location.
    const beforeLocations = await ctx.database.db.select().from(directoryLocations)
    await commissioner.post('/directory/services', validForm({ name: '' }))
    const after = await ctx.database.db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, rows[rows.length - 1]?.id ?? 0))
    expect(after).toEqual([])
    expect((await ctx.database.db.select().from(directoryLocations)).length).toBe(beforeLocations.length)
  })
})

function listedNamesCount(html: string): number {
  return (html.split('<tbody class="govuk-table__body">')[1]?.match(/href="\/directory\/services\//g) ?? []).length
}

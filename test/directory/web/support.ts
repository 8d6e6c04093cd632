/**
 * A small hand-made directory for the directory page tests, written through the repository, and
 * provider users who belong to a provider organisation. Every expectation in the tests is worked
 * out by hand from the table below.
 *
 * | Service        | Organisation (owner)      | Type                 | Features                                        | Status    | Areas           | Sessions                                              |
 * |----------------|---------------------------|----------------------|-------------------------------------------------|-----------|-----------------|-------------------------------------------------------|
 * | Alpha Group    | Alpha Recovery (Alpha)    | community-treatment  | women-only-groups, children-welcome             | published | Barnet          | Mon 10:00-12:00 women only; Wed 18:00-20:00 mixed     |
 * | Beta Refuge    | Beta Womens Aid (Beta)    | refuge               | women-only-service, domestic-abuse-worker       | draft     | Barnet, Enfield | Tue 13:00-15:00 women only                            |
 * | Council Hub    | Council Services (none)   | family-hub           | children-welcome                                | published | Hendon          | Mon 16:00-18:00 mixed; Sat 10:00-11:00 women only     |
 * | Alpha Outreach | Alpha Recovery (Alpha)    | community-treatment  | (none)                                          | published | (none)          | (none)                                                |
 */
import { randomUUID } from 'node:crypto'
import { memberships, organisations } from '../../../src/db/schema/index.js'
import type { DayOfWeek, Schedule, Service } from '../../../src/features/directory/model.js'
import { saveOrganisation, saveService } from '../../../src/features/directory/repository.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'

const seeder = { userId: null, label: 'test seed', role: 'commissioner' }

export interface SmallDirectory {
  providers: { alpha: string; beta: string }
  organisations: { alpha: string; beta: string; council: string }
  services: { alphaGroup: string; betaRefuge: string; councilHub: string; alphaOutreach: string }
}

type Session = [DayOfWeek, string, string, boolean]

export async function addProviderOrganisation(ctx: TestContext, scope: TenantScope, name: string): Promise<string> {
  const rows = await ctx.database.db
    .insert(organisations)
    .values({ tenantId: scope.tenantId, kind: 'provider', name })
    .returning({ id: organisations.id })
  const id = rows[0]?.id
  if (!id) throw new Error('no provider id')
  return id
}

export async function addDirectoryOrganisation(
  ctx: TestContext,
  scope: TenantScope,
  name: string,
  owner: string | null,
): Promise<string> {
  const id = randomUUID()
  await saveOrganisation(
    ctx.database.db,
    scope,
    seeder,
    { id, name, description: `${name}, for the tests.` },
    { ownerOrganisationId: owner },
  )
  return id
}

export async function addService(
  ctx: TestContext,
  scope: TenantScope,
  opts: {
    name: string
    organisationId: string
    serviceType: Service['serviceType']
    features: Service['features']
    status: Service['status']
    areas: string[]
    sessions: Session[]
  },
): Promise<string> {
  const id = randomUUID()
  const salId = randomUUID()
  const schedules: Schedule[] = opts.sessions.map(([dayOfWeek, start, end, womenOnly]) => ({
    id: randomUUID(),
    serviceAtLocationId: salId,
    dayOfWeek,
    start,
    end,
    womenOnly,
    mode: 'in_person',
  }))
  await saveService(
    ctx.database.db,
    scope,
    seeder,
    {
      service: {
        id,
        organisationId: opts.organisationId,
        name: opts.name,
        description: `${opts.name}: a service for the tests.`,
        status: opts.status,
        serviceType: opts.serviceType,
        substances: [],
        features: opts.features,
        internalNotes: '',
        contacts: [],
        serviceAreas: opts.areas.map((name) => ({ id: randomUUID(), name })),
        eligibility: { womenOnly: opts.features.includes('women-only-service') },
        version: 1,
      },
      places: [
        {
          serviceAtLocationId: salId,
          location: {
            id: randomUUID(),
            name: `${opts.name} building`,
            addressLine1: '1 Test Street',
            town: 'London',
            postcode: 'NW4 4BG',
            latitude: 51.59,
            longitude: -0.22,
            accessibility: [],
          },
          schedules,
        },
      ],
    },
    null,
  )
  return id
}

export async function seedSmallDirectory(ctx: TestContext, scope: TenantScope): Promise<SmallDirectory> {
  const alpha = await addProviderOrganisation(ctx, scope, 'Alpha Recovery CIC')
  const beta = await addProviderOrganisation(ctx, scope, 'Beta Womens Aid Ltd')
  const orgAlpha = await addDirectoryOrganisation(ctx, scope, 'Alpha Recovery', alpha)
  const orgBeta = await addDirectoryOrganisation(ctx, scope, 'Beta Womens Aid', beta)
  const orgCouncil = await addDirectoryOrganisation(ctx, scope, 'Council Services', null)
  const alphaGroup = await addService(ctx, scope, {
    name: 'Alpha Group',
    organisationId: orgAlpha,
    serviceType: 'community-treatment',
    features: ['women-only-groups', 'children-welcome'],
    status: 'published',
    areas: ['Barnet'],
    sessions: [
      ['monday', '10:00', '12:00', true],
      ['wednesday', '18:00', '20:00', false],
    ],
  })
  const betaRefuge = await addService(ctx, scope, {
    name: 'Beta Refuge',
    organisationId: orgBeta,
    serviceType: 'refuge',
    features: ['women-only-service', 'domestic-abuse-worker'],
    status: 'draft',
    areas: ['Barnet', 'Enfield'],
    sessions: [['tuesday', '13:00', '15:00', true]],
  })
  const councilHub = await addService(ctx, scope, {
    name: 'Council Hub',
    organisationId: orgCouncil,
    serviceType: 'family-hub',
    features: ['children-welcome'],
    status: 'published',
    areas: ['Hendon'],
    sessions: [
      ['monday', '16:00', '18:00', false],
      ['saturday', '10:00', '11:00', true],
    ],
  })
  const alphaOutreach = await addService(ctx, scope, {
    name: 'Alpha Outreach',
    organisationId: orgAlpha,
    serviceType: 'community-treatment',
    features: [],
    status: 'published',
    areas: [],
    sessions: [],
  })
  return {
    providers: { alpha, beta },
    organisations: { alpha: orgAlpha, beta: orgBeta, council: orgCouncil },
    services: { alphaGroup, betaRefuge, councilHub, alphaOutreach },
  }
}

/** A provider user who is a member of the given provider organisation. */
export async function providerUser(ctx: TestContext, scope: TenantScope, providerId: string): Promise<TestUser> {
  const user = await ctx.user({ council: scope.areaCode, roles: [], totp: true })
  await ctx.database.db
    .insert(memberships)
    .values({ tenantId: scope.tenantId, userId: user.id, organisationId: providerId, role: 'provider' })
  return { ...user, roles: ['provider'] }
}

/** The service names in the list's table, in the order shown. */
export function listedNames(html: string): string[] {
  const body = html.split('<tbody class="govuk-table__body">')[1]?.split('</tbody>')[0] ?? ''
  return [...body.matchAll(/<a class="govuk-link" href="\/directory\/services\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map(
    (m) => m[1] ?? '',
  )
}

/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the service map; spread into test/security/route-matrix.ts.
 *
 * The signed-in directory pages (issue 4): commissioners and analysts see and change the whole of
 * their council's directory; provider users see and change the services of organisations their
 * organisation owns (a service they do not own is a 404, tested in test/directory/web/). Nobody
 * else may use them: panel members, partners and administrators are refused.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { memberships, organisations } from '../../../src/db/schema/index.js'
import { saveOrganisation, saveService } from '../../../src/features/directory/repository.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

const directoryTeam = ['commissioner', 'analyst', 'provider'] as const

export const expected: Record<string, Expected> = {
  'GET /directory': directoryTeam,
  'GET /directory/services/new': directoryTeam,
  'POST /directory/services': directoryTeam,
  'GET /directory/services/:id': directoryTeam,
  'GET /directory/services/:id/edit': directoryTeam,
  'POST /directory/services/:id': directoryTeam,
  'GET /directory/services/:id/sessions/new': directoryTeam,
  'POST /directory/services/:id/sessions': directoryTeam,
  'POST /directory/services/:id/sessions/:sessionId/delete': directoryTeam,
  'GET /directory/services/:id/history': directoryTeam,
}

const actor = { userId: null, label: 'security test', role: 'commissioner' }

/**
 * A service (with one place and one women-only Monday session) of a directory organisation owned
 * by a new provider organisation of the council. Every user of the council who already holds the
 * provider role is made a member of that provider organisation too, so the role matrix's provider
 * user reaches the record as its owner would (a provider of another organisation gets a 404,
 * which the matrix would read as a broken route).
 */
export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {
  'directory-service': async (app, scope) => {
    const db = app.db
    const providerRows = await db
      .insert(organisations)
      .values({
        tenantId: scope.tenantId,
        kind: 'provider',
        name: `Example: Recovery provider of ${scope.councilName}`,
      })
      .returning({ id: organisations.id })
    const providerId = providerRows[0]?.id
    if (!providerId) throw new Error('no provider organisation id')
    const providerUsers = await db
      .selectDistinct({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, scope.tenantId), eq(memberships.role, 'provider')))
    if (providerUsers.length > 0) {
      await db
        .insert(memberships)
        .values(
          providerUsers.map((u) => ({
            tenantId: scope.tenantId,
            userId: u.userId,
            organisationId: providerId,
            role: 'provider' as const,
          })),
        )
        .onConflictDoNothing()
    }
    const organisationId = randomUUID()
    await saveOrganisation(
      db,
      scope,
      actor,
      {
        id: organisationId,
        name: 'Example: Recovery Trust',
        description: 'Example organisation for the security tests.',
      },
      { ownerOrganisationId: providerId },
    )
    const serviceId = randomUUID()
    const salId = randomUUID()
    await saveService(
      db,
      scope,
      actor,
      {
        service: {
          id: serviceId,
          organisationId,
          name: 'Example: Women’s recovery group',
          description: 'A weekly group for women in recovery.',
          status: 'draft',
          serviceType: 'community-treatment',
          substances: ['alcohol'],
          features: ['women-only-groups'],
          internalNotes: `Internal note of ${scope.councilName}`,
          contacts: [],
          serviceAreas: [],
          eligibility: { womenOnly: false },
          version: 1,
        },
        places: [
          {
            serviceAtLocationId: salId,
            location: {
              id: randomUUID(),
              name: 'Example: Recovery hub',
              addressLine1: '1 Example Street',
              town: 'London',
              postcode: 'NW4 4BG',
              latitude: 51.5874,
              longitude: -0.2238,
              accessibility: [],
            },
            schedules: [
              {
                id: randomUUID(),
                serviceAtLocationId: salId,
                dayOfWeek: 'monday',
                start: '10:00',
                end: '12:00',
                womenOnly: true,
                mode: 'in_person',
              },
            ],
          },
        ],
      },
      null,
    )
    return serviceId
  },
}

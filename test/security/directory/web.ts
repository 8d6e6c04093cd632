/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the service map; spread into test/security/route-matrix.ts.
 *
 * The signed-in directory pages (issue 4): commissioners and analysts see and change the whole of
 * their council's directory; provider users see and change the services of organisations their
 * organisation owns (a service they do not own is a 404, tested in test/directory/web/). Nobody
 * else may use them: panel members, partners and administrators are refused.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { memberships } from '../../../src/db/schema/index.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { makeDirectoryOrganisation, makeProviderOrganisation, makeService } from '../../support/factories.js'
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
    const providerId = await makeProviderOrganisation(db, scope, `Example: Recovery provider of ${scope.councilName}`)
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
    const organisationId = await makeDirectoryOrganisation(db, scope, {
      name: 'Example: Recovery Trust',
      description: 'Example organisation for the security tests.',
      owner: providerId,
    })
    const serviceId = await makeService(db, scope, {
      name: 'Example: Women’s recovery group',
      organisationId,
      description: 'A weekly group for women in recovery.',
      status: 'draft',
      serviceType: 'community-treatment',
      substances: ['alcohol'],
      features: ['women-only-groups'],
      internalNotes: `Internal note of ${scope.councilName}`,
      place: {
        name: 'Example: Recovery hub',
        addressLine1: '1 Example Street',
        latitude: 51.5874,
        longitude: -0.2238,
      },
      sessions: [['monday', '10:00', '12:00', true]],
    })
    return serviceId
  },
}

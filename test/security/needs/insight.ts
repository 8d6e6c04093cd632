/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the needs assessment; spread into test/security/route-matrix.ts.
 *
 * Local insight, priorities and the female share assumptions belong to the needs assessment:
 * commissioners and analysts may read and change all of them (issue 3); nobody else may.
 */
import type { FastifyInstance } from 'fastify'
import { insights, priorities } from '../../../src/db/schema/index.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

const needsTeam = ['commissioner', 'analyst'] as const

export const expected: Record<string, Expected> = {
  'GET /needs/insight': needsTeam,
  'GET /needs/insight/new': needsTeam,
  'POST /needs/insight': needsTeam,
  'GET /needs/insight/:id/edit': needsTeam,
  'POST /needs/insight/:id': needsTeam,
  'GET /needs/insight/:id/delete': needsTeam,
  'POST /needs/insight/:id/delete': needsTeam,
  'GET /needs/priorities': needsTeam,
  'GET /needs/priorities/new': needsTeam,
  'POST /needs/priorities': needsTeam,
  'GET /needs/priorities/:id': needsTeam,
  'GET /needs/priorities/:id/edit': needsTeam,
  'POST /needs/priorities/:id': needsTeam,
  'GET /needs/assumptions': needsTeam,
  'POST /needs/assumptions': needsTeam,
}

/** Records are inserted directly (not through the app's repository), so the harness does not depend on it. */
export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {
  insight: async (app, scope) => {
    const rows = await app.db
      .insert(insights)
      .values({
        tenantId: scope.tenantId,
        organisation: `Women's centre of ${scope.councilName}`,
        byAndFor: true,
        cohorts: ['minoritised_ethnic'],
        receivedOn: '2024-11-05',
        summary: 'Women said evening groups would help them keep coming.',
      })
      .returning({ id: insights.id })
    const id = rows[0]?.id
    if (!id) throw new Error('no insight id')
    return id
  },
  priority: async (app, scope) => {
    const rows = await app.db
      .insert(priorities)
      .values({
        tenantId: scope.tenantId,
        title: 'Women leaving treatment early',
        finding: 'More women than men leave treatment in the first twelve weeks.',
        evidence: 'Exits section of the assessment.',
        cohorts: ['mothers'],
        status: 'draft',
      })
      .returning({ id: priorities.id })
    const id = rows[0]?.id
    if (!id) throw new Error('no priority id')
    return id
  },
}

/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the service map; spread into test/security/route-matrix.ts.
 *
 * The gap and co-location analysis is for the council's commissioning team: commissioners and
 * analysts (issue 4, "Analysis for commissioners"). Providers, panel members, partners and
 * administrators do not see it. The map of published services is also open to providers and panel
 * members. No route has an id in its address, so there are no factories.
 */
import type { FastifyInstance } from 'fastify'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

const commissioningTeam = ['commissioner', 'analyst'] as const

export const expected: Record<string, Expected> = {
  'GET /directory/analysis': commissioningTeam,
  'GET /directory/analysis/distance': commissioningTeam,
  'GET /directory/analysis/time': commissioningTeam,
  'GET /directory/analysis/features': commissioningTeam,
  'GET /directory/analysis/cohorts': commissioningTeam,
  'GET /directory/analysis/colocation': commissioningTeam,
  // The map of published services (ADR 21): what a woman searching can find, so lived-experience
  // panel members may see it too; not partners or administrators.
  'GET /directory/map': ['commissioner', 'analyst', 'provider', 'panel_member'],
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {}

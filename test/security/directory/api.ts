/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the service map; spread into test/security/route-matrix.ts.
 *
 * The Open Referral UK API is a national open-data feed: anyone may read it without signing in
 * (issue 4). Importing an Open Referral UK file into a council's directory is for the council's
 * commissioners and analysts; completing what an import left to review and mapping other
 * directories' terms, for commissioners.
 */
import type { FastifyInstance } from 'fastify'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

const directoryTeam = ['commissioner', 'analyst'] as const

export const expected: Record<string, Expected> = {
  'GET /api/oruk/': 'public',
  'GET /api/oruk/openapi.json': 'public',
  'GET /api/oruk/services': 'public',
  'GET /api/oruk/services/:id': 'public',
  'GET /api/oruk/service_at_locations': 'public',
  'GET /api/oruk/service_at_locations/:id': 'public',
  'GET /api/oruk/taxonomies': 'public',
  'GET /api/oruk/taxonomies/:id': 'public',
  'GET /api/oruk/taxonomy_terms': 'public',
  'GET /api/oruk/taxonomy_terms/:id': 'public',
  'GET /directory/import': directoryTeam,
  'POST /directory/import': directoryTeam,
  // What imports leave to review, and the council's meanings of other directories' terms (ADR 0015).
  'GET /directory/review': ['commissioner'],
  'GET /directory/term-mappings': ['commissioner'],
  'GET /directory/term-mappings/edit': ['commissioner'],
  'POST /directory/term-mappings': ['commissioner'],
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {}

/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the needs assessment; spread into test/security/route-matrix.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

/** The assessment's pages (overview, a page per section, how to read) and their downloads (same addresses, `?format=`): commissioners and analysts only. */
export const expected: Record<string, Expected> = {
  'GET /needs': ['commissioner', 'analyst'],
  'GET /needs/how-to-read': ['commissioner', 'analyst'],
  'GET /needs/access': ['commissioner', 'analyst'],
  'GET /needs/unmet-need': ['commissioner', 'analyst'],
  'GET /needs/referrals': ['commissioner', 'analyst'],
  'GET /needs/exits': ['commissioner', 'analyst'],
  'GET /needs/safeguarding': ['commissioner', 'analyst'],
  'GET /needs/representation': ['commissioner', 'analyst'],
  'GET /needs/harm': ['commissioner', 'analyst'],
  'GET /needs/local-insight': ['commissioner', 'analyst'],
  'GET /needs/recorded-priorities': ['commissioner', 'analyst'],
  'GET /needs/report.docx': ['commissioner', 'analyst'],
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {}

/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the needs assessment; spread into test/security/route-matrix.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

/** The assessment page and its downloads (same address, `?format=`): commissioners and analysts only. */
export const expected: Record<string, Expected> = {
  'GET /needs': ['commissioner', 'analyst'],
  'GET /needs/report.docx': ['commissioner', 'analyst'],
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {}

/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the service map; spread into test/security/route-matrix.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

export const expected: Record<string, Expected> = {}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {}

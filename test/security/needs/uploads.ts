/**
 * Expected access (written by hand from the product's rules) and tenant-resource factories for
 * this part of the needs assessment; spread into test/security/route-matrix.ts.
 *
 * The needs assessment's data pages are for commissioners and analysts only (issue 3): both may
 * import files and read what was imported.
 */
import type { FastifyInstance } from 'fastify'
import { dataImports } from '../../../src/db/schema/index.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import type { Expected } from '../route-matrix.js'

const needsTeam = ['commissioner', 'analyst'] as const

export const expected: Record<string, Expected> = {
  'GET /needs/imports': needsTeam,
  'POST /needs/imports': needsTeam,
  'GET /needs/imports/:id': needsTeam,
  'GET /needs/templates': needsTeam,
  'GET /needs/templates/prevalence-template.csv': needsTeam,
  'GET /needs/templates/population-template.csv': needsTeam,
  'GET /needs/templates/indicator-template.csv': needsTeam,
}

export const factories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {
  'data-import': async (app, scope) => {
    const rows = await app.db
      .insert(dataImports)
      .values({
        tenantId: scope.tenantId,
        kind: 'indicator',
        fileName: `indicators-${scope.areaCode}.csv`,
        source: 'Local indicators (test record)',
        coverage: { indicators: ['alcohol_admissions'], periods: ['2023'] },
        rowsRead: 2,
        rowsStored: 2,
        rowsRefused: 0,
        refusals: [],
        warnings: [],
      })
      .returning({ id: dataImports.id })
    const id = rows[0]?.id
    if (!id) throw new Error('no data import id')
    return id
  },
}

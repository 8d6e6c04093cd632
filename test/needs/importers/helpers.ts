/** Shared set-up for the importer tests: a database with councils, temp files, table digests. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import {
  importFile,
  ImportRefusedError,
  type ImportKind,
  type ImportSummary,
} from '../../../src/features/needs/importers/index.js'
import { queryRows } from '../../../src/platform/db/index.js'
import { makeCouncil } from '../../support/factories.js'
import { fromRoot } from '../../../src/platform/root.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'

export const REFERENCE = {
  viewit: fromRoot('src/db/reference/needs/viewit-la-barnet-2009-2022.csv'),
  ocu: fromRoot('src/db/reference/needs/fingertips-93517-unmet-need-ocu.csv'),
  alcohol: fromRoot('src/db/reference/needs/fingertips-93532-unmet-need-alcohol.csv'),
  dependence: fromRoot('src/db/reference/needs/alcohol-dependence-estimates-utla.csv'),
}

export const TEMPLATES = {
  prevalence: fromRoot('src/features/needs/importers/templates/prevalence-template.csv'),
  population: fromRoot('src/features/needs/importers/templates/population-template.csv'),
  indicator: fromRoot('src/features/needs/importers/templates/indicator-template.csv'),
  readme: fromRoot('src/features/needs/importers/templates/README.md'),
}

export interface Setup {
  database: TestDatabase
  barnet: TenantScope
  hartlepool: TenantScope
  dir: string
  /** Writes a file in this setup's temp folder and returns its path. */
  file(name: string, content: string | Buffer): string
  run(kind: ImportKind, filePath: string, scope?: TenantScope): Promise<ImportSummary>
  /** Runs an import that must be refused; returns the refusal summary. */
  refused(kind: ImportKind, filePath: string, scope?: TenantScope): Promise<ImportSummary>
  digest(): Promise<string>
  count(table: string, scope?: TenantScope): Promise<number>
  close(): Promise<void>
}

const TABLES = [
  'data_imports',
  'ndtms_rows',
  'fingertips_values',
  'prevalence_estimates',
  'population_estimates',
  'local_indicators',
  'audit_events',
]

export async function setup(): Promise<Setup> {
  const database = await createTestDatabase()
  const barnet = await makeCouncil(database.db, 'E09000003')
  const hartlepool = await makeCouncil(database.db, 'E06000001')
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wtc-import-test-'))
  const s: Setup = {
    database,
    barnet,
    hartlepool,
    dir,
    file(name, content) {
      const p = path.join(dir, name)
      writeFileSync(p, content)
      return p
    },
    run(kind, filePath, scope = barnet) {
      return importFile(database.db, scope, { kind, filePath, fileName: path.basename(filePath), userId: null })
    },
    async refused(kind, filePath, scope = barnet) {
      try {
        await s.run(kind, filePath, scope)
      } catch (err) {
        expect(err).toBeInstanceOf(ImportRefusedError)
        return (err as ImportRefusedError).summary
      }
      throw new Error(`The import of ${filePath} was not refused`)
    },
    async digest() {
      const parts: string[] = []
      for (const table of TABLES) {
        const rows = await queryRows<{ n: string; h: string | null }>(
          database.db,
          sql.raw(`SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`),
        )
        parts.push(`${table}:${rows[0]?.n ?? '?'}:${rows[0]?.h ?? ''}`)
      }
      return parts.join('\n')
    },
    async count(table, scope) {
      const where = scope ? ` WHERE tenant_id = '${scope.tenantId}'` : ''
      const rows = await queryRows<{ n: string }>(
        database.db,
        sql.raw(`SELECT count(*)::text AS n FROM ${table}${where}`),
      )
      return Number(rows[0]?.n ?? -1)
    },
    async close() {
      rmSync(dir, { recursive: true, force: true })
      await database.close()
    },
  }
  return s
}

/** A CSV file's text with its header and data rows as arrays (a simple parser for fixtures without quotes). */
export function readLines(filePath: string): string[] {
  return readFileSync(filePath, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '')
}

/** Splits one CSV line that may hold quoted fields. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c ?? ''
    } else if (c === '"') quoted = true
    else if (c === ',') {
      out.push(field)
      field = ''
    } else field += c ?? ''
  }
  out.push(field)
  return out
}

export function joinCsvLine(cells: string[]): string {
  return cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')
}

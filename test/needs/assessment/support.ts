/** Helpers for the assessment tests: hand-made data written straight to the tables, and reading tables back out of the page. */
import { parse } from 'csv-parse/sync'
import { dataImports, ndtmsRows } from '../../../src/db/schema/index.js'
import type { DbOrTx } from '../../../src/platform/db/index.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'

/** A data_imports row for hand-made test data. */
export async function insertImport(
  db: DbOrTx,
  scope: TenantScope,
  kind: (typeof dataImports.$inferInsert)['kind'],
  source = 'Hand-made test data',
): Promise<string> {
  const rows = await db
    .insert(dataImports)
    .values({
      tenantId: scope.tenantId,
      kind,
      fileName: `${kind}.csv`,
      source,
      coverage: {},
      rowsRead: 0,
      rowsStored: 0,
      rowsRefused: 0,
      refusals: [],
      warnings: [],
    })
    .returning({ id: dataImports.id })
  const id = rows[0]?.id
  if (!id) throw new Error('no import id')
  return id
}

export interface HandRow {
  period: string
  sex: 'F' | 'M' | 'Persons'
  age?: string
  substance?: string
  measures: Record<string, number | null>
  suppressed?: string[]
  areaCode?: string
  areaName?: string
  areaLevel?: string
}

export async function insertNdtms(db: DbOrTx, scope: TenantScope, importId: string, rows: HandRow[]): Promise<void> {
  await db.insert(ndtmsRows).values(
    rows.map((r) => ({
      tenantId: scope.tenantId,
      importId,
      period: r.period,
      areaCode: r.areaCode ?? scope.areaCode,
      areaName: r.areaName ?? scope.councilName,
      areaLevel: r.areaLevel ?? 'council',
      sex: r.sex,
      ageGroup: r.age ?? 'all',
      substanceGroup: r.substance ?? 'all',
      measures: r.measures,
      suppressed: r.suppressed ?? [],
      rounded: false,
    })),
  )
}

const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' }

export function decodeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (m) => entities[m] ?? m)
}

/** The body cells of the table with id `table-<id>` on a page, as the text a reader sees. */
export function htmlTableCells(html: string, id: string): string[][] {
  const start = html.indexOf(`id="table-${id}"`)
  if (start < 0) throw new Error(`no table ${id} on the page`)
  const end = html.indexOf('</table>', start)
  const tableHtml = html.slice(start, end)
  const body = tableHtml.slice(tableHtml.indexOf('<tbody'))
  const rows = [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '')
  return rows.map((row) =>
    [...row.matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
      decodeHtml((m[1] ?? '').replace(/<[^>]+>/g, ''))
        .replace(/\s*\(modelled\)\s*$/, '')
        .trim(),
    ),
  )
}

/** The column headers of the table with id `table-<id>`. */
export function htmlTableHeaders(html: string, id: string): string[] {
  const start = html.indexOf(`id="table-${id}"`)
  const end = html.indexOf('</thead>', start)
  return [...html.slice(start, end).matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => decodeHtml(m[1] ?? '').trim())
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = parse(text, { bom: true })
  return rows
}

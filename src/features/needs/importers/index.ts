/**
 * The import engine (issue 3). `importFile` streams a file, checks every row, and stores all of it
 * in one transaction or nothing: a file with any refused row, or a problem with the file as a
 * whole, throws ImportRefusedError naming each problem (row, column, value, reason), and the
 * database is left as it was. Re-importing the same source and period replaces the earlier rows
 * in the same transaction, so importing a file twice gives the same data.
 *
 * Rows are written in batches while the file is read (memory stays bounded whatever the file's
 * size); once a row is refused nothing more is written, the rest of the file is still checked so
 * that the summary counts every refused row, and the transaction is rolled back.
 *
 * Progress is by bytes read. Inside the transaction, progress callbacks are not awaited: on the
 * embedded database (one connection) a progress write outside the transaction would wait for the
 * transaction to end.
 */
import { eq, and } from 'drizzle-orm'
import { dataImports, importKinds, users } from '../../../db/schema/index.js'
import { recordAudit } from '../../../platform/audit.js'
import { bumpDataVersion } from '../../../platform/cache.js'
import type { Db, DbOrTx } from '../../../platform/db/index.js'
import { fromRoot } from '../../../platform/root.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { loadAreaIndex } from './areas.js'
import { createFingertipsImporter } from './fingertips.js'
import { createIndicatorImporter } from './indicator.js'
import { createPopulationImporter } from './population.js'
import { createPrevalenceImporter } from './prevalence.js'
import { CsvStructureError, openCsv, plural, RowShape } from './shared.js'
import { type ImportKind, ImportRefusedError, type ImportSummary, type KindImporter, Refusals } from './types.js'
import { createViewItImporter } from './viewit.js'
import {
  deleteCoverage,
  insertRows,
  isUniqueViolation,
  keyStored,
  keyString,
  KeyHashes,
  type RowValues,
} from './writer.js'

export { ImportRefusedError, MAX_REFUSALS } from './types.js'
export type { ImportKind, ImportSummary, Refusal } from './types.js'

export interface ImportRequest {
  kind: ImportKind
  filePath: string
  fileName: string
  userId: string | null
  jobId?: string | null
  /** Who the audit trail names when there is no user (default 'wtc cli'). */
  actorLabel?: string
}

export const importKindInfo: Record<ImportKind, { label: string; description: string; template?: string }> = {
  'ndtms-viewit': {
    label: 'NDTMS ViewIt adult treatment export',
    description:
      'The NDTMS ViewIt export for your area (CSV): people in treatment, new presentations, referrals, exits and more, by period, sex, age group and drug group. A national or regional release is stored as England or region comparators.',
  },
  fingertips: {
    label: 'Fingertips indicator data',
    description:
      'A CSV download from OHID Fingertips for any indicator, such as unmet need for treatment (93517, 93532) or alcohol-specific admissions.',
  },
  'prevalence-alcohol': {
    label: 'Alcohol dependence prevalence estimates',
    description:
      'The published estimates of alcohol-dependent adults by local authority, or your own estimates in the prevalence template.',
    template: 'prevalence-template.csv',
  },
  'prevalence-ocu': {
    label: 'Opiate and crack cocaine use (OCU) prevalence estimates',
    description:
      'Estimates of opiate and crack cocaine users, with 95% confidence intervals, in the prevalence template.',
    template: 'prevalence-template.csv',
  },
  population: {
    label: 'Local population estimates',
    description:
      'The population of your area by sex and age, and by ethnicity, sexuality, disability or religion, in the population template; or ONS mid-year estimates with single years of age in columns.',
    template: 'population-template.csv',
  },
  indicator: {
    label: 'Local indicators',
    description:
      'Local figures such as hospital admissions, deaths, criminal justice or children’s social care, in the indicator template.',
    template: 'indicator-template.csv',
  },
}

/** The templates and their guide, as shipped in templates/ (for download links). */
export const TEMPLATE_FILES = [
  'prevalence-template.csv',
  'population-template.csv',
  'indicator-template.csv',
  'README.md',
] as const

/** The path of a shipped template or its guide; null for any other name (no path tricks). */
export function templatePath(name: string): string | null {
  return (TEMPLATE_FILES as readonly string[]).includes(name)
    ? fromRoot('src/features/needs/importers/templates', name)
    : null
}

export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === 'string' && (importKinds as readonly string[]).includes(value)
}

async function createImporter(kind: ImportKind, db: DbOrTx, scope: TenantScope): Promise<KindImporter> {
  switch (kind) {
    case 'ndtms-viewit':
      return createViewItImporter({ scope, areas: await loadAreaIndex(db) })
    case 'fingertips':
      return createFingertipsImporter({ scope, areas: await loadAreaIndex(db) })
    case 'prevalence-alcohol':
      return createPrevalenceImporter({ scope, kind: 'alcohol', areas: await loadAreaIndex(db) })
    case 'prevalence-ocu':
      return createPrevalenceImporter({ scope, kind: 'ocu', areas: await loadAreaIndex(db) })
    case 'population':
      return createPopulationImporter({ scope, areas: await loadAreaIndex(db) })
    case 'indicator':
      return createIndicatorImporter({ scope, areas: await loadAreaIndex(db) })
  }
}

type ProgressFn = (percent: number, message: string) => void | Promise<void>

/** Streams the file, validates every row, and stores all of it in one transaction or nothing. */
export async function importFile(
  db: Db,
  scope: TenantScope,
  request: ImportRequest,
  onProgress?: ProgressFn,
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    importId: null,
    kind: request.kind,
    fileName: request.fileName,
    rowsRead: 0,
    rowsStored: 0,
    rowsRefused: 0,
    refusals: [],
    warnings: [],
    coverage: {},
    replacedRows: 0,
  }
  const refusals = new Refusals()
  const refused = (): ImportRefusedError => {
    summary.rowsStored = 0
    summary.replacedRows = 0
    summary.refusals = refusals.list
    summary.rowsRefused = refusals.rowsRefused
    return new ImportRefusedError(summary)
  }
  if (!isImportKind(request.kind)) {
    refusals.file(0, '', String(request.kind), 'This is not a kind of file WTC can import.')
    throw refused()
  }

  let reader
  try {
    reader = await openCsv(request.filePath)
  } catch {
    refusals.file(0, '', request.fileName, 'The file could not be opened. Upload it again.')
    throw refused()
  }
  if (reader.size === 0) {
    reader.close()
    refusals.file(0, '', '', 'The file is empty.')
    throw refused()
  }

  let lastPercent = -1
  const progress = (fraction: number, message: () => string) => {
    const percent = Math.floor(Math.max(0, Math.min(1, fraction)) * 100)
    if (percent === lastPercent || !onProgress) return
    lastPercent = percent
    const text = message()
    // Not awaited: see the module comment.
    void Promise.resolve()
      .then(() => onProgress(percent, text))
      .catch(() => undefined)
  }
  const label = request.actorLabel ?? (await actorLabel(db, scope, request.userId))

  try {
    return await db.transaction(async (tx) => {
      const importer = await createImporter(request.kind, tx, scope)
      const inserted = await tx
        .insert(dataImports)
        .values({
          tenantId: scope.tenantId,
          kind: request.kind,
          fileName: request.fileName,
          source: '',
          coverage: {},
          rowsRead: 0,
          rowsStored: 0,
          rowsRefused: 0,
          refusals: [],
          warnings: [],
          importedBy: request.userId,
          jobId: request.jobId ?? null,
        })
        .returning({ id: dataImports.id })
      const importId = inserted[0]?.id
      if (!importId) throw new Error('Could not record the import')

      const spec = importer.table
      const covered = new Set<string>()
      const hashes = new KeyHashes()
      const repeatReason = `Another row has the same ${importer.keyDescription}. Each combination may appear once.`
      let batch: RowValues[] = []
      // One batch is written while the next is read: `pending` is the write in flight.
      let pending: Promise<void> = Promise.resolve()
      const settle = async () => {
        try {
          await pending
        } catch (err) {
          pending = Promise.resolve()
          if (!isUniqueViolation(err)) throw err
          // Keys are checked before writing, so only an import of the same data running at the
          // same time can get here; the transaction is void, so report it and write nothing more.
          refusals.file(
            0,
            '',
            '',
            'Another import of the same data was stored while this one ran. Import the file again.',
          )
        }
      }
      const flush = async () => {
        const rows = batch
        batch = []
        if (rows.length === 0 || refusals.any()) return
        const fresh: Record<string, unknown>[] = []
        for (const row of rows) {
          const cover = Object.fromEntries(spec.coverage.map((c) => [c, row[c] ?? null]))
          const key = JSON.stringify(cover)
          if (!covered.has(key)) {
            covered.add(key)
            fresh.push(cover)
          }
        }
        await settle()
        if (refusals.any()) return
        pending = (async () => {
          summary.replacedRows += await deleteCoverage(tx, spec, scope.tenantId, importId, fresh)
          await insertRows(tx, spec, scope.tenantId, importId, rows)
          summary.rowsStored += rows.length
        })()
        pending.catch(() => undefined) // handled by settle()
      }
      /** Whether an earlier row of the file has this row's key (exact, whatever the hash says). */
      const repeated = async (values: RowValues): Promise<boolean> => {
        const key = keyString(spec, values)
        const hash = KeyHashes.hash(key)
        if (!hashes.has(hash)) {
          hashes.add(hash)
          return false
        }
        // Once a row is refused nothing more is kept to compare with: trust the hash (a false
        // match then is about as likely as 1 in 10^10 and only adds to a refused file's list).
        if (refusals.any()) return true
        if (batch.some((r) => keyString(spec, r) === key)) return true
        await settle()
        if (refusals.any()) return true
        return keyStored(tx, spec, scope.tenantId, importId, values)
      }

      let headerSeen = false
      const shape = new RowShape()
      try {
        reading: for await (const chunk of reader.records) {
          for (const record of chunk) {
            if (!headerSeen) {
              headerSeen = true
              importer.header(record.cells, (column, reason) => {
                refusals.file(1, column, '', reason)
              })
              if (refusals.any()) break reading
              shape.setHeader(record.cells, importer.requiredColumns())
              continue
            }
            if (record.cells.every((c) => c.trim() === '')) continue
            summary.rowsRead++
            const cells = shape.check(record.cells, record.line, (column, value, reason) => {
              refusals.add(record.line, column, value, reason)
            })
            if (!cells) continue
            const values = importer.row(cells, record.line, (column, value, reason) => {
              refusals.add(record.line, column, value, reason)
            })
            if (values === 'skip' || values === null) continue
            for (const one of Array.isArray(values) ? values : [values]) {
              if (await repeated(one)) {
                refusals.add(record.line, '', '', repeatReason)
                break
              }
              if (!refusals.any()) {
                batch.push(one)
                if (batch.length >= importer.batchSize) await flush()
              }
            }
          }
          progress(
            reader.bytesRead / reader.size,
            () =>
              `Checked ${plural(summary.rowsRead, 'row')}${refusals.any() ? '' : `, stored ${summary.rowsStored.toLocaleString('en-GB')}`}`,
          )
        }
      } catch (err) {
        if (!(err instanceof CsvStructureError)) throw err
        refusals.file(err.line, '', '', err.message)
      } finally {
        reader.close()
      }
      if (!headerSeen && !refusals.any()) refusals.file(0, '', '', 'The file is empty.')
      if (refusals.fileProblems > 0) {
        await settle().catch(() => undefined)
        throw refused()
      }
      await flush()
      await settle()

      const end = importer.finish(summary.rowsRead)
      for (const problem of end.problems) refusals.file(0, '', '', problem)
      summary.warnings = [...reader.warnings, ...shape.warnings(), ...end.warnings]
      summary.coverage = end.coverage
      if (refusals.any()) throw refused()

      await tx
        .update(dataImports)
        .set({
          source: end.source,
          coverage: { ...end.coverage, replacedRows: summary.replacedRows },
          rowsRead: summary.rowsRead,
          rowsStored: summary.rowsStored,
          rowsRefused: 0,
          refusals: [],
          warnings: summary.warnings,
        })
        .where(and(eq(dataImports.id, importId), eq(dataImports.tenantId, scope.tenantId)))
      await recordAudit(tx, {
        action: 'needs.import',
        tenantId: scope.tenantId,
        actor: { userId: request.userId, label },
        subjectType: 'data_import',
        subjectId: importId,
        details: {
          kind: request.kind,
          fileName: request.fileName,
          rowsRead: summary.rowsRead,
          rowsStored: summary.rowsStored,
          replacedRows: summary.replacedRows,
          coverage: summary.coverage,
        },
      })
      await bumpDataVersion(tx, scope.tenantId, 'needs')
      summary.importId = importId
      progress(1, () => `Stored ${plural(summary.rowsStored, 'row')}`)
      return summary
    })
  } finally {
    reader.close()
  }
}

async function actorLabel(db: DbOrTx, scope: TenantScope, userId: string | null): Promise<string> {
  if (!userId) return 'wtc cli'
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, scope.tenantId)))
    .limit(1)
  return rows[0]?.email ?? 'unknown'
}

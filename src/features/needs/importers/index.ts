/**
 * The import engine (issue 3). `importFile` streams a file, checks every row, and stores all of it
 * in one transaction or nothing: a file with any refused row, or a problem with the file as a
 * whole, throws ImportRefusedError naming each problem (row, column, value, reason), and the
 * database is left as it was. Re-importing the same source and period replaces the earlier rows
 * in the same transaction, so importing a file twice gives the same data.
 *
 * Checked rows are staged while the file is read (writer.ts, ADR 17: COPY into a TEMP table,
 * memory bounded whatever the file's size); once a row is refused nothing more is staged, the rest
 * of the file is still checked so that the summary counts every refused row, and nothing is
 * merged. Only a file with no problem at all is merged, in one transaction with its import record
 * and audit entry.
 *
 * Progress is by bytes read, then the merge. Progress callbacks are not awaited: during the merge
 * on the embedded database (one connection) a progress write would wait for the transaction.
 */
import { eq, and } from 'drizzle-orm'
import { dataImports, importKinds, users } from '../../../db/schema/index.js'
import { listInWords } from '../../../lib/words.js'
import { recordAudit } from '../../../platform/audit.js'
import { bumpDataVersion } from '../../../platform/cache.js'
import { advisoryXactLock, type Db, type DbOrTx } from '../../../platform/db/index.js'
import { fromRoot } from '../../../platform/root.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { loadAreaIndex } from './areas.js'
import { createFingertipsImporter } from './fingertips.js'
import { createIndicatorImporter } from './indicator.js'
import { createPopulationImporter } from './population.js'
import { createPrevalenceImporter } from './prevalence.js'
import { CsvStructureError, openCsv, plural, RowShape } from './shared.js'
import {
  type ImportKind,
  ImportRefusedError,
  type ImportSummary,
  type KindImporter,
  MAX_REFUSALS,
  type Refusal,
  Refusals,
} from './types.js'
import {
  CouncilLimitError,
  councilLimitProblem,
  DEFAULT_IMPORT_LIMITS,
  holdsIndicators,
  ImportLimitCheck,
  type ImportLimits,
} from './limits.js'
import { createViewItImporter } from './viewit.js'
import {
  isUniqueViolation,
  keyString,
  KeyHashes,
  openStagedWriter,
  type RowValues,
  type StagedWriter,
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
  /** Rows and indicators one import and one council may hold (config.importLimits; limits.ts). */
  limits?: ImportLimits
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
/**
 * The other kinds of file whose header checks pass on this header: when a file is refused for its
 * header, the page can say what it looks like (a Fingertips download chosen as population
 * estimates, say). Each kind's own header check decides, so this never drifts from the importers.
 */
export async function kindsWhoseHeaderFits(
  header: string[],
  chosen: ImportKind,
  db: DbOrTx,
  scope: TenantScope,
): Promise<ImportKind[]> {
  const fits: ImportKind[] = []
  for (const kind of importKinds) {
    if (kind === chosen) continue
    const other = await createImporter(kind, db, scope)
    let problems = 0
    other.header(header, () => {
      problems++
    })
    if (problems === 0) fits.push(kind)
  }
  return fits
}

export function wrongKindMessage(chosen: ImportKind, like: readonly ImportKind[]): string {
  const list = listInWords(
    like.map((k) => `"${importKindInfo[k].label}"`),
    'or',
  )
  return `This file looks like ${list}, not "${importKindInfo[chosen].label}". Start the import again and choose that kind of file, or check that this is the file you meant.`
}

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

/** Progress shown while the file is read and staged; the merge takes the rest. */
const READING_SHARE = 0.9
/** Rows whose key hash repeats, kept to be checked exactly; beyond this the hash is trusted. */
const MAX_SUSPECTS = 100_000

/** Advisory lock space of needs imports (key: council and kind of data). */
const IMPORT_LOCK = 727105
export const IMPORT_WAITING_MESSAGE =
  'Waiting for another import of the same kind of data for this council to finish, then this one will be stored'

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
    summary.refusals = inRowOrder(refusals.list)
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
  /** Reports progress when the percentage changed, or always when `step` (a new stage begins). */
  const progress = (fraction: number, message: () => string, step = false) => {
    const percent = Math.floor(Math.max(0, Math.min(1, fraction)) * 100)
    if ((percent === lastPercent && !step) || !onProgress) return
    lastPercent = percent
    const text = message()
    // Not awaited: see the module comment.
    void Promise.resolve()
      .then(() => onProgress(percent, text))
      .catch(() => undefined)
  }
  const label = request.actorLabel ?? (await actorLabel(db, scope, request.userId))

  const importer = await createImporter(request.kind, db, scope)
  const spec = importer.table
  let writer: StagedWriter | undefined
  try {
    writer = await openStagedWriter(db, spec, scope.tenantId)
    const staged = writer
    const hashes = new KeyHashes()
    /** Staged rows (by number) whose key hash an earlier row had: checked exactly after staging. */
    const suspects: number[] = []
    const repeatReason = `Another row has the same ${importer.keyDescription}. Each combination may appear once.`
    /** Whether the row's key certainly repeats an earlier row's (suspects are settled later). */
    const repeated = (values: RowValues): boolean => {
      const hash = KeyHashes.hash(keyString(spec, values))
      if (!hashes.has(hash)) {
        hashes.add(hash)
        return false
      }
      // Once a row is refused nothing more is staged to compare with: trust the hash (a false
      // match then is about as likely as 1 in 10^10 and only adds to a refused file's list).
      if (refusals.any() || suspects.length >= MAX_SUSPECTS) return true
      suspects.push(staged.rowsStaged)
      return false
    }

    let headerSeen = false
    const shape = new RowShape()
    const limits = request.limits ?? DEFAULT_IMPORT_LIMITS
    const limitCheck = new ImportLimitCheck(limits, spec.name)
    try {
      reading: for await (const chunk of reader.records) {
        for (const record of chunk) {
          if (!headerSeen) {
            headerSeen = true
            importer.header(record.cells, (column, reason) => {
              refusals.file(1, column, '', reason)
            })
            if (refusals.any()) {
              const like = await kindsWhoseHeaderFits(record.cells, request.kind, db, scope)
              if (like.length > 0) {
                refusals.file(1, '', '', wrongKindMessage(request.kind, like))
              }
              break reading
            }
            shape.setHeader(record.cells, importer.requiredColumns())
            continue
          }
          if (record.cells.every((c) => c.trim() === '')) continue
          summary.rowsRead++
          const tooManyRows = limitCheck.rows(summary.rowsRead)
          if (tooManyRows) {
            refusals.file(record.line, '', '', tooManyRows)
            break reading
          }
          const cells = shape.check(record.cells, record.line, (column, value, reason) => {
            refusals.add(record.line, column, value, reason)
          })
          if (!cells) continue
          const values = importer.row(cells, record.line, (column, value, reason) => {
            refusals.add(record.line, column, value, reason)
          })
          if (values === 'skip' || values === null) continue
          for (const one of Array.isArray(values) ? values : [values]) {
            const tooMany = limitCheck.indicator(one)
            if (tooMany) {
              refusals.file(record.line, tooMany.column, tooMany.value, tooMany.reason)
              break reading
            }
            if (repeated(one)) {
              refusals.add(record.line, '', '', repeatReason)
              break
            }
            if (!refusals.any()) {
              const wait = staged.add(one, record.line)
              if (wait) await wait
            }
          }
        }
        progress(READING_SHARE * (reader.bytesRead / reader.size), () => `Checked ${plural(summary.rowsRead, 'row')}`)
      }
    } catch (err) {
      if (!(err instanceof CsvStructureError)) throw err
      refusals.file(err.line, '', '', err.message)
    } finally {
      reader.close()
    }
    if (!headerSeen && !refusals.any()) refusals.file(0, '', '', 'The file is empty.')
    if (refusals.fileProblems > 0) throw refused()
    await staged.finishStaging()

    // The suspects all came before the first refused row, so every row they could repeat is staged.
    if (suspects.length > 0) {
      const found = await staged.repeatedLines(suspects, MAX_REFUSALS)
      for (const line of found.lines) refusals.add(line, '', '', repeatReason)
      // The rest are only counted (the list is full by now): one distinct stand-in row each.
      for (let i = found.lines.length; i < found.count; i++) refusals.add(-1 - i, '', '', repeatReason)
    }

    const end = importer.finish(summary.rowsRead)
    for (const problem of end.problems) refusals.file(0, '', '', problem)
    summary.warnings = [...reader.warnings, ...shape.warnings(), ...end.warnings]
    summary.coverage = end.coverage
    if (refusals.any()) throw refused()

    progress(READING_SHARE, () => `Storing ${plural(staged.rowsStaged, 'row')}`, true)
    try {
      const importId = await staged.merge(async (tx, merge) => {
        // One merge of a council's data of one kind at a time; a second one says it is waiting.
        await advisoryXactLock(tx, IMPORT_LOCK, `${scope.tenantId}:${request.kind}`, () => {
          void Promise.resolve()
            .then(() => onProgress?.(Math.floor(READING_SHARE * 100), IMPORT_WAITING_MESSAGE))
            .catch(() => undefined)
        })
        const inserted = await tx
          .insert(dataImports)
          .values({
            tenantId: scope.tenantId,
            kind: request.kind,
            fileName: request.fileName,
            source: end.source,
            coverage: end.coverage,
            rowsRead: summary.rowsRead,
            rowsStored: 0,
            rowsRefused: 0,
            refusals: [],
            warnings: summary.warnings,
            importedBy: request.userId,
            jobId: request.jobId ?? null,
          })
          .returning({ id: dataImports.id })
        const id = inserted[0]?.id
        if (!id) throw new Error('Could not record the import')
        const merged = await merge(id)
        summary.rowsStored = merged.rowsStored
        summary.replacedRows = merged.replacedRows
        if (holdsIndicators(spec.name)) {
          const overLimit = await councilLimitProblem(tx, scope.tenantId, limits)
          if (overLimit) throw new CouncilLimitError(overLimit)
        }
        await tx
          .update(dataImports)
          .set({
            coverage: { ...end.coverage, replacedRows: summary.replacedRows },
            rowsStored: summary.rowsStored,
          })
          .where(and(eq(dataImports.id, id), eq(dataImports.tenantId, scope.tenantId)))
        await recordAudit(tx, {
          action: 'needs.import',
          tenantId: scope.tenantId,
          actor: { userId: request.userId, label },
          subjectType: 'data_import',
          subjectId: id,
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
        return id
      })
      summary.importId = importId
    } catch (err) {
      summary.rowsStored = 0
      summary.replacedRows = 0
      if (err instanceof CouncilLimitError) {
        refusals.file(0, '', '', err.message)
        throw refused()
      }
      if (!isUniqueViolation(err)) throw err
      // Keys are checked before the merge, so only an import of the same data committed while this
      // one ran can get here; the transaction rolled back, so nothing of this file was stored.
      refusals.file(0, '', '', 'Another import of the same data was stored while this one ran. Import the file again.')
      throw refused()
    }
    progress(1, () => `Stored ${plural(summary.rowsStored, 'row')}`, true)
    return summary
  } finally {
    reader.close()
    await writer?.close()
  }
}

/**
 * Repeated keys are found after staging, so they are added after later rows' problems: put the
 * problems of data rows back in file order, leaving problems with the file as a whole in place.
 */
function inRowOrder(list: Refusal[]): Refusal[] {
  const positions: number[] = []
  list.forEach((r, i) => {
    if (r.row > 1) positions.push(i)
  })
  const rows = positions.map((i) => list[i]).filter((r): r is Refusal => r !== undefined)
  rows.sort((a, b) => a.row - b.row)
  const out = [...list]
  positions.forEach((at, k) => {
    const r = rows[k]
    if (r) out[at] = r
  })
  return out
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

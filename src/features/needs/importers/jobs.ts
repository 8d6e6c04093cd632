/**
 * The `needs-import` job: imports one uploaded file with importFile, reporting progress by bytes
 * read. Params: { kind, filePath, fileName, deleteAfter }. Result: { importId, summary }. A refused
 * file fails the job with the refusal message, and the summary (every refused row) is kept in
 * the job's result for the page. The uploaded file is deleted afterwards when `deleteAfter`.
 *
 * The import's record (data_imports, with this job's id) is written in the same transaction as its
 * rows, so when the process stopped after the commit but before the job was marked finished, the
 * record says what was stored and the job is settled as succeeded from it (issue 10, point 5).
 */
import { rm } from 'node:fs/promises'
import { and, eq } from 'drizzle-orm'
import { dataImports } from '../../../db/schema/index.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { JobFailure, type JobRow, type JobRunner } from '../../../platform/jobs.js'
import { importFile, ImportRefusedError, isImportKind } from './index.js'
import type { ImportLimits } from './limits.js'

export const NEEDS_IMPORT_JOB = 'needs-import'

export function registerNeedsJobs(jobs: JobRunner, limits?: ImportLimits): void {
  jobs.define(NEEDS_IMPORT_JOB, {
    title: 'Importing a data file',
    // As the imports page that starts it (uploads/routes.ts).
    roles: ['commissioner', 'analyst'],
    async run({ db, scope, params, userId, jobId, progress }) {
      const { kind, filePath, fileName, deleteAfter } = params
      if (!isImportKind(kind) || typeof filePath !== 'string' || typeof fileName !== 'string') {
        throw new Error('The import was started without a file or a kind of data.')
      }
      try {
        const summary = await importFile(
          db,
          scope,
          { kind, filePath, fileName, userId, jobId, ...(limits ? { limits } : {}) },
          progress,
        )
        return { importId: summary.importId, summary: { ...summary } }
      } catch (err) {
        if (err instanceof ImportRefusedError) {
          throw new JobFailure(err.message, { importId: null, summary: { ...err.summary } })
        }
        throw err
      } finally {
        if (deleteAfter === true) await rm(filePath, { force: true }).catch(() => undefined)
      }
    },
    recover: storedImportResult,
  })
}

/** The job's result from the import it committed, or null when it committed none. */
export async function storedImportResult(db: DbOrTx, job: JobRow): Promise<Record<string, unknown> | null> {
  const rows = await db
    .select()
    .from(dataImports)
    .where(and(eq(dataImports.jobId, job.id), eq(dataImports.tenantId, job.tenantId)))
    .limit(1)
  const stored = rows[0]
  if (!stored) return null
  const { replacedRows, ...coverage } = stored.coverage
  return {
    importId: stored.id,
    summary: {
      importId: stored.id,
      kind: stored.kind,
      fileName: stored.fileName,
      rowsRead: stored.rowsRead,
      rowsStored: stored.rowsStored,
      rowsRefused: stored.rowsRefused,
      refusals: stored.refusals,
      warnings: stored.warnings,
      coverage,
      replacedRows: typeof replacedRows === 'number' ? replacedRows : 0,
    },
  }
}

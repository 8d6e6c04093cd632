/**
 * The `needs-import` job: imports one uploaded file with importFile, reporting progress by bytes
 * read. Params: { kind, filePath, fileName, deleteAfter }. Result: { importId, summary }. A refused
 * file fails the job with the refusal message, and the summary (every refused row) is kept in
 * the job's result for the page. The uploaded file is deleted afterwards when `deleteAfter`.
 */
import { rm } from 'node:fs/promises'
import { JobFailure, type JobRunner } from '../../../platform/jobs.js'
import { importFile, ImportRefusedError, isImportKind } from './index.js'

export const NEEDS_IMPORT_JOB = 'needs-import'

export function registerNeedsJobs(jobs: JobRunner): void {
  jobs.define(NEEDS_IMPORT_JOB, {
    title: 'Importing a data file',
    async run({ db, scope, params, userId, jobId, progress }) {
      const { kind, filePath, fileName, deleteAfter } = params
      if (!isImportKind(kind) || typeof filePath !== 'string' || typeof fileName !== 'string') {
        throw new Error('The import was started without a file or a kind of data.')
      }
      try {
        const summary = await importFile(db, scope, { kind, filePath, fileName, userId, jobId }, progress)
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
  })
}

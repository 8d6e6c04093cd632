/** A job's progress page: refreshes itself every two seconds while the job runs, no JavaScript needed. */
import type { FastifyInstance } from 'fastify'
import { requireUser } from '../../platform/access.js'
import { HttpError, notFound } from '../../platform/errors.js'
import type { JobRow } from '../../platform/jobs.js'
import { refusalsFrom, type RefusalView } from '../../platform/uploads/refusals.js'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

export interface JobPageView {
  /** A plain sentence for the "Finished" panel. */
  finishedText: string
  /** For a finished data import: the page of the import it stored. */
  importPath: string | null
  /** For a data import (finished or refused): what happened to the rows. */
  rows: { read: number | null; stored: number | null; refused: number | null } | null
  warnings: string[]
  refusals: RefusalView[]
  /** How many refusals the importer counted (the list may hold only the first ones). */
  refusedCount: number | null
  /**
   * Problems with the file as a whole (its header, its shape) when no data row was refused: the
   * page counts these, not "0 rows refused", so the count agrees with the table below it.
   */
  fileProblems: number | null
}

/** Shapes a job's stored result for the page; the result is stored JSON, so it is read defensively. */
export function jobPageView(job: Pick<JobRow, 'kind' | 'status' | 'result'>): JobPageView {
  const result = isRecord(job.result) ? job.result : {}
  const view: JobPageView = {
    finishedText: typeof result.summary === 'string' ? result.summary : 'The job finished.',
    importPath: null,
    rows: null,
    warnings: [],
    refusals: [],
    refusedCount: null,
    fileProblems: null,
  }
  if (job.kind === 'oruk-import') return orukImportView(view, job, result)
  if (job.kind !== 'needs-import') return view
  const summary = isRecord(result.summary) ? result.summary : null
  const importId = typeof result.importId === 'string' ? result.importId : null
  if (job.status === 'succeeded' && importId && /^[0-9a-f-]{36}$/i.test(importId)) {
    view.importPath = `/needs/imports/${importId}`
  }
  if (summary) {
    view.rows = {
      read: count(summary.rowsRead),
      stored: count(summary.rowsStored),
      refused: count(summary.rowsRefused),
    }
    view.warnings = Array.isArray(summary.warnings) ? summary.warnings.filter((w) => typeof w === 'string') : []
    view.refusals = refusalsFrom(summary.refusals)
    view.refusedCount = count(summary.rowsRefused)
    if (job.status === 'failed' && view.refusedCount === 0 && view.refusals.length > 0) {
      view.fileProblems = view.refusals.length
      // The importer reports header problems at line 1, the header row (importers/index.ts).
      view.refusals = view.refusals.map((r) => (r.row === '1' ? { ...r, row: 'Header row' } : r))
    }
    if (job.status === 'succeeded') {
      const stored = view.rows.stored
      view.finishedText =
        stored === null ? 'The file was imported.' : `${stored.toLocaleString('en-GB')} rows were stored.`
    }
  }
  return view
}

/** An Open Referral UK import (src/features/directory/api/exchange.ts): repairs as warnings, problems by JSON path. */
function orukImportView(view: JobPageView, job: Pick<JobRow, 'status'>, result: Record<string, unknown>): JobPageView {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [])
  view.warnings = strings(result.warnings)
  if (job.status === 'succeeded') {
    view.importPath = count(result.toReview) ? '/directory/review' : '/directory'
  }
  const problems = Array.isArray(result.problems) ? result.problems.filter(isRecord) : []
  view.refusals = problems.map((p) => ({
    row: 'Whole file',
    column: typeof p.path === 'string' && p.path !== '' ? p.path : '/',
    value: '',
    reason: typeof p.message === 'string' ? p.message : '',
  }))
  view.refusedCount = problems.length
  return view
}

export function registerJobRoutes(app: FastifyInstance): void {
  app.get('/jobs/:id', { config: { access: { signedIn: true }, tenantResource: 'job' } }, async (request, reply) => {
    const user = requireUser(request)
    const { id } = request.params as { id: string }
    const job = await app.jobs.get(user.scope, id)
    if (!job) throw notFound('job')
    // A job takes the roles of the page that started it (issue 10): refused as that page would be.
    if (!app.jobs.mayRead(user, job)) throw new HttpError(403, 'You do not have access to this page.')
    if ((request.query as { format?: string }).format === 'json') {
      return reply.send({
        id: job.id,
        title: job.title,
        status: job.status,
        progress: job.progress,
        message: job.message,
        error: job.error,
        result: job.result,
      })
    }
    const active = job.status === 'queued' || job.status === 'running'
    if (active) reply.header('refresh', '2')
    return reply.view('features/jobs/views/job.njk', { pageTitle: job.title, job, active, view: jobPageView(job) })
  })
}

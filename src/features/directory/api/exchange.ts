/**
 * Import and export of a council's directory as Open Referral UK 3.0 JSON, shared by the command
 * line (`wtc import oruk`, `wtc export oruk`) and the web upload. Import is all or nothing: a file
 * with any problem changes nothing, and every problem is named by its JSON path.
 */
import { readFile, rm, stat } from 'node:fs/promises'
import { sql } from 'drizzle-orm'
import { type Db, type DbOrTx, queryRows } from '../../../platform/db/index.js'
import { JobFailure, type JobRow, type JobRunner } from '../../../platform/jobs.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { DirectoryIndex } from '../model.js'
import {
  formatProblem,
  MAX_IMPORT_BYTES,
  type OrukProblem,
  type OrukService,
  parseOrukJson,
  serviceToOruk,
} from '../oruk.js'
import {
  DEFAULT_FETCH_LIMITS,
  type FetchLimits,
  FetchRefused,
  fetchOrukFeed,
  type Resolver,
  safeUrl,
} from '../oruk-fetch.js'
import {
  type DirectoryActor,
  DirectoryValidationError,
  importDirectory,
  loadDirectory,
  loadTermMappings,
} from '../repository.js'

export { MAX_IMPORT_BYTES }

export interface OrukImportOutcome {
  ok: true
  services: number
  created: number
  updated: number
  unchanged: number
  /** Services of the file that wait for a commissioner's review (not published until completed). */
  toReview: number
  warnings: string[]
}

export interface OrukImportRefusal {
  ok: false
  problems: OrukProblem[]
}

export interface OrukImportOptions {
  /** Where the file came from (file name or address), kept as the services' origin. */
  source?: string
  maxRecords?: number
  /** Called when another change to the council's directory is being saved, before waiting for it. */
  onWait?: () => void
  /** The job running the import (kept in its audit entry). */
  jobId?: string
}

export const DIRECTORY_WAITING_MESSAGE =
  "Waiting for another import or change to this council's directory to be saved, then this one will be saved"

/** Parses ORUK JSON text and merges it into the council's directory; nothing changes on any problem. */
export async function importOrukText(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  text: string,
  options: OrukImportOptions = {},
): Promise<OrukImportOutcome | OrukImportRefusal> {
  const mappings = await loadTermMappings(db, scope)
  const parsed = parseOrukJson(text, {
    mappings,
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.maxRecords === undefined ? {} : { maxRecords: options.maxRecords }),
  })
  if (!parsed.ok) return { ok: false, problems: parsed.problems }
  try {
    const result = await importDirectory(db, scope, actor, parsed.directory, {
      seenTerms: parsed.seenTerms,
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.jobId ? { jobId: options.jobId } : {}),
    })
    return {
      ok: true,
      services: parsed.directory.services.length,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      toReview: parsed.toReview,
      warnings: [...parsed.warnings, ...result.warnings],
    }
  } catch (error) {
    if (error instanceof DirectoryValidationError) {
      return { ok: false, problems: error.problems.map((p) => ({ path: p.field, message: p.message })) }
    }
    throw error
  }
}

export type OrukImportSource = { kind: 'file'; path: string; name: string } | { kind: 'url'; url: string }

/**
 * An import from a file or a web address, reporting progress: fetching (by page), checking,
 * saving. A file over the size limit or a feed the fetcher refuses is refused without reading on.
 */
export async function importOrukSource(
  db: Db,
  scope: TenantScope,
  actor: DirectoryActor,
  source: OrukImportSource,
  options: {
    allowHosts: readonly string[]
    limits?: Partial<Omit<FetchLimits, 'allowHosts'>>
    maxRecords?: number
    progress?: (percent: number, message: string) => Promise<void> | void
    resolve?: Resolver
    jobId?: string
  },
): Promise<OrukImportOutcome | OrukImportRefusal> {
  const progress = options.progress ?? (() => undefined)
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...options.limits, allowHosts: options.allowHosts }
  let text: string
  let name: string
  if (source.kind === 'file') {
    name = source.name
    const size = (await stat(source.path)).size
    if (size > limits.maxBytes) {
      return {
        ok: false,
        problems: [
          {
            path: '',
            message: `The file is too large: ${(size / 1024 / 1024).toFixed(1)} MB. The most we accept is ${(limits.maxBytes / 1024 / 1024).toFixed(1)} MB`,
          },
        ],
      }
    }
    await progress(10, `Reading ${name}`)
    text = await readFile(source.path, 'utf8')
  } else {
    let url: URL
    try {
      url = new URL(source.url)
    } catch {
      return { ok: false, problems: [{ path: '', message: 'That is not a web address' }] }
    }
    name = safeUrl(url)
    await progress(5, `Fetching ${name}`)
    try {
      const feed = await fetchOrukFeed(
        source.url,
        limits,
        async (page, total) => {
          const share = total === undefined || total < 1 ? 0.5 : Math.min(1, page / total)
          await progress(
            5 + share * 55,
            `Fetched page ${String(page)}${total === undefined ? '' : ` of ${String(total)}`}`,
          )
        },
        options.resolve,
      )
      text = feed.text
    } catch (error) {
      if (error instanceof FetchRefused) return { ok: false, problems: [{ path: '', message: error.message }] }
      throw error
    }
  }
  await progress(65, 'Checking every record')
  const outcome = await importOrukText(db, scope, actor, text, {
    source: name,
    onWait: () => void Promise.resolve(progress(70, DIRECTORY_WAITING_MESSAGE)).catch(() => undefined),
    ...(options.jobId ? { jobId: options.jobId } : {}),
    ...(options.maxRecords === undefined ? {} : { maxRecords: options.maxRecords }),
  })
  await progress(95, outcome.ok ? 'Saved' : 'Refused')
  return outcome
}

/** The job that runs an import from the web (file or address). */
export const ORUK_IMPORT_JOB = 'oruk-import'

/** One plain sentence for the job page and the command line. */
export function outcomeSentence(outcome: OrukImportOutcome): string {
  const n = (v: number, one: string, many: string) => `${v.toLocaleString('en-GB')} ${v === 1 ? one : many}`
  return [
    `${n(outcome.services, 'service', 'services')} read: ${String(outcome.created)} added, ${String(outcome.updated)} updated, ${String(outcome.unchanged)} unchanged.`,
    outcome.toReview > 0
      ? `${n(outcome.toReview, 'service waits', 'services wait')} for review before publication.`
      : '',
  ]
    .filter(Boolean)
    .join(' ')
}

/**
 * For an import job whose process stopped: what it saved, from the audit entry written in the same
 * transaction as the services (issue 10, point 5), or null when it saved nothing.
 */
export async function savedDirectoryImport(db: DbOrTx, job: JobRow): Promise<Record<string, unknown> | null> {
  const rows = await queryRows<{ created: number; updated: number; unchanged: number }>(
    db,
    sql`select (details->>'created')::int as created, (details->>'updated')::int as updated,
          (details->>'unchanged')::int as unchanged
        from audit_events
        where action = 'directory.import' and tenant_id = ${job.tenantId} and details->>'jobId' = ${job.id}
        limit 1`,
  )
  const saved = rows[0]
  if (!saved) return null
  return {
    summary: `${String(saved.created)} added, ${String(saved.updated)} updated, ${String(saved.unchanged)} unchanged.`,
    services: saved.created + saved.updated + saved.unchanged,
    created: saved.created,
    updated: saved.updated,
    unchanged: saved.unchanged,
  }
}

export function registerDirectoryJobs(jobs: JobRunner, allowHosts: readonly string[]): void {
  jobs.define(ORUK_IMPORT_JOB, {
    title: 'Importing an Open Referral UK feed',
    // As the import page that starts it (web/import-routes.ts).
    roles: ['commissioner', 'analyst'],
    recover: savedDirectoryImport,
    async run({ db, scope, params, progress, jobId }) {
      const actor: DirectoryActor = {
        userId: typeof params.userId === 'string' ? params.userId : null,
        label: typeof params.actorLabel === 'string' ? params.actorLabel : 'import',
        role: typeof params.actorRole === 'string' ? params.actorRole : 'commissioner',
      }
      const source: OrukImportSource | undefined =
        params.kind === 'url' && typeof params.url === 'string'
          ? { kind: 'url', url: params.url }
          : params.kind === 'file' && typeof params.filePath === 'string' && typeof params.fileName === 'string'
            ? { kind: 'file', path: params.filePath, name: params.fileName }
            : undefined
      if (!source) throw new Error('The import was started without a file or an address.')
      try {
        const outcome = await importOrukSource(db, scope, actor, source, { allowHosts, progress, jobId })
        if (!outcome.ok) {
          const count = outcome.problems.length
          throw new JobFailure(
            `Nothing was imported: the feed has ${String(count)} ${count === 1 ? 'problem' : 'problems'}.${count === 1 ? ` ${formatProblem(outcome.problems[0] ?? { path: '', message: '' })}` : ''}`,
            { problems: outcome.problems.map((p) => ({ ...p })) },
          )
        }
        return {
          summary: outcomeSentence(outcome),
          services: outcome.services,
          created: outcome.created,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
          toReview: outcome.toReview,
          warnings: outcome.warnings,
        }
      } finally {
        if (source.kind === 'file' && params.deleteAfter === true)
          await rm(source.path, { force: true }).catch(() => undefined)
      }
    },
  })
}

/**
 * The council's directory as full ORUK service records in id order. Drafts only when asked, with
 * status 'inactive' (which an import reads back as a draft). Internal notes are never exported.
 */
export async function exportOruk(
  db: DbOrTx,
  scope: TenantScope,
  options: { includeDrafts: boolean },
): Promise<OrukService[]> {
  const directory = await loadDirectory(db, scope, { publishedOnly: !options.includeDrafts })
  const index = new DirectoryIndex(directory)
  return [...directory.services]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((service) => {
      const record = index.record(service.id)
      if (service.status === 'published') return serviceToOruk(record)
      const published = serviceToOruk({ ...record, service: { ...service, status: 'published' } })
      return { ...published, status: 'inactive' } as unknown as OrukService
    })
}

/**
 * Long work (imports, exports, reports) runs as a job: a row in `jobs` with a status, a percentage
 * and a message, updated as it goes, and a page that refreshes itself (no JavaScript needed).
 * Jobs run in the process that started them. A job still marked running when its process is gone
 * (crash, kill -9, deploy) is marked failed with the reason at the next start, or by the sweeper
 * when its heartbeat is stale, so nothing is left "running" for ever.
 */
import os from 'node:os'
import { and, desc, eq, inArray, lt, or, isNull, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import { jobs } from '../db/schema/index.js'
import type { Db } from './db/index.js'
import type { TenantScope } from './tenancy.js'

export type JobRow = typeof jobs.$inferSelect

export interface JobContext {
  db: Db
  scope: TenantScope
  /** This job's id (an import records it beside what it stored). */
  jobId: string
  params: Record<string, unknown>
  userId: string | null
  /** Reports progress (0-100) and a message a person can read. */
  progress: (percent: number, message: string) => Promise<void>
}

export interface JobDefinition {
  title: string
  run: (ctx: JobContext) => Promise<Record<string, unknown>>
}

/**
 * Thrown by a job that fails but has something to keep for the person who started it (an import's
 * list of refused rows): the job is marked failed with the message, and `result` is stored.
 */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly result: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'JobFailure'
  }
}

export const INTERRUPTED_MESSAGE =
  'The service stopped while this job was running, so it did not finish. Start it again.'
const HEARTBEAT_STALE_SECONDS = 120

export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition>()
  private readonly running = new Set<Promise<void>>()
  readonly owner = `${os.hostname()}:${String(process.pid)}`

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {}

  define(kind: string, definition: JobDefinition): void {
    this.definitions.set(kind, definition)
  }

  kinds(): string[] {
    return [...this.definitions.keys()]
  }

  /** Marks jobs whose process is gone as failed. `all` is for the embedded database (one process). */
  async failInterrupted(all: boolean): Promise<number> {
    const stale = sql`now() - make_interval(secs => ${HEARTBEAT_STALE_SECONDS})`
    const rows = await this.db
      .update(jobs)
      .set({ status: 'failed', error: INTERRUPTED_MESSAGE, finishedAt: new Date() })
      .where(
        and(
          inArray(jobs.status, ['queued', 'running']),
          all ? sql`true` : or(lt(jobs.heartbeatAt, stale), and(isNull(jobs.heartbeatAt), lt(jobs.createdAt, stale))),
        ),
      )
      .returning({ id: jobs.id })
    return rows.length
  }

  /** Creates the job row and starts it in the background; returns its id at once. */
  async start(
    scope: TenantScope,
    kind: string,
    params: Record<string, unknown>,
    userId: string | null,
  ): Promise<string> {
    const definition = this.definitions.get(kind)
    if (!definition) throw new Error(`Unknown job kind ${kind}`)
    const inserted = await this.db
      .insert(jobs)
      .values({
        tenantId: scope.tenantId,
        kind,
        title: definition.title,
        params,
        createdBy: userId,
        owner: this.owner,
        heartbeatAt: new Date(),
      })
      .returning({ id: jobs.id })
    const id = inserted[0]?.id
    if (!id) throw new Error('Could not create the job')
    const task = this.execute(scope, id, definition, params, userId).finally(() => this.running.delete(task))
    this.running.add(task)
    return id
  }

  /** Runs a job to completion in this process (the CLI uses this with its progress bar). */
  async runNow(
    scope: TenantScope,
    kind: string,
    params: Record<string, unknown>,
    userId: string | null,
    onProgress?: (percent: number, message: string) => void,
  ): Promise<JobRow> {
    const id = await this.start(scope, kind, params, userId)
    if (onProgress) this.listeners.set(id, onProgress)
    await this.idle()
    this.listeners.delete(id)
    const row = await this.get(scope, id)
    if (!row) throw new Error('Job vanished')
    return row
  }

  private readonly listeners = new Map<string, (percent: number, message: string) => void>()

  private async execute(
    scope: TenantScope,
    id: string,
    definition: JobDefinition,
    params: Record<string, unknown>,
    userId: string | null,
  ): Promise<void> {
    const update = (values: Partial<typeof jobs.$inferInsert>) =>
      this.db
        .update(jobs)
        .set({ ...values, heartbeatAt: new Date() })
        .where(eq(jobs.id, id))
    try {
      await update({ status: 'running', startedAt: new Date(), message: 'Starting' })
      const result = await definition.run({
        db: this.db,
        scope,
        jobId: id,
        params,
        userId,
        progress: async (percent, message) => {
          const p = Math.max(0, Math.min(100, Math.round(percent)))
          this.listeners.get(id)?.(p, message)
          await update({ progress: p, message })
        },
      })
      await update({ status: 'succeeded', progress: 100, message: 'Finished', result, finishedAt: new Date() })
    } catch (err) {
      const message = err instanceof Error ? err.message : 'The job failed.'
      if (err instanceof JobFailure) {
        this.log.warn({ jobId: id, reason: message }, 'job failed')
        await update({ status: 'failed', error: message, result: err.result, finishedAt: new Date() }).catch(
          () => undefined,
        )
        return
      }
      this.log.error({ err, jobId: id }, 'job failed')
      await update({ status: 'failed', error: message, finishedAt: new Date() }).catch(() => undefined)
    }
  }

  async get(scope: TenantScope, id: string): Promise<JobRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null
    const rows = await this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, id), eq(jobs.tenantId, scope.tenantId)))
      .limit(1)
    return rows[0] ?? null
  }

  async list(scope: TenantScope, limit = 20): Promise<JobRow[]> {
    return this.db
      .select()
      .from(jobs)
      .where(eq(jobs.tenantId, scope.tenantId))
      .orderBy(desc(jobs.createdAt))
      .limit(limit)
  }

  /** Resolves when no job started by this process is still running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}

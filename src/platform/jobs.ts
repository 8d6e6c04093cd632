/**
 * Long work (imports, exports, reports) runs as a job: a row in `jobs` with a status, a percentage
 * and a message, updated as it goes, and a page that refreshes itself (no JavaScript needed).
 *
 * Several processes can share one PostgreSQL database (docs/operations.md). A job is created
 * queued; a process claims it with one UPDATE over `SELECT ... FOR UPDATE SKIP LOCKED`, so each
 * job is claimed exactly once whichever process asks first (the one that created it asks at
 * once, the others look every few seconds). The claiming process writes a heartbeat while the job
 * runs. A job whose heartbeat is stale (its process crashed, was killed or lost the database) is
 * settled by any other process: when its definition can tell that the work was committed anyway
 * (`recover`: an import whose rows were stored just before the crash), it is marked succeeded with
 * what was stored; otherwise failed with the reason. Nothing is left "running" for ever.
 */
import os from 'node:os'
import { and, desc, eq, inArray, isNull, lt, notInArray, or, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import { jobs, organisations, type Role } from '../db/schema/index.js'
import { type Db, type DbOrTx, isLockTimeout, queryRows } from './db/index.js'
import { tenantScope, type TenantScope } from './tenancy.js'

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
  /**
   * Who may read jobs of this kind (their page and JSON): the roles of the page that starts them
   * (issue 10: panel members and providers could read import jobs). Without roles, only the person
   * who started the job may read it.
   */
  roles?: readonly Role[]
  run: (ctx: JobContext) => Promise<Record<string, unknown>>
  /**
   * For a job whose process stopped: the job's result when its work was committed all the same
   * (the job is then marked succeeded with it), or null when it was not (the job is failed).
   */
  recover?: (db: DbOrTx, job: JobRow) => Promise<Record<string, unknown> | null>
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
export const RECOVERED_MESSAGE = 'Finished (the service stopped just after the work was stored)'
export const LOCK_WAIT_MESSAGE =
  'Another change to the same data took too long to be saved, so this job stopped without changing anything. Start it again.'

export interface JobRunnerOptions {
  /** A running job whose heartbeat is older than this is taken as stopped. Default 60. */
  staleSeconds?: number
  /** Jobs one process runs at the same time; more wait queued for any process. Default 2. */
  concurrency?: number
  /** Who this runner is in the jobs table (default host:pid; tests name two runners apart). */
  owner?: string
}

export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition>()
  /** Jobs this process is running, by id. */
  private readonly active = new Map<string, Promise<void>>()
  private filling: Promise<void> = Promise.resolve()
  private fillPending = false
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  readonly owner: string
  readonly staleSeconds: number
  readonly concurrency: number

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    options: JobRunnerOptions = {},
  ) {
    this.staleSeconds = options.staleSeconds ?? 60
    this.concurrency = options.concurrency ?? 2
    this.owner = options.owner ?? `${os.hostname()}:${String(process.pid)}`
  }

  define(kind: string, definition: JobDefinition): void {
    this.definitions.set(kind, definition)
  }

  /** The roles that may read jobs of a kind; undefined when the kind declares none. */
  rolesOf(kind: string): readonly Role[] | undefined {
    return this.definitions.get(kind)?.roles
  }

  /** Whether a signed-in user of the job's council may read it (the tenant is checked by `get`). */
  mayRead(user: { id: string; roles: readonly Role[] }, job: Pick<JobRow, 'kind' | 'createdBy'>): boolean {
    const roles = this.rolesOf(job.kind)
    if (roles === undefined) return job.createdBy !== null && job.createdBy === user.id
    return user.roles.some((r) => roles.includes(r))
  }

  kinds(): string[] {
    return [...this.definitions.keys()]
  }

  /**
   * Settles jobs whose process is gone: recovered (succeeded) when their work was committed,
   * failed with the reason otherwise. `all` is for the embedded database at start (one process:
   * every queued or running job is from a process that is gone); otherwise only running jobs with
   * a stale heartbeat, never one this process is running. Returns how many were settled.
   */
  async failInterrupted(all: boolean): Promise<number> {
    const stale = sql`now() - make_interval(secs => ${this.staleSeconds})`
    const gone = all
      ? inArray(jobs.status, ['queued', 'running'])
      : and(
          eq(jobs.status, 'running'),
          or(lt(jobs.heartbeatAt, stale), and(isNull(jobs.heartbeatAt), lt(jobs.createdAt, stale))),
        )
    const mine = [...this.active.keys()]
    const candidates = await this.db
      .select()
      .from(jobs)
      .where(mine.length > 0 ? and(gone, notInArray(jobs.id, mine)) : gone)
    let settled = 0
    for (const job of candidates) {
      let result: Record<string, unknown> | null = null
      const recover = this.definitions.get(job.kind)?.recover
      if (recover) {
        try {
          result = await recover(this.db, job)
        } catch (err) {
          this.log.error({ err, jobId: job.id }, 'could not check what an interrupted job stored')
        }
      }
      // Conditional on the job still being gone: of several processes sweeping, one settles it.
      const values = result
        ? { status: 'succeeded' as const, progress: 100, message: RECOVERED_MESSAGE, result, error: null }
        : { status: 'failed' as const, error: INTERRUPTED_MESSAGE }
      const rows = await this.db
        .update(jobs)
        .set({ ...values, finishedAt: new Date() })
        .where(and(eq(jobs.id, job.id), gone))
        .returning({ id: jobs.id })
      if (rows.length > 0) {
        settled++
        this.log.warn(
          { jobId: job.id, kind: job.kind, owner: job.owner, outcome: values.status },
          'settled an interrupted job',
        )
      }
    }
    return settled
  }

  /** Creates the job, queued; this process then claims it at once when it has room. Returns its id. */
  async start(
    scope: TenantScope,
    kind: string,
    params: Record<string, unknown>,
    userId: string | null,
  ): Promise<string> {
    const { id } = await this.insertJob(scope, kind, params, userId, false)
    await this.fill()
    return id
  }

  /** The job's row: queued, or already claimed and running in this process. */
  private async insertJob(
    scope: TenantScope,
    kind: string,
    params: Record<string, unknown>,
    userId: string | null,
    claimed: boolean,
  ): Promise<JobRow> {
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
        ...(claimed
          ? {
              status: 'running',
              owner: this.owner,
              startedAt: new Date(),
              heartbeatAt: sql`now()`,
              message: 'Starting',
            }
          : {}),
      })
      .returning()
    const row = inserted[0]
    if (!row) throw new Error('Could not create the job')
    return row
  }

  /** Runs a job to completion in this process (the command line uses this with its progress bar). */
  async runNow(
    scope: TenantScope,
    kind: string,
    params: Record<string, unknown>,
    userId: string | null,
    onProgress?: (percent: number, message: string) => void,
  ): Promise<JobRow> {
    // Created already claimed by this process, so no other process can take it.
    const row = await this.insertJob(scope, kind, params, userId, true)
    if (onProgress) this.listeners.set(row.id, onProgress)
    // The command line runs no worker: keep this job's heartbeat fresh while it runs, so that a
    // server process does not take it for stopped during a long step without progress.
    const beating = setInterval(() => void this.beat().catch(() => undefined), this.heartbeatMs())
    beating.unref()
    try {
      await this.launch(row, scope)
    } finally {
      clearInterval(beating)
      this.listeners.delete(row.id)
    }
    const done = await this.get(scope, row.id)
    if (!done) throw new Error('Job vanished')
    return done
  }

  private readonly listeners = new Map<string, (percent: number, message: string) => void>()

  /** Claims queued jobs while this process has room (one claim at a time). */
  fill(): Promise<void> {
    if (this.fillPending) return this.filling.catch(() => undefined)
    this.fillPending = true
    this.filling = this.filling
      .catch(() => undefined)
      .then(async () => {
        this.fillPending = false
        while (this.active.size < this.concurrency) {
          const row = await this.claim()
          if (!row) break
          void this.launch(row)
        }
      })
    this.filling.catch((err: unknown) => {
      this.log.error({ err }, 'could not claim a job')
    })
    return this.filling.catch(() => undefined)
  }

  /** One queued job of a kind this process knows, claimed for it; null when there is none. */
  private async claim(): Promise<JobRow | null> {
    const kinds = this.kinds()
    if (kinds.length === 0) return null
    const claimed = await queryRows<{ id: string }>(
      this.db,
      sql`update jobs set status = 'running', owner = ${this.owner},
            started_at = now(), heartbeat_at = now(), message = 'Starting'
          where id = (
            select id from jobs
            where status = 'queued' and kind in (${sql.join(
              kinds.map((k) => sql`${k}`),
              sql`, `,
            )})
            order by created_at, id
            limit 1
            for update skip locked)
          returning id::text as id`,
    )
    const id = claimed[0]?.id
    if (!id) return null
    const rows = await this.db.select().from(jobs).where(eq(jobs.id, id)).limit(1)
    return rows[0] ?? null
  }

  private launch(row: JobRow, known?: TenantScope): Promise<void> {
    const task = this.execute(row, known).finally(async () => {
      this.active.delete(row.id)
      await this.fill()
    })
    this.active.set(row.id, task)
    return task
  }

  private async execute(row: JobRow, known?: TenantScope): Promise<void> {
    const id = row.id
    const definition = this.definitions.get(row.kind)
    const mine = and(eq(jobs.id, id), eq(jobs.owner, this.owner))
    const update = (values: Partial<typeof jobs.$inferInsert>, onlyRunning = true) =>
      this.db
        .update(jobs)
        .set({ ...values, heartbeatAt: sql`now()` })
        .where(onlyRunning ? and(mine, eq(jobs.status, 'running')) : mine)
    try {
      if (!definition) throw new Error(`This service does not know how to run a job of kind ${row.kind}.`)
      const scope = known ?? (await this.scopeOf(row.tenantId))
      const result = await definition.run({
        db: this.db,
        scope,
        jobId: id,
        params: row.params,
        userId: row.createdBy,
        progress: async (percent, message) => {
          const p = Math.max(0, Math.min(100, Math.round(percent)))
          this.listeners.get(id)?.(p, message)
          await update({ progress: p, message })
        },
      })
      // Whatever another process concluded meanwhile, the work is done: say so.
      await update(
        { status: 'succeeded', progress: 100, message: 'Finished', result, error: null, finishedAt: new Date() },
        false,
      )
    } catch (err) {
      const message = isLockTimeout(err) ? LOCK_WAIT_MESSAGE : err instanceof Error ? err.message : 'The job failed.'
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

  private async scopeOf(tenantId: string): Promise<TenantScope> {
    const rows = await this.db
      .select({ id: organisations.id, areaCode: organisations.areaCode, name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, tenantId))
      .limit(1)
    const council = rows[0]
    if (!council?.areaCode) throw new Error('The council this job belongs to is not in the database.')
    return tenantScope({ id: council.id, areaCode: council.areaCode, name: council.name })
  }

  /**
   * Starts the background work of a server process: every quarter of `staleSeconds` (at least each
   * second) it writes the heartbeat of the jobs it runs, settles other processes' stopped jobs and
   * claims queued ones. Stopped by `stopWorker` (and never keeps the process alive).
   */
  startWorker(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.tick(), this.heartbeatMs())
    this.timer.unref()
  }

  stopWorker(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private heartbeatMs(): number {
    return Math.max(1000, Math.floor((this.staleSeconds * 1000) / 4))
  }

  /** Writes the heartbeat of every job this process is running. */
  private async beat(): Promise<void> {
    const mine = [...this.active.keys()]
    if (mine.length === 0) return
    await this.db
      .update(jobs)
      .set({ heartbeatAt: sql`now()` })
      .where(and(inArray(jobs.id, mine), eq(jobs.owner, this.owner), eq(jobs.status, 'running')))
  }

  private async tick(): Promise<void> {
    // On the embedded database a statement waits for any open transaction: never queue up ticks.
    if (this.ticking) return
    this.ticking = true
    try {
      await this.beat()
      await this.failInterrupted(false)
      await this.fill()
    } catch (err) {
      this.log.warn({ err }, 'job heartbeat or sweep failed')
    } finally {
      this.ticking = false
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

  /** Resolves when this process is running no job and claiming none. */
  async idle(): Promise<void> {
    for (;;) {
      await this.filling.catch(() => undefined)
      if (this.active.size === 0) return
      await Promise.allSettled([...this.active.values()])
    }
  }
}

/**
 * Jobs shared by several processes (src/platform/jobs.ts): two JobRunners on one database stand
 * for two processes. Each queued job is claimed exactly once; a job whose process stopped is
 * settled by another from what was committed (issue 10, point 5); a runner never settles a job it
 * is itself running. Runs on PGlite (unit) and on PostgreSQL (db); the real three-process test is
 * test/multiprocess/multiprocess.test.ts.
 */
import { eq, inArray } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataImports, jobs } from '../../src/db/schema/index.js'
import { ORUK_IMPORT_JOB, registerDirectoryJobs } from '../../src/features/directory/api/exchange.js'
import { importDirectory } from '../../src/features/directory/repository.js'
import { NEEDS_IMPORT_JOB, registerNeedsJobs } from '../../src/features/needs/importers/jobs.js'
import { INTERRUPTED_MESSAGE, JobRunner, RECOVERED_MESSAGE } from '../../src/platform/jobs.js'
import { makeCouncil } from '../support/factories.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { specDirectory, specs } from '../directory/find-support/fixtures.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const log = pino({ level: 'silent' })
let database: TestDatabase
let barnet: TenantScope

beforeAll(async () => {
  database = await createTestDatabase()
  barnet = await makeCouncil(database.db, 'E09000003')
})

afterAll(async () => {
  await database.close()
})

const tenMinutesAgo = () => new Date(Date.now() - 10 * 60_000)

describe('claiming jobs', () => {
  it('each queued job is run exactly once by one of two processes claiming at the same time', async () => {
    const runs = new Map<string, string[]>()
    const runner = (owner: string) => {
      const r = new JobRunner(database.db, log, { owner, concurrency: 3 })
      r.define('count-runs', {
        title: 'Counting runs',
        run: async ({ jobId }) => {
          runs.set(jobId, [...(runs.get(jobId) ?? []), owner])
          await new Promise((resolve) => setTimeout(resolve, 2))
          return { summary: 'ran' }
        },
      })
      return r
    }
    const one = runner('process-one')
    const two = runner('process-two')
    const inserted = await database.db
      .insert(jobs)
      .values(
        Array.from({ length: 12 }, () => ({ tenantId: barnet.tenantId, kind: 'count-runs', title: 'x', params: {} })),
      )
      .returning({ id: jobs.id })
    const ids = inserted.map((r) => r.id)
    await Promise.all([one.fill(), two.fill(), one.fill(), two.fill()])
    // Each runner claims again as its jobs finish, until the queue is empty.
    await Promise.all([one.idle(), two.idle()])

    const rows = await database.db.select().from(jobs).where(inArray(jobs.id, ids))
    expect(rows).toHaveLength(12)
    for (const row of rows) {
      expect(row.status).toBe('succeeded')
      expect(runs.get(row.id)).toEqual([row.owner])
    }
    expect(new Set(rows.map((r) => r.owner)).size).toBeGreaterThanOrEqual(1)
  })

  it('a runner does not claim kinds it does not know', async () => {
    const runner = new JobRunner(database.db, log, { owner: 'knows-nothing' })
    runner.define('something-else', { title: 'x', run: () => Promise.resolve({}) })
    const [row] = await database.db
      .insert(jobs)
      .values({ tenantId: barnet.tenantId, kind: 'unknown-kind', title: 'x', params: {} })
      .returning({ id: jobs.id })
    await runner.fill()
    await runner.idle()
    const [after] = await database.db.select().from(jobs).where(eq(jobs.id, row!.id))
    expect(after?.status).toBe('queued')
    expect(after?.owner).toBeNull()
  })
})

describe('settling a job whose process stopped', () => {
  const survivor = () => {
    const r = new JobRunner(database.db, log, { owner: 'survivor', staleSeconds: 30 })
    registerNeedsJobs(r)
    return r
  }

  async function staleImportJob(): Promise<string> {
    const [row] = await database.db
      .insert(jobs)
      .values({
        tenantId: barnet.tenantId,
        kind: NEEDS_IMPORT_JOB,
        title: 'Importing a data file',
        status: 'running',
        progress: 99,
        params: { kind: 'indicator', filePath: '/nowhere.csv', fileName: 'figures.csv' },
        owner: 'killed:1',
        heartbeatAt: tenMinutesAgo(),
      })
      .returning({ id: jobs.id })
    return row!.id
  }

  it('an import whose rows were committed just before the crash is succeeded, with what was stored', async () => {
    const jobId = await staleImportJob()
    // What the import's transaction committed: its record names the job.
    const [record] = await database.db
      .insert(dataImports)
      .values({
        tenantId: barnet.tenantId,
        kind: 'indicator',
        fileName: 'figures.csv',
        source: 'Test figures',
        coverage: { indicators: ['x'], periods: ['2022/23'], replacedRows: 3 },
        rowsRead: 40,
        rowsStored: 40,
        rowsRefused: 0,
        refusals: [],
        warnings: ['a warning'],
        jobId,
      })
      .returning({ id: dataImports.id })
    expect(await survivor().failInterrupted(false)).toBeGreaterThanOrEqual(1)
    const [after] = await database.db.select().from(jobs).where(eq(jobs.id, jobId))
    expect(after?.status).toBe('succeeded')
    expect(after?.message).toBe(RECOVERED_MESSAGE)
    expect(after?.progress).toBe(100)
    expect(after?.error).toBeNull()
    expect(after?.result).toEqual({
      importId: record!.id,
      summary: {
        importId: record!.id,
        kind: 'indicator',
        fileName: 'figures.csv',
        rowsRead: 40,
        rowsStored: 40,
        rowsRefused: 0,
        refusals: [],
        warnings: ['a warning'],
        coverage: { indicators: ['x'], periods: ['2022/23'] },
        replacedRows: 3,
      },
    })
  })

  it('a directory import saved just before the crash is succeeded, with what it saved', async () => {
    const r = new JobRunner(database.db, log, { owner: 'survivor', staleSeconds: 30 })
    registerDirectoryJobs(r, [])
    const [row] = await database.db
      .insert(jobs)
      .values({
        tenantId: barnet.tenantId,
        kind: ORUK_IMPORT_JOB,
        title: 'Importing an Open Referral UK feed',
        status: 'running',
        params: { kind: 'file', filePath: '/nowhere.json', fileName: 'feed.json' },
        owner: 'killed:2',
        heartbeatAt: tenMinutesAgo(),
      })
      .returning({ id: jobs.id })
    const jobId = row!.id
    // The import's transaction committed (services and audit entry), then the process died.
    const directory = specDirectory({ ...specs[0]!, key: 'crash', name: 'Saved before the crash', example: false })
    await importDirectory(database.db, barnet, { userId: null, label: 'import', role: 'system' }, directory, { jobId })
    await r.failInterrupted(false)
    const [after] = await database.db.select().from(jobs).where(eq(jobs.id, jobId))
    expect(after?.status).toBe('succeeded')
    expect(after?.message).toBe(RECOVERED_MESSAGE)
    expect(after?.result).toEqual({
      summary: '1 added, 0 updated, 0 unchanged.',
      services: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
    })
    // An import job that saved nothing is failed.
    const [other] = await database.db
      .insert(jobs)
      .values({
        tenantId: barnet.tenantId,
        kind: ORUK_IMPORT_JOB,
        title: 'x',
        status: 'running',
        params: {},
        owner: 'killed:3',
        heartbeatAt: tenMinutesAgo(),
      })
      .returning({ id: jobs.id })
    await r.failInterrupted(false)
    expect((await database.db.select().from(jobs).where(eq(jobs.id, other!.id)))[0]?.status).toBe('failed')
  })

  it('an import that committed nothing is failed with the reason', async () => {
    const jobId = await staleImportJob()
    await survivor().failInterrupted(false)
    const [after] = await database.db.select().from(jobs).where(eq(jobs.id, jobId))
    expect(after?.status).toBe('failed')
    expect(after?.error).toBe(INTERRUPTED_MESSAGE)
  })

  it('a runner never settles the job it is running itself, and a job that finishes after being settled says it finished', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = new JobRunner(database.db, log, { owner: 'slow', staleSeconds: 30 })
    const other = new JobRunner(database.db, log, { owner: 'other', staleSeconds: 30 })
    slow.define('slow-job', {
      title: 'Slow',
      run: async () => {
        await gate
        return { summary: 'done at last' }
      },
    })
    const [row] = await database.db
      .insert(jobs)
      .values({ tenantId: barnet.tenantId, kind: 'slow-job', title: 'Slow', params: {} })
      .returning({ id: jobs.id })
    await slow.fill()
    // Its heartbeat looks stale (a process stalled for minutes).
    await database.db.update(jobs).set({ heartbeatAt: tenMinutesAgo() }).where(eq(jobs.id, row!.id))
    await slow.failInterrupted(false)
    expect((await database.db.select().from(jobs).where(eq(jobs.id, row!.id)))[0]?.status).toBe('running')
    await other.failInterrupted(false)
    expect((await database.db.select().from(jobs).where(eq(jobs.id, row!.id)))[0]?.status).toBe('failed')
    release()
    await slow.idle()
    const [after] = await database.db.select().from(jobs).where(eq(jobs.id, row!.id))
    expect(after?.status).toBe('succeeded')
    expect(after?.result).toEqual({ summary: 'done at last' })
  })
  it('a job run from the command line keeps its heartbeat while it runs, so no server takes it for stopped', async () => {
    const cli = new JobRunner(database.db, log, { owner: 'cli', staleSeconds: 2 })
    const server = new JobRunner(database.db, log, { owner: 'server', staleSeconds: 2 })
    cli.define('quiet-step', {
      title: 'A long step without progress',
      run: async ({ jobId }) => {
        await new Promise((resolve) => setTimeout(resolve, 3000)) // longer than staleSeconds
        await server.failInterrupted(false)
        const [row] = await database.db.select().from(jobs).where(eq(jobs.id, jobId))
        return { statusDuringRun: row?.status ?? 'missing' }
      },
    })
    const done = await cli.runNow(barnet, 'quiet-step', {}, null)
    expect(done.result).toEqual({ statusDuringRun: 'running' })
    expect(done.status).toBe('succeeded')
    expect(done.owner).toBe('cli')
  })
})

import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../src/db/schema/index.js'
import { INTERRUPTED_MESSAGE, JobFailure } from '../../src/platform/jobs.js'
import { createTestContext, type TestContext } from '../support/app.js'

describe('jobs with progress', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
    ctx.app.jobs.define('test-steps', {
      title: 'Counting to three',
      run: async ({ progress }) => {
        for (let i = 1; i <= 3; i++) await progress((i / 3) * 100, `Step ${String(i)} of 3`)
        return { summary: 'Counted to three.' }
      },
    })
    ctx.app.jobs.define('test-fails-with-result', {
      title: 'A job that fails but keeps what it found',
      run: async () => {
        await Promise.resolve()
        throw new JobFailure('The file was not imported.', { summary: { rowsRefused: 2 } })
      },
    })
    ctx.app.jobs.define('test-fails', {
      title: 'A job that fails',
      run: async () => {
        await Promise.resolve()
        throw new Error('The file has no header row.')
      },
    })
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('reports each step of progress and finishes at 100%', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const seen: string[] = []
    const row = await ctx.app.jobs.runNow(user.scope, 'test-steps', {}, user.id, (p, m) =>
      seen.push(`${String(p)}:${m}`),
    )
    expect(seen).toEqual(['33:Step 1 of 3', '67:Step 2 of 3', '100:Step 3 of 3'])
    expect(row.status).toBe('succeeded')
    expect(row.progress).toBe(100)
    const client = await ctx.signedIn(user)
    const page = await client.get(`/jobs/${row.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Counted to three.')
    expect(page.headers.refresh).toBeUndefined()
  })

  it('a failing job shows as failed with its reason', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const row = await ctx.app.jobs.runNow(user.scope, 'test-fails', {}, user.id)
    expect(row.status).toBe('failed')
    const page = await (await ctx.signedIn(user)).get(`/jobs/${row.id}`)
    expect(page.body).toContain('The file has no header row.')
  })

  it('a job that fails with JobFailure is failed with its message and keeps its result', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const row = await ctx.app.jobs.runNow(user.scope, 'test-fails-with-result', {}, user.id)
    expect(row.status).toBe('failed')
    expect(row.error).toBe('The file was not imported.')
    expect(row.result).toEqual({ summary: { rowsRefused: 2 } })
  })

  it('a running job refreshes its page without JavaScript', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const [row] = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: user.scope.tenantId,
        kind: 'test-steps',
        title: 'Counting',
        createdBy: user.id,
        status: 'running',
        progress: 40,
        message: 'Step 2',
        params: {},
      })
      .returning()
    const page = await (await ctx.signedIn(user)).get(`/jobs/${row!.id}`)
    expect(page.body).toContain('<meta http-equiv="refresh" content="2">')
    expect(page.body).toContain('40% done')
  })

  it('after a crash, a job left running is marked failed with the reason, never stuck', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const [row] = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: user.scope.tenantId,
        kind: 'test-steps',
        title: 'Interrupted',
        createdBy: user.id,
        status: 'running',
        progress: 50,
        params: {},
        owner: 'gone:1',
      })
      .returning()
    const marked = await ctx.app.jobs.failInterrupted(true)
    expect(marked).toBeGreaterThanOrEqual(1)
    const after = await ctx.database.db.select().from(jobs).where(eq(jobs.id, row!.id))
    expect(after[0]?.status).toBe('failed')
    expect(after[0]?.error).toBe(INTERRUPTED_MESSAGE)
    const page = await (await ctx.signedIn(user)).get(`/jobs/${row!.id}`)
    expect(page.body).toContain('The service stopped while this job was running')
  })

  it('on a shared server, only jobs with a stale heartbeat are failed', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const [fresh] = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: user.scope.tenantId,
        kind: 'x',
        title: 'Fresh',
        status: 'running',
        params: {},
        heartbeatAt: new Date(),
      })
      .returning()
    const [stale] = await ctx.database.db
      .insert(jobs)
      .values({
        tenantId: user.scope.tenantId,
        kind: 'x',
        title: 'Stale',
        status: 'running',
        params: {},
        heartbeatAt: new Date(Date.now() - 10 * 60_000),
      })
      .returning()
    await ctx.app.jobs.failInterrupted(false)
    const rows = await ctx.database.db.select().from(jobs)
    expect(rows.find((r) => r.id === fresh!.id)?.status).toBe('running')
    expect(rows.find((r) => r.id === stale!.id)?.status).toBe('failed')
  })
})

/**
 * What a person sees when PostgreSQL gives up waiting for a lock (lock_timeout, SQLSTATE 55P03):
 * a page in words (503, nothing changed), and a job failed with a reason, not a database message.
 * The error is made here as drizzle reports it (the driver's error as `cause`); the real timeout
 * on PostgreSQL is in test/multiprocess/timeouts.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCK_WAIT_MESSAGE } from '../../src/platform/jobs.js'
import { createTestContext, type TestContext } from '../support/app.js'

function lockTimeoutError(): Error {
  const driver = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' })
  return new Error('Failed query: update directory_services set name = $1', { cause: driver })
}

describe('a lock timeout', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext({
      extraRoutes: (app) => {
        app.get('/test/lock-timeout', { config: { access: { public: true } } }, () => {
          throw lockTimeoutError()
        })
      },
    })
    ctx.app.jobs.define('test-lock-timeout', {
      title: 'A job that waits too long for a lock',
      run: async () => {
        await Promise.resolve()
        throw lockTimeoutError()
      },
    })
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('answers 503 saying another change is being saved and nothing was changed, without the database message', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/test/lock-timeout' })
    expect(page.statusCode).toBe(503)
    expect(page.body).toContain('The service is busy')
    expect(page.body).toContain('is still being saved, so nothing was changed. Wait a minute and try again.')
    expect(page.body).not.toContain('lock timeout')
    expect(page.body).not.toContain('directory_services')
  })

  it('fails a job with a reason a person can act on', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const row = await ctx.app.jobs.runNow(user.scope, 'test-lock-timeout', {}, user.id)
    expect(row.status).toBe('failed')
    expect(row.error).toBe(LOCK_WAIT_MESSAGE)
  })
})

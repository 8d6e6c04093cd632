/**
 * Issue 10 point 11: panel members and providers could read import jobs (/jobs/{id}?format=json),
 * with file names and refused values. A job takes the roles of the page that started it; a job of
 * a kind that declares none can be read only by the person who started it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../src/db/schema/index.js'
import { createTestContext, type TestContext } from '../support/app.js'
import { routesOf } from './route-matrix.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
  ctx.app.jobs.define('test-undeclared', {
    title: 'A job with no roles',
    run: () => Promise.resolve({ summary: 'Done.' }),
  })
})
afterAll(async () => {
  await ctx.close()
})

/** The page that starts each kind of job, whose roles the job takes. */
const starters: Record<string, string> = {
  'needs-import': 'POST /needs/imports',
  'oruk-import': 'POST /directory/import',
  'audit-verify': 'POST /audit/verify',
}

describe('who may read a job', () => {
  it('every kind of job declares the roles of the page that starts it', () => {
    const routes = routesOf(ctx.app)
    for (const [kind, starter] of Object.entries(starters)) {
      const route = routes.find((r) => `${r.method} ${r.url}` === starter)
      expect(route, starter).toBeDefined()
      const pageRoles = (route?.access as { roles?: Role[] }).roles ?? []
      expect([...(ctx.app.jobs.rolesOf(kind) ?? [])].sort(), kind).toEqual([...pageRoles].sort())
    }
  })

  it.each(['panel_member', 'provider', 'partner'] as Role[])(
    'a %s cannot read an import job of their own council, as a page or as JSON',
    async (role) => {
      const analyst = await ctx.user({ roles: ['analyst'], totp: true })
      const job = await ctx.app.jobs.runNow(
        analyst.scope,
        'needs-import',
        { kind: 'indicator', filePath: '/nonexistent/secret-file-name.csv', fileName: 'secret-file-name.csv' },
        analyst.id,
      )
      const other = await ctx.user({ roles: [role], totp: true })
      const client = await ctx.signedIn(other)
      for (const url of [`/jobs/${job.id}`, `/jobs/${job.id}?format=json`]) {
        const res = await client.get(url)
        expect(res.statusCode, url).toBe(403)
        expect(res.body.includes('secret-file-name')).toBe(false)
      }
      // Control: the analyst who started it reads it.
      const own = await (await ctx.signedIn(analyst)).get(`/jobs/${job.id}?format=json`)
      expect(own.statusCode).toBe(200)
      expect(own.body).toContain('secret-file-name')
    },
  )

  it('a commissioner of the council reads an import job an analyst started', async () => {
    const analyst = await ctx.user({ roles: ['analyst'], totp: true })
    const job = await ctx.app.jobs.runNow(analyst.scope, 'needs-import', { kind: 'indicator' }, analyst.id)
    const commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    const res = await (await ctx.signedIn(commissioner)).get(`/jobs/${job.id}?format=json`)
    expect(res.statusCode).toBe(200)
  })

  it('a job of a kind with no declared roles is read only by the person who started it', async () => {
    const starter = await ctx.user({ roles: ['provider'], totp: true })
    const job = await ctx.app.jobs.runNow(starter.scope, 'test-undeclared', {}, starter.id)
    expect((await (await ctx.signedIn(starter)).get(`/jobs/${job.id}`)).statusCode).toBe(200)
    const commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    expect((await (await ctx.signedIn(commissioner)).get(`/jobs/${job.id}`)).statusCode).toBe(403)
  })
})

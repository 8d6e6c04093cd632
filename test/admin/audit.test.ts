import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'

describe('the council audit trail', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('a commissioner reads their council’s trail and not another council’s', async () => {
    const commissioner = await ctx.user({ roles: ['commissioner'], totp: true, email: 'reader@barnet.example' })
    const other = await ctx.user({
      roles: ['commissioner'],
      totp: true,
      council: 'E08000025',
      email: 'other@birmingham.example',
    })
    await ctx.signedIn(other)
    const c = await ctx.signedIn(commissioner)
    const page = await c.get('/audit')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('reader@barnet.example')
    expect(page.body).not.toContain('other@birmingham.example')
  })

  it('exports the trail as formula-safe CSV and as JSON, and the export itself is audited', async () => {
    const commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    const c = await ctx.signedIn(commissioner)
    const csv = await c.get('/audit?format=csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-trail-E09000003\.csv"$/)
    expect(csv.body.startsWith('\uFEFF"id","at","actor","action"')).toBe(true)
    const json = await c.get('/audit?format=json')
    const body = JSON.parse(json.body) as { entries: { action: string }[] }
    expect(body.entries[0]?.action).toBe('audit.export') // newest first: the CSV export just before
  })

  it('checks the chain as a job and shows the result', async () => {
    const commissioner = await ctx.user({ roles: ['commissioner'], totp: true })
    const c = await ctx.signedIn(commissioner)
    const started = await c.post('/audit/verify')
    expect(started.statusCode).toBe(303)
    expect(String(started.headers.location)).toMatch(/^\/jobs\/[0-9a-f-]{36}$/)
    await ctx.app.jobs.idle()
    const page = await c.get(String(started.headers.location))
    expect(page.body).toMatch(/All \d+ entries are intact/)
  })

  it('an analyst may not read the audit trail', async () => {
    const analyst = await ctx.user({ roles: ['analyst'], totp: true })
    expect((await (await ctx.signedIn(analyst)).get('/audit')).statusCode).toBe(403)
  })
})

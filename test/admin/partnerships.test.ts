import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { joinedTenants } from '../../src/features/partnerships/repository.js'
import { createTestContext, type TestContext } from '../support/app.js'

describe('partnerships spanning councils', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('a council joins only when it chooses to; until then it sees the invitation but shares nothing', async () => {
    const barnet = await ctx.user({ roles: ['commissioner'], totp: true })
    const enfield = await ctx.user({ roles: ['commissioner'], totp: true, council: 'E09000010' })
    const b = await ctx.signedIn(barnet)
    const e = await ctx.signedIn(enfield)

    const created = await b.post('/partnerships', { name: 'North London Female Justice Support Board' })
    expect(created.statusCode).toBe(303)
    const path = String(created.headers.location)
    const id = path.split('/').pop()!

    // Enfield cannot see it before being invited.
    expect((await e.get(path)).statusCode).toBe(404)

    expect((await b.post(`${path}/invite`, { councilCode: 'E09000010' })).statusCode).toBe(303)
    expect(await joinedTenants(ctx.database.db, barnet.scope, id)).toEqual([barnet.scope.tenantId])

    const invitedView = await e.get(path)
    expect(invitedView.statusCode).toBe(200)
    expect(invitedView.body).toContain('Join this partnership')
    expect(await joinedTenants(ctx.database.db, enfield.scope, id)).toEqual([])

    expect((await e.post(`${path}/join`)).statusCode).toBe(303)
    expect((await joinedTenants(ctx.database.db, barnet.scope, id)).sort()).toEqual(
      [barnet.scope.tenantId, enfield.scope.tenantId].sort(),
    )
  })

  it('inviting an unknown or malformed council code says what is wrong', async () => {
    const barnet = await ctx.user({ roles: ['admin'], totp: true })
    const b = await ctx.signedIn(barnet)
    const path = String((await b.post('/partnerships', { name: 'Board' })).headers.location)
    const unknown = await b.post(`${path}/invite`, { councilCode: 'E06000001' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('No council with the code E06000001 uses WTC yet')
    const bad = await b.post(`${path}/invite`, { councilCode: 'Barnet' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('9-character ONS code')
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'

describe('sign-in', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('a commissioner with a second factor reaches the council home page only after the TOTP code', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const c = ctx.client()
    const first = await c.post('/sign-in', { email: user.email, password: 'correct horse battery staple' })
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe('/sign-in/second-factor')
    const early = await c.get('/home')
    expect(early.statusCode).toBe(303)
    expect(early.headers.location).toBe('/sign-in/second-factor')
    await c.signIn(user).catch(() => undefined)
    const c2 = await ctx.signedIn(user)
    const home = await c2.get('/home')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Barnet')
  })

  it('a staff account without a second factor is sent to enrolment', async () => {
    const user = await ctx.user({ roles: ['analyst'] })
    const c = ctx.client()
    const res = await c.post('/sign-in', { email: user.email, password: 'correct horse battery staple' })
    expect(res.headers.location).toBe('/account/second-factor/set-up')
    const page = await c.get('/account/second-factor/set-up')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<svg')
  })
})

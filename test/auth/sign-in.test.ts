import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'
import { TEST_PASSWORD } from '../support/factories.js'

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
    const first = await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe('/sign-in/second-factor')
    const early = await c.get('/home')
    expect(early.statusCode).toBe(303)
    expect(early.headers.location).toBe('/sign-in/second-factor')
    const signedIn = await ctx.signedIn(user)
    const home = await signedIn.get('/home')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Barnet (E09000003)')
  })

  it('a staff account without a second factor is sent to enrolment, with a QR code', async () => {
    const user = await ctx.user({ roles: ['analyst'] })
    const c = ctx.client()
    const res = await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(res.headers.location).toBe('/account/second-factor/set-up')
    const page = await c.get('/account/second-factor/set-up')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<svg')
    expect((await c.get('/home')).headers.location).toBe('/account/second-factor/set-up')
  })

  it('a panel member alone may sign in without a second factor', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const c = ctx.client()
    const res = await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(res.headers.location).toBe('/home')
    expect((await c.get('/home')).statusCode).toBe(200)
  })

  it('a demo account skips the second factor and says on every page that it is a demo', async () => {
    const user = await ctx.user({ roles: ['commissioner'], demo: true })
    const c = ctx.client()
    expect((await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).headers.location).toBe('/home')
    expect((await c.get('/home')).body).toContain('Demo account')
  })

  it('a wrong password gets the error summary and the form again, keeping the email', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const res = await ctx.client().post('/sign-in', { email: user.email, password: 'not the password' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('There is a problem')
    expect(res.body).toContain(`value="${user.email}"`)
  })

  it('follows a local next address after sign-in, and ignores one that leaves the site', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const c = ctx.client()
    const redirect = await c.get('/partnerships')
    expect(redirect.headers.location).toBe('/sign-in?next=%2Fpartnerships')
    const local = await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD, next: '/home?x=1' })
    expect(local.headers.location).toBe('/home?x=1')
    const other = ctx.client()
    const away = await other.post('/sign-in', { email: user.email, password: TEST_PASSWORD, next: '//evil.example/x' })
    expect(away.headers.location).toBe('/home')
  })
})

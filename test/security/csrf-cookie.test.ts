/**
 * Issue 10 point 8: only a page with a form may start the anti-forgery cookie. Visitors to the
 * public pages get no cookie at all (security-privacy.md: no cookies beyond the strictly
 * necessary); the token is made only when a template puts it in a form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSRF_COOKIE } from '../../src/platform/session.js'
import { createTestContext, type TestContext } from '../support/app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx.close()
})

function cookiesOf(header: string | string[] | number | undefined): string[] {
  if (header === undefined) return []
  return Array.isArray(header) ? header : [String(header)]
}

describe('the anti-forgery cookie', () => {
  it.each([
    '/',
    '/support',
    '/support?q=Hendon',
    '/support/before-you-start',
    '/safety',
    '/privacy',
    '/cookies',
    '/accessibility',
  ])('a visitor to %s gets no anti-forgery cookie', async (url) => {
    const res = await ctx.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(cookiesOf(res.headers['set-cookie']).filter((c) => c.startsWith(`${CSRF_COOKIE}=`))).toEqual([])
  })

  it('the sign-in page, which has a form, starts the cookie and puts its token in the form', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/sign-in' })
    expect(res.statusCode).toBe(200)
    expect(cookiesOf(res.headers['set-cookie']).some((c) => c.startsWith(`${CSRF_COOKIE}=`))).toBe(true)
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
    expect(token?.length ?? 0).toBeGreaterThan(10)
  })

  it('a form rendered with the lazily made token can still be sent', async () => {
    const client = ctx.client()
    const page = await client.get('/sign-in')
    expect(page.statusCode).toBe(200)
    const res = await client.post('/sign-in', { email: 'nobody@example.org', password: 'wrong password here' })
    // Refused as a wrong sign-in (200 or 400 with a message), not as a forgery (403).
    expect(res.statusCode).not.toBe(403)
  })
})

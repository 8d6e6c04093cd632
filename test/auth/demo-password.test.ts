/**
 * Issue 10 point 15: the demo password (published in the README and printed at start) was
 * accepted for a real account. It is refused, however it is written, wherever a password is set:
 * the rule lives in passwordProblem, which the invitation page and `wtc users create` both use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { users } from '../../src/db/schema/index.js'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { passwordProblem } from '../../src/lib/passwords.js'
import { createTestContext, type TestContext } from '../support/app.js'

describe('published passwords', () => {
  it.each([DEMO_PASSWORD, 'Barnet-Demo-2026', 'barnet demo 2026', ' barnet-demo-2026 ', 'BARNET_DEMO_2026'])(
    'passwordProblem refuses %j, a password this project publishes',
    (password) => {
      expect(passwordProblem(password, { email: 'jane@barnet.gov.uk' })).toBe(
        'Password is the demo accounts’ password, which anyone can read. Choose one only you know',
      )
    },
  )

  it('a password that only shares a word with the demo password is allowed', () => {
    expect(passwordProblem('barnet river heron lantern', { email: 'jane@barnet.gov.uk' })).toBeNull()
  })

  describe('an invited person setting a password', () => {
    let ctx: TestContext
    beforeAll(async () => {
      ctx = await createTestContext()
    })
    afterAll(async () => {
      await ctx.close()
    })

    it('is refused the demo password, with the reason beside the field, and no account is made', async () => {
      const admin = await ctx.user({ roles: ['admin'], totp: true })
      const client = await ctx.signedIn(admin)
      const form = await client.get('/admin/invitations/new')
      const orgId = /<option value="([0-9a-f-]{36})"/.exec(form.body)?.[1] ?? ''
      const invited = await client.post('/admin/invitations', {
        displayName: 'Real Person',
        email: 'real.person@barnet.example',
        role: 'commissioner',
        organisationId: orgId,
      })
      const link = /id="invitation-link">([^<]+)</.exec(invited.body)?.[1] ?? ''
      const path = new URL(link).pathname
      const c = ctx.client()
      await c.get(path)
      const res = await c.post(path, {
        displayName: 'Real Person',
        password: DEMO_PASSWORD,
        confirmPassword: DEMO_PASSWORD,
      })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('Password is the demo accounts’ password')
      const made = await ctx.app.db.select().from(users).where(eq(users.email, 'real.person@barnet.example'))
      expect(made).toHaveLength(0)
      // Control: a password of their own is taken.
      const ok = await c.post(path, {
        displayName: 'Real Person',
        password: 'seven quiet herons over the marsh',
        confirmPassword: 'seven quiet herons over the marsh',
      })
      expect(ok.statusCode).toBe(303)
    })
  })
})

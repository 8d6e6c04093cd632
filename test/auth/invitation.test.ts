import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, users } from '../../src/db/schema/index.js'
import { createTestContext, type TestContext } from '../support/app.js'
import { totpCode } from '../support/factories.js'

const PASSPHRASE = 'seven quiet herons over the marsh'

describe('invitations, enrolment and recovery codes', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  async function invite(role: string, email: string) {
    const admin = await ctx.user({ roles: ['admin'], totp: true })
    const client = await ctx.signedIn(admin)
    const form = await client.get('/admin/invitations/new')
    const orgId = /<option value="([0-9a-f-]{36})"/.exec(form.body)?.[1]
    expect(orgId).toBeDefined()
    const res = await client.post('/admin/invitations', {
      displayName: 'New Person',
      email,
      role,
      organisationId: orgId!,
    })
    expect(res.statusCode).toBe(200)
    const link = /id="invitation-link">([^<]+)</.exec(res.body)?.[1]
    expect(link).toMatch(/^https:\/\/wtc\.test\/invitations\/[A-Za-z0-9_-]{43}$/)
    return new URL(link!).pathname
  }

  it('an invited commissioner creates an account, sets up TOTP, saves recovery codes and reaches home', async () => {
    const path = await invite('commissioner', 'new.commissioner@barnet.example')
    const c = ctx.client()
    expect((await c.get(path)).statusCode).toBe(200)
    const accepted = await c.post(path, {
      displayName: 'Nadia Commissioner',
      password: PASSPHRASE,
      confirmPassword: PASSPHRASE,
    })
    expect(accepted.statusCode).toBe(303)
    expect(accepted.headers.location).toBe('/account/second-factor/set-up')
    const setup = await c.get('/account/second-factor/set-up')
    const secret = /id="totp-secret">([^<]+)</.exec(setup.body)?.[1]?.replace(/\s+/g, '')
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    const wrong = await c.post('/account/second-factor/set-up', { code: '000000' })
    expect(wrong.statusCode).toBe(400)
    const done = await c.post('/account/second-factor/set-up', { code: totpCode(secret!) })
    expect(done.statusCode).toBe(200)
    const codes = [...done.body.matchAll(/<li>([a-z2-9]{5}-[a-z2-9]{5})<\/li>/g)].map((m) => m[1]!)
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    const home = await c.get('/home')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Nadia Commissioner')

    // The link worked once.
    const again = await ctx.client().get(path)
    expect(again.statusCode).toBe(404)

    // A recovery code signs in once, and only once.
    const r1 = ctx.client()
    await r1.post('/sign-in', { email: 'new.commissioner@barnet.example', password: PASSPHRASE })
    expect((await r1.post('/sign-in/recovery-code', { recoveryCode: codes[0]!.toUpperCase() })).headers.location).toBe(
      '/home',
    )
    const r2 = ctx.client()
    await r2.post('/sign-in', { email: 'new.commissioner@barnet.example', password: PASSPHRASE })
    expect((await r2.post('/sign-in/recovery-code', { recoveryCode: codes[0]! })).statusCode).toBe(400)

    const [row] = await ctx.database.db.select().from(users).where(eq(users.email, 'new.commissioner@barnet.example'))
    expect(row?.totpEnabledAt).not.toBeNull()
    expect(row?.totpSecret).not.toContain(secret!) // stored encrypted
    const actions = (await ctx.database.db.select().from(auditEvents)).map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining(['invitation.create', 'invitation.accept', 'user.create', 'user.second-factor.enrol']),
    )
  })

  it('refuses a mismatched confirmation and a weak password, naming the field', async () => {
    const path = await invite('analyst', 'weak@barnet.example')
    const c = ctx.client()
    const mismatch = await c.post(path, { displayName: 'A', password: PASSPHRASE, confirmPassword: `${PASSPHRASE}x` })
    expect(mismatch.statusCode).toBe(400)
    expect(mismatch.body).toContain('href="#confirmPassword"')
    const common = await c.post(path, { displayName: 'A', password: 'password123', confirmPassword: 'password123' })
    expect(common.statusCode).toBe(400)
    expect(common.body).toContain('too common')
  })

  it('an expired or withdrawn invitation does not work', async () => {
    const path = await invite('analyst', 'late@barnet.example')
    const token = path.split('/').pop()!
    const { invitations } = await import('../../src/db/schema/index.js')
    const { hashToken } = await import('../../src/platform/users.js')
    await ctx.database.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.tokenHash, hashToken(token)))
    expect((await ctx.client().get(path)).statusCode).toBe(404)
  })
})

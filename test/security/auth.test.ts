/**
 * Authentication: password rules at account creation (ASVS 6.2.1, 6.2.4, 6.2.5, 6.2.9, 6.2.11),
 * password storage (ASVS 11.4.2), brute force and enumeration (ASVS 6.3.1), and the second factor
 * (ASVS 6.3.3, 6.5.1, 6.5.5). Accounts are made through the real invitation and sign-in pages.
 */
import { dictionary } from '@zxcvbn-ts/language-common'
import { and, eq } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, type Role, users } from '../../src/db/schema/index.js'
import { createInvitation } from '../../src/platform/users.js'
import { createTestContext, type TestContext } from '../support/app.js'
import { TEST_PASSWORD, totpCode } from '../support/factories.js'
import { SecurityClient } from './route-matrix.js'

const SESSION = '__Host-wtc-session'

let ctx: TestContext
let counter = 0

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx.close()
})

async function invitation(role: Role = 'panel_member'): Promise<{ token: string; email: string }> {
  const scope = (await ctx.user({ roles: ['admin'] })).scope
  counter++
  const email = `newcomer${String(counter)}@barnet.example`
  const { token } = await createInvitation(
    ctx.app.db,
    scope,
    { userId: null, label: 'security test' },
    {
      email,
      displayName: 'New Person',
      role,
      organisationId: scope.tenantId,
      validDays: 7,
    },
  )
  return { token, email }
}

async function accept(
  password: string,
  role: Role = 'panel_member',
): Promise<{ res: LightMyRequestResponse; email: string; client: SecurityClient }> {
  const { token, email } = await invitation(role)
  const client = new SecurityClient(ctx.app)
  const page = await client.get(`/invitations/${token}`)
  expect(page.statusCode).toBe(200)
  const res = await client.post(`/invitations/${token}`, {
    displayName: 'New Person',
    password,
    confirmPassword: password,
  })
  return { res, email, client }
}

const accountExists = async (email: string): Promise<boolean> =>
  (await ctx.app.db.select({ id: users.id }).from(users).where(eq(users.email, email))).length === 1

const signIn = (email: string, password: string): Promise<LightMyRequestResponse> =>
  new SecurityClient(ctx.app).post('/sign-in', { email, password })

describe('password rules', () => {
  it('ASVS 6.2.1: a password of 7 characters is refused; one of 8 is accepted', async () => {
    const short = await accept('zqvmtrw')
    expect(short.res.statusCode).toBe(400)
    expect(short.res.body).toMatch(/8 characters/)
    expect(await accountExists(short.email)).toBe(false)
    const eight = await accept('zqvmtrwk')
    expect(eight.res.statusCode).toBe(303)
    expect(await accountExists(eight.email)).toBe(true)
  })

  it('ASVS 6.2.9: a passphrase of more than 64 characters (73) is accepted and signs in, and is not cut short', async () => {
    const passphrase = 'the lighthouse keeper painted seventeen herons on a blue tin kettle daily'
    expect(passphrase.length).toBe(73)
    const { res, email } = await accept(passphrase)
    expect(res.statusCode).toBe(303)
    expect((await signIn(email, passphrase)).statusCode).toBe(303)
    // Only the exact passphrase works: not one truncated to 64 or 72 characters.
    expect((await signIn(email, passphrase.slice(0, 64))).statusCode).toBe(400)
    expect((await signIn(email, passphrase.slice(0, 72))).statusCode).toBe(400)
  })

  it('ASVS 6.2.4: passwords from the common-password list are refused', async () => {
    const commonList = new Set(dictionary['passwords-common'])
    for (const common of ['password123', 'basketball']) {
      expect(commonList.has(common), `${common} is in the blocklist`).toBe(true)
      const { res, email } = await accept(common)
      expect(res.statusCode).toBe(400)
      expect(res.body).toMatch(/common/i)
      expect(await accountExists(email)).toBe(false)
    }
  })

  it('ASVS 6.2.5: there are no composition rules: an all-lowercase passphrase without digits or symbols is accepted', async () => {
    const { res, email } = await accept('purple monkey dishwasher lamp')
    expect(res.statusCode).toBe(303)
    expect(await accountExists(email)).toBe(true)
  })

  it('ASVS 6.2.11: a password made from the person’s own email address is refused', async () => {
    const { token, email } = await invitation()
    const localPart = email.split('@')[0]!
    const client = new SecurityClient(ctx.app)
    const password = `${localPart}-secret`
    const res = await client.post(`/invitations/${token}`, {
      displayName: 'New Person',
      password,
      confirmPassword: password,
    })
    expect(res.statusCode).toBe(400)
    expect(await accountExists(email)).toBe(false)
  })

  it('ASVS 11.4.2: passwords are stored as argon2id with m >= 19456 KiB, t >= 2, p >= 1', async () => {
    const { res, email } = await accept('granite otters sing at dawn')
    expect(res.statusCode).toBe(303)
    const row = (await ctx.app.db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, email)))[0]
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(row?.hash ?? '')
    expect(match, String(row?.hash)).not.toBeNull()
    expect(Number(match![1])).toBeGreaterThanOrEqual(19456)
    expect(Number(match![2])).toBeGreaterThanOrEqual(2)
    expect(Number(match![3])).toBeGreaterThanOrEqual(1)
    expect(row?.hash).not.toContain('granite')
  })
})

describe('brute force and enumeration', () => {
  /** The page without what legitimately differs per request: the token, the nonce and the email typed. */
  const normalise = (body: string, email: string): string =>
    body
      .replaceAll(email, 'EMAIL')
      .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="TOKEN"')
      .replace(/nonce="[^"]+"/g, 'nonce="NONCE"')

  it('ASVS 6.3.1: after SIGN_IN_MAX_FAILURES wrong passwords the account is locked, so even the right password is refused; an unknown email answers exactly alike', async () => {
    const max = ctx.config.signIn.maxFailures
    expect(max).toBe(5)
    const known = await ctx.user({ roles: ['panel_member'] })
    const unknownEmail = 'nobody-here@barnet.example'
    const client = new SecurityClient(ctx.app)
    const attempt = (email: string, password: string) => client.post('/sign-in', { email, password })

    const knownFailures: LightMyRequestResponse[] = []
    const unknownFailures: LightMyRequestResponse[] = []
    for (let i = 0; i < max; i++) {
      knownFailures.push(await attempt(known.email, `wrong guess ${String(i)}`))
      unknownFailures.push(await attempt(unknownEmail, `wrong guess ${String(i)}`))
    }
    for (let i = 0; i < max; i++) {
      expect(knownFailures[i]!.statusCode).toBe(400)
      expect(unknownFailures[i]!.statusCode).toBe(400)
      expect(normalise(knownFailures[i]!.body, known.email)).toBe(normalise(unknownFailures[i]!.body, unknownEmail))
    }

    const lockedKnown = await attempt(known.email, TEST_PASSWORD)
    expect(lockedKnown.statusCode).toBe(400)
    expect(client.cookies.has(SESSION)).toBe(false)
    const lockedUnknown = await attempt(unknownEmail, TEST_PASSWORD)
    expect(lockedUnknown.statusCode).toBe(400)
    expect(normalise(lockedKnown.body, known.email)).toBe(normalise(lockedUnknown.body, unknownEmail))
    // The lock is what refuses the right password: its message differs from a plain failure.
    expect(normalise(lockedKnown.body, known.email)).not.toBe(normalise(knownFailures[0]!.body, known.email))

    const lockRows = await ctx.app.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'sign-in.failure'), eq(auditEvents.actorUserId, known.id)))
    expect(lockRows.some((r) => r.details.reason === 'locked')).toBe(true)
  })

  it('ASVS 6.3.1: control: the same right password signs in an account that has not been attacked', async () => {
    const fresh = await ctx.user({ roles: ['panel_member'] })
    const client = new SecurityClient(ctx.app)
    for (let i = 0; i < ctx.config.signIn.maxFailures - 1; i++) {
      expect((await client.post('/sign-in', { email: fresh.email, password: 'not it' })).statusCode).toBe(400)
    }
    const res = await client.post('/sign-in', { email: fresh.email, password: TEST_PASSWORD })
    expect(res.statusCode).toBe(303)
    expect(client.cookies.has(SESSION)).toBe(true)
  })

  it('ASVS 6.3.1: the lock follows the email address, not the client: a new address and browser are still refused', async () => {
    const target = await ctx.user({ roles: ['panel_member'] })
    for (let i = 0; i < ctx.config.signIn.maxFailures; i++) {
      await new SecurityClient(ctx.app).post('/sign-in', { email: target.email, password: `guess ${String(i)}` })
    }
    const elsewhere = new SecurityClient(ctx.app)
    const res = await elsewhere.post('/sign-in', { email: target.email.toUpperCase(), password: TEST_PASSWORD })
    expect(res.statusCode).toBe(400)
    expect(elsewhere.cookies.has(SESSION)).toBe(false)
  })
})

describe('second factor', () => {
  const staffRoles: Role[] = ['commissioner', 'analyst', 'provider', 'partner', 'admin']

  it('ASVS 6.3.3: every staff role without a second factor is sent to set one up and cannot reach any page first', async () => {
    for (const role of staffRoles) {
      const user = await ctx.user({ roles: [role] })
      const client = new SecurityClient(ctx.app)
      const res = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
      expect(res.statusCode, role).toBe(303)
      expect(res.headers.location, role).toBe('/account/second-factor/set-up')
      const home = await client.get('/home')
      expect(home.statusCode, role).toBe(303)
      expect(home.headers.location, role).toBe('/account/second-factor/set-up')
    }
  })

  it('ASVS 6.3.3: control: a panel member alone may sign in without a second factor', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const client = new SecurityClient(ctx.app)
    const res = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(res.headers.location).toBe('/home')
    expect((await client.get('/home')).statusCode).toBe(200)
  })

  it('ASVS 6.5.1, 6.5.5: a TOTP code works once: the same code in a second sign-in is refused, a new code is accepted', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const code = totpCode(user.totpSecret!)
    const first = new SecurityClient(ctx.app)
    expect((await first.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).headers.location).toBe(
      '/sign-in/second-factor',
    )
    expect((await first.post('/sign-in/second-factor', { code })).statusCode).toBe(303)
    expect((await first.get('/home')).statusCode).toBe(200)
    await first.post('/sign-out', { _csrf: await first.anyCsrfToken() })

    const second = new SecurityClient(ctx.app)
    await second.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const replayed = await second.post('/sign-in/second-factor', { code })
    expect(replayed.statusCode).toBe(400)
    expect((await second.get('/home')).statusCode).toBe(303)
    const failures = await ctx.app.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'sign-in.second-factor.failure'), eq(auditEvents.actorUserId, user.id)))
    expect(failures).toHaveLength(1)

    const next = totpCode(user.totpSecret!, Math.floor(Date.now() / 1000) + 30)
    expect((await second.post('/sign-in/second-factor', { code: next })).statusCode).toBe(303)
    expect((await second.get('/home')).statusCode).toBe(200)
  })

  it('ASVS 6.3.1: wrong second-factor codes lock the second factor too, so the right code is then refused', async () => {
    const user = await ctx.user({ roles: ['admin'], totp: true })
    const client = new SecurityClient(ctx.app)
    await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const right = totpCode(user.totpSecret!)
    const wrongCode = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < ctx.config.signIn.maxFailures; i++) {
      expect((await client.post('/sign-in/second-factor', { code: wrongCode })).statusCode).toBe(400)
    }
    const refused = await client.post('/sign-in/second-factor', { code: right })
    expect(refused.statusCode).toBe(400)
    expect((await client.get('/home')).statusCode).toBe(303)
    const recovery = await client.post('/sign-in/recovery-code', { recoveryCode: 'abcde-fghjk' })
    expect(recovery.statusCode).toBe(400)
  })

  it('ASVS 6.5.1: a recovery code, from real enrolment, signs in once and never again', async () => {
    const user = await ctx.user({ roles: ['analyst'] })
    const enrol = new SecurityClient(ctx.app)
    await enrol.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const page = await enrol.get('/account/second-factor/set-up')
    const secret = /id="totp-secret">([^<]+)</.exec(page.body)?.[1]?.replace(/\s+/g, '')
    expect(secret).toMatch(/^[A-Z2-7]+$/)
    const done = await enrol.post('/account/second-factor/set-up', { code: totpCode(secret!) })
    expect(done.statusCode).toBe(200)
    const codes = [...done.body.matchAll(/<li>([a-z0-9-]{8,20})<\/li>/g)].map((m) => m[1]!)
    expect(codes.length).toBeGreaterThanOrEqual(8)
    await enrol.post('/sign-out', { _csrf: await enrol.anyCsrfToken() })

    const useCode = async (recoveryCode: string) => {
      const c = new SecurityClient(ctx.app)
      expect((await c.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).headers.location).toBe(
        '/sign-in/second-factor',
      )
      const res = await c.post('/sign-in/recovery-code', { recoveryCode })
      return { res, home: await c.get('/home') }
    }
    const once = await useCode(codes[0]!)
    expect(once.res.statusCode).toBe(303)
    expect(once.home.statusCode).toBe(200)
    const twice = await useCode(codes[0]!)
    expect(twice.res.statusCode).toBe(400)
    expect(twice.home.statusCode).toBe(303)
    const another = await useCode(codes[1]!)
    expect(another.res.statusCode).toBe(303)
  })
})

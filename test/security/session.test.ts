/**
 * Sessions (ASVS 7.2.3, 7.2.4, 7.3.1, 7.3.2, 7.4.1, 7.4.2) and session cookies (ASVS 3.3.1-3.3.4),
 * driven through the real sign-in journey with a TOTP second factor.
 */
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessions } from '../../src/db/schema/index.js'
import { createTestContext, parseSetCookies, type TestContext } from '../support/app.js'
import { TEST_PASSWORD, type TestUser, totpCode } from '../support/factories.js'
import { SecurityClient } from './route-matrix.js'

const SESSION = '__Host-wtc-session'
const IDLE = 600
const ABSOLUTE = 3600

let ctx: TestContext
let admin: TestUser
let adminClient: SecurityClient

beforeAll(async () => {
  ctx = await createTestContext({
    env: {
      SESSION_IDLE_SECONDS: String(IDLE),
      SESSION_ABSOLUTE_SECONDS: String(ABSOLUTE),
      SESSION_WARNING_SECONDS: '60',
    },
  })
  admin = await ctx.user({ roles: ['admin'], totp: true })
  adminClient = await signedIn(admin)
})
afterAll(async () => {
  await ctx.close()
})

async function signedIn(user: TestUser): Promise<SecurityClient> {
  const client = new SecurityClient(ctx.app)
  await client.signIn(user)
  return client
}

/** A client that holds nothing but the given session cookie (an attacker replaying it). */
function replay(cookie: string): SecurityClient {
  const client = new SecurityClient(ctx.app)
  client.cookies.set(SESSION, cookie)
  return client
}

const isSignedIn = async (client: SecurityClient): Promise<boolean> => {
  const res = await client.get('/home')
  if (res.statusCode === 200) return true
  expect(res.statusCode).toBe(303)
  expect(res.headers.location).toMatch(/^\/sign-in/)
  return false
}

const sessionRowsOf = async (userId: string) => ctx.app.db.select().from(sessions).where(eq(sessions.userId, userId))

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

describe('session ids', () => {
  it('ASVS 7.2.3: the session cookie carries at least 128 random bits, differs every time, and only its hash is stored', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const client = await signedIn(user)
    const value = client.cookies.get(SESSION)!
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(Buffer.from(value, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    const rows = await sessionRowsOf(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.idHash).toBe(sha256(value))
    expect(rows[0]!.idHash).not.toContain(value)

    // Fresh sessions for the same person never repeat an id.
    const panel = await ctx.user({ roles: ['panel_member'] })
    const seen = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const c = new SecurityClient(ctx.app)
      await c.signIn(panel)
      seen.add(c.cookies.get(SESSION)!)
    }
    expect(seen.size).toBe(5)
  })

  it('ASVS 7.2.4: each sign-in step issues a new session id and the earlier one stops working', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const client = new SecurityClient(ctx.app)
    const first = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(first.headers.location).toBe('/sign-in/second-factor')
    const preSignIn = client.cookies.get(SESSION)!
    expect(preSignIn).toBeTruthy()
    const second = await client.post('/sign-in/second-factor', { code: totpCode(user.totpSecret!) })
    expect(second.statusCode).toBe(303)
    const full = client.cookies.get(SESSION)!
    expect(full).not.toBe(preSignIn)
    expect(await isSignedIn(client)).toBe(true)
    // The pre-sign-in id authenticates nothing: not the page, not the second-factor step.
    const attacker = replay(preSignIn)
    expect(await isSignedIn(attacker)).toBe(false)
    const step = await attacker.get('/sign-in/second-factor')
    expect(step.statusCode).toBe(303)
    expect(step.headers.location).toMatch(/^\/sign-in\?/)
  })

  it('ASVS 7.2.4: a session id planted in the browser before sign-in is not adopted (session fixation)', async () => {
    const attackerUser = await ctx.user({ roles: ['panel_member'] })
    const victim = await ctx.user({ roles: ['panel_member'] })
    // The attacker starts a real session of their own and plants its id in the victim's browser.
    const attackerClient = new SecurityClient(ctx.app)
    await attackerClient.signIn(attackerUser)
    const planted = attackerClient.cookies.get(SESSION)!
    const victimClient = new SecurityClient(ctx.app)
    victimClient.cookies.set(SESSION, planted)
    const res = await victimClient.post('/sign-in', { email: victim.email, password: TEST_PASSWORD })
    expect(res.statusCode).toBe(303)
    const issued = victimClient.cookies.get(SESSION)!
    expect(issued).not.toBe(planted)
    const victimRows = await sessionRowsOf(victim.id)
    expect(victimRows.map((r) => r.idHash)).toEqual([sha256(issued)])
    // The planted id does not reach the victim's account.
    const home = await replay(planted).get('/home')
    expect(home.body).not.toContain(victim.email)
    expect(victimRows.map((r) => r.idHash)).not.toContain(sha256(planted))

    // A made-up id is not adopted either.
    const made = new SecurityClient(ctx.app)
    made.cookies.set(SESSION, 'attacker-chosen-session-id-0123456789abcdefghijk')
    await made.post('/sign-in', { email: victim.email, password: TEST_PASSWORD })
    expect(made.cookies.get(SESSION)).not.toBe('attacker-chosen-session-id-0123456789abcdefghijk')
  })
})

describe('session timeouts', () => {
  it(`ASVS 7.3.1: a session idle for longer than SESSION_IDLE_SECONDS (${String(IDLE)}) ends; one idle for less carries on`, async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const client = await signedIn(user)
    await ctx.app.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - (IDLE - 15) * 1000) })
      .where(eq(sessions.userId, user.id))
    expect(await isSignedIn(client)).toBe(true)
    const cookie = client.cookies.get(SESSION)!
    await ctx.app.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - (IDLE + 15) * 1000) })
      .where(eq(sessions.userId, user.id))
    expect(await isSignedIn(replay(cookie))).toBe(false)
    expect(await sessionRowsOf(user.id)).toHaveLength(0)
    // Activity after the timeout does not revive it.
    expect(await isSignedIn(replay(cookie))).toBe(false)
  })

  it(`ASVS 7.3.2: a session older than SESSION_ABSOLUTE_SECONDS (${String(ABSOLUTE)}) ends even while in use`, async () => {
    const user = await ctx.user({ roles: ['provider'], totp: true })
    const client = await signedIn(user)
    await ctx.app.db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - (ABSOLUTE - 15) * 1000), lastSeenAt: new Date() })
      .where(eq(sessions.userId, user.id))
    expect(await isSignedIn(client)).toBe(true)
    await ctx.app.db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - (ABSOLUTE + 15) * 1000), lastSeenAt: new Date() })
      .where(eq(sessions.userId, user.id))
    expect(await isSignedIn(client)).toBe(false)
    expect(await sessionRowsOf(user.id)).toHaveLength(0)
  })
})

describe('ending sessions', () => {
  it('ASVS 7.4.1: after sign-out the old session cookie is refused (replay)', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const client = await signedIn(user)
    const cookie = client.cookies.get(SESSION)!
    expect(await isSignedIn(replay(cookie))).toBe(true)
    const out = await client.post('/sign-out', { _csrf: await client.anyCsrfToken() })
    expect(out.statusCode).toBe(303)
    expect(client.cookies.has(SESSION)).toBe(false)
    expect(await isSignedIn(replay(cookie))).toBe(false)
    expect(await sessionRowsOf(user.id)).toHaveLength(0)
  })

  it('ASVS 7.4.2: disabling a user ends all of their sessions at once, and they cannot sign in again', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const laptop = await signedIn(user)
    const phone = await signedIn(user)
    expect(await isSignedIn(laptop)).toBe(true)
    expect(await isSignedIn(phone)).toBe(true)
    const res = await adminClient.post(`/admin/users/${user.id}/disable`, { _csrf: await adminClient.anyCsrfToken() })
    expect(res.statusCode).toBe(303)
    expect(await isSignedIn(laptop)).toBe(false)
    expect(await isSignedIn(phone)).toBe(false)
    expect(await sessionRowsOf(user.id)).toHaveLength(0)
    const again = await new SecurityClient(ctx.app).post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(again.statusCode).toBe(400)
  })

  it('ASVS 7.4.2: changing a user’s roles ends their sessions, so new rights apply from the next sign-in', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const client = await signedIn(user)
    expect((await client.get('/audit')).statusCode).toBe(200)
    const res = await adminClient.post(`/admin/users/${user.id}/roles`, {
      _csrf: await adminClient.anyCsrfToken(),
      roles: 'analyst',
      organisationId: user.scope.tenantId,
    })
    expect(res.statusCode).toBe(303)
    expect(await isSignedIn(client)).toBe(false)
    expect(await sessionRowsOf(user.id)).toHaveLength(0)
  })

  it('ASVS 7.4.2: resetting a user’s second factor ends their sessions', async () => {
    const user = await ctx.user({ roles: ['provider'], totp: true })
    const client = await signedIn(user)
    const res = await adminClient.post(`/admin/users/${user.id}/reset-second-factor`, {
      _csrf: await adminClient.anyCsrfToken(),
    })
    expect(res.statusCode).toBe(303)
    expect(await isSignedIn(client)).toBe(false)
  })
})

describe('session cookies', () => {
  it('ASVS 3.3.1, 3.3.2, 3.3.3, 3.3.4: every cookie the service sets is __Host-, Secure, HttpOnly, SameSite, Path=/, without Domain, and lasts only for the browser session', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const client = new SecurityClient(ctx.app)
    const responses: LightMyRequestResponse[] = []
    responses.push(await client.get('/'))
    responses.push(await client.get('/sign-in'))
    const csrf = await client.csrfToken()
    responses.push(
      await client.postForm('/sign-in', { _csrf: csrf, email: user.email, password: 'wrong password here' }),
    )
    responses.push(await client.postForm('/sign-in', { _csrf: csrf, email: user.email, password: TEST_PASSWORD }))
    responses.push(await client.postForm('/sign-in/second-factor', { _csrf: csrf, code: totpCode(user.totpSecret!) }))
    responses.push(await client.get('/home'))
    responses.push(await client.postForm('/session/extend', { _csrf: csrf }))
    responses.push(await client.postForm('/sign-out', { _csrf: csrf }))
    responses.push(await client.get('/signed-out'))
    responses.push(await client.get('/exit'))
    responses.push(await replay('no-such-session-id-0123456789abcdefghijklmnop').get('/home'))

    const cookies = responses.flatMap((r) => parseSetCookies(r))
    const names = new Set(cookies.map((c) => c.name))
    expect(names).toContain(SESSION)
    expect(names).toContain('__Host-wtc-csrf')
    const wrong: string[] = []
    for (const c of cookies) {
      const a = c.attributes
      const problems = [
        c.name.startsWith('__Host-') ? '' : 'no __Host- prefix',
        a.secure === true ? '' : 'not Secure',
        a.httponly === true ? '' : 'not HttpOnly',
        typeof a.samesite === 'string' && ['lax', 'strict'].includes(a.samesite.toLowerCase())
          ? ''
          : 'no SameSite=Lax/Strict',
        a.path === '/' ? '' : 'Path is not /',
        a.domain === undefined ? '' : 'has a Domain',
      ]
      const clearing =
        c.value === '' ||
        a['max-age'] === '0' ||
        (typeof a.expires === 'string' && new Date(a.expires).getTime() < Date.now())
      if (!clearing && (a.expires !== undefined || a['max-age'] !== undefined)) problems.push('persistent')
      const found = problems.filter(Boolean)
      if (found.length) wrong.push(`${c.name}: ${found.join(', ')}`)
    }
    expect(wrong).toEqual([])
  })
})

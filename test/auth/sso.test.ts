/**
 * Council single sign-on, end to end: WTC (in process) against a real OpenID Connect provider
 * (oidc-provider on 127.0.0.1) playing the council's Microsoft Entra ID. Every journey goes through
 * the provider's own login and consent pages and a real code exchange, token signature check and
 * nonce check by openid-client.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { and, eq, gt } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { auditEvents, sessions, users } from '../../src/db/schema/index.js'
import { createTestContext, parseSetCookies, testConfig, type TestContext } from '../support/app.js'
import {
  signInThroughProvider,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from '../support/oidc-provider.js'

const WTC_BASE_URL = 'https://wtc.test'
// Written out by hand: the address a council registers at its provider.
const REDIRECT_URI = 'https://wtc.test/sign-in/sso/callback'
const COUNCIL_TENANT = '3f2b7c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f'
const SECOND_ALLOWED_TENANT = '0a0b0c0d-1111-2222-3333-444455556666'
const STRANGER_TENANT = '99999999-8888-7777-6666-555555555555'

describe('council single sign-on (OpenID Connect)', () => {
  let idp: TestIdentityProvider
  let ctx: TestContext
  let nextSubject = 0
  const newSubject = () => `subject-${String((nextSubject += 1))}`

  beforeAll(async () => {
    idp = await startTestIdentityProvider({ redirectUri: REDIRECT_URI })
    ctx = await createTestContext({
      env: {
        BASE_URL: WTC_BASE_URL,
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
        OIDC_ALLOWED_TENANTS: `${COUNCIL_TENANT}, ${SECOND_ALLOWED_TENANT}`,
        OIDC_COUNCIL: 'E09000003',
        OIDC_ALLOW_HTTP: 'true',
      },
    })
  })
  afterEach(() => {
    expect(idp.serverErrors).toEqual([])
  })
  afterAll(async () => {
    await ctx.close()
    await idp.close()
  })

  const db = () => ctx.database.db
  const lastAuditId = async () => {
    const rows = await db().select({ id: auditEvents.id }).from(auditEvents)
    return rows.reduce((max, r) => Math.max(max, r.id), 0)
  }
  const auditSince = async (afterId: number, action: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(gt(auditEvents.id, afterId), eq(auditEvents.action, action)))
  const userRow = async (id: string) => (await db().select().from(users).where(eq(users.id, id)))[0]!
  const sessionsOf = async (id: string) => db().select().from(sessions).where(eq(sessions.userId, id))
  const journey = (login: string, tamper?: (url: URL) => void) =>
    signInThroughProvider(ctx.client(), idp, login, { wtcBaseUrl: WTC_BASE_URL, ...(tamper ? { tamper } : {}) })

  it('the sign-in page offers the council account button, which starts an authorisation code request with PKCE', async () => {
    const c = ctx.client()
    const page = await c.get('/sign-in')
    expect(page.body).toContain('Sign in with your council account')
    expect(page.body).toContain('href="/sign-in/sso"')

    const start = await c.get('/sign-in/sso')
    expect(start.statusCode).toBe(303)
    const location = new URL(String(start.headers.location))
    expect(location.origin).toBe(idp.issuer)
    const q = location.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe(idp.clientId)
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI)
    expect(q.get('scope')).toBe('openid email profile')
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(22)
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(22)
    expect(q.get('state')).not.toBe(q.get('nonce'))
  })

  it('ASVS 3.3.1-3.3.4: the single sign-on transaction cookie is __Host-, Secure, HttpOnly, SameSite=Lax, short-lived and opaque', async () => {
    const start = await ctx.client().get('/sign-in/sso')
    const cookie = parseSetCookies(start).find((c) => c.name === '__Host-wtc-sso')!
    expect(cookie).toBeDefined()
    expect(cookie.attributes.secure).toBe(true)
    expect(cookie.attributes.httponly).toBe(true)
    expect(String(cookie.attributes.samesite).toLowerCase()).toBe('lax')
    expect(cookie.attributes.path).toBe('/')
    expect(cookie.attributes.domain).toBeUndefined()
    expect(cookie.attributes['max-age']).toBe('600')
    // Encrypted: neither the state nor the nonce sent to the provider can be read from it.
    const q = new URL(String(start.headers.location)).searchParams
    expect(cookie.value).not.toContain(q.get('state'))
    expect(cookie.value).not.toContain(q.get('nonce'))
  })

  it('a council user from an allowed tenant signs in with their council account, is linked by email and reaches the council home page', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const subject = newSubject()
    // Email case differs from WTC's copy: matching ignores case.
    idp.identities.set(subject, { sub: subject, email: user.email.toUpperCase(), tid: COUNCIL_TENANT })
    const before = await lastAuditId()

    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, subject, { wtcBaseUrl: WTC_BASE_URL })
    expect(callback.statusCode).toBe(303)
    expect(callback.headers.location).toBe('/home')
    const cleared = parseSetCookies(callback).find((x) => x.name === '__Host-wtc-sso')
    expect(cleared?.value).toBe('')
    expect(c.cookies.has('__Host-wtc-sso')).toBe(false)

    const home = await c.get('/home')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Barnet')

    const row = await userRow(user.id)
    expect(row.oidcIssuer).toBe(idp.issuer)
    expect(row.oidcSubject).toBe(subject)
    expect(row.lastSignInAt).not.toBeNull()

    const links = await auditSince(before, 'user.sso.link')
    expect(links).toHaveLength(1)
    expect(links[0]!.subjectId).toBe(user.id)
    const successes = await auditSince(before, 'sign-in.success')
    expect(successes).toHaveLength(1)
    expect(successes[0]!.actorUserId).toBe(user.id)
    expect(successes[0]!.details).toMatchObject({ method: 'sso' })

    // The council's provider handled the second factor: a full session, marked as single sign-on.
    const rows = await sessionsOf(user.id)
    expect(rows.map((s) => [s.stage, s.via])).toEqual([['full', 'sso']])
  })

  it('ASVS 10.5.2: a linked user is found again by issuer and subject, even after their email changes at the provider', async () => {
    const user = await ctx.user({ roles: ['analyst'] })
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: user.email, tid: SECOND_ALLOWED_TENANT })
    expect((await journey(subject)).callback.headers.location).toBe('/home')

    idp.identities.set(subject, { sub: subject, email: 'renamed.person@barnet.example', tid: COUNCIL_TENANT })
    const before = await lastAuditId()
    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, subject, { wtcBaseUrl: WTC_BASE_URL })
    expect(callback.headers.location).toBe('/home')
    expect((await c.get('/home')).statusCode).toBe(200)
    expect(await auditSince(before, 'user.sso.link')).toHaveLength(0)
    expect(await auditSince(before, 'sign-in.success')).toHaveLength(1)
    expect((await userRow(user.id)).email).toBe(user.email)
  })

  it('the same person signing in from a tenant that is not allowed is refused: no session, a message, an audited failure', async () => {
    const user = await ctx.user({ roles: ['commissioner'] })
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: user.email, tid: STRANGER_TENANT })
    const before = await lastAuditId()

    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, subject, { wtcBaseUrl: WTC_BASE_URL })
    expect(callback.statusCode).toBe(303)
    expect(callback.headers.location).toBe('/sign-in?sso=tenant')
    expect(c.cookies.has('__Host-wtc-session')).toBe(false)
    const home = await c.get('/home')
    expect(home.statusCode).toBe(303)
    expect(home.headers.location).toMatch(/^\/sign-in/)
    const page = await c.get('/sign-in?sso=tenant')
    expect(page.body).toContain('Single sign-on did not work.')
    expect(page.body).toContain('not from an organisation that may use this service')

    const failures = await auditSince(before, 'sign-in.failure')
    expect(failures).toHaveLength(1)
    expect(failures[0]!.details).toMatchObject({ method: 'sso', reason: 'tenant-not-allowed', tenant: STRANGER_TENANT })
    expect(await auditSince(before, 'sign-in.success')).toHaveLength(0)
    const row = await userRow(user.id)
    expect(row.oidcSubject).toBeNull()
    expect(await sessionsOf(user.id)).toHaveLength(0)

    // The same person from the council's own tenant is let in, so the tenant alone made the difference.
    idp.identities.set(subject, { sub: subject, email: user.email, tid: COUNCIL_TENANT })
    expect((await journey(subject)).callback.headers.location).toBe('/home')
  })

  it('someone with no WTC account is refused and told to ask for an invitation', async () => {
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: 'not.invited@barnet.example', tid: COUNCIL_TENANT })
    const before = await lastAuditId()
    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, subject, { wtcBaseUrl: WTC_BASE_URL })
    expect(callback.headers.location).toBe('/sign-in?sso=no-account')
    expect(c.cookies.has('__Host-wtc-session')).toBe(false)
    const page = await c.get(String(callback.headers.location))
    expect(page.body).toContain('There is no WTC account for you yet.')
    expect(page.body).toContain('WTC administrator for an invitation')
    const failures = await auditSince(before, 'sign-in.failure')
    expect(failures.map((f) => f.details)).toEqual([{ method: 'sso', reason: 'unknown-account' }])
  })

  it('ASVS 8.4.1: the email of a user of another council does not link or sign in through this council’s single sign-on', async () => {
    const camden = await ctx.user({ roles: ['commissioner'], council: 'E09000007' })
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: camden.email, tid: COUNCIL_TENANT })
    const { callback } = await journey(subject)
    expect(callback.headers.location).toBe('/sign-in?sso=no-account')
    expect((await userRow(camden.id)).oidcSubject).toBeNull()
    expect(await sessionsOf(camden.id)).toHaveLength(0)
  })

  it('ASVS 10.1.2: a callback whose state was tampered with is refused and the code is not used', async () => {
    const user = await ctx.user({ roles: ['commissioner'] })
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: user.email, tid: COUNCIL_TENANT })
    const before = await lastAuditId()
    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, subject, {
      wtcBaseUrl: WTC_BASE_URL,
      tamper: (url) => {
        url.searchParams.set('state', 'forged-state-value-0123456789')
      },
    })
    expect(callback.statusCode).toBe(303)
    expect(callback.headers.location).toBe('/sign-in?sso=failed')
    expect(c.cookies.has('__Host-wtc-session')).toBe(false)
    expect(await sessionsOf(user.id)).toHaveLength(0)
    expect((await userRow(user.id)).oidcSubject).toBeNull()
    const failures = await auditSince(before, 'sign-in.failure')
    expect(failures).toHaveLength(1)
    expect(failures[0]!.details).toMatchObject({ method: 'sso', reason: 'response-not-accepted' })
  })

  it('ASVS 10.1.2: a genuine callback is refused in a browser that did not start the sign-in, and cannot be replayed', async () => {
    const user = await ctx.user({ roles: ['commissioner'] })
    const subject = newSubject()
    idp.identities.set(subject, { sub: subject, email: user.email, tid: COUNCIL_TENANT })

    // An attacker signs in at the provider and tries to plant the callback in a victim's browser.
    const attacker = ctx.client()
    const { callbackUrl } = await signInThroughProvider(attacker, idp, subject, {
      wtcBaseUrl: WTC_BASE_URL,
      tamper: (url) => {
        url.searchParams.set('code', 'not-the-real-code')
      },
    })
    const path = `${callbackUrl.pathname}${callbackUrl.search}`

    const victimWithoutSignIn = ctx.client()
    const plain = await victimWithoutSignIn.get(path)
    expect(plain.headers.location).toBe('/sign-in?sso=expired')
    expect(victimWithoutSignIn.cookies.has('__Host-wtc-session')).toBe(false)

    const victimMidSignIn = ctx.client()
    await victimMidSignIn.get('/sign-in/sso')
    expect(victimMidSignIn.cookies.has('__Host-wtc-sso')).toBe(true)
    const planted = await victimMidSignIn.get(path)
    expect(planted.headers.location).toBe('/sign-in?sso=failed')
    expect(victimMidSignIn.cookies.has('__Host-wtc-session')).toBe(false)

    // A forged transaction cookie is no better than none.
    const forger = ctx.client()
    forger.cookies.set('__Host-wtc-sso', 'v1.AAAA.BBBB.CCCC')
    expect((await forger.get(path)).headers.location).toBe('/sign-in?sso=expired')
    expect(await sessionsOf(user.id)).toHaveLength(0)
  })

  it('a disabled user is refused, whether or not their account was already linked', async () => {
    const unlinked = await ctx.user({ roles: ['commissioner'] })
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, unlinked.id))
    const first = newSubject()
    idp.identities.set(first, { sub: first, email: unlinked.email, tid: COUNCIL_TENANT })
    const before = await lastAuditId()
    const c = ctx.client()
    const { callback } = await signInThroughProvider(c, idp, first, { wtcBaseUrl: WTC_BASE_URL })
    expect(callback.headers.location).toBe('/sign-in?sso=disabled')
    expect(c.cookies.has('__Host-wtc-session')).toBe(false)
    expect((await c.get('/sign-in?sso=disabled')).body).toContain('Your WTC account has been disabled.')
    expect((await userRow(unlinked.id)).oidcSubject).toBeNull()
    const failures = await auditSince(before, 'sign-in.failure')
    expect(failures.map((f) => [f.subjectId, f.details])).toEqual([
      [unlinked.id, { method: 'sso', reason: 'disabled' }],
    ])

    const linked = await ctx.user({ roles: ['analyst'] })
    const second = newSubject()
    idp.identities.set(second, { sub: second, email: linked.email, tid: COUNCIL_TENANT })
    expect((await journey(second)).callback.headers.location).toBe('/home')
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, linked.id))
    await db().delete(sessions).where(eq(sessions.userId, linked.id))
    expect((await journey(second)).callback.headers.location).toBe('/sign-in?sso=disabled')
    expect(await sessionsOf(linked.id)).toHaveLength(0)
  })

  it('an account already linked to one council identity is not taken over by another identity with the same email', async () => {
    const user = await ctx.user({ roles: ['commissioner'] })
    const original = newSubject()
    idp.identities.set(original, { sub: original, email: user.email, tid: COUNCIL_TENANT })
    expect((await journey(original)).callback.headers.location).toBe('/home')
    const impostor = newSubject()
    idp.identities.set(impostor, { sub: impostor, email: user.email, tid: COUNCIL_TENANT })
    expect((await journey(impostor)).callback.headers.location).toBe('/sign-in?sso=linked-elsewhere')
    expect((await userRow(user.id)).oidcSubject).toBe(original)
  })

  it('an email the provider marks unverified is not used to link an account', async () => {
    const user = await ctx.user({ roles: ['commissioner'] })
    const subject = newSubject()
    // preferred_username (Entra ID's user principal name) is checked next: make it another address.
    idp.identities.set(subject, {
      sub: subject,
      email: user.email,
      emailVerified: false,
      preferredUsername: `upn-${subject}@tenant.example`,
      tid: COUNCIL_TENANT,
    })
    const { callback } = await journey(subject)
    expect(callback.headers.location).toBe('/sign-in?sso=no-account')
    expect((await userRow(user.id)).oidcSubject).toBeNull()
  })

  it('the sign-in page never shows words taken from the address bar, only its own messages', async () => {
    const page = await ctx.client().get('/sign-in?sso=Your+account+is+locked.+Call+0800+000+000')
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('0800')
    expect(page.body).toContain('Single sign-on did not work. Try again, or sign in with your WTC password.')
    const odd = await ctx.client().get('/sign-in?sso=constructor')
    expect(odd.body).toContain('Single sign-on did not work. Try again, or sign in with your WTC password.')
  })

  it('the callback is rate limited per address', async () => {
    const c = ctx.client()
    const headers = { 'x-forwarded-for': '203.0.113.77' }
    const statuses: number[] = []
    for (let i = 0; i < 61; i++)
      statuses.push((await c.get('/sign-in/sso/callback?code=guess&state=guess', headers)).statusCode)
    expect(statuses.slice(0, 60).every((s) => s === 303)).toBe(true)
    expect(statuses[60]).toBe(429)
    // Another address is not affected.
    expect(
      (await c.get('/sign-in/sso/callback?code=guess&state=guess', { 'x-forwarded-for': '203.0.113.78' })).statusCode,
    ).toBe(303)
  })

  describe('when the identity provider cannot be reached or single sign-on is not set up', () => {
    let other: FastifyInstance | undefined
    afterEach(async () => {
      await other?.close()
      other = undefined
    })

    it('an unreachable provider sends the person back to the sign-in page with a message, not an error', async () => {
      const closed = createServer()
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
      const { port } = closed.address() as AddressInfo
      await new Promise<void>((resolve) => {
        closed.close(() => {
          resolve()
        })
      })
      const config = testConfig({
        OIDC_ISSUER: `http://127.0.0.1:${String(port)}`,
        OIDC_CLIENT_ID: 'x',
        OIDC_CLIENT_SECRET: 'y',
        OIDC_ALLOWED_TENANTS: COUNCIL_TENANT,
        OIDC_COUNCIL: 'E09000003',
        OIDC_ALLOW_HTTP: 'true',
      })
      other = await buildApp({ config, database: ctx.database })
      const res = await other.inject({ method: 'GET', url: '/sign-in/sso', headers: { 'x-forwarded-proto': 'https' } })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe('/sign-in?sso=unavailable')
    })

    it('without OIDC settings there is no single sign-on route and no council account button', async () => {
      other = await buildApp({ config: testConfig(), database: ctx.database })
      const headers = { 'x-forwarded-proto': 'https' }
      expect((await other.inject({ method: 'GET', url: '/sign-in/sso', headers })).statusCode).toBe(404)
      expect(
        (await other.inject({ method: 'GET', url: '/sign-in/sso/callback?code=a&state=b', headers })).statusCode,
      ).toBe(404)
      expect((await other.inject({ method: 'GET', url: '/sign-in', headers })).body).not.toContain(
        'Sign in with your council account',
      )
    })
  })
})

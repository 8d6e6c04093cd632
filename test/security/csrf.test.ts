/**
 * ASVS 3.5.1 and 3.5.3: every state-changing route (read from the route table, so new ones are
 * covered) refuses a request without a valid anti-forgery token, or from another site even with
 * one; and no GET route changes anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roles } from '../../src/db/schema/index.js'
import type { Access } from '../../src/platform/access.js'
import { SESSION_COOKIE } from '../../src/platform/session.js'
import { createTestContext, type TestContext } from '../support/app.js'
import type { TestUser } from '../support/factories.js'
import {
  auditActionsAfter,
  clientWith,
  fillUrl,
  invitationToken,
  isStateChanging,
  maxAuditId,
  mintSession,
  recordsIn,
  type RouteInfo,
  routesOf,
  SecurityClient,
  tableDigests,
} from './route-matrix.js'

const watchedTables = [
  'users',
  'invitations',
  'memberships',
  'organisations',
  'partnerships',
  'partnership_members',
  'recovery_codes',
  'jobs',
  'assessment_rounds',
  'assessment_returns',
  'assessment_ratings',
  'assessment_evidence',
  'assessment_panel',
  'assessment_observations',
  'actions',
  'action_updates',
  'framework_versions',
] as const

/** Audit actions that record a change (as opposed to a read, an export or a sign-in event). */
const changingAction = /create|update|delete|change|disable|enable|revoke|accept|join|invite|reset|enrol|remove|add/

describe('anti-forgery', () => {
  let ctx: TestContext
  let routes: RouteInfo[]
  let ids: Record<string, string>
  let token: string
  let everyRole: TestUser
  let withTotp: TestUser
  let withoutTotp: TestUser
  let adminCommissioner: TestUser

  beforeAll(async () => {
    ctx = await createTestContext()
    routes = routesOf(ctx.app)
    everyRole = await ctx.user({ roles: [...roles], totp: true })
    withTotp = await ctx.user({ roles: ['analyst'], totp: true })
    withoutTotp = await ctx.user({ roles: ['analyst'] })
    adminCommissioner = await ctx.user({ roles: ['admin', 'commissioner'], totp: true })
    ids = await recordsIn(ctx.app, everyRole.scope)
    token = await invitationToken(ctx.app, everyRole.scope)
  })
  afterAll(async () => {
    await ctx.close()
  })

  /** A session the route's own access rule lets through, so only the anti-forgery check can refuse. */
  const sessionFor = async (route: RouteInfo): Promise<string | undefined> => {
    const access = route.access as Access | undefined
    if (!access || 'public' in access) return undefined
    if ('stage' in access) {
      return access.stage === 'second-factor'
        ? mintSession(ctx.app, withTotp, 'second-factor')
        : mintSession(ctx.app, withoutTotp, 'enrol')
    }
    return mintSession(ctx.app, everyRole)
  }

  const stateChanging = () => routes.filter((r) => isStateChanging(r.method))

  it('ASVS 3.5.1: the route table has state-changing routes to test', () => {
    expect(stateChanging().length).toBeGreaterThan(10)
    expect(stateChanging().every((r) => r.method === 'POST')).toBe(true)
  })

  it('ASVS 3.5.1: every state-changing route refuses a request without a token, with no token cookie, or with another browser’s token', async () => {
    const before = await tableDigests(ctx.app, watchedTables)
    const auditBefore = await maxAuditId(ctx.app)
    const wrong: string[] = []
    const { csrf: someoneElsesToken } = await clientWith(ctx.app)
    for (const route of stateChanging()) {
      const url = fillUrl(route, ids, token)
      const { client } = await clientWith(ctx.app, await sessionFor(route))
      const noToken = await client.postForm(url, {})
      if (noToken.statusCode !== 403) wrong.push(`${url} without a token: ${String(noToken.statusCode)}`)
      const foreign = await client.postForm(url, { _csrf: someoneElsesToken })
      if (foreign.statusCode !== 403) wrong.push(`${url} with another browser's token: ${String(foreign.statusCode)}`)
      const bare = new SecurityClient(ctx.app)
      const session = client.cookies.get(SESSION_COOKIE)
      if (session) bare.cookies.set(SESSION_COOKIE, session)
      const noCookie = await bare.postForm(url, { _csrf: someoneElsesToken })
      if (noCookie.statusCode !== 403) wrong.push(`${url} without the token cookie: ${String(noCookie.statusCode)}`)
    }
    expect(wrong).toEqual([])
    expect(await tableDigests(ctx.app, watchedTables)).toEqual(before)
    expect(await auditActionsAfter(ctx.app, auditBefore)).toEqual([])
  })

  it('ASVS 3.5.1: every state-changing route refuses a cross-site request even with a valid token', async () => {
    const before = await tableDigests(ctx.app, watchedTables)
    const wrong: string[] = []
    for (const route of stateChanging()) {
      const url = fillUrl(route, ids, token)
      const { client, csrf } = await clientWith(ctx.app, await sessionFor(route))
      const evil = await client.postForm(url, { _csrf: csrf }, { origin: 'https://evil.example' })
      if (evil.statusCode !== 403) wrong.push(`${url} from Origin https://evil.example: ${String(evil.statusCode)}`)
      const crossSite = await client.postForm(url, { _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })
      if (crossSite.statusCode !== 403)
        wrong.push(`${url} with Sec-Fetch-Site cross-site: ${String(crossSite.statusCode)}`)
    }
    expect(wrong).toEqual([])
    expect(await tableDigests(ctx.app, watchedTables)).toEqual(before)
  })

  it('ASVS 3.5.1: control: the same requests with a valid token from this site are not refused as forgeries', async () => {
    const wrong: string[] = []
    for (const route of stateChanging()) {
      const url = fillUrl(route, ids, token)
      const { client, csrf } = await clientWith(ctx.app, await sessionFor(route))
      const ok = await client.postForm(
        url,
        { _csrf: csrf },
        { origin: 'https://wtc.test', 'sec-fetch-site': 'same-origin' },
      )
      if (ok.statusCode === 403 || ok.statusCode >= 500) wrong.push(`${url}: ${String(ok.statusCode)}`)
    }
    expect(wrong).toEqual([])
  })

  it('ASVS 3.5.3: no GET route writes: every GET, as an administrator and commissioner and anonymously, leaves the data and the audit trail unchanged', async () => {
    const gets = routes.filter((r) => r.method === 'GET')
    expect(gets.length).toBeGreaterThan(15)
    const before = await tableDigests(ctx.app, watchedTables)
    const auditBefore = await maxAuditId(ctx.app)
    const statuses: string[] = []
    for (const route of gets) {
      const url = fillUrl(route, ids, token)
      for (const session of [await mintSession(ctx.app, adminCommissioner), undefined]) {
        const { client } = await clientWith(ctx.app, session)
        const res = await client.get(url)
        statuses.push(`${url} ${String(res.statusCode)}`)
        expect(res.statusCode, url).toBeLessThan(500)
      }
    }
    expect(await tableDigests(ctx.app, watchedTables)).toEqual(before)
    const changes = (await auditActionsAfter(ctx.app, auditBefore)).filter((a) => changingAction.test(a))
    expect(changes).toEqual([])
    // The sweep reached the pages behind the ids (not just sign-in redirects).
    expect(statuses).toContain(`/admin/users/${ids.user ?? ''} 200`)
    expect(statuses).toContain(`/invitations/${token} 200`)
  })

  it('ASVS 3.5.3: control: the detector sees a change made by a POST', async () => {
    const before = await tableDigests(ctx.app, watchedTables)
    const auditBefore = await maxAuditId(ctx.app)
    const { client, csrf } = await clientWith(ctx.app, await mintSession(ctx.app, adminCommissioner))
    const res = await client.postForm('/admin/organisations', {
      _csrf: csrf,
      kind: 'provider',
      name: 'Changed by a POST',
    })
    expect(res.statusCode).toBe(303)
    expect(await tableDigests(ctx.app, watchedTables)).not.toEqual(before)
    expect(
      (await auditActionsAfter(ctx.app, auditBefore)).filter((a) => changingAction.test(a)).length,
    ).toBeGreaterThan(0)
  })
})

/**
 * ASVS 8.2.1: function-level access. Every route of the app (read from its route table) is tried by
 * every role and by an anonymous visitor, and each cell must match the hand-written table in
 * route-matrix.ts. A new route fails the first test until someone decides who may use it.
 * ASVS 8.2.2 and 8.4.1: data-level access across councils. Every route with an id is asked, by a
 * user of council A holding the route's roles, for a record of council B: the answer is 404.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { invitations, type Role, users } from '../../src/db/schema/index.js'
import type { Access } from '../../src/platform/access.js'
import { ensureCouncil } from '../../src/platform/reference.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { createTestContext, type TestContext } from '../support/app.js'
import type { TestUser } from '../support/factories.js'
import * as standards from './standards.js'
import {
  clientWith,
  COUNCIL_B,
  everyone,
  expectedAccess,
  expectedFor,
  fillUrl,
  invitationToken,
  isDenied,
  isStateChanging,
  mintSession,
  recordsIn,
  resourceFactories,
  type RouteInfo,
  routesOf,
  shouldAllow,
  tableDigests,
} from './route-matrix.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx.close()
})

describe('role x route matrix', () => {
  let routes: RouteInfo[]
  let ids: Record<string, string>
  let token: string
  let scope: TenantScope
  const people = new Map<Role, TestUser>()

  beforeAll(async () => {
    routes = routesOf(ctx.app)
    for (const who of everyone) {
      if (who !== 'anonymous') people.set(who, await ctx.user({ roles: [who], totp: true }))
    }
    scope = people.get('admin')!.scope
    ids = await recordsIn(ctx.app, scope)
    for (const [who, user] of people) await standards.entitle(ctx.app, scope, user.id, [who])
    token = await invitationToken(ctx.app, scope)
  })

  const call = async (route: RouteInfo, session: string | undefined): Promise<LightMyRequestResponse> => {
    const { client, csrf } = await clientWith(ctx.app, session)
    const url = fillUrl(route, ids, token)
    if (isStateChanging(route.method)) return client.postForm(url, { _csrf: csrf })
    return client.request({ method: route.method as InjectOptions['method'], url })
  }

  it('ASVS 8.2.1: every route in the route table has an entry in the hand-written access table', () => {
    expect(routes.length).toBeGreaterThan(30)
    const missing = routes.filter((r) => expectedFor(r.method, r.url) === undefined).map((r) => `${r.method} ${r.url}`)
    expect(missing, 'add these routes to expectedAccess in test/security/route-matrix.ts').toEqual([])
    const present = new Set(routes.map((r) => `${r.method} ${r.url}`))
    const stale = Object.keys(expectedAccess).filter((k) => !present.has(k))
    expect(stale, 'these entries name routes the app no longer has').toEqual([])
  })

  for (const who of everyone) {
    it(`ASVS 8.2.1: ${who === 'anonymous' ? 'an anonymous visitor' : `${/^[aeiou]/.test(who) ? 'an' : 'a'} ${who}`} is allowed exactly the routes the access table gives`, async () => {
      const wrong: string[] = []
      let allowedCount = 0
      for (const route of routes) {
        const expected = expectedFor(route.method, route.url)
        if (expected === undefined) continue
        const person = who === 'anonymous' ? undefined : people.get(who)
        const session = person ? await mintSession(ctx.app, person) : undefined
        const res = await call(route, session)
        const allow = shouldAllow(expected, who)
        const denied = isDenied(res)
        const broken = res.statusCode >= 500 || (route.tenantResource !== undefined && res.statusCode === 404)
        if (allow) allowedCount++
        if (allow && (denied || broken))
          wrong.push(`${route.method} ${route.url}: expected allowed, got ${String(res.statusCode)}`)
        if (!allow && !denied)
          wrong.push(`${route.method} ${route.url}: expected denied, got ${String(res.statusCode)}`)
      }
      expect(wrong).toEqual([])
      expect(allowedCount).toBeGreaterThan(0)
    })
  }

  it('ASVS 8.2.1: the sign-in steps are open only to a session at that step (control for the stage cells)', async () => {
    const withTotp = people.get('commissioner')!
    const withoutTotp = await ctx.user({ roles: ['analyst'] })
    const wrong: string[] = []
    for (const route of routes) {
      const expected = expectedFor(route.method, route.url)
      if (expected !== 'second-factor-stage' && expected !== 'enrol-stage') continue
      const own = expected === 'second-factor-stage' ? 'second-factor' : 'enrol'
      const other = own === 'second-factor' ? 'enrol' : 'second-factor'
      const user = own === 'second-factor' ? withTotp : withoutTotp
      const atStep = await call(route, await mintSession(ctx.app, user, own))
      if (isDenied(atStep) || atStep.statusCode >= 500)
        wrong.push(`${route.method} ${route.url} at its own step: ${String(atStep.statusCode)}`)
      const atOtherStep = await call(route, await mintSession(ctx.app, user, other))
      if (!isDenied(atOtherStep))
        wrong.push(`${route.method} ${route.url} at the ${other} step: ${String(atOtherStep.statusCode)}`)
    }
    expect(wrong).toEqual([])
  })

  it('ASVS 8.2.1: a signed-in user with no role is refused every role-restricted route', async () => {
    const nobody = await ctx.user({ roles: [] })
    const wrong: string[] = []
    for (const route of routes) {
      const expected = expectedFor(route.method, route.url)
      if (!Array.isArray(expected)) continue
      const res = await call(route, await mintSession(ctx.app, nobody))
      if (!isDenied(res)) wrong.push(`${route.method} ${route.url}: ${String(res.statusCode)}`)
    }
    expect(wrong).toEqual([])
  })
})

describe('tenant isolation', () => {
  let idRoutes: RouteInfo[]
  let idsA: Record<string, string>
  let idsB: Record<string, string>
  let scopeB: TenantScope
  const usersByRoles = new Map<string, TestUser>()

  /** A council A user holding exactly the roles the route admits (or any role, for signed-in routes). */
  const userFor = async (route: RouteInfo): Promise<TestUser> => {
    const access = route.access as Access
    const wanted: Role[] = 'roles' in access ? [...access.roles] : ['analyst']
    const key = wanted.join(',')
    let user = usersByRoles.get(key)
    if (!user) {
      user = await ctx.user({ roles: wanted, totp: true })
      await standards.entitle(ctx.app, user.scope, user.id, wanted)
      usersByRoles.set(key, user)
    }
    return user
  }

  const call = async (route: RouteInfo, id: string): Promise<LightMyRequestResponse> => {
    const user = await userFor(route)
    const { client, csrf } = await clientWith(ctx.app, await mintSession(ctx.app, user))
    // The record's id, and a standard of the framework the harness's rounds use.
    const url = route.url
      .replace(/:[A-Za-z]*[iI]d\b/, id)
      .replace(/:standard\b/, 'PIE1')
      .replace(/:course\b/, 'trauma-informed')
    if (isStateChanging(route.method)) return client.postForm(url, { _csrf: csrf })
    return client.request({ method: route.method as InjectOptions['method'], url })
  }

  beforeAll(async () => {
    idRoutes = routesOf(ctx.app).filter((r) => /:[A-Za-z]*[iI]d\b/.test(r.url) && !('public' in (r.access as Access)))
    const scopeA = (await userFor({ method: 'GET', url: '/', access: { signedIn: true }, tenantResource: undefined }))
      .scope
    scopeB = await ensureCouncil(ctx.app.db, COUNCIL_B)
    idsA = await recordsIn(ctx.app, scopeA)
    idsB = await recordsIn(ctx.app, scopeB)
    for (const route of idRoutes) await userFor(route)
  })

  it('ASVS 8.4.1: every route with an id names a kind of record the harness can create in another council', () => {
    expect(idRoutes.length).toBeGreaterThan(5)
    const unknown = idRoutes
      .filter((r) => r.tenantResource === undefined || !(r.tenantResource in resourceFactories))
      .map((r) => `${r.method} ${r.url} (${String(r.tenantResource)})`)
    expect(unknown, 'add a factory for these kinds to resourceFactories in test/security/route-matrix.ts').toEqual([])
  })

  it("ASVS 8.2.2, 8.4.1: a council A user asking for council B's record by id gets 404 (not 403) on every route, and B's records are untouched", async () => {
    const tables = [
      'users',
      'memberships',
      'invitations',
      'partnerships',
      'partnership_members',
      'jobs',
      'training_courses',
      'training_sessions',
    ]
    const before = await tableDigests(ctx.app, tables)
    const wrong: string[] = []
    for (const route of idRoutes) {
      const id = idsB[route.tenantResource ?? '']
      if (!id) continue
      const res = await call(route, id)
      if (res.statusCode !== 404)
        wrong.push(
          `${route.method} ${route.url} for council B's ${String(route.tenantResource)}: ${String(res.statusCode)}`,
        )
      if (res.body.includes(scopeB.councilName)) wrong.push(`${route.method} ${route.url}: the answer names council B`)
    }
    expect(wrong).toEqual([])
    expect(await tableDigests(ctx.app, tables)).toEqual(before)
  })

  it("ASVS 8.2.2, 8.4.1: lists and exports show only the user's own council's people, invitations, partnerships and audit entries", async () => {
    const adminA = await ctx.user({ roles: ['admin', 'commissioner'], totp: true })
    const { client } = await clientWith(ctx.app, await mintSession(ctx.app, adminA))
    const emailOf = async (id: string | undefined) =>
      (
        await ctx.app.db
          .select({ email: users.email })
          .from(users)
          .where(eq(users.id, id ?? ''))
      )[0]?.email ?? 'missing'
    const inviteeOf = async (id: string | undefined) =>
      (
        await ctx.app.db
          .select({ email: invitations.email })
          .from(invitations)
          .where(eq(invitations.id, id ?? ''))
      )[0]?.email ?? 'missing'
    const people = (await client.get('/admin/users')).body
    expect(people).toContain(await emailOf(idsA.user))
    expect(people).toContain(await inviteeOf(idsA.invitation))
    expect(people).not.toContain(await emailOf(idsB.user))
    expect(people).not.toContain(await inviteeOf(idsB.invitation))
    const partnerships = (await client.get('/partnerships')).body
    expect(partnerships).toContain(idsA.partnership)
    expect(partnerships).not.toContain(idsB.partnership)
    const trail = JSON.parse((await client.get('/audit?format=json')).body) as {
      entries: { subjectId: string | null }[]
    }
    const subjects = new Set(trail.entries.map((e) => e.subjectId))
    expect(subjects.has(idsA.user ?? '')).toBe(true)
    expect(Object.values(idsB).filter((id) => subjects.has(id))).toEqual([])
  })

  it("ASVS 8.2.2, 8.4.1: control: the same users reach their own council's records on the same routes", async () => {
    const wrong: string[] = []
    for (const route of idRoutes) {
      const res = await call(route, idsA[route.tenantResource ?? ''] ?? 'missing')
      if (res.statusCode === 404 || isDenied(res) || res.statusCode >= 500) {
        wrong.push(
          `${route.method} ${route.url} for council A's own ${String(route.tenantResource)}: ${String(res.statusCode)}`,
        )
      }
    }
    expect(wrong).toEqual([])
  })
})

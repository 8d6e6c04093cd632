/**
 * The route-matrix checks (test/security/) run for these pages alone: every route of the imports,
 * insight, priorities and assumptions pages admits exactly commissioners and analysts, a POST with
 * only a valid token is answered (not refused as a forgery, not a server error), and every route
 * with an id answers 404 for another council's record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InjectOptions } from 'fastify'
import { type Role, roles } from '../../../src/db/schema/index.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import type { TenantScope } from '../../../src/platform/tenancy.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import * as insight from '../../security/needs/insight.js'
import * as uploads from '../../security/needs/uploads.js'
import {
  clientWith,
  COUNCIL_B,
  expectedFor,
  isDenied,
  isStateChanging,
  mintSession,
  type RouteInfo,
  routesOf,
  shouldAllow,
} from '../../security/route-matrix.js'

const mine = /^\/needs\/(imports|templates|insight|priorities|assumptions)(\/|$)/
const factories = { ...uploads.factories, ...insight.factories }

describe('needs data pages: access, forgery control and isolation', () => {
  let ctx: TestContext
  let routes: RouteInfo[]
  let idsA: Record<string, string>
  let idsB: Record<string, string>
  const people = new Map<Role, TestUser>()

  const records = async (scope: TenantScope) => {
    const ids: Record<string, string> = {}
    for (const [kind, make] of Object.entries(factories)) ids[kind] = await make(ctx.app, scope)
    return ids
  }
  const fill = (route: RouteInfo, ids: Record<string, string>) =>
    route.url.replace(/:[A-Za-z]*[iI]d\b/, ids[route.tenantResource ?? ''] ?? 'missing')

  beforeAll(async () => {
    ctx = await createTestContext()
    routes = routesOf(ctx.app).filter((r) => mine.test(r.url) && r.method !== 'HEAD')
    for (const role of roles) people.set(role, await ctx.user({ roles: [role], totp: true }))
    const scopeA = people.get('commissioner')?.scope
    if (!scopeA) throw new Error('no council A')
    idsA = await records(scopeA)
    idsB = await records(await ensureCouncil(ctx.app.db, COUNCIL_B))
  })
  afterAll(async () => {
    await ctx.close()
  })

  const call = async (route: RouteInfo, who: Role | 'anonymous', ids: Record<string, string>) => {
    const person = who === 'anonymous' ? undefined : people.get(who)
    const { client, csrf } = await clientWith(ctx.app, person ? await mintSession(ctx.app, person) : undefined)
    const url = fill(route, ids)
    return isStateChanging(route.method)
      ? client.postForm(url, { _csrf: csrf })
      : client.request({ method: route.method as InjectOptions['method'], url })
  }

  it('has the 22 routes of these pages, each in the hand-written access table, each for commissioners and analysts', () => {
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [...Object.keys(uploads.expected), ...Object.keys(insight.expected)].sort(),
    )
    expect(routes).toHaveLength(22)
    for (const r of routes)
      expect(expectedFor(r.method, r.url), `${r.method} ${r.url}`).toEqual(['commissioner', 'analyst'])
  })

  for (const who of ['anonymous', ...roles] as const) {
    it(`${who}: allowed exactly where the table says, never a server error`, async () => {
      const wrong: string[] = []
      for (const route of routes) {
        const expected = expectedFor(route.method, route.url)
        if (!expected) continue
        const res = await call(route, who, idsA)
        const allow = shouldAllow(expected, who)
        if (res.statusCode >= 500) wrong.push(`${route.method} ${route.url}: ${String(res.statusCode)}`)
        if (allow && (isDenied(res) || res.statusCode === 404))
          wrong.push(`${route.method} ${route.url}: expected allowed, got ${String(res.statusCode)}`)
        if (!allow && !isDenied(res))
          wrong.push(`${route.method} ${route.url}: expected denied, got ${String(res.statusCode)}`)
      }
      expect(wrong).toEqual([])
    })
  }

  it("every route with an id answers 404 for council B's record, and reaches council A's own", async () => {
    const idRoutes = routes.filter((r) => r.tenantResource)
    expect(idRoutes.map((r) => r.tenantResource).sort()).toEqual(
      ['data-import', 'insight', 'insight', 'insight', 'insight', 'priority', 'priority', 'priority'].sort(),
    )
    const wrong: string[] = []
    for (const route of idRoutes) {
      const other = await call(route, 'analyst', idsB)
      if (other.statusCode !== 404) wrong.push(`${route.method} ${route.url} (B): ${String(other.statusCode)}`)
      if (other.body.includes('Birmingham')) wrong.push(`${route.method} ${route.url}: names council B`)
      const own = await call(route, 'analyst', idsA)
      if (own.statusCode === 404 || isDenied(own) || own.statusCode >= 500)
        wrong.push(`${route.method} ${route.url} (A): ${String(own.statusCode)}`)
    }
    expect(wrong).toEqual([])
  })
})

/**
 * Shared machinery for the route-table security tests (CSRF, role x route matrix, tenant isolation,
 * GET-has-no-side-effects, headers). The routes come from `app.routeTable`, so a new route is picked
 * up without editing this file; the role matrix then fails until the route is added to
 * `expectedAccess` below, written by hand from the product's rules (not read from the routes).
 */
import { randomBytes, randomInt } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest, InjectOptions, LightMyRequestResponse } from 'fastify'
import { jobs, type Role, roles } from '../../src/db/schema/index.js'
import { createPartnership } from '../../src/features/partnerships/repository.js'
import { createInvitation } from '../../src/platform/users.js'
import type { SessionStage } from '../../src/platform/access.js'
import { queryRows } from '../../src/platform/db/index.js'
import { SESSION_COOKIE } from '../../src/platform/session.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { TestClient } from '../support/app.js'
import { makeUser } from '../support/factories.js'
import * as directoryAnalysis from './directory/analysis.js'
import * as directoryApi from './directory/api.js'
import * as directoryPublic from './directory/public.js'
import * as directoryWeb from './directory/web.js'
import * as needsAssessment from './needs/assessment.js'
import * as needsInsight from './needs/insight.js'
import * as needsUploads from './needs/uploads.js'
import * as standards from './standards.js'

export const COUNCIL_A = 'E09000003' // Barnet
export const COUNCIL_B = 'E08000025' // Birmingham

export type Who = 'anonymous' | Role
export const everyone: readonly Who[] = ['anonymous', ...roles]

/**
 * Who may use each route, from the product's rules (ARCHITECTURE.md, the issue): the public pages
 * and sign-in steps, then staff pages by role. HEAD routes follow their GET route.
 */
export type Expected = 'public' | 'signed-in' | 'second-factor-stage' | 'enrol-stage' | readonly Role[]

const adminOnly: readonly Role[] = ['admin']
const commissioning: readonly Role[] = ['admin', 'commissioner']

export const expectedAccess: Record<string, Expected> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /info': 'public',
  'GET /': 'public',
  'GET /support/before-you-start': 'public',
  'GET /support': 'public',
  // A published service's public page; its council is part of the address (ADR 24).
  'GET /support/services/:council/:id': 'public',
  'GET /safety': 'public',
  'GET /accessibility': 'public',
  'GET /privacy': 'public',
  'GET /cookies': 'public',
  'GET /exit': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'GET /sign-in/second-factor': 'second-factor-stage',
  'POST /sign-in/second-factor': 'second-factor-stage',
  'GET /sign-in/recovery-code': 'second-factor-stage',
  'POST /sign-in/recovery-code': 'second-factor-stage',
  'GET /account/second-factor/set-up': 'enrol-stage',
  'POST /account/second-factor/set-up': 'enrol-stage',
  'POST /sign-out': 'public',
  'GET /signed-out': 'public',
  'POST /session/extend': 'signed-in',
  'GET /invitations/:token': 'public',
  'POST /invitations/:token': 'public',
  'GET /home': 'signed-in',
  // The standards frameworks: read by everyone who will take part in assessments (issue 12).
  'GET /standards': ['commissioner', 'analyst', 'provider', 'panel_member'],
  'GET /standards/:framework': ['commissioner', 'analyst', 'provider', 'panel_member'],
  'GET /standards/:framework/export': ['commissioner', 'analyst', 'provider', 'panel_member'],
  'GET /admin/users': adminOnly,
  'GET /admin/users/:id': adminOnly,
  'POST /admin/users/:id/roles': adminOnly,
  'POST /admin/users/:id/disable': adminOnly,
  'POST /admin/users/:id/enable': adminOnly,
  'POST /admin/users/:id/reset-second-factor': adminOnly,
  'GET /admin/invitations/new': adminOnly,
  'POST /admin/invitations': adminOnly,
  'GET /admin/invitations/:id': adminOnly,
  'POST /admin/invitations/:id/revoke': adminOnly,
  'GET /admin/organisations': adminOnly,
  'POST /admin/organisations': adminOnly,
  'GET /partnerships': commissioning,
  'POST /partnerships': commissioning,
  'GET /partnerships/:id': commissioning,
  'POST /partnerships/:id/invite': commissioning,
  'POST /partnerships/:id/join': commissioning,
  'GET /audit': commissioning,
  'POST /audit/verify': commissioning,
  // The factory's job is a data import: a job takes the roles of the page that starts it (job-access.test.ts).
  'GET /jobs/:id': ['commissioner', 'analyst'],
  ...needsUploads.expected,
  ...standards.expected,
  ...needsInsight.expected,
  ...needsAssessment.expected,
  ...directoryApi.expected,
  ...directoryWeb.expected,
  ...directoryAnalysis.expected,
  ...directoryPublic.expected,
}

export function expectedFor(method: string, url: string): Expected | undefined {
  return expectedAccess[`${method === 'HEAD' ? 'GET' : method} ${url}`]
}

/** Whether a fully signed-in user holding `who` (or nobody) should get through. */
export function shouldAllow(expected: Expected, who: Who): boolean {
  if (expected === 'public') return true
  if (expected === 'signed-in') return who !== 'anonymous'
  if (expected === 'second-factor-stage' || expected === 'enrol-stage') return false
  return who !== 'anonymous' && expected.includes(who)
}

export interface RouteInfo {
  method: string
  url: string
  access: unknown
  tenantResource: string | undefined
}

/** Every route of the app, one entry per method; static assets left out. */
export function routesOf(app: FastifyInstance): RouteInfo[] {
  const seen = new Set<string>()
  const out: RouteInfo[] = []
  for (const route of app.routeTable) {
    if (route.url.startsWith('/assets') || route.config?.static) continue
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      const key = `${method} ${route.url}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push({ method, url: route.url, access: route.config?.access, tenantResource: route.config?.tenantResource })
    }
  }
  return out
}

export const isStateChanging = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method)

/** The request was turned away: not signed in, not allowed, or sent to sign in (or to finish signing in). */
export function isDenied(res: LightMyRequestResponse): boolean {
  if (res.statusCode === 401 || res.statusCode === 403) return true
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const location = res.headers.location ?? ''
    return /^\/sign-in(\?|$|\/second-factor)|^\/account\/second-factor\/set-up/.test(location)
  }
  return false
}

const randomIp = (): string => `10.${String(randomInt(256))}.${String(randomInt(256))}.${String(randomInt(1, 255))}`

/**
 * A TestClient that comes from its own address, so the per-address rate limits on the sign-in
 * routes (20 a minute) do not make one test's requests fail another's.
 */
export class SecurityClient extends TestClient {
  constructor(
    app: FastifyInstance,
    readonly ip: string = randomIp(),
  ) {
    super(app)
  }

  override request(opts: InjectOptions): Promise<LightMyRequestResponse> {
    return super.request({ ...opts, headers: { 'x-forwarded-for': this.ip, ...(opts.headers ?? {}) } })
  }

  /** POSTs a form with the given CSRF token (or none), without fetching a page first. */
  postForm(
    url: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
    return this.request({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  }

  /** A CSRF token from whichever page of the client's current state has a form. */
  async anyCsrfToken(): Promise<string> {
    for (const page of ['/sign-in', '/home', '/signed-out']) {
      const res = await this.get(page)
      const match = /name="_csrf" value="([^"]+)"/.exec(res.body)
      if (match?.[1]) return match[1]
    }
    throw new Error('No page offered a CSRF token')
  }
}

/**
 * Starts a session the way the app does after a sign-in step (through SessionManager.start), and
 * returns the cookie value. Used where a test needs many independent sessions; the sign-in journey
 * itself is tested in session.test.ts and auth.test.ts.
 */
export async function mintSession(
  app: FastifyInstance,
  user: { id: string; scope: TenantScope },
  stage: SessionStage = 'full',
): Promise<string> {
  let value: string | undefined
  const request = { session: null } as unknown as FastifyRequest
  const reply = {
    setCookie(name: string, v: string) {
      if (name === SESSION_COOKIE) value = v
      return reply
    },
  } as unknown as FastifyReply
  await app.sessions.start(request, reply, { id: user.id, tenantId: user.scope.tenantId }, stage)
  if (!value) throw new Error('SessionManager.start set no session cookie')
  return value
}

/** A client holding a CSRF cookie and token, and (unless anonymous) the given session. */
export async function clientWith(
  app: FastifyInstance,
  session?: string,
): Promise<{ client: SecurityClient; csrf: string }> {
  const client = new SecurityClient(app)
  const csrf = await client.csrfToken('/sign-in')
  if (session) client.cookies.set(SESSION_COOKIE, session)
  return { client, csrf }
}

const actor = { userId: null, label: 'security test' }

/**
 * One factory per kind of tenant-owned record a route can name (`config.tenantResource`). A route
 * declaring a kind missing here fails the isolation test, so new kinds must be added.
 */
export const resourceFactories: Record<string, (app: FastifyInstance, scope: TenantScope) => Promise<string>> = {
  user: async (app, scope) =>
    (await makeUser(app.db, app.secretBox, { council: scope.areaCode, roles: ['analyst'] })).id,
  invitation: async (app, scope) =>
    (
      await createInvitation(app.db, scope, actor, {
        email: `invitee-${randomBytes(4).toString('hex')}@${scope.areaCode.toLowerCase()}.example`,
        displayName: 'Invited Person',
        role: 'analyst',
        organisationId: scope.tenantId,
        validDays: 7,
      })
    ).invitation.id,
  partnership: (app, scope) => createPartnership(app.db, scope, actor, `Partnership of ${scope.councilName}`),
  job: async (app, scope) => {
    const rows = await app.db
      .insert(jobs)
      .values({
        tenantId: scope.tenantId,
        kind: 'needs-import',
        title: 'A finished job',
        status: 'succeeded',
        params: {},
      })
      .returning({ id: jobs.id })
    const id = rows[0]?.id
    if (!id) throw new Error('no job id')
    return id
  },
  ...needsUploads.factories,
  ...standards.factories,
  ...needsInsight.factories,
  ...needsAssessment.factories,
  ...directoryApi.factories,
  ...directoryWeb.factories,
  ...directoryAnalysis.factories,
  ...directoryPublic.factories,
}

/** A usable invitation token for routes with `:token`. */
export async function invitationToken(app: FastifyInstance, scope: TenantScope): Promise<string> {
  const { token } = await createInvitation(app.db, scope, actor, {
    email: `token-${randomBytes(4).toString('hex')}@${scope.areaCode.toLowerCase()}.example`,
    displayName: 'Token Holder',
    role: 'panel_member',
    organisationId: scope.tenantId,
    validDays: 7,
  })
  return token
}

/** Fills a route's parameters: `:id` with a record of the route's kind, `:token` with an invitation token. */
export function fillUrl(route: RouteInfo, ids: Record<string, string>, token: string): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    if (name === 'token') return token
    // A council in a public address: its GSS code.
    if (name === 'council') return COUNCIL_A
    // A shipped standards framework, the same for every council.
    if (name === 'framework') return 'gender-responsive'
    // A standard of the framework the harness's rounds use (test/security/standards.ts).
    if (name === 'standard') return 'PIE1'
    // A course type of the training register.
    if (name === 'course') return 'trauma-informed'
    if (/id$/i.test(name)) {
      // Public records (the Open Referral UK feed) belong to no tenant: any well-formed id will do.
      if (!route.tenantResource && (route.access as { public?: boolean } | undefined)?.public) {
        return '00000000-0000-4000-8000-000000000000'
      }
      const id = route.tenantResource ? ids[route.tenantResource] : undefined
      if (!id) throw new Error(`No record of kind ${String(route.tenantResource)} for ${route.method} ${route.url}`)
      return id
    }
    throw new Error(`No filler for :${name} in ${route.url}: add one to test/security/route-matrix.ts`)
  })
}

/** One record of every tenant-owned kind in the council. */
export async function recordsIn(app: FastifyInstance, scope: TenantScope): Promise<Record<string, string>> {
  const ids: Record<string, string> = {}
  for (const [kind, make] of Object.entries(resourceFactories)) ids[kind] = await make(app, scope)
  return ids
}

/** A digest of each table's whole content, to prove a request changed nothing. */
export async function tableDigests(app: FastifyInstance, tables: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const table of tables) {
    const rows = await queryRows<{ n: string; digest: string | null }>(
      app.db,
      sql`SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${sql.identifier(table)} t`,
    )
    out[table] = `${rows[0]?.n ?? '?'}:${rows[0]?.digest ?? ''}`
  }
  return out
}

export async function maxAuditId(app: FastifyInstance): Promise<number> {
  const rows = await queryRows<{ id: string | null }>(app.db, sql`SELECT max(id)::text AS id FROM audit_events`)
  return Number(rows[0]?.id ?? 0)
}

export async function auditActionsAfter(app: FastifyInstance, id: number): Promise<string[]> {
  const rows = await queryRows<{ action: string }>(
    app.db,
    sql`SELECT action FROM audit_events WHERE id > ${id} ORDER BY id`,
  )
  return rows.map((r) => r.action)
}

/**
 * Every route declares who may use it (`config.access`); the app refuses to start if one does not.
 * Route tests read the same declarations to build the role x route matrix and the isolation harness.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Role } from '../db/schema/index.js'
import { HttpError } from './errors.js'
import type { CurrentUser } from './session.js'

export type SessionStage = 'second-factor' | 'enrol' | 'full'

export type Access =
  /** Anyone, signed in or not. */
  | { public: true }
  /** A signed-in user part-way through sign-in (second factor or enrolment). */
  | { stage: 'second-factor' | 'enrol' }
  /** Any fully signed-in user. */
  | { signedIn: true }
  /** Fully signed-in users holding one of these roles in their council. */
  | { roles: readonly Role[] }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
    /** For routes with an :id parameter: the kind of tenant-owned record it names (isolation tests). */
    tenantResource?: string
    /** Static assets: skip session lookup. */
    static?: boolean
  }
}

export const staffRoles: readonly Role[] = ['commissioner', 'analyst', 'provider', 'partner', 'admin']

export function assertRouteDeclaresAccess(route: RouteOptions): void {
  const config = route.config
  if (route.url.startsWith('/assets') || config?.static) return
  if (!config?.access) {
    throw new Error(`Route ${String(route.method)} ${route.url} does not declare config.access`)
  }
  if (
    /:[a-zA-Z]*[iI]d\b/.test(route.url) &&
    !('public' in config.access) &&
    !(config as { tenantResource?: string }).tenantResource
  ) {
    throw new Error(`Route ${String(route.method)} ${route.url} has an id parameter but no config.tenantResource`)
  }
}

function wantsHtml(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    !request.url.includes('format=') &&
    (request.headers.accept ?? 'text/html').includes('html')
  )
}

const SIGN_IN = 'Sign in to continue.'

/**
 * The signed-in user of a request whose route declares staff access (enforceAccess has already
 * sent anyone else to sign in); a 401 if there is none, so a route never runs without one.
 */
export function requireUser<U = CurrentUser>(request: { currentUser: U | null }): U {
  const user = request.currentUser
  if (!user) throw new HttpError(401, SIGN_IN)
  return user
}

/** preHandler: runs after the session is loaded and CSRF is checked. */
export async function enforceAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access
  if (!access || 'public' in access) return
  const session = request.session
  if (!session) {
    if (wantsHtml(request)) {
      const next = encodeURIComponent(request.url)
      return reply.redirect(`/sign-in?next=${next}`, 303)
    }
    throw new HttpError(401, SIGN_IN)
  }
  if ('stage' in access) {
    if (session.stage !== access.stage) throw new HttpError(403, 'This page is not part of your sign-in.')
    return
  }
  if (session.stage !== 'full') {
    if (wantsHtml(request))
      return reply.redirect(session.stage === 'enrol' ? '/account/second-factor/set-up' : '/sign-in/second-factor', 303)
    throw new HttpError(401, 'Finish signing in to continue.')
  }
  if ('roles' in access) {
    const user = request.currentUser
    if (!user?.roles.some((r) => access.roles.includes(r))) {
      throw new HttpError(
        403,
        'You do not have access to this page. Ask your council’s WTC administrator if you need it.',
      )
    }
  }
}

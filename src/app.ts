/**
 * buildApp: the Fastify application without `listen`, so tests drive it through `inject()`.
 * Cross-cutting concerns are mounted in a fixed, readable order: logging and request ids,
 * security headers, rate limits, parsing, static assets, views, session, CSRF, access, features,
 * not-found and errors.
 */
import { randomUUID } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import type { Config } from './config.js'
import { registerAdminRoutes } from './features/admin/routes.js'
import { registerAuditRoutes } from './features/audit/routes.js'
import { registerAuditJobs } from './features/audit/jobs.js'
import { registerAuthRoutes } from './features/auth/routes.js'
import { registerSsoRoutes } from './features/auth/sso.js'
import { registerHealthRoutes } from './features/health/routes.js'
import { registerHomeRoutes } from './features/home/routes.js'
import { registerJobRoutes } from './features/jobs/routes.js'
import { registerNeedsRoutes } from './features/needs/routes.js'
import { registerDirectoryRoutes } from './features/directory/routes.js'
import { registerPartnershipRoutes } from './features/partnerships/routes.js'
import { registerStandardsRoutes } from './features/standards/routes.js'
import { registerAssessmentRoutes } from './features/standards/assessment/routes.js'
import { registerWorkforceRoutes } from './features/standards/workforce/routes.js'
import { standardsAttention } from './features/standards/attention.js'
import { serviceStandardsFlags } from './features/standards/assessment/flags.js'
import { assessableServices } from './features/directory/repository.js'
import { registerActionRoutes } from './features/actions/routes.js'
import { registerPublicRoutes } from './features/public/routes.js'
import { assertRouteDeclaresAccess, enforceAccess } from './platform/access.js'
import type { Database, Db } from './platform/db/index.js'
import { registerErrorHandlers } from './platform/errors.js'
import { JobRunner } from './platform/jobs.js'
import { loggerOptions } from './platform/logging.js'
import { fromRoot } from './platform/root.js'
import { resolveSecretKey, SecretBox } from './platform/secrets.js'
import { CSRF_COOKIE, cookieOptions, SessionManager } from './platform/session.js'
import { registerViews } from './platform/views.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    database: Database
    jobs: JobRunner
    sessions: SessionManager
    secretBox: SecretBox
    /** Every route registered, for the route-table tests (CSRF, role matrix, isolation). */
    routeTable: RouteOptions[]
  }
}

export interface BuildOptions {
  config: Config
  database: Database
  /** Test hook: lets a test add a route (e.g. one that throws) before the app is sealed. */
  extraRoutes?: (app: FastifyInstance) => void
  /** Test hook: where log lines are written, so a test can read them (ASVS 16.2.5: no secrets in logs). */
  logStream?: { write(line: string): void }
}

export async function buildApp({ config, database, extraRoutes, logStream }: BuildOptions): Promise<FastifyInstance> {
  const logger = loggerOptions(config)
  const app = Fastify({
    logger: logStream && typeof logger === 'object' ? { ...logger, stream: logStream } : logger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  })

  const secretKey = await resolveSecretKey(database.db, config.secretKey)
  app.decorate('config', config)
  app.decorate('database', database)
  app.decorate('db', database.db)
  app.decorate('secretBox', new SecretBox(secretKey))
  app.decorate('sessions', new SessionManager(database.db, config.session))
  app.decorate('jobs', new JobRunner(database.db, app.log, config.jobs))
  app.decorate('routeTable', [] as RouteOptions[])
  app.decorateRequest('session', null)
  app.decorateRequest('currentUser', null)
  app.decorateRequest('sessionEnded', null)

  app.addHook('onRoute', (route) => {
    assertRouteDeclaresAccess(route)
    app.routeTable.push(route)
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  // Security headers on every response, errors included (ASVS 3.4).
  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  })
  // Nothing dynamic is cached: staff pages hold special category data, and public pages must not
  // linger in a shared browser's cache (ASVS 14.3.1).
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store')
  })

  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Checked after routing, so auth/CSRF rejections still count (security-privacy.md pitfall).
    hook: 'preHandler',
  })

  await app.register(fastifyCookie)
  await app.register(fastifyFormbody, { bodyLimit: 256 * 1024 })

  await app.register(fastifyStatic, {
    root: fromRoot('public'),
    prefix: '/assets/',
    maxAge: config.env === 'production' ? '7d' : 0,
    immutable: config.env === 'production',
    index: false,
    decorateReply: false,
  })

  registerViews(app, config)

  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { ...cookieOptions, sameSite: 'strict' },
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined
      const header = request.headers['x-csrf-token']
      return fromBody ?? (typeof header === 'string' ? header : undefined)
    },
  })

  // Session, then CSRF, then access, all in preHandler (after body parsing, counted by the limiter).
  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/assets/') || request.routeOptions.config.static) return
    await app.sessions.load(request, reply)
  })
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return
    if (!request.routeOptions.url) return
    checkOrigin(request.headers, config.baseUrl)
    await new Promise<void>((resolve, reject) => {
      app.csrfProtection(request, reply, (err?: Error) => {
        if (err) reject(err)
        else resolve()
      })
    })
  })
  app.addHook('preHandler', enforceAccess)

  registerAuditJobs(app.jobs)

  registerHealthRoutes(app)
  registerPublicRoutes(app)
  registerAuthRoutes(app)
  registerSsoRoutes(app)
  registerHomeRoutes(app, { attention: standardsAttention })
  registerAdminRoutes(app)
  registerPartnershipRoutes(app)
  registerStandardsRoutes(app)
  registerAssessmentRoutes(app, { services: assessableServices })
  registerWorkforceRoutes(app)
  registerActionRoutes(app)
  registerAuditRoutes(app)
  registerJobRoutes(app)
  registerNeedsRoutes(app)
  registerDirectoryRoutes(app, { standardsFlags: serviceStandardsFlags })
  extraRoutes?.(app)

  registerErrorHandlers(app)
  return app
}

/**
 * Cross-site requests are refused even with a token (ASVS 3.5.1): a browser's Origin (or, failing
 * that, Sec-Fetch-Site) must say the form came from this site.
 */
function checkOrigin(headers: Record<string, string | string[] | undefined>, baseUrl: string): void {
  const origin = headers.origin
  const site = headers['sec-fetch-site']
  const host = headers.host
  if (typeof origin === 'string' && origin !== 'null') {
    const originHost = (() => {
      try {
        return new URL(origin).host
      } catch {
        return ''
      }
    })()
    if (originHost !== host && origin !== new URL(baseUrl).origin) {
      throw Object.assign(new Error('Cross-site request refused'), { statusCode: 403, code: 'FST_CSRF_INVALID_TOKEN' })
    }
  } else if (site === 'cross-site') {
    throw Object.assign(new Error('Cross-site request refused'), { statusCode: 403, code: 'FST_CSRF_INVALID_TOKEN' })
  }
}

/**
 * Nunjucks views. Templates are read from src/ (feature folders keep their own views/), with
 * govuk-frontend and MoJ Frontend macros on the search path. Every page gets the same base
 * context: the CSP nonce, the signed-in user, a CSRF token (made when a form prints it), the navigation
 * and session timings.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { formatDay } from '../lib/dates.js'
import nunjucks from 'nunjucks'
import type { Config } from '../config.js'
import { navigationFor } from './navigation.js'
import { fromRoot } from './root.js'

const require = createRequire(import.meta.url)
const govukDist = path.resolve(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist')
const mojRoot = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'))

declare module 'fastify' {
  interface FastifyReply {
    view(template: string, context?: Record<string, unknown>): FastifyReply
  }
  interface FastifyInstance {
    renderFragment(template: string, context: Record<string, unknown>): string
  }
}

export const SERVICE_NAME = "Women's Treatment Commissioning"

/**
 * One formatter for every page: `toLocaleString` with options builds a new Intl.DateTimeFormat on
 * each call (about 0.2 ms), which was a fifth of the time of a 47-row directory list.
 */
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
})

export function createViewEnvironment(config: Pick<Config, 'env'>): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([fromRoot('src'), govukDist, mojRoot], { noCache: config.env === 'development' }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  env.addGlobal('serviceName', SERVICE_NAME)
  env.addFilter('dateTime', (d: Date | string | null | undefined) => {
    if (!d) return ''
    return dateTimeFormat.format(typeof d === 'string' ? new Date(d) : d)
  })
  /** A calendar date ('2025-03-04') in words: 4 March 2025. */
  env.addFilter('longDate', (d: string | null | undefined) => (d ? formatDay(d) : ''))
  env.addFilter('roleName', (r: string) => roleNames[r] ?? r)
  env.addFilter('roleList', (rs: string[]) => rs.map((r) => roleNames[r] ?? r).join(', '))
  env.addFilter('json', (v: unknown) => JSON.stringify(v))
  return env
}

export const roleNames: Record<string, string> = {
  commissioner: 'Commissioner',
  analyst: 'Analyst',
  provider: 'Provider',
  panel_member: 'Lived-experience panel member',
  partner: 'Partner',
  admin: 'Administrator',
}

/**
 * The anti-forgery token, made (and its cookie set) only when a template prints it, that is only
 * on a page with a form: public pages without one set no cookie (issue 10, security-privacy.md: no
 * cookies beyond the strictly necessary). Nunjucks prints a value through its toString.
 */
export class LazyCsrfToken {
  private token: string | undefined
  constructor(private readonly make: () => string) {}
  toString(): string {
    this.token ??= this.make()
    return this.token
  }
  toJSON(): string {
    return this.toString()
  }
}

export function registerViews(app: FastifyInstance, config: Config): void {
  const env = createViewEnvironment(config)
  // A part of a page rendered on its own (no layout, no per-request values), for pages that cache it.
  app.decorate('renderFragment', (template: string, context: Record<string, unknown>) => env.render(template, context))
  app.decorateReply('view', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request
    const user = request.currentUser
    const session = request.session
    const base: Record<string, unknown> = {
      cspNonce: (this as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
      currentUser: user,
      currentPath: request.url.split('?')[0],
      navigation: user ? navigationFor(user.roles, request.url) : [],
      csrfToken: new LazyCsrfToken(() => (typeof this.generateCsrf === 'function' ? this.generateCsrf() : '')),
      sessionTimeout:
        session && user
          ? { remaining: Math.floor(session.idleRemaining), warning: config.session.warningSeconds }
          : null,
      isPublicPage: !user,
      exitUrl: '/exit',
    }
    const html = env.render(template, { ...base, ...context })
    return this.type('text/html; charset=utf-8').send(html)
  })
}

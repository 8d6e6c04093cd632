/**
 * Pages anyone can read: the start page, safety advice, the "Exit this page" interruption, the
 * accessibility statement, privacy notice and cookies page, and /exit itself. The "find support"
 * search (/support) is the directory's public face: src/features/directory/find-support.
 */
import type { FastifyInstance } from 'fastify'
import { paths } from '../../platform/paths.js'

const V = 'features/public/views'

export function registerPublicRoutes(app: FastifyInstance): void {
  const publicPage = (url: string, template: string, pageTitle: string) => {
    app.get(url, { config: { access: { public: true } } }, async (_request, reply) => reply.view(`${V}/${template}`, { pageTitle }))
  }
  app.get(paths.start, { config: { access: { public: true } } }, async (request, reply) => {
    if (request.currentUser) return reply.redirect(paths.home, 303)
    return reply.view(`${V}/start.njk`, { pageTitle: 'Drug and alcohol support for women' })
  })
  publicPage('/support/before-you-start', 'exit-interruption.njk', 'Leaving this site quickly')
  publicPage('/safety', 'safety.njk', 'Staying safe online')
  publicPage('/accessibility', 'accessibility.njk', 'Accessibility statement')
  publicPage('/privacy', 'privacy.njk', 'Privacy notice')
  publicPage('/cookies', 'cookies.njk', 'Cookies')

  // "Exit this page" lands here: end any session, clear what the browser holds for this site, and
  // go to a neutral site. It cannot clear history; the safety page explains how.
  app.get(paths.exit, { config: { access: { public: true } } }, async (request, reply) => {
    if (request.session) await app.sessions.end(request, reply)
    reply.clearCookie('__Host-wtc-csrf', { path: '/', secure: true, httpOnly: true, sameSite: 'strict' })
    reply.header('clear-site-data', '"cache", "cookies", "storage"')
    reply.header('cache-control', 'no-store')
    return reply.redirect(app.config.exitUrl, 303)
  })
}

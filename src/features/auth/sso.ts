/**
 * Council single sign-on by OpenID Connect. Not yet implemented in this file: see issue 2 work in progress.
 */
import type { FastifyInstance } from 'fastify'

export function registerSsoRoutes(app: FastifyInstance): void {
  if (!app.config.oidc) return
}

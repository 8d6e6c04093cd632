/** Service map (issue 4): directory pages, the Open Referral UK API, the gap analysis, the map and the public search. */
import type { FastifyInstance } from 'fastify'
import { registerAnalysisRoutes } from './analysis/routes.js'
import { registerDirectoryJobs } from './api/exchange.js'
import { registerOrukApiRoutes } from './api/routes.js'
import { registerReviewRoutes } from './web/review-routes.js'
import { registerDirectoryWebRoutes, type StandardsFlagSource } from './web/routes.js'
import { registerFindSupport } from './find-support/routes.js'
import { registerServiceMapRoutes } from './map/routes.js'

export function registerDirectoryRoutes(
  app: FastifyInstance,
  deps: { standardsFlags?: StandardsFlagSource } = {},
): void {
  registerOrukApiRoutes(app)
  registerDirectoryWebRoutes(app, deps)
  registerReviewRoutes(app)
  registerDirectoryJobs(app.jobs, app.config.orukImportAllowHosts)
  registerAnalysisRoutes(app)
  registerServiceMapRoutes(app)
  registerFindSupport(app)
}

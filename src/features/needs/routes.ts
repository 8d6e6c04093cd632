/** Needs assessment (issue 3): data imports, the assessment, local insight and priorities. */
import type { FastifyInstance } from 'fastify'
import { registerAssessmentRoutes } from './assessment/routes.js'
import { registerNeedsJobs } from './importers/jobs.js'
import { registerInsightRoutes } from './insight/routes.js'
import { registerReportRoutes } from './report/routes.js'
import { registerUploadRoutes } from './uploads/routes.js'

export function registerNeedsRoutes(app: FastifyInstance): void {
  registerNeedsJobs(app.jobs, app.config.importLimits)
  registerUploadRoutes(app)
  registerInsightRoutes(app)
  registerAssessmentRoutes(app)
  registerReportRoutes(app)
}

/** A job's progress page: refreshes itself every two seconds while the job runs, no JavaScript needed. */
import type { FastifyInstance } from 'fastify'
import { HttpError, notFound } from '../../platform/errors.js'

export function registerJobRoutes(app: FastifyInstance): void {
  app.get('/jobs/:id', { config: { access: { signedIn: true }, tenantResource: 'job' } }, async (request, reply) => {
    const user = request.currentUser
    if (!user) throw new HttpError(401, 'Sign in to continue.')
    const { id } = request.params as { id: string }
    const job = await app.jobs.get(user.scope, id)
    if (!job) throw notFound('job')
    if ((request.query as { format?: string }).format === 'json') {
      return reply.send({
        id: job.id,
        title: job.title,
        status: job.status,
        progress: job.progress,
        message: job.message,
        error: job.error,
        result: job.result,
      })
    }
    const active = job.status === 'queued' || job.status === 'running'
    if (active) reply.header('refresh', '2')
    return reply.view('features/jobs/views/job.njk', { pageTitle: job.title, job, active })
  })
}

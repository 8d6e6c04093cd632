import type { FastifyInstance } from 'fastify'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerReportRoutes(app: FastifyInstance): void {
  // filled in by the report work
}

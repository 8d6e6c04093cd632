import type { FastifyInstance } from 'fastify'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerAnalysisRoutes(app: FastifyInstance): void {
  // filled in by the analysis work
}

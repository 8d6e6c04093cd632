import type { FastifyInstance } from 'fastify'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerInsightRoutes(app: FastifyInstance): void {
  // filled in by the insight work
}

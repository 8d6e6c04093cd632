import type { FastifyInstance } from 'fastify'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerOrukApiRoutes(app: FastifyInstance): void {
  // filled in by the api work
}

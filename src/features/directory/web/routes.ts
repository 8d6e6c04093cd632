import type { FastifyInstance } from 'fastify'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerDirectoryWebRoutes(app: FastifyInstance): void {
  // filled in by the web work
}

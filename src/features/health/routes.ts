/** Liveness, readiness (the database answers) and build information. */
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { ping } from '../../platform/db/index.js'
import { fromRoot } from '../../platform/root.js'

function gitRef(): string {
  try {
    const head = readFileSync(fromRoot('.git/HEAD'), 'utf8').trim()
    if (!head.startsWith('ref: ')) return head.slice(0, 12)
    const ref = head.slice(5)
    try {
      return readFileSync(fromRoot('.git', ref), 'utf8').trim().slice(0, 12)
    } catch {
      const packed = readFileSync(fromRoot('.git/packed-refs'), 'utf8')
      const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`))
      return line?.slice(0, 12) ?? 'unknown'
    }
  } catch {
    return 'unknown'
  }
}

export function registerHealthRoutes(app: FastifyInstance): void {
  const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }
  const ref = app.config.gitRef ?? gitRef()
  app.get('/health/live', { config: { access: { public: true } } }, (_request, reply) => reply.send({ status: 'UP' }))
  app.get('/health/ready', { config: { access: { public: true } } }, async (_request, reply) => {
    try {
      await ping(app.db)
      return { status: 'UP', database: { status: 'UP', engine: app.database.engine } }
    } catch {
      return reply.code(503).send({ status: 'DOWN', database: { status: 'DOWN', engine: app.database.engine } })
    }
  })
  app.get('/info', { config: { access: { public: true } } }, (_request, reply) =>
    reply.send({
      name: 'wtc',
      version: pkg.version,
      gitRef: ref,
      node: process.version,
      database: app.database.engine,
    }),
  )
}

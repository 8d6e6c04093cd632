/**
 * Starts WTC: validate configuration, open and migrate the database, load the demo council into an
 * empty database, listen, and shut down cleanly on SIGTERM/SIGINT.
 */
import { sql } from 'drizzle-orm'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, loadDotEnv } from './config.js'
import { organisations } from './db/schema/index.js'
import { DEMO_PASSWORD, seedDemo } from './demo/seed.js'
import { sweepUploads } from './platform/uploads/upload.js'
import { DataDirLockedError } from './platform/db/lock.js'
import { purgeExpiredSessions } from './platform/session.js'
import { prepareDatabase } from './platform/startup.js'
import { roleNames } from './platform/views.js'

const roleList = (roles: readonly string[]): string => roles.map((r) => roleNames[r] ?? r).join(', ')

async function main(): Promise<void> {
  const startedAt = performance.now()
  loadDotEnv()
  const config = loadConfig()
  const database = await prepareDatabase(config)
  const demoLines: string[] = []
  if (config.loadDemo) {
    const count = await database.db.select({ n: sql<string>`count(*)::text` }).from(organisations)
    if (Number(count[0]?.n ?? 0) === 0) {
      const demo = await seedDemo(database.db)
      demoLines.push('Demo council loaded: Barnet (E09000003). Demo accounts (no second factor, demo only):')
      for (const a of demo.accounts) demoLines.push(`  ${a.email.padEnd(30)} ${roleList(a.roles)}`)
      demoLines.push(`  password for each: ${DEMO_PASSWORD}`)
    }
  }
  const app = await buildApp({ config, database })
  const interrupted = await app.jobs.failInterrupted(database.engine === 'pglite')
  if (interrupted > 0) app.log.warn({ interrupted }, 'settled jobs interrupted by a stop')
  // Upload files a stopped process left behind (after settling its jobs, which may have needed them).
  const swept = await sweepUploads(database.db, config.uploadDir)
  if (swept.length > 0) app.log.info({ removed: swept.length }, 'removed upload files left by a stopped process')
  // Heartbeats of this process's jobs, other processes' stopped jobs settled, queued jobs claimed.
  app.jobs.startWorker()
  void app.jobs.fill()

  const sweeper = setInterval(() => {
    void purgeExpiredSessions(database.db, config.session).catch(() => undefined)
  }, 60_000)
  sweeper.unref()

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    clearInterval(sweeper)
    app.jobs.stopWorker()
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    try {
      await app.close()
      await app.jobs.idle()
    } finally {
      await database.close()
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)
  const where =
    database.engine === 'pglite' ? `embedded database in ${database.where}` : `PostgreSQL at ${database.where}`
  const lines = [`WTC is running at ${config.baseUrl} (${where}, started in ${seconds}s)`, ...demoLines]
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`WTC could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})

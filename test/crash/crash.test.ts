/**
 * Crash safety of the real server process. A stream of form posts creates organisations; part way
 * the server is killed with SIGKILL while requests are still in flight. Every organisation whose
 * request was answered 303 (committed) must be there after a restart, nothing must be half-written
 * (each organisation has its one audit entry), and the audit chain must verify. On PGlite this
 * also shows the stale lock of the killed process is taken over. Under the `db` project
 * (TEST_DATABASE_URL) the same runs against a fresh PostgreSQL database.
 *
 * And: a second server on the same data folder refuses to start, naming the folder and the holder.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { verifyAuditChain } from '../../src/platform/audit.js'
import { type Database, openDatabase, queryRows } from '../../src/platform/db/index.js'
import { fromRoot } from '../../src/platform/root.js'
import { createTestDatabase, testDatabaseUrl } from '../support/db.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../support/ports.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-crash-test-'))
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(tmp, { recursive: true, force: true })
})

interface ServerProcess {
  child: ChildProcess
  baseUrl: string
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

async function startServer(opts: { dataDir: string; databaseUrl?: string }): Promise<ServerProcess> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${String(port)}`
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['DATABASE_URL', 'TEST_DATABASE_URL', 'SECRET_KEY'].includes(name)),
  )
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: fromRoot(),
    env: {
      ...inherited,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: baseUrl,
      DATA_DIR: opts.dataDir,
      LOAD_DEMO: 'true',
      RATE_LIMIT_PER_MINUTE: '100000',
      SMTP_URL: '',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal })
    })
  })
  return { child, baseUrl, output: () => log, exited }
}

async function waitForReady(server: ServerProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(`WTC exited with code ${String(server.child.exitCode)} before it was ready:\n${server.output()}`)
    }
    try {
      const response = await fetch(`${server.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(250)
  }
  throw new Error(`WTC was not ready within ${String(timeoutMs / 1000)} s:\n${server.output()}`)
}

/** A browser-like client over real HTTP: keeps cookies, sends the site's Origin, follows nothing. */
class WebClient {
  private readonly cookies = new Map<string, string>()
  constructor(private readonly baseUrl: string) {}

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  private headers(): Record<string, string> {
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
  }

  async get(url: string): Promise<{ status: number; body: string; location: string | null }> {
    const response = await fetch(this.baseUrl + url, {
      headers: this.headers(),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    })
    this.keep(response)
    return { status: response.status, body: await response.text(), location: response.headers.get('location') }
  }

  async post(url: string, form: Record<string, string>): Promise<{ status: number; location: string | null }> {
    const response = await fetch(this.baseUrl + url, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded', origin: this.baseUrl },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    })
    this.keep(response)
    await response.arrayBuffer()
    return { status: response.status, location: response.headers.get('location') }
  }

  async csrfToken(url: string): Promise<string> {
    const page = await this.get(url)
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1]
    if (!token) throw new Error(`No CSRF token on ${url} (status ${String(page.status)})`)
    return token
  }

  async signInAsDemoAdmin(): Promise<void> {
    const token = await this.csrfToken('/sign-in')
    const signedIn = await this.post('/sign-in', {
      email: 'admin@barnet.example',
      password: DEMO_PASSWORD,
      _csrf: token,
    })
    if (signedIn.status !== 303 || signedIn.location !== '/home') {
      throw new Error(`sign-in failed: ${String(signedIn.status)} to ${String(signedIn.location)}`)
    }
  }
}

const engine = testDatabaseUrl ? 'PostgreSQL' : 'PGlite'

describe(`crash safety of the server (${engine})`, () => {
  it('every organisation committed before a kill -9 is there after a restart; nothing is half-written; the audit chain verifies', async () => {
    const dataDir = mkdtempSync(path.join(tmp, 'data-'))
    const postgres = testDatabaseUrl ? await createTestDatabase() : undefined
    const serverOpts = { dataDir, ...(postgres?.url ? { databaseUrl: postgres.url } : {}) }
    try {
      const first = await startServer(serverOpts)
      await waitForReady(first)
      const client = new WebClient(first.baseUrl)
      await client.signInAsDemoAdmin()
      const token = await client.csrfToken('/admin/organisations')

      const committed = new Set<string>()
      const uncertain = new Set<string>()
      const unexpected: string[] = []
      let next = 1
      let inFlight = 0
      let killed = false
      const isKilled = () => killed
      let inFlightAtKill = 0
      const worker = async () => {
        while (!isKilled()) {
          const name = `Crash test org ${String(next++)}`
          inFlight++
          try {
            const response = await client.post('/admin/organisations', { kind: 'provider', name, _csrf: token })
            if (response.status === 303) committed.add(name)
            else if (isKilled()) uncertain.add(name)
            else unexpected.push(`${name}: ${String(response.status)}`)
          } catch {
            uncertain.add(name) // the connection died with the server: it may or may not have committed
          } finally {
            inFlight--
          }
        }
      }
      const workers = Array.from({ length: 6 }, () => worker())
      const deadline = Date.now() + 120_000
      while (committed.size < 40 && Date.now() < deadline && unexpected.length === 0) await sleep(5)
      expect(unexpected).toEqual([])
      expect(committed.size).toBeGreaterThanOrEqual(40)
      inFlightAtKill = inFlight
      first.child.kill('SIGKILL')
      killed = true
      await Promise.all(workers)
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' })
      // The kill happened with requests in flight, not between them.
      expect(inFlightAtKill).toBeGreaterThan(0)

      if (!postgres) {
        // The killed process could not remove its lock; the restart must take it over.
        const lock = JSON.parse(readFileSync(path.join(dataDir, 'wtc.lock'), 'utf8')) as { pid: number }
        expect(lock.pid).toBe(first.child.pid)
      }

      const second = await startServer(serverOpts)
      await waitForReady(second)
      const after = new WebClient(second.baseUrl)
      await after.signInAsDemoAdmin()
      const page = await after.get('/admin/organisations')
      expect(page.status).toBe(200)
      for (const name of committed) expect(page.body).toContain(name)
      second.child.kill('SIGTERM')
      expect(await second.exited).toEqual({ code: 0, signal: null })
      if (!postgres) expect(existsSync(path.join(dataDir, 'wtc.lock'))).toBe(false)

      const database: Database = postgres ?? (await openDatabase({ dataDir }))
      try {
        const organisations = await queryRows<{ id: string; name: string }>(
          database.db,
          sql`SELECT id::text AS id, name FROM organisations WHERE name LIKE 'Crash test org %'`,
        )
        const names = new Set(organisations.map((o) => o.name))
        for (const name of committed) expect(names.has(name), `${name} was committed but is missing`).toBe(true)
        for (const name of names) {
          expect(committed.has(name) || uncertain.has(name), `${name} was never sent`).toBe(true)
        }
        // Each organisation and its audit entry were written in one transaction: both or neither.
        const audited = await queryRows<{ subject_id: string; n: string }>(
          database.db,
          sql`SELECT subject_id, count(*)::text AS n FROM audit_events
              WHERE action = 'organisation.create' GROUP BY subject_id`,
        )
        const auditCount = new Map(audited.map((a) => [a.subject_id, Number(a.n)]))
        for (const org of organisations) expect(auditCount.get(org.id), `audit entries of ${org.name}`).toBe(1)
        expect(audited.length).toBe(organisations.length)
        const chain = await verifyAuditChain(database.db)
        expect(chain.ok).toBe(true)
        expect(chain.checked).toBeGreaterThanOrEqual(committed.size + 5)
      } finally {
        if (!postgres) await database.close()
      }
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await postgres?.close()
    }
  }, 300_000)
})

describe('one server per data folder', () => {
  it('a second server on the same data folder exits with code 2, naming the folder and the pid holding it', async () => {
    const dataDir = mkdtempSync(path.join(tmp, 'shared-'))
    const first = await startServer({ dataDir })
    try {
      await waitForReady(first)
      const second = await startServer({ dataDir })
      expect(await second.exited).toEqual({ code: 2, signal: null })
      expect(second.output()).toContain(
        `The data folder ${dataDir} is in use by another WTC process (pid ${String(first.child.pid)}`,
      )
      // The first server is unharmed.
      expect((await fetch(`${first.baseUrl}/health/ready`)).status).toBe(200)
    } finally {
      first.child.kill('SIGTERM')
      await first.exited
    }
  }, 180_000)
})

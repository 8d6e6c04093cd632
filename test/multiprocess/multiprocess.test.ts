/**
 * Several app processes on one PostgreSQL database (issue 8, "Several processes on one
 * PostgreSQL"; docs/operations.md). Three real servers (tsx, loopback ports) share a database of
 * this file's own. One signs in and the session works on the others; a change made through one
 * shows at once in the cached pages of another; imports started on two processes at once are each
 * claimed exactly once while all three write audit entries, and the chain verifies; a process
 * killed with SIGKILL in the middle of an import leaves its job settled by another process from
 * what was committed, never "running".
 *
 * PostgreSQL only (the `db` project): PGlite is one process by design.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import os from 'node:os'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../src/demo/seed.js'
import { importOrukText } from '../../src/features/directory/api/exchange.js'
import { verifyAuditChain } from '../../src/platform/audit.js'
import { queryRows } from '../../src/platform/db/index.js'
import { INTERRUPTED_MESSAGE } from '../../src/platform/jobs.js'
import { fromRoot } from '../../src/platform/root.js'
import { scopeForCouncilCode } from '../../src/platform/tenancy.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../support/ports.js'

const STALE_SECONDS = 3
const children: ChildProcess[] = []

interface Server {
  name: string
  child: ChildProcess
  baseUrl: string
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

async function startServer(name: string, databaseUrl: string): Promise<Server> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${String(port)}`
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !['DATABASE_URL', 'TEST_DATABASE_URL', 'SECRET_KEY'].includes(key)),
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
      DATABASE_URL: databaseUrl,
      DB_POOL_SIZE: '4',
      LOAD_DEMO: 'true',
      RATE_LIMIT_PER_MINUTE: '100000',
      SMTP_URL: '',
      JOB_STALE_SECONDS: String(STALE_SECONDS),
      // One job at a time per process, so that queued jobs are there for the others to claim.
      JOB_CONCURRENCY: '1',
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
  return { name, child, baseUrl, output: () => log, exited }
}

async function waitForReady(server: Server, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(`${server.name} exited with code ${String(server.child.exitCode)}:\n${server.output()}`)
    }
    try {
      const response = await fetch(`${server.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(250)
  }
  throw new Error(`${server.name} was not ready within ${String(timeoutMs / 1000)} s:\n${server.output()}`)
}

/** A browser-like client: one cookie jar, usable against any of the servers (a load balancer). */
class Browser {
  private readonly cookies = new Map<string, string>()

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

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async get(server: Server, url: string): Promise<{ status: number; body: string; location: string | null }> {
    const response = await fetch(server.baseUrl + url, {
      headers: { cookie: this.cookieHeader() },
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    })
    this.keep(response)
    return { status: response.status, body: await response.text(), location: response.headers.get('location') }
  }

  async post(
    server: Server,
    url: string,
    body: Record<string, string> | FormData,
  ): Promise<{ status: number; location: string | null; body: string }> {
    const form = body instanceof FormData
    const response = await fetch(server.baseUrl + url, {
      method: 'POST',
      headers: {
        cookie: this.cookieHeader(),
        origin: server.baseUrl,
        ...(form ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form ? body : new URLSearchParams(body).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
    })
    this.keep(response)
    return { status: response.status, location: response.headers.get('location'), body: await response.text() }
  }

  async csrfToken(server: Server, url: string): Promise<string> {
    const page = await this.get(server, url)
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1]
    if (!token) throw new Error(`No CSRF token on ${server.name} ${url} (status ${String(page.status)})`)
    return token
  }

  async signIn(server: Server, email: string): Promise<void> {
    const token = await this.csrfToken(server, '/sign-in')
    const signedIn = await this.post(server, '/sign-in', { email, password: DEMO_PASSWORD, _csrf: token })
    if (signedIn.status !== 303 || signedIn.location !== '/home') {
      throw new Error(`sign-in on ${server.name} failed: ${String(signedIn.status)} to ${String(signedIn.location)}`)
    }
  }
}

/** A local indicator file of `rows` rows of one indicator (one row a period). */
function indicatorCsv(indicator: string, rows: number): string {
  const lines = ['indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source']
  for (let i = 1; i <= rows; i++) {
    lines.push(`${indicator},E09000003,p${String(i)},F,all,${String(i % 97)},1000,,,,count,Multi-process test figures`)
  }
  return `${lines.join('\n')}\n`
}

async function uploadIndicator(browser: Browser, server: Server, name: string, csv: string): Promise<string> {
  const token = await browser.csrfToken(server, '/needs/imports')
  const form = new FormData()
  form.append('_csrf', token)
  form.append('kind', 'indicator')
  form.append('file', new Blob([csv], { type: 'text/csv' }), `${name}.csv`)
  const response = await browser.post(server, '/needs/imports', form)
  const id = /^\/jobs\/([0-9a-f-]{36})$/.exec(response.location ?? '')?.[1]
  if (response.status !== 303 || !id) {
    throw new Error(`upload of ${name} on ${server.name}: ${String(response.status)} ${response.body.slice(0, 300)}`)
  }
  return id
}

interface JobState {
  id: string
  status: string
  owner: string | null
  error: string | null
  progress: number
  message: string
}

async function jobStates(database: TestDatabase, ids: string[]): Promise<JobState[]> {
  if (ids.length === 0) return []
  return queryRows<JobState>(
    database.db,
    sql`select id::text as id, status, owner, error, progress, message from jobs
        where id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  )
}

async function waitForJobs(database: TestDatabase, ids: string[], timeoutMs: number): Promise<JobState[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const states = await jobStates(database, ids)
    if (states.length === ids.length && states.every((s) => s.status === 'succeeded' || s.status === 'failed')) {
      return states
    }
    if (Date.now() > deadline) throw new Error(`jobs not finished in time: ${JSON.stringify(states)}`)
    await sleep(200)
  }
}

describe('three processes on one PostgreSQL database', () => {
  let database: TestDatabase
  let servers: Server[] = []
  let a: Server
  let b: Server
  let c: Server
  const admin = new Browser()
  const analyst = new Browser()

  beforeAll(async () => {
    database = await createTestDatabase()
    const url = database.url
    if (!url) throw new Error('The multi-process test needs TEST_DATABASE_URL (PostgreSQL)')
    // The first process loads the demo council; the other two start on a database that has it.
    a = await startServer('A', url)
    await waitForReady(a)
    ;[b, c] = await Promise.all([startServer('B', url), startServer('C', url)])
    await Promise.all([waitForReady(b), waitForReady(c)])
    servers = [a, b, c]
  }, 400_000)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await Promise.all(servers.map((s) => s.exited))
    await database.close()
  }, 60_000)

  it('a session started on one process is honoured by the others, CSRF tokens included', async () => {
    await admin.signIn(a, 'admin@barnet.example')
    for (const server of [b, c]) {
      const page = await admin.get(server, '/admin/organisations')
      expect(page.status, server.name).toBe(200)
      expect(page.body).toContain('Demo Administrator')
    }
    // A form token issued by A is accepted by B: the key is shared through the database.
    const token = await admin.csrfToken(a, '/admin/organisations')
    const created = await admin.post(b, '/admin/organisations', { kind: 'provider', name: 'Made on B', _csrf: token })
    expect(created.status).toBe(303)
    const listed = await admin.get(c, '/admin/organisations')
    expect(listed.body).toContain('Made on B')
  })

  it('a change made through one process shows at once in the cached pages of another', async () => {
    const listing = await fetch(`${c.baseUrl}/api/oruk/services?per_page=50`)
    expect(listing.status).toBe(200)
    const page = (await listing.json()) as { contents: { id: string; name: string }[] }
    // A published service that the public search near NW4 shows (C builds and keeps its index).
    const search = async (server: Server) => (await admin.get(server, '/support?q=NW4+4BG')).body
    const before = await search(c)
    const shown = page.contents.find((s) => before.includes(s.name))
    expect(shown, 'a demo service shown by the search near NW4').toBeDefined()
    const renamed = `Renamed through A ${String(Date.now())}`
    // C keeps the API's ordered list for this filter: nothing matches the new name yet.
    const query = `/api/oruk/services?text=${encodeURIComponent(renamed)}`
    const emptyBefore = (await (await fetch(c.baseUrl + query)).json()) as { total_items: number }
    expect(emptyBefore.total_items).toBe(0)

    const record = (await (await fetch(`${c.baseUrl}/api/oruk/services/${shown!.id}`)).json()) as Record<
      string,
      unknown
    >
    // The change is made by a fourth process: this test's own, through the ORUK import (the
    // same code the web import's job runs), in its own transaction.
    const outcome = await importOrukText(
      database.db,
      await scopeForCouncilCode(database.db, 'E09000003'),
      { userId: null, label: 'another process', role: 'system' },
      JSON.stringify({ ...record, name: renamed }),
    )
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true)

    // What the database now says is what C must show: no waiting, no stale copy.
    const stored = await queryRows<{ name: string; status: string }>(
      database.db,
      sql`select name, status from directory_services where id = ${shown!.id}`,
    )
    expect(stored[0]?.name).toBe(renamed)
    const listedAfter = (await (await fetch(c.baseUrl + query)).json()) as { total_items: number }
    const after = await search(c)
    if (stored[0]?.status === 'published') {
      expect(listedAfter.total_items).toBe(1)
      expect(after).toContain(renamed)
    } else {
      // Imported for review: no longer public, so neither the API nor the search may show it.
      expect(listedAfter.total_items).toBe(0)
      expect(after).not.toContain(renamed)
    }
    expect(after).not.toContain(`>${shown!.name}<`)
  })

  it('imports started on two processes at once are each claimed exactly once; the audit chain of all three verifies', async () => {
    await analyst.signIn(b, 'analyst@barnet.example')
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `mp-file-${String(i + 1)}`, rows: 200 + 50 * i }))
    // Audit entries written from all three processes while the imports run.
    const token = await admin.csrfToken(a, '/admin/organisations')
    const audited: Promise<number>[] = servers.map(async (server) => {
      let ok = 0
      for (let i = 0; i < 8; i++) {
        const r = await admin.post(server, '/admin/organisations', {
          kind: 'provider',
          name: `Audit ${server.name} ${String(i)}`,
          _csrf: token,
        })
        if (r.status === 303) ok++
      }
      return ok
    })
    const jobIds = await Promise.all(
      files.map((f, i) => uploadIndicator(analyst, i % 2 === 0 ? b : c, f.name, indicatorCsv(f.name, f.rows))),
    )
    expect((await Promise.all(audited)).reduce((x, y) => x + y, 0)).toBe(24)
    const states = await waitForJobs(database, jobIds, 180_000)

    for (const state of states) {
      expect(state.status, JSON.stringify(state)).toBe('succeeded')
      expect(state.owner).toMatch(new RegExp(`^${os.hostname()}:\\d+$`))
    }
    // One import record per job, and each file's rows stored once.
    const records = await queryRows<{ job_id: string; n: string }>(
      database.db,
      sql`select job_id::text as job_id, count(*)::text as n from data_imports
          where job_id is not null group by job_id`,
    )
    const perJob = new Map(records.map((r) => [r.job_id, Number(r.n)]))
    for (const id of jobIds) expect(perJob.get(id), `import records of job ${id}`).toBe(1)
    const stored = await queryRows<{ indicator: string; n: string }>(
      database.db,
      sql`select indicator, count(*)::text as n from local_indicators where indicator like 'mp-file-%' group by indicator`,
    )
    expect(Object.fromEntries(stored.map((r) => [r.indicator, Number(r.n)]))).toEqual(
      Object.fromEntries(files.map((f) => [f.name, f.rows])),
    )
    // The owners are processes of this test (pids of the three children).
    const pids = new Set(servers.map((s) => String(s.child.pid)))
    for (const state of states) expect(pids.has(state.owner?.split(':')[1] ?? '')).toBe(true)

    const chain = await verifyAuditChain(database.db)
    expect(chain).toEqual({ ok: true, checked: chain.checked })
    expect(chain.checked).toBeGreaterThanOrEqual(24 + 6)
  }, 300_000)

  it('a process killed in the middle of an import leaves its job settled by another from what was committed', async () => {
    const rows = 300_000
    const jobId = await uploadIndicator(analyst, b, 'mp-big', indicatorCsv('mp-big', rows))
    // Wait until a process has claimed the job and is part way through it, then kill that process.
    const deadline = Date.now() + 120_000
    let running: JobState | undefined
    while (Date.now() < deadline) {
      const [state] = await jobStates(database, [jobId])
      // Part way through reading and storing the file, not at its very start.
      if (state?.status === 'running' && state.owner && state.progress >= 10) {
        running = state
        break
      }
      if (state?.status === 'succeeded' || state?.status === 'failed') break
      await sleep(20)
    }
    expect(running, 'the job was seen running').toBeDefined()
    const victim = servers.find((s) => running?.owner === `${os.hostname()}:${String(s.child.pid)}`)
    expect(victim, `a test process owns the job (${String(running?.owner)})`).toBeDefined()
    victim!.child.kill('SIGKILL')
    expect(await victim!.exited).toEqual({ code: null, signal: 'SIGKILL' })
    const survivors = servers.filter((s) => s !== victim)

    // Another process notices the stale heartbeat and settles the job: never left running.
    const [settled] = await waitForJobs(database, [jobId], 60_000)
    const records = await queryRows<{ id: string; rows_stored: number }>(
      database.db,
      sql`select id::text as id, rows_stored from data_imports where job_id = ${jobId}`,
    )
    const storedRows = await queryRows<{ n: string }>(
      database.db,
      sql`select count(*)::text as n from local_indicators where indicator = 'mp-big'`,
    )
    if (records.length === 0) {
      // Killed before its rows were committed: failed with the reason, nothing half-stored.
      expect(settled?.status).toBe('failed')
      expect(settled?.error).toBe(INTERRUPTED_MESSAGE)
      expect(Number(storedRows[0]?.n)).toBe(0)
    } else {
      // Killed after the commit: the job says what was stored, not that it failed.
      expect(settled?.status).toBe('succeeded')
      expect(records[0]?.rows_stored).toBe(rows)
      expect(Number(storedRows[0]?.n)).toBe(rows)
    }
    // The job page on a surviving process says the same.
    const page = await analyst.get(survivors[0]!, `/jobs/${jobId}`)
    expect(page.status).toBe(200)
    expect(page.body).not.toContain('http-equiv="refresh"')
    if (records.length === 0) expect(page.body).toContain('The service stopped while this job was running')

    // The survivors carry on: a new import is claimed and finished by one of them.
    const next = await uploadIndicator(analyst, survivors[0]!, 'mp-after', indicatorCsv('mp-after', 50))
    const [after] = await waitForJobs(database, [next], 120_000)
    expect(after?.status).toBe('succeeded')
    expect(survivors.map((s) => `${os.hostname()}:${String(s.child.pid)}`)).toContain(after?.owner)
    expect((await verifyAuditChain(database.db)).ok).toBe(true)
  }, 300_000)
})

/**
 * Open Referral UK API benchmark (issue 4): `/api/oruk/services` page throughput and p99 latency
 * at 20 connections with 5,000 published services, on PostgreSQL. Target: p99 under 100 ms.
 *
 * 1. Makes a throwaway PostgreSQL database, migrates it, and imports 5,000 services into one
 *    council through the product's own importer: copies of the published demo services (every
 *    field, place and session) with new ids, each at a random place in England (seeded PRNG,
 *    mulberry32, over a box from Devon to Norfolk and the Scottish border).
 * 2. Starts the server (from src/ through tsx when this file runs as TypeScript, else the built
 *    dist/src/server.js) on that database with the rate limit lifted.
 * 3. Loads, each for a warm-up then a measured run with autocannon at 20 connections:
 *    - `/api/oruk/services?page=N&per_page=50` with N random over the 100 pages;
 *    - the same pages filtered by a taxonomy term (women-only groups);
 *    - a proximity search (10 km round a random English postcode district).
 *    Every response is checked to be 200.
 *
 * Run: `npx tsx bench/oruk-api.ts`. Settings (environment): ORUK_BENCH_SERVICES (5000),
 * ORUK_BENCH_SECONDS (10 measured seconds each), ORUK_BENCH_WARMUP (3), ORUK_BENCH_CONNECTIONS
 * (20), BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server on which the throwaway
 * database is made; default postgres://postgres@127.0.0.1:5432/test). Writes
 * bench/results/oruk-api.json.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import { demoDirectory } from '../src/demo/directory-data.js'
import { stableId } from '../src/lib/ids.js'
import type { Directory, Schedule, ServiceAtLocation } from '../src/features/directory/model.js'
import { importDirectory } from '../src/features/directory/repository.js'
import { termId } from '../src/lib/taxonomy.js'
import { parsePostcodeDistrictsCsv } from '../src/lib/postcodes.js'
import { openDatabase } from '../src/platform/db/index.js'
import { ensureCouncil, loadReferenceData, POSTCODE_DISTRICTS_FILE } from '../src/platform/reference.js'
import { fromRoot } from '../src/platform/root.js'
import { createBenchDatabase, DEFAULT_ADMIN_URL, redactUrl } from './postgres.js'
import { BENCH_SECRET_KEY, freePort } from './server.js'

const COUNCIL = 'E09000003'
const log = (text: string) => process.stdout.write(`${text}\n`)
const PER_PAGE = 50
const TARGET_P99_MS = 100

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` published services copied from the demo directory, each with new ids at a random place in England. */
export function generateDirectory(count: number, seed = 20260112): Directory {
  const random = mulberry32(seed)
  const templates = demoDirectory().services.filter((s) => s.status === 'published')
  const locations = new Map(demoDirectory().locations.map((l) => [l.id, l]))
  const out: Directory = {
    organisations: [...demoDirectory().organisations],
    services: [],
    locations: [],
    serviceAtLocations: [],
    schedules: [],
  }
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length]
    if (!template) throw new Error('no demo services')
    const key = String(i)
    const id = stableId('bench', 'service', key)
    out.services.push({
      ...template,
      id,
      name: `${template.name} ${String(i + 1).padStart(4, '0')}`,
      contacts: template.contacts.map((c) => ({ ...c, id: stableId('bench', 'contact', key, c.id) })),
      serviceAreas: template.serviceAreas.map((a) => ({ ...a, id: stableId('bench', 'area', key, a.id) })),
      version: 1,
    })
    const sals = demoDirectory().serviceAtLocations.filter((x) => x.serviceId === template.id)
    for (const sal of sals) {
      const location = locations.get(sal.locationId)
      if (!location) continue
      const locationId = stableId('bench', 'location', key, location.id)
      out.locations.push({
        ...location,
        id: locationId,
        latitude: Math.round((50.6 + random() * 4.3) * 1e6) / 1e6,
        longitude: Math.round((-3.6 + random() * 5.2) * 1e6) / 1e6,
      })
      const newSal: ServiceAtLocation = { id: stableId('bench', 'sal', key, sal.id), serviceId: id, locationId }
      out.serviceAtLocations.push(newSal)
      for (const schedule of demoDirectory().schedules.filter((x) => x.serviceAtLocationId === sal.id)) {
        const copy: Schedule = {
          ...schedule,
          id: stableId('bench', 'schedule', key, schedule.id),
          serviceAtLocationId: newSal.id,
        }
        out.schedules.push(copy)
      }
    }
  }
  return out
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 2000 }, (response) => {
      response.resume()
      response.on('end', () => {
        resolve(response.statusCode ?? 0)
      })
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => {
      resolve(0)
    })
  })
}

async function startServer(
  databaseUrl: string,
): Promise<{ baseUrl: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${String(port)}`
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts')
  const args = fromSource ? ['--import', 'tsx', fromRoot('src', 'server.ts')] : [fromRoot('dist', 'src', 'server.js')]
  const lines: string[] = []
  const child = spawn(process.execPath, args, {
    cwd: fromRoot(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: baseUrl,
      SECRET_KEY: BENCH_SECRET_KEY,
      LOAD_DEMO: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (lines.length > 40) lines.splice(0, lines.length - 40)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<boolean>((resolve) =>
      child.once('exit', () => {
        resolve(true)
      }),
    )
    child.kill('SIGTERM')
    const done = await Promise.race([
      exited,
      new Promise<boolean>((resolve) =>
        setTimeout(() => {
          resolve(false)
        }, 15_000),
      ),
    ])
    if (!done) child.kill('SIGKILL')
  }
  const started = Date.now()
  while (Date.now() - started < 90_000) {
    if (child.exitCode !== null) break
    if ((await probe(`${baseUrl}/health/ready`)) === 200) return { baseUrl, child, stop }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`the server did not start:\n${lines.join('\n')}`)
}

interface Scenario {
  name: string
  /** Builds one request path (called for every request). */
  path: () => string
}

interface ScenarioResult {
  name: string
  connections: number
  durationSeconds: number
  requestsPerSecond: number
  totalRequests: number
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number }
  non2xx: number
  errors: number
  timeouts: number
  clean: boolean
  meetsTarget: boolean
}

async function load(baseUrl: string, scenario: Scenario, connections: number, warmup: number, seconds: number) {
  const options = (duration: number) => ({
    url: baseUrl,
    connections,
    duration,
    requests: [
      {
        method: 'GET' as const,
        setupRequest: (request: autocannon.Request) => ({ ...request, path: scenario.path() }),
      },
    ],
  })
  if (warmup > 0) await autocannon(options(warmup))
  const result = await autocannon(options(seconds))
  const clean = result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && result.requests.total > 0
  const summary: ScenarioResult = {
    name: scenario.name,
    connections,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clean,
    meetsTarget: clean && result.latency.p99 < TARGET_P99_MS,
  }
  return summary
}

export async function runOrukApiBench(): Promise<{ services: number; scenarios: ScenarioResult[] }> {
  const count = Number(process.env.ORUK_BENCH_SERVICES ?? 5000)
  const seconds = Number(process.env.ORUK_BENCH_SECONDS ?? 10)
  const warmup = Number(process.env.ORUK_BENCH_WARMUP ?? 3)
  const connections = Number(process.env.ORUK_BENCH_CONNECTIONS ?? 20)
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL
  const benchDb = await createBenchDatabase(adminUrl)
  log(`Database: ${redactUrl(benchDb.url)}`)
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  try {
    const database = await openDatabase({ databaseUrl: benchDb.url, dataDir: 'memory', poolSize: 4 })
    try {
      await database.migrate()
      await loadReferenceData(database.db)
      const scope = await ensureCouncil(database.db, COUNCIL)
      const directory = generateDirectory(count)
      const t0 = performance.now()
      const imported = await importDirectory(
        database.db,
        scope,
        { userId: null, label: 'bench', role: 'system' },
        directory,
        { source: 'the benchmark' },
      )
      log(
        `Imported ${String(imported.created)} services (${String(directory.locations.length)} places, ${String(directory.schedules.length)} sessions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      )
      // As autovacuum would soon after a large import: planner statistics for the new rows.
      await database.db.execute(sql`analyze`)
    } finally {
      await database.close()
    }
    server = await startServer(benchDb.url)
    const random = mulberry32(7)
    const pages = Math.ceil(count / PER_PAGE)
    const districts = englishDistricts()
    const womenOnlyGroups = termId('feature', 'women-only-groups')
    const scenarios: Scenario[] = [
      {
        name: `services, random page of ${String(pages)} (per_page=${String(PER_PAGE)})`,
        path: () => `/api/oruk/services?page=${String(1 + Math.floor(random() * pages))}&per_page=${String(PER_PAGE)}`,
      },
      {
        name: 'services filtered by a taxonomy term, random page',
        path: () =>
          `/api/oruk/services?taxonomy_term_id=${womenOnlyGroups}&page=${String(1 + Math.floor(random() * 20))}&per_page=${String(PER_PAGE)}`,
      },
      {
        name: 'services within 10 km of a random English postcode district',
        path: () => {
          const d = districts[Math.floor(random() * districts.length)] ?? 'NW4'
          return `/api/oruk/services?postcode=${encodeURIComponent(`${d} 1AA`)}&proximity=10&per_page=${String(PER_PAGE)}`
        },
      },
    ]
    // Sanity: each scenario answers 200 once before the load.
    for (const s of scenarios) {
      const status = await probe(`${server.baseUrl}${s.path()}`)
      if (status !== 200) throw new Error(`${s.name}: ${server.baseUrl}${s.path()} answered ${String(status)}`)
    }
    const results: ScenarioResult[] = []
    for (const s of scenarios) {
      const r = await load(server.baseUrl, s, connections, warmup, seconds)
      results.push(r)
      log(
        `${s.name}: ${r.requestsPerSecond.toFixed(0)} requests/s, p50 ${String(r.latencyMs.p50)} ms, p99 ${String(r.latencyMs.p99)} ms, max ${String(r.latencyMs.max)} ms${r.clean ? '' : ` (NOT CLEAN: ${String(r.non2xx)} non-2xx, ${String(r.errors)} errors, ${String(r.timeouts)} time-outs)`} ${r.meetsTarget ? `[p99 < ${String(TARGET_P99_MS)} ms: met]` : `[p99 < ${String(TARGET_P99_MS)} ms: NOT met]`}`,
      )
    }
    return { services: count, scenarios: results }
  } finally {
    await server?.stop()
    await benchDb.drop()
  }
}

/** Outward codes of English districts in the shipped file (region not Scotland, Wales or Northern Ireland). */
function englishDistricts(): string[] {
  return parsePostcodeDistrictsCsv(readFileSync(fromRoot(POSTCODE_DISTRICTS_FILE), 'utf8'))
    .filter((d) => !['Scotland', 'Wales', 'Northern Ireland'].includes(d.region) && d.lat < 55.8 && d.lon > -6)
    .map((d) => d.outward)
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const result = await runOrukApiBench()
  const out = fromRoot('bench', 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(
    path.join(out, 'oruk-api.json'),
    `${JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, loadAverageAfter: os.loadavg(), ...result }, null, 2)}\n`,
  )
  const met = result.scenarios.every((s) => s.meetsTarget)
  log(met ? 'All scenarios met the target.' : 'Some scenarios did not meet the target.')
  process.exitCode = met ? 0 : 1
}

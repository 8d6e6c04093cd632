/**
 * Nearest-service benchmark (issue 4): the nearest service for every one of England's 33,755
 * LSOAs, against 5,000 generated services, three ways in the same run:
 *
 *   1. the index (src/lib/geo.ts: kdbush tree, nearestForAll), and for comparison the same tree
 *      queried once per LSOA through geokdbush (`nearest`);
 *   2. brute force (nearestForAllBruteForce: every LSOA against every service, haversine), the
 *      baseline and the check: both must give the same distance for every LSOA;
 *   3. PostGIS, where the extension is available: a KNN query (`<->` with a GiST index, LATERAL
 *      ... LIMIT 1) on geography and on geometry in British National Grid (EPSG:27700).
 * Each is run for all 5,000 services (the case the targets apply to: the services with women-only
 * provision of a busy national directory), and again for a subset flagged women-only (about 30%),
 * found through the filter option; brute force then scans only that subset, so its ratio is lower.
 *
 * Services are generated with a seeded PRNG (mulberry32): each is a random LSOA's representative
 * point moved by up to about 1 km, so they spread over England as people do.
 *
 * Targets: index under 200 ms for all LSOAs; at least 50x faster than brute force; faster than
 * PostGIS. Writes bench/results/nearest.json.
 *
 * Run: `npx tsx bench/nearest.ts`. Settings (environment): NEAREST_SERVICES (5000), NEAREST_SEED
 * (20250401), NEAREST_REPEATS (7 timed runs of each fast method; the median is reported),
 * NEAREST_BRUTE_REPEATS (1), BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL server on which a
 * throwaway database is made; default postgres://postgres@127.0.0.1:5432/test), NEAREST_POSTGIS=0
 * to skip PostGIS.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import {
  type BulkNearest,
  createPointIndex,
  type IndexedPoint,
  nearest,
  nearestForAll,
  nearestForAllBruteForce,
} from '../src/lib/geo.js'
import { loadLsoaCentroids } from '../src/platform/reference.js'
import { fromRoot } from '../src/platform/root.js'
import { createBenchDatabase, DEFAULT_ADMIN_URL, redactUrl } from './postgres.js'

export interface NearestBenchSettings {
  services: number
  seed: number
  repeats: number
  bruteRepeats: number
  womenOnlyShare: number
  adminUrl: string
  postgis: boolean
}

export interface Timing {
  /** Median of the timed runs' wall-clock times, milliseconds. */
  medianMs: number
  minMs: number
  maxMs: number
  /**
   * Median of the runs' CPU time (user + system) in this process, milliseconds: steadier than wall
   * time on a busy machine. Null for PostGIS, whose work happens in the server.
   */
  cpuMedianMs: number | null
  runs: number
}

export interface Agreement {
  /** LSOAs where both give a nearest service. */
  compared: number
  /** LSOAs whose distances differ by more than the tolerance. */
  mismatches: number
  toleranceKm: number
  /** Largest difference in distance, km. */
  maxDifferenceKm: number
  /** LSOAs where the nearest service's id differs (ties and spheroid/sphere differences can cause this). */
  differentIds: number
}

export interface CaseResult {
  name: string
  candidates: number
  index: Timing
  /** The same tree, queried once per LSOA through geokdbush. */
  geokdbushPerQuery: Timing
  bruteForce: Timing
  /** Brute force median / index median (wall clock). */
  speedup: number
  /** The same from CPU time. */
  cpuSpeedup: number | null
  agreement: Agreement
  femaleWeightedMeanKm: number
}

export interface PostgisCaseResult {
  name: string
  query: string
  timing: Timing
  agreement: Agreement
}

export interface PostgisResult {
  available: boolean
  reason?: string
  version?: string
  where?: string
  /** Creating the tables, loading the rows, building the GiST indexes and ANALYZE. */
  loadMs?: number
  cases?: PostgisCaseResult[]
}

export interface Target {
  name: string
  value: number | null
  limit: number
  comparison: '<' | '>='
  unit: string
  pass: boolean | null
}

export interface NearestBenchResult {
  benchmark: 'nearest'
  startedAt: string
  finishedAt: string
  machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }
  settings: Omit<NearestBenchSettings, 'adminUrl'> & { adminUrl: string }
  lsoas: number
  loadLsoasMs: number
  indexBuildMs: Timing
  cases: CaseResult[]
  postgis: PostgisResult
  targets: Target[]
  allTargetsPass: boolean
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): NearestBenchSettings {
  const int = (name: string, fallback: number) => {
    const n = Number(env[name] ?? fallback)
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number, 1 or more`)
    return n
  }
  return {
    services: int('NEAREST_SERVICES', 5000),
    seed: int('NEAREST_SEED', 20250401),
    repeats: int('NEAREST_REPEATS', 7),
    bruteRepeats: int('NEAREST_BRUTE_REPEATS', 1),
    womenOnlyShare: 0.3,
    adminUrl: env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL,
    postgis: env.NEAREST_POSTGIS !== '0',
  }
}

/** mulberry32: a small, fast, seeded PRNG giving numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GeneratedService extends IndexedPoint<number> {
  womenOnly: boolean
}

/** `count` services, each a random LSOA's point moved by up to ±0.01° latitude and ±0.015° longitude (about 1 km). */
export function generateServices(
  lsoas: readonly { lat: number; lon: number }[],
  count: number,
  seed: number,
  womenOnlyShare: number,
): GeneratedService[] {
  const random = mulberry32(seed)
  const services: GeneratedService[] = []
  for (let id = 0; id < count; id++) {
    const home = lsoas[Math.floor(random() * lsoas.length)]
    if (home === undefined) throw new Error('No LSOAs to place services near')
    services.push({
      id,
      lat: home.lat + (random() - 0.5) * 0.02,
      lon: home.lon + (random() - 0.5) * 0.03,
      womenOnly: random() < womenOnlyShare,
    })
  }
  return services
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return (sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2) ?? 0
}

const round2 = (n: number) => Number(n.toFixed(2))

function summarise(times: number[], cpuTimes: number[] | null): Timing {
  return {
    medianMs: round2(median(times)),
    minMs: round2(Math.min(...times)),
    maxMs: round2(Math.max(...times)),
    cpuMedianMs: cpuTimes === null ? null : round2(median(cpuTimes)),
    runs: times.length,
  }
}

/**
 * Runs `fn` once to warm up (unless `warm` is false), then `repeats` times, timing each (wall
 * clock and, with `cpu`, this process's CPU time).
 */
async function time<T>(
  repeats: number,
  fn: () => T | Promise<T>,
  { warm = true, cpu = true }: { warm?: boolean; cpu?: boolean } = {},
): Promise<{ timing: Timing; last: T }> {
  let last = warm ? await fn() : undefined
  const times: number[] = []
  const cpuTimes: number[] = []
  for (let i = 0; i < repeats; i++) {
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    last = await fn()
    times.push(performance.now() - start)
    const used = process.cpuUsage(cpuStart)
    cpuTimes.push((used.user + used.system) / 1000)
  }
  if (last === undefined) throw new Error('Nothing was timed')
  return { timing: summarise(times, cpu ? cpuTimes : null), last }
}

function compare(
  got: readonly { id: string; nearestId: number | null; distanceKm: number | null }[],
  want: readonly BulkNearest<string, number>[],
  toleranceKm: number,
): Agreement {
  let compared = 0
  let mismatches = 0
  let differentIds = 0
  let maxDifferenceKm = 0
  got.forEach((g, i) => {
    const w = want[i]?.nearest ?? null
    if (g.distanceKm === null || w === null) {
      if ((g.distanceKm === null) !== (w === null)) mismatches++
      return
    }
    compared++
    const diff = Math.abs(g.distanceKm - w.distanceKm)
    maxDifferenceKm = Math.max(maxDifferenceKm, diff)
    if (diff > toleranceKm) mismatches++
    if (g.nearestId !== w.id) differentIds++
  })
  return { compared, mismatches, toleranceKm, maxDifferenceKm: Number(maxDifferenceKm.toPrecision(3)), differentIds }
}

const flatten = (rows: readonly BulkNearest<string, number>[]) =>
  rows.map((r) => ({ id: r.id, nearestId: r.nearest?.id ?? null, distanceKm: r.nearest?.distanceKm ?? null }))

async function runPostgis(
  settings: NearestBenchSettings,
  lsoas: readonly { code: string; lat: number; lon: number }[],
  services: readonly GeneratedService[],
  oracle: Map<string, readonly BulkNearest<string, number>[]>,
  log: (text: string) => void,
): Promise<PostgisResult> {
  const where = redactUrl(settings.adminUrl)
  let db: Awaited<ReturnType<typeof createBenchDatabase>>
  try {
    db = await createBenchDatabase(settings.adminUrl)
  } catch (err) {
    return {
      available: false,
      where,
      reason: `PostgreSQL not reachable: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
  const client = new pg.Client({ connectionString: db.url })
  try {
    await client.connect()
    try {
      await client.query('CREATE EXTENSION postgis')
    } catch (err) {
      return {
        available: false,
        where,
        reason: `CREATE EXTENSION postgis failed (${err instanceof Error ? err.message : String(err)}); install postgresql-15-postgis-3`,
      }
    }
    const version = (await client.query<{ v: string }>('SELECT postgis_lib_version() AS v')).rows[0]?.v ?? 'unknown'
    log(`PostGIS ${version}: loading ${lsoas.length} LSOAs and ${services.length} services`)
    const loadStart = performance.now()
    await client.query(
      `CREATE TABLE lsoas (code text PRIMARY KEY, geog geography(Point, 4326), geom geometry(Point, 27700))`,
    )
    await client.query(
      `CREATE TABLE services (id integer PRIMARY KEY, women_only boolean NOT NULL,
         geog geography(Point, 4326), geom geometry(Point, 27700))`,
    )
    await client.query(
      `INSERT INTO lsoas (code, geog)
       SELECT code, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(code, lat, lon)`,
      [lsoas.map((l) => l.code), lsoas.map((l) => l.lat), lsoas.map((l) => l.lon)],
    )
    await client.query(
      `INSERT INTO services (id, women_only, geog)
       SELECT id, women_only, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
       FROM unnest($1::int[], $2::bool[], $3::float8[], $4::float8[]) AS t(id, women_only, lat, lon)`,
      [
        services.map((s) => s.id),
        services.map((s) => s.womenOnly),
        services.map((s) => s.lat),
        services.map((s) => s.lon),
      ],
    )
    await client.query(`UPDATE lsoas SET geom = ST_Transform(geog::geometry, 27700)`)
    await client.query(`UPDATE services SET geom = ST_Transform(geog::geometry, 27700)`)
    await client.query(`CREATE INDEX services_geog ON services USING gist (geog)`)
    await client.query(`CREATE INDEX services_geom ON services USING gist (geom)`)
    await client.query(`ANALYZE lsoas`)
    await client.query(`ANALYZE services`)
    const loadMs = Number((performance.now() - loadStart).toFixed(1))

    // Distances are reported on the sphere (ST_Distance(..., false), radius 6371008.8 m) so they
    // compare with the haversine ones; the geometry query orders by planar grid distance.
    const queries = [
      {
        name: 'geography <->, all services',
        oracle: 'all services',
        sql: `SELECT l.code, s.id, ST_Distance(l.geog, s.geog, false) / 1000 AS km FROM lsoas l
              CROSS JOIN LATERAL (SELECT id, geog FROM services ORDER BY services.geog <-> l.geog LIMIT 1) s`,
      },
      {
        name: 'geometry EPSG:27700 <->, all services',
        oracle: 'all services',
        sql: `SELECT l.code, s.id, ST_Distance(l.geog, s.geog, false) / 1000 AS km FROM lsoas l
              CROSS JOIN LATERAL (SELECT id, geog FROM services ORDER BY services.geom <-> l.geom LIMIT 1) s`,
      },
      {
        name: 'geography <->, women-only subset',
        oracle: 'women-only subset',
        sql: `SELECT l.code, s.id, ST_Distance(l.geog, s.geog, false) / 1000 AS km FROM lsoas l
              CROSS JOIN LATERAL (SELECT id, geog FROM services WHERE women_only
                                  ORDER BY services.geog <-> l.geog LIMIT 1) s`,
      },
      {
        name: 'geometry EPSG:27700 <->, women-only subset',
        oracle: 'women-only subset',
        sql: `SELECT l.code, s.id, ST_Distance(l.geog, s.geog, false) / 1000 AS km FROM lsoas l
              CROSS JOIN LATERAL (SELECT id, geog FROM services WHERE women_only
                                  ORDER BY services.geom <-> l.geom LIMIT 1) s`,
      },
    ]
    const cases: PostgisCaseResult[] = []
    for (const q of queries) {
      type Row = { code: string; id: number; km: number }
      const { timing, last } = await time(
        Math.min(settings.repeats, 3),
        async () => {
          const result = await client.query<Row>(q.sql)
          return result.rows
        },
        { cpu: false },
      )
      const byCode = new Map(last.map((r) => [r.code, r]))
      const want = oracle.get(q.oracle) ?? []
      const got = want.map((w) => {
        const r = byCode.get(w.id)
        return { id: w.id, nearestId: r?.id ?? null, distanceKm: r === undefined ? null : r.km }
      })
      // 1 m: PostGIS's sphere radius and its own arithmetic differ from ours in the last digits.
      const agreement = compare(got, want, 0.001)
      cases.push({ name: q.name, query: q.sql.replace(/\s+/g, ' '), timing, agreement })
      log(`  ${q.name}: median ${timing.medianMs} ms; ${agreement.mismatches} distance mismatches`)
    }
    return { available: true, version, where, loadMs, cases }
  } finally {
    await client.end().catch(() => undefined)
    await db.drop().catch(() => undefined)
  }
}

export async function runNearestBenchmark(
  settings: NearestBenchSettings = settingsFromEnv(),
  log: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<NearestBenchResult> {
  const startedAt = new Date()
  const loadAverageAtStart = os.loadavg().map((n) => Number(n.toFixed(2)))

  const loadStart = performance.now()
  const lsoas = loadLsoaCentroids()
  const loadLsoasMs = Number((performance.now() - loadStart).toFixed(1))
  const queries = lsoas.map((l) => ({ id: l.code, lat: l.lat, lon: l.lon }))
  const female = new Map(lsoas.map((l) => [l.code, l.femaleResidents]))
  const services = generateServices(lsoas, settings.services, settings.seed, settings.womenOnlyShare)
  const womenOnly = new Set(services.filter((s) => s.womenOnly).map((s) => s.id))
  log(
    `Nearest service for ${lsoas.length.toLocaleString('en-GB')} LSOAs, ${services.length.toLocaleString('en-GB')} services (${womenOnly.size.toLocaleString('en-GB')} women-only), seed ${settings.seed}`,
  )

  const build = await time(settings.repeats, () => createPointIndex(services))
  const index = build.last

  const cases: CaseResult[] = []
  const oracle = new Map<string, readonly BulkNearest<string, number>[]>()
  for (const c of [
    { name: 'all services', filter: undefined, candidates: services.length },
    { name: 'women-only subset', filter: (id: number) => womenOnly.has(id), candidates: womenOnly.size },
  ]) {
    const options = c.filter ? { filter: c.filter } : {}
    const fast = await time(settings.repeats, () => nearestForAll(index, queries, options))
    const perQuery = await time(settings.repeats, () =>
      queries.map((q) => ({
        id: q.id,
        nearest: nearest(index, q.lat, q.lon, { ...options, maxResults: 1 })[0] ?? null,
      })),
    )
    log(`  ${c.name}: index median ${fast.timing.medianMs} ms (geokdbush per query ${perQuery.timing.medianMs} ms)`)
    const brute = await time(settings.bruteRepeats, () => nearestForAllBruteForce(services, queries, options), {
      warm: false,
    })
    log(`  ${c.name}: brute force median ${brute.timing.medianMs} ms`)
    oracle.set(c.name, brute.last)
    // Same haversine formula on both sides; only ties (equal distances) may pick different ids.
    const agreement = compare(flatten(fast.last), brute.last, 1e-9)
    const perQueryAgreement = compare(flatten(perQuery.last), brute.last, 1e-9)
    if (agreement.mismatches > 0 || perQueryAgreement.mismatches > 0) {
      throw new Error(
        `${c.name}: the index disagrees with brute force for ${agreement.mismatches} LSOAs (geokdbush: ${perQueryAgreement.mismatches})`,
      )
    }
    let weighted = 0
    let women = 0
    for (const r of fast.last) {
      const f = female.get(r.id) ?? 0
      if (r.nearest) {
        weighted += r.nearest.distanceKm * f
        women += f
      }
    }
    cases.push({
      name: c.name,
      candidates: c.candidates,
      index: fast.timing,
      geokdbushPerQuery: perQuery.timing,
      bruteForce: brute.timing,
      speedup: Number((brute.timing.medianMs / fast.timing.medianMs).toFixed(1)),
      cpuSpeedup:
        brute.timing.cpuMedianMs !== null && fast.timing.cpuMedianMs !== null && fast.timing.cpuMedianMs > 0
          ? Number((brute.timing.cpuMedianMs / fast.timing.cpuMedianMs).toFixed(1))
          : null,
      agreement,
      femaleWeightedMeanKm: Number((weighted / women).toFixed(3)),
    })
  }

  const postgis: PostgisResult = settings.postgis
    ? await runPostgis(settings, lsoas, services, oracle, log)
    : { available: false, reason: 'skipped (NEAREST_POSTGIS=0)' }
  if (!postgis.available) log(`PostGIS: ${postgis.reason ?? 'not available'}`)

  const main = cases[0]
  const postgisBest = postgis.cases?.length
    ? Math.min(...postgis.cases.filter((c) => c.name.endsWith('all services')).map((c) => c.timing.medianMs))
    : null
  const targets: Target[] = [
    {
      name: 'index, nearest service for every LSOA',
      value: main?.index.medianMs ?? null,
      limit: 200,
      comparison: '<',
      unit: 'ms',
      pass: main ? main.index.medianMs < 200 : null,
    },
    {
      name: 'brute force / index',
      value: main?.speedup ?? null,
      limit: 50,
      comparison: '>=',
      unit: 'x',
      pass: main ? main.speedup >= 50 : null,
    },
    {
      name: 'fastest PostGIS KNN / index',
      value: postgisBest !== null && main ? Number((postgisBest / main.index.medianMs).toFixed(1)) : null,
      limit: 1,
      comparison: '>=',
      unit: 'x',
      pass: postgisBest !== null && main ? postgisBest >= main.index.medianMs : null,
    },
  ]

  return {
    benchmark: 'nearest',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
    },
    settings: { ...settings, adminUrl: redactUrl(settings.adminUrl) },
    lsoas: lsoas.length,
    loadLsoasMs,
    indexBuildMs: build.timing,
    cases,
    postgis,
    targets,
    allTargetsPass: targets.every((t) => t.pass === true),
  }
}

/** Writes the result to bench/results/nearest.json and returns the path. */
export function writeNearestResult(result: NearestBenchResult): string {
  const dir = fromRoot('bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'nearest.json')
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  return file
}

export function formatNearestResult(result: NearestBenchResult): string {
  const lines: string[] = [
    '',
    `load average at start ${result.machine.loadAverageAtStart.join(', ')} on ${result.machine.cpus} CPUs`,
    'method                                      median ms   min ms   max ms   CPU ms',
  ]
  const row = (name: string, t: Timing) =>
    `${name.padEnd(42)} ${String(t.medianMs).padStart(9)} ${String(t.minMs).padStart(8)} ${String(t.maxMs).padStart(8)} ${String(t.cpuMedianMs ?? '-').padStart(8)}`
  lines.push(row('build index (5,000 services)', result.indexBuildMs))
  for (const c of result.cases) {
    lines.push(row(`index, ${c.name}`, c.index))
    lines.push(row(`geokdbush per query, ${c.name}`, c.geokdbushPerQuery))
    lines.push(row(`brute force, ${c.name}`, c.bruteForce))
    lines.push(
      `${''.padEnd(4)}speed-up ${c.speedup}x (CPU time ${c.cpuSpeedup ?? '-'}x); ${c.agreement.differentIds} ties with a different id; mean distance for women ${c.femaleWeightedMeanKm} km`,
    )
  }
  if (result.postgis.available) {
    lines.push(`PostGIS ${result.postgis.version ?? ''} (load and index ${result.postgis.loadMs ?? '?'} ms)`)
    for (const c of result.postgis.cases ?? []) {
      lines.push(row(`  ${c.name}`, c.timing))
      lines.push(
        `${''.padEnd(4)}${c.agreement.mismatches} of ${c.agreement.compared} differ by more than 1 m; ${c.agreement.differentIds} different ids`,
      )
    }
  } else {
    lines.push(`PostGIS: ${result.postgis.reason ?? 'not available'}`)
  }
  lines.push('', 'targets:')
  for (const t of result.targets) {
    lines.push(
      `  ${t.pass === null ? 'n/a ' : t.pass ? 'pass' : 'FAIL'} ${t.name}: ${t.value ?? '-'} ${t.unit} (${t.comparison} ${t.limit})`,
    )
  }
  return lines.join('\n')
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  runNearestBenchmark()
    .then((result) => {
      process.stdout.write(`${formatNearestResult(result)}\n`)
      const file = writeNearestResult(result)
      process.stdout.write(`\nResults: ${path.relative(fromRoot(), file)}\n`)
    })
    .catch((err: unknown) => {
      process.stderr.write(
        `Nearest benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      )
      process.exitCode = 1
    })
}

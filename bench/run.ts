/**
 * `npm run bench`: two sections, each on PGlite and on PostgreSQL.
 *
 * - server: start-up time and memory, then throughput of the signed-in home page beside a static
 *   file of the same size (the ceiling), and of the needs assessment page (/needs, demo analyst,
 *   demo data) beside a static file of its size.
 * - needs-import: a generated Fingertips CSV (1,000,000 rows unless `--rows N`) loaded by
 *   `psql \copy` into a bare table and by importFile on each engine (see needs-import.ts).
 *
 * Prints tables and writes JSON to bench/results/<timestamp>.json and bench/results/latest.json.
 *
 * Options: `--rows N` (rows in the import file), `--sections server,needs-import,nearest,oruk-api`.
 * Settings (environment): BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL server on which a
 * throwaway database is created; default postgres://postgres@127.0.0.1:5432/test), BENCH_ENGINES
 * (pglite,postgresql), BENCH_SECTIONS (server,needs-import), BENCH_IMPORT_ROWS (1000000),
 * BENCH_CONNECTIONS (20), BENCH_DURATION (10 seconds), BENCH_WARMUP (2 seconds).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CookieJar, DEMO_COMMISSIONER, getPage, signIn } from './client.js'
import { type LoadSummary, measure } from './load.js'
import { runNeedsAssessmentBench } from './needs-assessment.js'
import { benchNeedsImport, loadNeedsDemoData, type NeedsImportResult } from './needs-import.js'
import { formatNearestResult, runNearestBenchmark, writeNearestResult } from './nearest.js'
import { runOrukApiBench } from './oruk-api.js'
import { HEATMAP, type HeatmapResult, runStandardsHeatmapBench } from './standards-heatmap.js'
import { createBenchDatabase, DEFAULT_ADMIN_URL, redactUrl } from './postgres.js'
import { type DatabaseTarget, projectRoot, type RunningServer, startServer } from './server.js'

type Engine = 'pglite' | 'postgresql'

interface StartFigures {
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  startupMs: number
  /** Resident memory (MiB) right after that first 200. */
  rssMiB: number
}

interface EngineResult {
  engine: Engine
  where: string
  skipped?: string
  error?: string
  /** Empty database: migrations and the demo seed. */
  freshStart?: StartFigures
  /** Second start on the same, already-populated database. */
  restart?: StartFigures
  homeBytes?: number
  staticBytes?: number
  home?: LoadSummary
  static?: LoadSummary
  /** Home page requests a second divided by the static file's. */
  homeToStaticRatio?: number
  /** How the needs data got there: already in the demo seed, or imported from the reference files. */
  needsData?: string
  needsBytes?: number
  needsStaticBytes?: number
  /** GET /needs, signed in as the demo analyst. */
  needs?: LoadSummary
  /** A static file the size of the needs page. */
  needsStatic?: LoadSummary
  /** /needs requests a second divided by those of the static file of the home page's size. */
  needsToStaticRatio?: number
  /** /needs requests a second divided by those of the static file of its own size. */
  needsToSameSizeStaticRatio?: number
  needsError?: string
  /** Further pages, each beside a static file of its own size served by the same app in the same run. */
  pages?: PageResult[]
  rssAfterLoadMiB?: number | null
  peakRssMiB?: number | null
}

interface PageResult {
  label: string
  path: string
  account: string
  bytes?: number
  staticBytes?: number
  page?: LoadSummary
  static?: LoadSummary
  /** Page requests a second divided by those of the static file of its size. */
  toSameSizeStaticRatio?: number
  error?: string
}

/** Pages measured on each engine beside a same-size static file; `account` null means signed out. */
const PAGES: { label: string; path: string; account: { email: string; password: string } | null }[] = [
  {
    label: 'needs section (access)',
    path: '/needs/access',
    account: { email: 'analyst@barnet.example', password: 'barnet-demo-2026' },
  },
  { label: 'directory (commissioner)', path: '/directory', account: DEMO_COMMISSIONER },
  { label: 'public support search', path: '/support?q=EN5%201AA', account: null },
]
const PAGE_STATIC_NAME = 'bench-static-page.html'
const pageStaticPath = path.join(projectRoot, 'public', PAGE_STATIC_NAME)

interface Target {
  name: string
  engine: Engine
  value: number | null
  limit: number
  comparison: '<' | '<=' | '>='
  unit: string
  pass: boolean | null
}

const STATIC_NAME = 'bench-static.html'
const staticPath = path.join(projectRoot, 'public', STATIC_NAME)
const NEEDS_STATIC_NAME = 'bench-static-needs.html'
const needsStaticPath = path.join(projectRoot, 'public', NEEDS_STATIC_NAME)
const DEMO_ANALYST = { email: 'analyst@barnet.example', password: 'barnet-demo-2026' }

type Section = 'server' | 'needs-import' | 'nearest' | 'oruk-api' | 'needs-assessment' | 'standards'
const allSections: readonly Section[] = [
  'server',
  'needs-import',
  'nearest',
  'oruk-api',
  'needs-assessment',
  'standards',
]

/** `--name value` or `--name=value` from the command line. */
function option(name: string): string | undefined {
  const args = process.argv.slice(2)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === `--${name}`) return args[i + 1]
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3)
  }
  return undefined
}

const settings = {
  adminUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL,
  engines: (process.env.BENCH_ENGINES ?? 'pglite,postgresql')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Engine => s === 'pglite' || s === 'postgresql'),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 20),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 2),
  sections: (option('sections') ?? process.env.BENCH_SECTIONS ?? allSections.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Section => (allSections as readonly string[]).includes(s)),
  importRows: Number(option('rows') ?? process.env.BENCH_IMPORT_ROWS ?? 1_000_000),
  importTimeoutMinutes: Number(process.env.BENCH_IMPORT_TIMEOUT_MINUTES ?? 60),
}
if (!Number.isInteger(settings.importRows) || settings.importRows < 1) {
  throw new Error('--rows must be a whole number of at least 1')
}

const write = (text: string) => process.stdout.write(text)
const log = (text: string) => write(`${text}\n`)

/** Things to undo however the run ends (servers, temp folders, the bench database, the static file). */
const cleanups: (() => Promise<void> | void)[] = []
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop()
    try {
      await step?.()
    } catch (err) {
      log(`  (clean-up step failed: ${err instanceof Error ? err.message : String(err)})`)
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: cleaning up`)
    void cleanUp().finally(() => process.exit(130))
  })
}

/** A complete HTML page of exactly `bytes` bytes (ASCII), to compare with the home page. */
function staticPage(bytes: number): string {
  const head = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Benchmark</title></head><body><p>'
  const tail = '</p></body></html>\n'
  const room = bytes - head.length - tail.length
  if (room < 0) return 'x'.repeat(bytes)
  const filler = 'A static page the same size as the signed-in home page, served from /assets/. '
  return head + filler.repeat(Math.ceil(room / filler.length)).slice(0, room) + tail
}

async function withServer<T>(target: DatabaseTarget, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(target)
  const stop = () => server.stop()
  cleanups.push(stop)
  try {
    return await use(server)
  } finally {
    const at = cleanups.indexOf(stop)
    if (at >= 0) cleanups.splice(at, 1)
    await server.stop()
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`
const mib = (n: number | null | undefined) => (n == null ? 'n/a' : `${n.toFixed(0)} MiB`)

async function benchEngine(engine: Engine): Promise<EngineResult> {
  let target: DatabaseTarget
  let where: string
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wtc-bench-'))
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true })
    })
    target = { engine, dataDir }
    where = 'fresh temporary DATA_DIR'
  } else {
    try {
      const database = await createBenchDatabase(settings.adminUrl)
      cleanups.push(() => database.drop())
      target = { engine, databaseUrl: database.url }
      where = redactUrl(database.url)
    } catch (err) {
      const reason = `PostgreSQL at ${redactUrl(settings.adminUrl)} is not reachable (${err instanceof Error ? err.message : String(err)}); set BENCH_DATABASE_URL or TEST_DATABASE_URL`
      return { engine, where: redactUrl(settings.adminUrl), skipped: reason }
    }
  }
  log(`\n== ${engine} (${where})`)
  const result: EngineResult = { engine, where }

  // 1. Fresh start: migrations and the demo seed. Also learn the size of the signed-in home page.
  await withServer(target, async (server) => {
    result.freshStart = { startupMs: server.startupMs, rssMiB: server.rssMiB }
    log(`  fresh start:  ready in ${ms(server.startupMs)}, RSS ${mib(server.rssMiB)}`)
    const jar = await signIn(server.baseUrl)
    result.homeBytes = (await getPage(jar, `${server.baseUrl}/home`)).body.length
  })
  const homeBytes = result.homeBytes ?? 0
  writeFileSync(staticPath, staticPage(homeBytes))
  cleanups.push(() => {
    rmSync(staticPath, { force: true })
  })

  // The needs assessment page needs data: the demo seed's, or the published files imported now,
  // while the server is stopped (the embedded database allows one process at a time).
  const demoData = await loadNeedsDemoData(target)
  result.needsData = demoData.error
    ? `not loaded: ${demoData.error}`
    : demoData.source === 'imported'
      ? `imported: ${demoData.imported.map((i) => `${i.file} ${i.error ? `FAILED (${i.error})` : `${String(i.rowsStored ?? 0)} rows`}`).join('; ')}`
      : 'from the demo seed'
  log(`  needs data ${result.needsData}`)

  // 2. Second start on the existing database, then the load runs on that server.
  await withServer(target, async (server) => {
    result.restart = { startupMs: server.startupMs, rssMiB: server.rssMiB }
    log(`  second start: ready in ${ms(server.startupMs)}, RSS ${mib(server.rssMiB)}`)
    const jar = await signIn(server.baseUrl)
    const cookie = jar.header()
    const homeUrl = `${server.baseUrl}/home`
    const staticUrl = `${server.baseUrl}/assets/${STATIC_NAME}`
    const home = await getPage(jar, homeUrl)
    const still = await getPage(jar, staticUrl)
    result.staticBytes = still.body.length
    if (!home.body.toString('utf8').includes('Sign out')) log('  note: /home does not show "Sign out"; check sign-in')
    log(`  /home ${String(home.body.length)} bytes, static ${String(still.body.length)} bytes (${still.contentType})`)

    const load = {
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      headers: { cookie },
    }
    write(`  load /home (${String(settings.connections)} connections, ${String(settings.durationSeconds)} s)... `)
    result.home = await measure(homeUrl, load)
    log(`${result.home.requestsPerSecond.toFixed(0)} req/s`)
    write(`  load static (${String(settings.connections)} connections, ${String(settings.durationSeconds)} s)... `)
    result.static = await measure(staticUrl, load)
    log(`${result.static.requestsPerSecond.toFixed(0)} req/s`)
    result.homeToStaticRatio =
      result.static.requestsPerSecond > 0 ? result.home.requestsPerSecond / result.static.requestsPerSecond : 0
    // The home page must still be signed in after the run, or the figures measured a redirect.
    await getPage(jar, homeUrl)

    // The needs assessment page, signed in as the demo analyst, beside a static file of its size.
    try {
      const analyst = await signIn(server.baseUrl, DEMO_ANALYST)
      const needsUrl = `${server.baseUrl}/needs`
      const needsPage = await getPage(analyst, needsUrl)
      result.needsBytes = needsPage.body.length
      writeFileSync(needsStaticPath, staticPage(needsPage.body.length))
      cleanups.push(() => {
        rmSync(needsStaticPath, { force: true })
      })
      const needsStaticUrl = `${server.baseUrl}/assets/${NEEDS_STATIC_NAME}`
      result.needsStaticBytes = (await getPage(analyst, needsStaticUrl)).body.length
      const html = needsPage.body.toString('utf8')
      if (!html.includes('Sign out')) log('  note: /needs does not show "Sign out"; check sign-in')
      log(`  /needs ${String(needsPage.body.length)} bytes (demo analyst)`)
      const needsLoad = { ...load, headers: { cookie: analyst.header() } }
      write(`  load /needs (${String(settings.connections)} connections, ${String(settings.durationSeconds)} s)... `)
      result.needs = await measure(needsUrl, needsLoad)
      log(`${result.needs.requestsPerSecond.toFixed(0)} req/s, p99 ${result.needs.latencyMs.p99.toFixed(0)} ms`)
      write(`  load static of /needs size (${String(settings.connections)} connections)... `)
      result.needsStatic = await measure(needsStaticUrl, needsLoad)
      log(`${result.needsStatic.requestsPerSecond.toFixed(0)} req/s`)
      const ceiling = result.static.requestsPerSecond
      result.needsToStaticRatio = ceiling > 0 ? result.needs.requestsPerSecond / ceiling : 0
      result.needsToSameSizeStaticRatio =
        result.needsStatic.requestsPerSecond > 0
          ? result.needs.requestsPerSecond / result.needsStatic.requestsPerSecond
          : 0
      await getPage(analyst, needsUrl)
    } catch (err) {
      result.needsError = err instanceof Error ? err.message : String(err)
      log(`\n  /needs could not be measured: ${result.needsError}`)
    }
    result.pages = []
    for (const page of PAGES) {
      const pageResult: PageResult = {
        label: page.label,
        path: page.path,
        account: page.account?.email ?? 'signed out',
      }
      result.pages.push(pageResult)
      try {
        const jar = page.account ? await signIn(server.baseUrl, page.account) : new CookieJar()
        const url = `${server.baseUrl}${page.path}`
        const body = await getPage(jar, url)
        pageResult.bytes = body.body.length
        writeFileSync(pageStaticPath, staticPage(body.body.length))
        cleanups.push(() => {
          rmSync(pageStaticPath, { force: true })
        })
        const staticUrl = `${server.baseUrl}/assets/${PAGE_STATIC_NAME}`
        pageResult.staticBytes = (await getPage(jar, staticUrl)).body.length
        const headers: Record<string, string> = page.account ? { cookie: jar.header() } : {}
        const pageLoad = { ...load, headers }
        write(`  load ${page.path} (${String(pageResult.bytes)} B)... `)
        pageResult.page = await measure(url, pageLoad)
        write(
          `${pageResult.page.requestsPerSecond.toFixed(0)} req/s, p99 ${pageResult.page.latencyMs.p99.toFixed(0)} ms; `,
        )
        pageResult.static = await measure(staticUrl, pageLoad)
        pageResult.toSameSizeStaticRatio =
          pageResult.static.requestsPerSecond > 0
            ? pageResult.page.requestsPerSecond / pageResult.static.requestsPerSecond
            : 0
        log(
          `static ${pageResult.static.requestsPerSecond.toFixed(0)} req/s, ratio ${pageResult.toSameSizeStaticRatio.toFixed(2)}`,
        )
        // Still answering 200 (still signed in) after the run, or the figures measured a redirect.
        await getPage(jar, url)
      } catch (err) {
        pageResult.error = err instanceof Error ? err.message : String(err)
        log(`\n  ${page.path} could not be measured: ${pageResult.error}`)
      }
    }
    result.rssAfterLoadMiB = server.currentRssMiB()
    result.peakRssMiB = server.peakRssMiB()
  })
  rmSync(pageStaticPath, { force: true })
  rmSync(staticPath, { force: true })
  rmSync(needsStaticPath, { force: true })
  return result
}

function targetsFor(results: EngineResult[], needsImport: NeedsImportResult | undefined): Target[] {
  const targets: Target[] = []
  const add = (t: Omit<Target, 'pass'>) => {
    const pass =
      t.value == null
        ? null
        : t.comparison === '<'
          ? t.value < t.limit
          : t.comparison === '<='
            ? t.value <= t.limit
            : t.value >= t.limit
    targets.push({ ...t, pass })
  }
  if (needsImport) {
    const onPg = needsImport.imports.find((i) => i.engine === 'postgresql')
    if (onPg || needsImport.copy) {
      add({
        name: `importFile / psql \\copy wall time, ${needsImport.rows.toLocaleString('en-GB')} Fingertips rows`,
        engine: 'postgresql',
        value: needsImport.importToCopyRatio ?? null,
        limit: 3,
        comparison: '<=',
        unit: 'ratio',
      })
    }
    for (const run of needsImport.imports) {
      // On PGlite the target is the growth over the empty embedded database's own footprint
      // (issue 8); both figures are in the import table.
      const over = run.engine === 'pglite' ? (run.rssBeforeMiB ?? Number.NaN) : 0
      const value = run.peakRssMiB === undefined || run.error ? null : run.peakRssMiB - over
      add({
        name: `importFile peak RSS${run.engine === 'pglite' ? ' over the empty database' : ''}, ${needsImport.rows.toLocaleString('en-GB')} Fingertips rows`,
        engine: run.engine,
        // maxRSS is in KiB; the target is in MB (10^6 bytes).
        value: value === null || Number.isNaN(value) ? null : (value * 1024 * 1024) / 1e6,
        limit: 500,
        comparison: '<',
        unit: 'MB',
      })
    }
    // Issue 10.4: other councils' pages while an import runs in the same process.
    const underLoad = needsImport.underLoad
    if (underLoad) {
      for (const page of ['/support?q=EN5%201AA', '/directory']) {
        const during = underLoad.duringImport.find((p) => p.path === page)
        add({
          name: `${page} p99 during the import (in the app, ${String(underLoad.connectionsPerPage)} connections)`,
          engine: underLoad.engine,
          // The requests in flight when the load is stopped end as errors (one a connection at most).
          value:
            during && !underLoad.error && during.non2xx === 0 && during.errors <= underLoad.connectionsPerPage
              ? during.p99Ms
              : null,
          limit: 500,
          comparison: '<',
          unit: 'ms',
        })
      }
    }
  }
  for (const r of results) {
    if (r.skipped) continue
    const rssLimit = r.engine === 'pglite' ? 1024 : 300
    const starts: [string, StartFigures | undefined][] = [
      ['fresh database', r.freshStart],
      ['existing database', r.restart],
    ]
    for (const [label, figures] of starts) {
      add({
        name: `start-up to first 200 (${label})`,
        engine: r.engine,
        value: figures?.startupMs ?? null,
        limit: 3000,
        comparison: '<',
        unit: 'ms',
      })
      add({
        name: `RSS after start (${label})`,
        engine: r.engine,
        value: figures?.rssMiB ?? null,
        limit: rssLimit,
        comparison: '<',
        unit: 'MiB',
      })
    }
    add({
      name: 'home page / static file throughput',
      engine: r.engine,
      value: r.home?.clean && r.static?.clean ? (r.homeToStaticRatio ?? null) : null,
      limit: r.engine === 'pglite' ? 0.3 : 0.5,
      comparison: '>=',
      unit: 'ratio',
    })
    if (r.engine === 'postgresql') {
      add({
        name: `home page p99 latency at ${String(settings.connections)} connections`,
        engine: r.engine,
        value: r.home?.clean ? r.home.latencyMs.p99 : null,
        limit: 50,
        comparison: '<',
        unit: 'ms',
      })
    }
  }
  return targets
}

/** Issue 8 targets for the pages measured beside a static file of their own size (both engines). */
function pageTargets(results: EngineResult[]): Target[] {
  const out: Target[] = []
  const limits: Record<string, { p99?: number; ratio: number; maxBytes?: number }> = {
    '/needs': { p99: 100, ratio: 0.3 },
    '/needs/access': { p99: 100, ratio: 0.3 },
    '/directory': { p99: 100, ratio: 0.3 },
    '/support?q=EN5%201AA': { p99: 50, ratio: 0.5, maxBytes: 40 * 1024 },
  }
  const check = (value: number | null, limit: number, comparison: Target['comparison']) =>
    value == null ? null : comparison === '<' ? value < limit : comparison === '<=' ? value <= limit : value >= limit
  for (const r of results) {
    // The overview, measured earlier in the run beside a static file of its own size.
    const pages: PageResult[] = [
      {
        label: 'needs overview',
        path: '/needs',
        account: DEMO_ANALYST.email,
        ...(r.needsBytes === undefined ? {} : { bytes: r.needsBytes }),
        ...(r.needs ? { page: r.needs } : {}),
        ...(r.needsStatic ? { static: r.needsStatic } : {}),
        ...(r.needsToSameSizeStaticRatio === undefined ? {} : { toSameSizeStaticRatio: r.needsToSameSizeStaticRatio }),
      },
      ...(r.pages ?? []),
    ]
    for (const p of pages) {
      const l = limits[p.path]
      if (!l) continue
      const clean = p.page?.clean === true && p.static?.clean === true
      const ratioLimit = l.ratio
      if (l.p99 !== undefined) {
        const value = p.page?.clean ? p.page.latencyMs.p99 : null
        out.push({
          name: `${p.path} p99 at ${String(settings.connections)} connections`,
          engine: r.engine,
          value,
          limit: l.p99,
          comparison: '<',
          unit: 'ms',
          pass: check(value, l.p99, '<'),
        })
      }
      const ratio = clean ? (p.toSameSizeStaticRatio ?? null) : null
      out.push({
        name: `${p.path} / same-size static file throughput`,
        engine: r.engine,
        value: ratio,
        limit: ratioLimit,
        comparison: '>=',
        unit: 'ratio',
        pass: check(ratio, ratioLimit, '>='),
      })
      if (l.maxBytes !== undefined) {
        const bytes = p.bytes ?? null
        out.push({
          name: `${p.path} HTML size`,
          engine: r.engine,
          value: bytes,
          limit: l.maxBytes,
          comparison: '<',
          unit: 'bytes',
          pass: check(bytes, l.maxBytes, '<'),
        })
      }
    }
  }
  return out
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function machine() {
  const cpus = os.cpus()
  let gitRef = 'unknown'
  try {
    gitRef = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim()
  } catch {
    // not a git checkout
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    /** 1, 5 and 15 minute load averages at the start: other work on the machine skews every figure. */
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
    gitRef,
  }
}

async function main(): Promise<number> {
  const startedAt = new Date()
  const info = machine()
  log(
    `WTC benchmarks: ${info.cpuModel} x${String(info.cpus)}, Node ${info.node}, ${String(settings.connections)} connections, ${String(settings.durationSeconds)} s per run (+${String(settings.warmupSeconds)} s warm-up)`,
  )
  if ((info.loadAverage[0] ?? 0) > info.cpus / 2) {
    log(
      `Note: load average ${info.loadAverage.join(' ')} on ${String(info.cpus)} CPUs; other work will skew the figures.`,
    )
  }
  const results: EngineResult[] = []
  if (settings.sections.includes('server')) {
    for (const engine of settings.engines) {
      try {
        results.push(await benchEngine(engine))
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        log(`\n  ${engine} FAILED: ${message}`)
        results.push({ engine, where: '', error: message })
      } finally {
        await cleanUp()
      }
    }
  }
  let needsImport: NeedsImportResult | undefined
  let needsImportError: string | undefined
  if (settings.sections.includes('needs-import')) {
    try {
      needsImport = await benchNeedsImport(
        {
          rows: settings.importRows,
          adminUrl: settings.adminUrl,
          engines: settings.engines,
          timeoutMs: settings.importTimeoutMinutes * 60_000,
          underLoad:
            process.env.BENCH_IMPORT_UNDER_LOAD === 'only'
              ? 'only'
              : process.env.BENCH_IMPORT_UNDER_LOAD === '0'
                ? 'no'
                : 'yes',
        },
        log,
        cleanups,
      )
    } catch (err) {
      needsImportError = err instanceof Error ? (err.stack ?? err.message) : String(err)
      log(`\n  needs import FAILED: ${needsImportError}`)
    } finally {
      await cleanUp()
    }
  }

  // Issue 4: nearest service for every English LSOA (index vs brute force vs PostGIS), and the ORUK API.
  let nearest: unknown = null
  let orukApi: unknown = null
  const otherErrors: string[] = []
  if (settings.sections.includes('nearest')) {
    log('\nNearest women-only service for every English LSOA')
    try {
      const result = await runNearestBenchmark(undefined, log)
      log(formatNearestResult(result))
      writeNearestResult(result)
      nearest = result
    } catch (err) {
      otherErrors.push(`nearest: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  if (settings.sections.includes('oruk-api')) {
    log('\nOpen Referral UK API, /api/oruk/services with 5,000 services on PostgreSQL')
    try {
      orukApi = await runOrukApiBench()
    } catch (err) {
      otherErrors.push(`oruk-api: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  let needsAssessment: unknown = null
  if (settings.sections.includes('needs-assessment')) {
    log('\nNeeds assessment built in memory for 1,000,000 indicator rows and 25,000 indicators (issue 10)')
    try {
      needsAssessment = await runNeedsAssessmentBench()
    } catch (err) {
      otherErrors.push(`needs-assessment: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  let standards: HeatmapResult[] = []
  if (settings.sections.includes('standards')) {
    log(
      `\nStandards comparison (heatmap): ${String(HEATMAP.providers)} providers x ${String(HEATMAP.standards)} standards x ${String(HEATMAP.rounds)} rounds (issue 12)`,
    )
    try {
      standards = await runStandardsHeatmapBench(settings.engines, settings, log)
      for (const r of standards) if (r.error) otherErrors.push(`standards (${r.engine}): ${r.error}`)
    } catch (err) {
      otherErrors.push(`standards: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  for (const e of otherErrors) log(`\n  FAILED: ${e}`)

  const heatmapTargets: Target[] = standards.flatMap((r) => {
    const clean = r.page?.clean === true && r.static?.clean === true
    const p99 = clean && r.page ? r.page.latencyMs.p99 : null
    const ratio = clean ? (r.ratio ?? null) : null
    return [
      {
        name: `standards comparison p99 at ${String(settings.connections)} connections`,
        engine: r.engine,
        value: p99,
        limit: 100,
        comparison: '<' as const,
        unit: 'ms',
        pass: p99 === null ? null : p99 < 100,
      },
      {
        name: 'standards comparison / same-size static file throughput',
        engine: r.engine,
        value: ratio,
        limit: 0.3,
        comparison: '>=' as const,
        unit: 'ratio',
        pass: ratio === null ? null : ratio >= 0.3,
      },
    ]
  })
  const targets = [...targetsFor(results, needsImport), ...pageTargets(results), ...heatmapTargets]
  const ran = results.filter((r) => !r.skipped && !r.error)

  if (settings.sections.includes('server')) {
    log('\nStart-up (spawn to first 200 from /health/ready) and resident memory')
    log(
      table(
        ['engine', 'fresh start', 'RSS', 'second start', 'RSS', 'RSS after load', 'peak RSS'],
        ran.map((r) => [
          r.engine,
          r.freshStart ? ms(r.freshStart.startupMs) : 'n/a',
          mib(r.freshStart?.rssMiB),
          r.restart ? ms(r.restart.startupMs) : 'n/a',
          mib(r.restart?.rssMiB),
          mib(r.rssAfterLoadMiB),
          mib(r.peakRssMiB),
        ]),
      ),
    )

    log(`\nThroughput (${String(settings.connections)} connections, ${String(settings.durationSeconds)} s, loopback)`)
    const loadRow = (r: EngineResult, label: string, s: LoadSummary | undefined) =>
      s
        ? [
            r.engine,
            label,
            s.requestsPerSecond.toFixed(0),
            s.latencyMs.p50.toFixed(0),
            s.latencyMs.p97_5.toFixed(0),
            s.latencyMs.p99.toFixed(0),
            s.latencyMs.max.toFixed(0),
            s.clean
              ? 'yes'
              : `NO (${String(s.non2xx)} non-2xx, ${String(s.errors)} errors, ${String(s.timeouts)} time-outs)`,
          ]
        : [r.engine, label, 'n/a', '', '', '', '', '']
    log(
      table(
        ['engine', 'target', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'all 2xx'],
        ran.flatMap((r) => [
          loadRow(r, `GET /home (${String(r.homeBytes ?? 0)} B)`, r.home),
          loadRow(r, `static file (${String(r.staticBytes ?? 0)} B)`, r.static),
          [r.engine, 'home / static', (r.homeToStaticRatio ?? 0).toFixed(2), '', '', '', '', ''],
          ...(r.needs
            ? [
                loadRow(r, `GET /needs (${String(r.needsBytes ?? 0)} B)`, r.needs),
                loadRow(r, `static file (${String(r.needsStaticBytes ?? 0)} B)`, r.needsStatic),
                [r.engine, 'needs / home-size static', (r.needsToStaticRatio ?? 0).toFixed(2), '', '', '', '', ''],
                [
                  r.engine,
                  'needs / same-size static',
                  (r.needsToSameSizeStaticRatio ?? 0).toFixed(2),
                  '',
                  '',
                  '',
                  '',
                  '',
                ],
              ]
            : [[r.engine, `GET /needs: ${r.needsError ?? 'not measured'}`, '', '', '', '', '', '']]),
        ]),
      ),
    )
  }

  if (settings.sections.includes('server')) {
    log('\nPages beside a static file of their own size (same app, same run)')
    log(
      table(
        ['engine', 'page', 'bytes', 'req/s', 'p50 ms', 'p99 ms', 'static req/s', 'ratio', 'all 2xx'],
        ran.flatMap((r) =>
          (r.pages ?? []).map((p) => [
            r.engine,
            p.path,
            String(p.bytes ?? 'n/a'),
            p.page ? p.page.requestsPerSecond.toFixed(0) : 'n/a',
            p.page ? p.page.latencyMs.p50.toFixed(0) : '',
            p.page ? p.page.latencyMs.p99.toFixed(0) : '',
            p.static ? p.static.requestsPerSecond.toFixed(0) : '',
            p.toSameSizeStaticRatio === undefined ? '' : p.toSameSizeStaticRatio.toFixed(2),
            p.error ? `ERROR: ${p.error.slice(0, 80)}` : p.page?.clean && p.static?.clean ? 'yes' : 'NO',
          ]),
        ),
      ),
    )
  }

  if (needsImport) {
    const n = needsImport
    const mb = (mibValue: number | undefined) =>
      mibValue === undefined ? 'n/a' : `${((mibValue * 1024 * 1024) / 1e6).toFixed(0)} MB`
    log(
      `\nNeeds import: ${n.rows.toLocaleString('en-GB')} Fingertips rows, ${((n.fileBytes ?? 0) / 1e6).toFixed(0)} MB file`,
    )
    log(
      table(
        [
          'what',
          'engine',
          'wall time',
          'rows/s',
          '/ \\copy',
          'RSS before',
          'peak RSS',
          'growth',
          'rows stored',
          'result',
        ],
        [
          n.copy
            ? [
                'psql \\copy, bare text table',
                'postgresql',
                `${(n.copy.wallMs / 1000).toFixed(1)} s`,
                ((n.copy.rowsCopied / n.copy.wallMs) * 1000).toFixed(0),
                '1.00',
                '',
                '',
                '',
                String(n.copy.rowsCopied),
                'ok',
              ]
            : ['psql \\copy, bare text table', 'postgresql', 'n/a', '', '', '', '', '', '', n.copySkipped ?? 'not run'],
          ...n.imports.map((i) => [
            'importFile',
            i.engine,
            i.wallMs === undefined ? 'n/a' : `${(i.wallMs / 1000).toFixed(1)} s`,
            i.wallMs && i.rowsStored ? ((i.rowsStored / i.wallMs) * 1000).toFixed(0) : '',
            i.wallMs && n.copy ? (i.wallMs / n.copy.wallMs).toFixed(2) : '',
            mb(i.rssBeforeMiB),
            mb(i.peakRssMiB),
            i.peakRssMiB !== undefined && i.rssBeforeMiB !== undefined ? mb(i.peakRssMiB - i.rssBeforeMiB) : 'n/a',
            String(i.rowsStored ?? 'n/a'),
            i.error ? `ERROR: ${(i.error.split('\n')[0] ?? '').slice(0, 100)}` : 'ok',
          ]),
        ],
      ),
    )
  }

  log('\nTargets')
  log(
    table(
      ['engine', 'target', 'value', 'limit', 'result'],
      targets.map((t) => [
        t.engine,
        t.name,
        t.value == null ? 'n/a' : `${t.unit === 'ratio' ? t.value.toFixed(2) : t.value.toFixed(0)} ${t.unit}`,
        `${t.comparison} ${String(t.limit)} ${t.unit}`,
        t.pass == null ? 'not measured' : t.pass ? 'pass' : 'FAIL',
      ]),
    ),
  )
  if (needsImportError) log(`\nNote: the needs import benchmark failed: ${needsImportError}`)
  for (const r of results) {
    if (r.skipped) log(`\nNote: ${r.engine} skipped: ${r.skipped}`)
    if (r.error) log(`\nNote: ${r.engine} failed: ${r.error}`)
  }

  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))),
    machine: info,
    settings: { ...settings, adminUrl: redactUrl(settings.adminUrl) },
    results,
    needsImport: needsImport ?? (needsImportError ? { error: needsImportError } : null),
    nearest,
    orukApi,
    needsAssessment,
    standards,
    targets,
    allTargetsPass: targets.length > 0 && targets.every((t) => t.pass === true),
  }
  const dir = path.join(projectRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`)
  const json = `${JSON.stringify(report, null, 2)}\n`
  writeFileSync(file, json)
  writeFileSync(path.join(dir, 'latest.json'), json)
  log(`\nResults: ${path.relative(projectRoot, file)} (and bench/results/latest.json)`)
  log(`All targets ${report.allTargetsPass ? 'pass' : 'do not all pass'}.`)
  // A failed engine run is an error; missed targets and a skipped PostgreSQL are reported, not fatal.
  return results.some((r) => r.error) || needsImportError || otherErrors.length > 0 ? 1 : 0
}

main()
  .then((code) => {
    process.exitCode = code
  })
  .catch(async (err: unknown) => {
    await cleanUp()
    process.stderr.write(`Benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })

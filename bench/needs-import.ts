/**
 * Needs import benchmark: a large Fingertips CSV (default 1,000,000 rows, made by
 * generate-fingertips.ts) loaded three ways, each timed from the outside of the work it does:
 *
 *   1. `psql \copy` into a bare table of 27 text columns on PostgreSQL: the floor, no checks at all;
 *   2. importFile (src/features/needs/importers) on PostgreSQL;
 *   3. importFile on PGlite (embedded).
 *
 * Each import runs in its own child process (this file with the argument `child`), which reports
 * its wall time around importFile and its peak resident memory (process.resourceUsage().maxRSS),
 * so one run's heap cannot flatter or spoil another's. Targets: import <= 3x \copy on PostgreSQL,
 * peak RSS < 500 MB.
 */
import { execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { generateFingertipsCsv } from './generate-fingertips.js'
import { DEMO_COMMISSIONER, signIn } from './client.js'
import { createBenchDatabase, redactUrl } from './postgres.js'
import { BENCH_SECRET_KEY, freePort } from './server.js'

export type ImportEngine = 'pglite' | 'postgresql'

export interface NeedsImportSettings {
  rows: number
  /** PostgreSQL server on which throwaway databases are made. */
  adminUrl: string
  engines: ImportEngine[]
  /** Longest one import may take before it is stopped. */
  timeoutMs: number
  /**
   * Also import on PGlite inside a running app while /support and /directory are loaded (issue
   * 10.4): 'yes', 'no', or 'only' (skip the plain PGlite import).
   */
  underLoad: 'yes' | 'no' | 'only'
}

/** Latencies of one page loaded while nothing else runs, or during an import in the same process. */
export interface PageLatency {
  path: string
  requests: number
  non2xx: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Share of requests slower than 500 ms. */
  over500msShare: number
  /** Requests that failed or got no answer (a time-out is 10 minutes). */
  errors: number
}

export interface UnderLoadRun {
  engine: ImportEngine
  connectionsPerPage: number
  /** The pages with no import running (5 s), for comparison. */
  quiet: PageLatency[]
  /** The same pages for the whole import. */
  duringImport: PageLatency[]
  import?: ImportRun
  error?: string
}

export interface CopyRun {
  /** Wall time of the psql process, spawn to exit. */
  wallMs: number
  rowsCopied: number
}

export interface ImportRun {
  engine: ImportEngine
  /** Wall time of importFile alone (migrations and set-up excluded), measured in the child. */
  wallMs?: number
  /** Spawn to exit of the child, set-up included. */
  childWallMs?: number
  /**
   * Resident memory just before importFile, MiB: the opened, migrated, empty database with its
   * reference data and one council (for PGlite, the embedded engine's own footprint).
   */
  rssBeforeMiB?: number
  /** Milliseconds of importFile spent reading, checking and staging (to the start of the merge). */
  stagingMs?: number
  /** Milliseconds of the merge (one transaction), from its start to the end of importFile. */
  mergeMs?: number
  /** Peak resident memory of the child over its whole life, MiB (maxRSS). */
  peakRssMiB?: number
  rowsRead?: number
  rowsStored?: number
  rowsRefused?: number
  /** Rows in fingertips_values for the council afterwards, counted by the child. */
  rowsInTable?: number
  firstRefusals?: unknown[]
  error?: string
}

export interface NeedsImportResult {
  rows: number
  fileBytes?: number
  generateMs?: number
  where?: string
  copy?: CopyRun
  copySkipped?: string
  imports: ImportRun[]
  /** importFile on PostgreSQL divided by \copy (wall time). */
  importToCopyRatio?: number
  /** The import inside a running app on PGlite, with /support and /directory loaded meanwhile. */
  underLoad?: UnderLoadRun
}

const CHILD_MARK = 'NEEDS_IMPORT_RESULT '
const thisFile = fileURLToPath(import.meta.url)
const mib = (kib: number) => kib / 1024

/** The 27 header names as bare text columns c1..c27 (the floor: no types, no keys, no indexes). */
const COPY_TABLE = `CREATE TABLE bench_copy (${Array.from({ length: 27 }, (_, i) => `c${String(i + 1)} text`).join(', ')})`

function run(command: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} failed: ${err.message}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })
}

/** `psql \copy` of the file into a bare table in a throwaway database; returns the psql wall time. */
async function copyWithPsql(adminUrl: string, filePath: string, timeoutMs: number): Promise<CopyRun> {
  const database = await createBenchDatabase(adminUrl)
  try {
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      await client.query(COPY_TABLE)
    } finally {
      await client.end()
    }
    const command = `\\copy bench_copy FROM '${filePath.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`
    const started = performance.now()
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database.url, '-c', command], timeoutMs)
    const wallMs = performance.now() - started
    const counter = new pg.Client({ connectionString: database.url })
    await counter.connect()
    try {
      const counted = await counter.query<{ n: string }>('SELECT count(*)::text AS n FROM bench_copy')
      return { wallMs, rowsCopied: Number(counted.rows[0]?.n ?? 0) }
    } finally {
      await counter.end()
    }
  } finally {
    await database.drop()
  }
}

export type ChildTarget = { engine: 'pglite'; dataDir: string } | { engine: 'postgresql'; databaseUrl: string }

interface ChildRequest {
  target: ChildTarget
  filePath: string
  fileName: string
}

/** Runs one import in a child process and reads its report. */
function importInChild(
  request: ChildRequest,
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<ImportRun> {
  return new Promise((resolve) => {
    const started = performance.now()
    // Under tsx the child needs the same loader (process.execArgv carries `--import tsx`).
    const child = spawn(process.execPath, [...process.execArgv, thisFile, 'child', JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    })
    let stdout = ''
    const tail: string[] = []
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line)
        if (tail.length > 30) tail.shift()
        if (line.startsWith('progress ')) onProgress(line.slice('progress '.length))
      }
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const childWallMs = performance.now() - started
      const line = stdout.split('\n').find((l) => l.startsWith(CHILD_MARK))
      if (line) {
        const report = JSON.parse(line.slice(CHILD_MARK.length)) as ImportRun
        resolve({ ...report, childWallMs })
        return
      }
      const why = signal
        ? `stopped by ${signal}${signal === 'SIGKILL' ? ' (time-out?)' : ''}`
        : `exit code ${String(code)}`
      resolve({ engine: request.target.engine, childWallMs, error: `child ${why}: ${tail.join('\n')}` })
    })
  })
}

/**
 * A progress callback that prints every tenth percent with the seconds since `started`, and notes
 * in `report` when the merge began (the step at 90%).
 */
function progressPrinter(started: number, report: ImportRun) {
  let lastShown = -1
  return (percent: number, message: string) => {
    if (report.stagingMs === undefined && message.startsWith('Storing')) report.stagingMs = performance.now() - started
    const step = Math.floor(percent / 10)
    if (step !== lastShown || message.startsWith('Stor')) {
      lastShown = step
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      process.stderr.write(`progress ${String(Math.round(percent))}% ${message} (${seconds} s)\n`)
    }
  }
}

/** The child: open and migrate the database, make the demo council a tenant, then time importFile. */
async function childMain(request: ChildRequest): Promise<void> {
  const { openDatabase, queryRows } = await import('../src/platform/db/index.js')
  const { ensureCouncil, loadReferenceData } = await import('../src/platform/reference.js')
  const { importFile, ImportRefusedError } = await import('../src/features/needs/importers/index.js')
  const { sql } = await import('drizzle-orm')
  const database =
    request.target.engine === 'postgresql'
      ? await openDatabase({ databaseUrl: request.target.databaseUrl, dataDir: 'unused', poolSize: 4 })
      : await openDatabase({ dataDir: request.target.dataDir })
  const report: ImportRun = { engine: request.target.engine }
  try {
    await database.migrate()
    await loadReferenceData(database.db)
    const scope = await ensureCouncil(database.db, 'E09000003')
    report.rssBeforeMiB = process.memoryUsage.rss() / 1024 / 1024
    const started = performance.now()
    try {
      const summary = await importFile(
        database.db,
        scope,
        { kind: 'fingertips', filePath: request.filePath, fileName: request.fileName, userId: null },
        progressPrinter(started, report),
      )
      report.wallMs = performance.now() - started
      if (report.stagingMs !== undefined) report.mergeMs = report.wallMs - report.stagingMs
      report.rowsRead = summary.rowsRead
      report.rowsStored = summary.rowsStored
      report.rowsRefused = summary.rowsRefused
    } catch (err) {
      report.wallMs = performance.now() - started
      if (err instanceof ImportRefusedError) {
        report.rowsRead = err.summary.rowsRead
        report.rowsRefused = err.summary.rowsRefused
        report.firstRefusals = err.summary.refusals.slice(0, 5)
        report.error = `import refused: ${err.message}`
      } else throw err
    }
    const counted = await queryRows<{ n: string }>(
      database.db,
      sql`SELECT count(*)::text AS n FROM fingertips_values WHERE tenant_id = ${scope.tenantId}`,
    )
    report.rowsInTable = Number(counted[0]?.n ?? 0)
  } catch (err) {
    report.error = err instanceof Error ? (err.stack ?? err.message) : String(err)
  } finally {
    await database.close()
  }
  report.peakRssMiB = mib(process.resourceUsage().maxRSS)
  process.stdout.write(`${CHILD_MARK}${JSON.stringify(report)}\n`)
}

interface UnderLoadRequest extends ChildRequest {
  port: number
}

/**
 * The under-load child: the app itself (demo council seeded) listening on `port`, on the given
 * database; on the line `go` from the parent it imports the file for the demo council in the same
 * process, as the web upload's job does, reports, and on `stop` (or the end of stdin) closes.
 */
async function underLoadChildMain(request: UnderLoadRequest): Promise<void> {
  const { loadConfig } = await import('../src/config.js')
  const { prepareDatabase } = await import('../src/platform/startup.js')
  const { buildApp } = await import('../src/app.js')
  const { seedDemo } = await import('../src/demo/seed.js')
  const { scopeForCouncilCode } = await import('../src/platform/tenancy.js')
  const { importFile, ImportRefusedError } = await import('../src/features/needs/importers/index.js')
  const baseUrl = `http://127.0.0.1:${String(request.port)}`
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: String(request.port),
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    SECRET_KEY: BENCH_SECRET_KEY,
    LOAD_DEMO: 'true',
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
    ...(request.target.engine === 'pglite'
      ? { DATA_DIR: request.target.dataDir }
      : { DATABASE_URL: request.target.databaseUrl }),
  })
  const database = await prepareDatabase(config)
  await seedDemo(database.db)
  const app = await buildApp({ config, database })
  await app.listen({ port: request.port, host: '127.0.0.1' })
  process.stdout.write('READY\n')
  const lines = createInterface({ input: process.stdin })
  const commands = lines[Symbol.asyncIterator]()
  const next = async () => (await commands.next()).value as string | undefined
  const command = await next()
  const report: ImportRun = { engine: request.target.engine }
  if (command === 'go') {
    const scope = await scopeForCouncilCode(database.db, 'E09000003')
    report.rssBeforeMiB = process.memoryUsage.rss() / 1024 / 1024
    const started = performance.now()
    try {
      const summary = await importFile(
        database.db,
        scope,
        { kind: 'fingertips', filePath: request.filePath, fileName: request.fileName, userId: null },
        progressPrinter(started, report),
      )
      report.rowsRead = summary.rowsRead
      report.rowsStored = summary.rowsStored
      report.rowsRefused = summary.rowsRefused
    } catch (err) {
      report.error =
        err instanceof ImportRefusedError
          ? `import refused: ${err.message}`
          : err instanceof Error
            ? (err.stack ?? err.message)
            : String(err)
    }
    report.wallMs = performance.now() - started
    if (report.stagingMs !== undefined) report.mergeMs = report.wallMs - report.stagingMs
    report.peakRssMiB = mib(process.resourceUsage().maxRSS)
    process.stdout.write(`${CHILD_MARK}${JSON.stringify(report)}\n`)
    await next() // 'stop', or the end of stdin
  }
  lines.close()
  await app.close()
  await database.close()
}

/** Latencies of every response to one URL while `run` lasts (autocannon, stopped when it ends). */
async function loadDuring(
  url: string,
  headers: Record<string, string>,
  connections: number,
  run: () => Promise<void>,
): Promise<PageLatency> {
  const times: number[] = []
  let non2xx = 0
  let errors = 0
  let instance: autocannon.Instance | undefined
  const finished = new Promise<void>((resolve, reject) => {
    // A long time-out: a request held up by the import must be measured, not dropped at 10 s.
    instance = autocannon({ url, connections, duration: 24 * 3600, timeout: 600, headers }, (err, result) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)))
      else {
        errors = result.errors + result.timeouts
        resolve()
      }
    })
    instance.on('response', (_client, status, _bytes, responseTime) => {
      times.push(responseTime)
      if (status < 200 || status > 299) non2xx++
    })
  })
  try {
    await run()
  } finally {
    instance?.stop()
    await finished
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  return {
    path: new URL(url).pathname + new URL(url).search,
    requests: times.length,
    non2xx,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: times[times.length - 1] ?? 0,
    over500msShare: times.length ? times.filter((t) => t > 500).length / times.length : 0,
    errors,
  }
}

/**
 * The import inside a running app while /support (public search) and /directory (signed in) are
 * loaded: their latencies with nothing else running, then for the whole import (issue 10.4).
 */
async function importUnderLoad(
  target: ChildTarget,
  filePath: string,
  fileName: string,
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<UnderLoadRun> {
  const connectionsPerPage = 2
  const result: UnderLoadRun = { engine: target.engine, connectionsPerPage, quiet: [], duringImport: [] }
  const port = await freePort()
  const request: UnderLoadRequest = { target, filePath, fileName, port }
  const child = spawn(process.execPath, [...process.execArgv, thisFile, 'under-load', JSON.stringify(request)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
  })
  const tail: string[] = []
  let stdout = ''
  let onLine: ((line: string) => void) | undefined
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    let at = stdout.indexOf('\n')
    while (at >= 0) {
      const line = stdout.slice(0, at)
      stdout = stdout.slice(at + 1)
      onLine?.(line)
      at = stdout.indexOf('\n')
    }
  })
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      tail.push(line)
      if (tail.length > 30) tail.shift()
      if (line.startsWith('progress ')) onProgress(line.slice('progress '.length))
    }
  })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve()
    })
  })
  const waitFor = (test: (line: string) => boolean, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no answer from the app within ${String(ms / 1000)} s`))
      }, ms)
      void exited.then(() => {
        reject(new Error(`the app exited: ${tail.join('\n')}`))
      })
      onLine = (line) => {
        if (test(line)) {
          clearTimeout(timer)
          resolve(line)
        }
      }
    })
  try {
    await waitFor((l) => l === 'READY', 300_000)
    const baseUrl = `http://127.0.0.1:${String(port)}`
    const jar = await signIn(baseUrl, DEMO_COMMISSIONER)
    const pages: { url: string; headers: Record<string, string> }[] = [
      { url: `${baseUrl}/support?q=EN5%201AA`, headers: {} },
      { url: `${baseUrl}/directory`, headers: { cookie: jar.header() } },
    ]
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
    // Warm up first (the first search builds its index, the first pages compile their templates).
    await Promise.all(pages.map((p) => loadDuring(p.url, p.headers, connectionsPerPage, () => sleep(3000))))
    result.quiet = await Promise.all(
      pages.map((p) => loadDuring(p.url, p.headers, connectionsPerPage, () => sleep(5000))),
    )
    let line = ''
    const imported = async () => {
      const done = waitFor((l) => l.startsWith(CHILD_MARK), timeoutMs)
      child.stdin.write('go\n')
      line = await done
    }
    // One load per page; the first also drives the import, the other lasts as long.
    let importDone: Promise<void> = Promise.resolve()
    const startImport = () => {
      importDone = imported()
      return importDone
    }
    result.duringImport = await Promise.all(
      pages.map((p, i) =>
        loadDuring(p.url, p.headers, connectionsPerPage, i === 0 ? startImport : () => sleep(0).then(() => importDone)),
      ),
    )
    result.import = JSON.parse(line.slice(CHILD_MARK.length)) as ImportRun
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err)
  } finally {
    child.stdin.end('stop\n')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
  return result
}

/**
 * Generates the file, runs \copy and the imports, and returns the figures (without judging them:
 * run.ts turns them into targets). `log` prints one line.
 */
export async function benchNeedsImport(
  settings: NeedsImportSettings,
  log: (line: string) => void,
  cleanups: (() => Promise<void> | void)[],
): Promise<NeedsImportResult> {
  const result: NeedsImportResult = { rows: settings.rows, imports: [] }
  const folder = mkdtempSync(path.join(os.tmpdir(), 'wtc-bench-import-'))
  const removeFolder = () => {
    rmSync(folder, { recursive: true, force: true })
  }
  cleanups.push(removeFolder)
  const fileName = `fingertips-bench-${String(settings.rows)}.csv`
  const filePath = path.join(folder, fileName)
  log(`\n== needs import: ${settings.rows.toLocaleString('en-GB')} Fingertips rows`)
  const generatedAt = performance.now()
  const file = await generateFingertipsCsv(filePath, settings.rows)
  result.generateMs = performance.now() - generatedAt
  result.fileBytes = statSync(filePath).size
  log(
    `  generated ${(file.bytes / 1024 / 1024).toFixed(0)} MiB (${String(file.indicators)} indicators, ${String(file.areas)} areas) in ${(result.generateMs / 1000).toFixed(1)} s`,
  )
  const progress = (engine: string) => (line: string) => {
    log(`    ${engine}: ${line}`)
  }

  if (settings.engines.includes('postgresql')) {
    result.where = redactUrl(settings.adminUrl)
    try {
      // Reachable at all? (createBenchDatabase fails fast with the driver's message.)
      const probe = await createBenchDatabase(settings.adminUrl)
      await probe.drop()
    } catch (err) {
      result.copySkipped = `PostgreSQL at ${redactUrl(settings.adminUrl)} is not reachable (${err instanceof Error ? err.message : String(err)})`
    }
    if (!result.copySkipped) {
      try {
        log('  psql \\copy into a bare text table...')
        result.copy = await copyWithPsql(settings.adminUrl, filePath, settings.timeoutMs)
        log(
          `  \\copy: ${(result.copy.wallMs / 1000).toFixed(1)} s, ${result.copy.rowsCopied.toLocaleString('en-GB')} rows`,
        )
      } catch (err) {
        result.copySkipped = `\\copy failed: ${err instanceof Error ? err.message : String(err)}`
        log(`  ${result.copySkipped}`)
      }
      log('  importFile on PostgreSQL (child process)...')
      const database = await createBenchDatabase(settings.adminUrl)
      cleanups.push(() => database.drop())
      const imported = await importInChild(
        { target: { engine: 'postgresql', databaseUrl: database.url }, filePath, fileName },
        settings.timeoutMs,
        progress('postgresql'),
      )
      await database.drop()
      result.imports.push(imported)
      log(`  ${describe(imported)}`)
      if (result.copy && imported.wallMs !== undefined && !imported.error) {
        result.importToCopyRatio = imported.wallMs / result.copy.wallMs
      }
    } else {
      log(`  skipped PostgreSQL: ${result.copySkipped}`)
    }
  }

  if (settings.engines.includes('pglite') && settings.underLoad !== 'only') {
    log('  importFile on PGlite (child process)...')
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wtc-bench-import-pglite-'))
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true })
    })
    const imported = await importInChild(
      { target: { engine: 'pglite', dataDir }, filePath, fileName },
      settings.timeoutMs,
      progress('pglite'),
    )
    rmSync(dataDir, { recursive: true, force: true })
    result.imports.push(imported)
    log(`  ${describe(imported)}`)
  }
  if (settings.engines.includes('pglite') && settings.underLoad !== 'no') {
    log('  importFile on PGlite inside the app, with /support and /directory loaded meanwhile...')
    const loadDir = mkdtempSync(path.join(os.tmpdir(), 'wtc-bench-import-load-'))
    cleanups.push(() => {
      rmSync(loadDir, { recursive: true, force: true })
    })
    result.underLoad = await importUnderLoad(
      { engine: 'pglite', dataDir: loadDir },
      filePath,
      fileName,
      settings.timeoutMs,
      progress('pglite under load'),
    )
    rmSync(loadDir, { recursive: true, force: true })
    const u = result.underLoad
    if (u.error) log(`    ERROR: ${u.error}`)
    const show = (label: string, list: PageLatency[]) => {
      for (const p of list) {
        log(
          `    ${label} ${p.path}: ${String(p.requests)} requests, p50 ${p.p50Ms.toFixed(0)} ms, p99 ${p.p99Ms.toFixed(0)} ms, max ${p.maxMs.toFixed(0)} ms, ${(p.over500msShare * 100).toFixed(1)}% over 500 ms${p.non2xx ? `, ${String(p.non2xx)} not 2xx` : ''}${p.errors ? `, ${String(p.errors)} errors` : ''}`,
        )
      }
    }
    show('quiet:', u.quiet)
    show('during import:', u.duringImport)
    if (u.import) log(`  ${describe(u.import)}`)
  }
  removeFolder()
  return result
}

/** The published files the demo needs assessment is built from, and the import kind of each. */
export const DEMO_NEEDS_FILES: { file: string; kind: 'ndtms-viewit' | 'fingertips' | 'prevalence-alcohol' }[] = [
  { file: 'viewit-la-barnet-2009-2022.csv', kind: 'ndtms-viewit' },
  { file: 'fingertips-93532-unmet-need-alcohol.csv', kind: 'fingertips' },
  { file: 'fingertips-93517-unmet-need-ocu.csv', kind: 'fingertips' },
  { file: 'alcohol-dependence-estimates-utla.csv', kind: 'prevalence-alcohol' },
]

export interface NeedsDemoData {
  /** 'demo seed' when the demo council already had imports; 'imported' when this loaded them. */
  source?: 'demo seed' | 'imported'
  imported: { file: string; rowsStored?: number; error?: string }[]
  error?: string
}

/** The seeding child: imports the reference files for the demo council unless it has imports already. */
async function seedChildMain(target: ChildTarget): Promise<void> {
  const { openDatabase, queryRows } = await import('../src/platform/db/index.js')
  const { scopeForCouncilCode } = await import('../src/platform/tenancy.js')
  const { fromRoot } = await import('../src/platform/root.js')
  const { importFile } = await import('../src/features/needs/importers/index.js')
  const { sql } = await import('drizzle-orm')
  const database =
    target.engine === 'postgresql'
      ? await openDatabase({ databaseUrl: target.databaseUrl, dataDir: 'unused', poolSize: 2 })
      : await openDatabase({ dataDir: target.dataDir })
  const report: NeedsDemoData = { imported: [] }
  try {
    const scope = await scopeForCouncilCode(database.db, 'E09000003')
    const existing = await queryRows<{ n: string }>(
      database.db,
      sql`SELECT count(*)::text AS n FROM data_imports WHERE tenant_id = ${scope.tenantId}`,
    )
    if (Number(existing[0]?.n ?? 0) > 0) {
      report.source = 'demo seed'
    } else {
      report.source = 'imported'
      for (const { file, kind } of DEMO_NEEDS_FILES) {
        try {
          const summary = await importFile(database.db, scope, {
            kind,
            filePath: fromRoot('src', 'db', 'reference', 'needs', file),
            fileName: file,
            userId: null,
          })
          report.imported.push({ file, rowsStored: summary.rowsStored })
        } catch (err) {
          report.imported.push({ file, error: err instanceof Error ? err.message : String(err) })
        }
      }
    }
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err)
  } finally {
    await database.close()
  }
  process.stdout.write(`${CHILD_MARK}${JSON.stringify(report)}\n`)
}

/**
 * Makes sure the demo council has needs data (for the /needs page load): the demo seed's, or the
 * published reference files imported by a child process while the server is stopped.
 */
export function loadNeedsDemoData(target: ChildTarget, timeoutMs = 300_000): Promise<NeedsDemoData> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, thisFile, 'seed', JSON.stringify(target)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000)
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      const line = stdout.split('\n').find((l) => l.startsWith(CHILD_MARK))
      if (line) resolve(JSON.parse(line.slice(CHILD_MARK.length)) as NeedsDemoData)
      else resolve({ imported: [], error: `seeding child exit code ${String(code)}: ${stderr}` })
    })
  })
}

function describe(run: ImportRun): string {
  const phases =
    run.stagingMs !== undefined && run.mergeMs !== undefined
      ? ` (read, check and stage ${(run.stagingMs / 1000).toFixed(1)} s, merge ${(run.mergeMs / 1000).toFixed(1)} s)`
      : ''
  const time = run.wallMs === undefined ? 'n/a' : `${(run.wallMs / 1000).toFixed(1)} s${phases}`
  const rss = run.peakRssMiB === undefined ? 'n/a' : `${run.peakRssMiB.toFixed(0)} MiB`
  const rows = `${String(run.rowsStored ?? 'n/a')} stored, ${String(run.rowsRefused ?? 'n/a')} refused, ${String(run.rowsInTable ?? 'n/a')} in table`
  return `importFile on ${run.engine}: ${time}, peak RSS ${rss}, ${rows}${run.error ? `\n    ERROR: ${run.error.split('\n').slice(0, 8).join('\n    ')}` : ''}`
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile
const childRole = invokedDirectly ? process.argv[2] : undefined
if (childRole === 'child' || childRole === 'seed' || childRole === 'under-load') {
  const request: unknown = JSON.parse(process.argv[3] ?? '{}')
  const work =
    childRole === 'child'
      ? childMain(request as ChildRequest)
      : childRole === 'under-load'
        ? underLoadChildMain(request as UnderLoadRequest)
        : seedChildMain(request as ChildTarget)
  work.then(
    () => {
      process.exit(0)
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exit(1)
    },
  )
}

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
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { generateFingertipsCsv } from './generate-fingertips.js'
import { createBenchDatabase, redactUrl } from './postgres.js'

export type ImportEngine = 'pglite' | 'postgresql'

export interface NeedsImportSettings {
  rows: number
  /** PostgreSQL server on which throwaway databases are made. */
  adminUrl: string
  engines: ImportEngine[]
  /** Longest one import may take before it is stopped. */
  timeoutMs: number
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
  /** Resident memory just before importFile, MiB. */
  rssBeforeMiB?: number
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
    let lastShown = -1
    const started = performance.now()
    try {
      const summary = await importFile(
        database.db,
        scope,
        { kind: 'fingertips', filePath: request.filePath, fileName: request.fileName, userId: null },
        (percent, message) => {
          const step = Math.floor(percent / 10)
          if (step !== lastShown) {
            lastShown = step
            process.stderr.write(`progress ${String(Math.round(percent))}% ${message}\n`)
          }
        },
      )
      report.wallMs = performance.now() - started
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

  if (settings.engines.includes('pglite')) {
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
  const time = run.wallMs === undefined ? 'n/a' : `${(run.wallMs / 1000).toFixed(1)} s`
  const rss = run.peakRssMiB === undefined ? 'n/a' : `${run.peakRssMiB.toFixed(0)} MiB`
  const rows = `${String(run.rowsStored ?? 'n/a')} stored, ${String(run.rowsRefused ?? 'n/a')} refused, ${String(run.rowsInTable ?? 'n/a')} in table`
  return `importFile on ${run.engine}: ${time}, peak RSS ${rss}, ${rows}${run.error ? `\n    ERROR: ${run.error.split('\n').slice(0, 8).join('\n    ')}` : ''}`
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile
const childRole = invokedDirectly ? process.argv[2] : undefined
if (childRole === 'child' || childRole === 'seed') {
  const request: unknown = JSON.parse(process.argv[3] ?? '{}')
  const work = childRole === 'child' ? childMain(request as ChildRequest) : seedChildMain(request as ChildTarget)
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

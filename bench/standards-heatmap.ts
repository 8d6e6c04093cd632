/**
 * Issue 12's benchmark: the comparison (heatmap) of a standards round with 30 providers, a framework
 * of 80 standards and 4 rounds in the database, at 20 connections, beside a static file of the same
 * size served by the same app in the same run. Targets: p99 < 100 ms and at least 0.3 of the static
 * file's throughput. Run on both engines (`npm run bench -- --sections standards`).
 *
 * The server starts once to migrate and load the demo (the commissioner account), stops; the bench
 * data is then written directly, and the server starts again on the same database.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import {
  assessmentRatings,
  assessmentReturns,
  assessmentRounds,
  organisations,
  ratingValues,
} from '../src/db/schema/index.js'
import { builtinFramework } from '../src/features/standards/builtin.js'
import { checkFramework, type Framework } from '../src/features/standards/framework.js'
import { openDatabase } from '../src/platform/db/index.js'
import { scopeForCouncilCode } from '../src/platform/tenancy.js'
import { getPage, signIn } from './client.js'
import { type LoadSummary, measure } from './load.js'
import { createBenchDatabase, redactUrl } from './postgres.js'
import { type DatabaseTarget, projectRoot, startServer } from './server.js'

export const HEATMAP = { providers: 30, standards: 80, rounds: 4 } as const
const STATIC_NAME = 'bench-static-heatmap.html'

export interface HeatmapResult {
  engine: 'pglite' | 'postgresql'
  where: string
  bytes?: number
  page?: LoadSummary
  static?: LoadSummary
  ratio?: number
  error?: string
}

/** The gender-responsive framework with local standards added until it has `count`. */
export function benchFramework(count: number = HEATMAP.standards): Framework {
  const base = builtinFramework('gender-responsive')
  if (!base) throw new Error('no framework')
  const have = base.themes.reduce((n, t) => n + t.standards.length, 0)
  const local = Array.from({ length: Math.max(0, count - have) }, (_, i) => ({
    id: `L${String(i + 1).padStart(2, '0')}`,
    title: `Local standard ${String(i + 1)}`,
    asks: 'A local standard added for the benchmark.',
    evidence: 'What the service shows.',
    principle: 'standards' as const,
    appliesTo: ['community-treatment' as const],
    directoryFeatures: [],
    local: true,
  }))
  const doc = {
    ...base,
    key: 'bench-framework',
    name: 'Benchmark framework',
    themes: [
      ...base.themes,
      { id: 'local', title: 'Local standards', summary: 'Added by the council.', standards: local },
    ],
  }
  const checked = checkFramework(doc)
  if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join('; '))
  return checked.framework
}

function staticPage(bytes: number): string {
  const head = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Benchmark</title></head><body><p>'
  const tail = '</p></body></html>\n'
  const room = Math.max(0, bytes - head.length - tail.length)
  const filler = 'A static page the size of the comparison page. '
  return head + filler.repeat(Math.ceil(room / filler.length)).slice(0, room) + tail
}

/** Writes 30 providers' returns in 4 rounds against the 80-standard framework; returns the last round's id. */
async function writeBenchRounds(target: DatabaseTarget): Promise<string> {
  const database = await openDatabase(
    target.engine === 'pglite'
      ? { dataDir: target.dataDir }
      : { databaseUrl: target.databaseUrl, dataDir: 'memory', poolSize: 4 },
  )
  try {
    const db = database.db
    const scope = await scopeForCouncilCode(db, 'E09000003')
    const framework = benchFramework()
    const standards = framework.themes.flatMap((t) => t.standards.map((s) => s.id))
    const providers = await db
      .insert(organisations)
      .values(
        Array.from({ length: HEATMAP.providers }, (_, i) => ({
          tenantId: scope.tenantId,
          kind: 'provider' as const,
          name: `Bench provider ${String(i + 1)}`,
        })),
      )
      .returning({ id: organisations.id, name: organisations.name })
    let last = ''
    let seed = 12
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    for (let round = 0; round < HEATMAP.rounds; round++) {
      const rows = await db
        .insert(assessmentRounds)
        .values({
          tenantId: scope.tenantId,
          title: `Bench round ${String(round + 1)}`,
          frameworkKey: framework.key,
          frameworkVersion: framework.version,
          framework,
          dueOn: '2027-03-31',
          createdAt: new Date(Date.UTC(2026, round, 1)),
        })
        .returning({ id: assessmentRounds.id })
      last = rows[0]?.id ?? ''
      const returns = await db
        .insert(assessmentReturns)
        .values(
          providers.map((p) => ({
            tenantId: scope.tenantId,
            roundId: last,
            providerOrganisationId: p.id,
            providerName: p.name,
            serviceId: randomUUID(),
            serviceName: `${p.name} community service`,
            serviceType: 'community-treatment',
            status: 'verified' as const,
          })),
        )
        .returning({ id: assessmentReturns.id })
      for (const ret of returns) {
        await db.insert(assessmentRatings).values(
          standards.map((standardId) => ({
            tenantId: scope.tenantId,
            returnId: ret.id,
            standardId,
            rating: ratingValues[Math.floor(next() * ratingValues.length)] ?? 'met',
            narrative: 'Bench narrative.',
            naReason: 'Bench reason.',
            decision: 'agreed' as const,
          })),
        )
      }
    }
    await db.execute(sql`analyze`)
    return last
  } finally {
    await database.close()
  }
}

export async function runStandardsHeatmapBench(
  engines: readonly ('pglite' | 'postgresql')[],
  opts: { adminUrl: string; connections: number; durationSeconds: number; warmupSeconds: number },
  log: (text: string) => void,
): Promise<HeatmapResult[]> {
  const results: HeatmapResult[] = []
  const staticPath = path.join(projectRoot, 'public', STATIC_NAME)
  for (const engine of engines) {
    const cleanups: (() => Promise<void> | void)[] = []
    let target: DatabaseTarget
    let where: string
    if (engine === 'pglite') {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wtc-bench-heatmap-'))
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true })
      })
      target = { engine, dataDir }
      where = 'fresh temporary DATA_DIR'
    } else {
      const database = await createBenchDatabase(opts.adminUrl)
      cleanups.push(() => database.drop())
      target = { engine, databaseUrl: database.url }
      where = redactUrl(database.url)
    }
    const result: HeatmapResult = { engine, where }
    results.push(result)
    try {
      const first = await startServer(target, 120_000)
      await first.stop()
      const roundId = await writeBenchRounds(target)
      const server = await startServer(target, 120_000)
      cleanups.push(() => server.stop())
      const jar = await signIn(server.baseUrl)
      const url = `${server.baseUrl}/standards/rounds/${roundId}/comparison`
      const page = await getPage(jar, url)
      result.bytes = page.body.length
      writeFileSync(staticPath, staticPage(page.body.length))
      cleanups.push(() => {
        rmSync(staticPath, { force: true })
      })
      const load = {
        connections: opts.connections,
        durationSeconds: opts.durationSeconds,
        warmupSeconds: opts.warmupSeconds,
        headers: { cookie: jar.header() },
      }
      result.page = await measure(url, load)
      result.static = await measure(`${server.baseUrl}/assets/${STATIC_NAME}`, load)
      result.ratio =
        result.static.requestsPerSecond > 0 ? result.page.requestsPerSecond / result.static.requestsPerSecond : 0
      log(
        `  ${engine}: comparison ${String(result.bytes)} B, ${result.page.requestsPerSecond.toFixed(0)} req/s, p99 ${result.page.latencyMs.p99.toFixed(0)} ms; static ${result.static.requestsPerSecond.toFixed(0)} req/s; ratio ${result.ratio.toFixed(2)}${result.page.clean ? '' : ' (NOT CLEAN)'}`,
      )
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err)
      log(`  ${engine}: FAILED ${result.error}`)
    } finally {
      while (cleanups.length) await cleanups.pop()?.()
    }
  }
  return results
}

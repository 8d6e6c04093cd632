/**
 * `wtc needs report`, run in-process through runCli on a data folder of its own: the assessment as
 * JSON, CSV and Word from one view model, written whole, and a clear message and exit code 1 for
 * each kind of wrong input.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main.js'
import type { AssessmentView } from '../../../src/features/needs/assessment/types.js'
import { openDatabase, queryRows, type Database } from '../../../src/platform/db/index.js'
import { scopeForCouncilCode } from '../../../src/platform/tenancy.js'
import { createTestDatabase, testDatabaseUrl } from '../../support/db.js'
import { seedBarnetNdtms } from './seed.js'
import { paragraphs, readZip, runTexts } from '../../support/docx.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-needs-report-'))
const out = (name: string) => path.join(tmp, 'out', name)

interface Run {
  code: number
  stdout: string
  stderr: string
}

let env: Record<string, string>
let inspect: <T>(look: (database: Database) => Promise<T>) => Promise<T>
let closePlace: () => Promise<void> = () => Promise.resolve()

async function wtc(args: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    args,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  )
  return { code, stdout, stderr }
}

const report = (...extra: string[]) => ['needs', 'report', '--council', 'E09000003', ...extra]

beforeAll(async () => {
  if (testDatabaseUrl) {
    const database = await createTestDatabase()
    env = { DATABASE_URL: database.url! }
    inspect = (look) => look(database)
    closePlace = () => database.close()
  } else {
    const dir = path.join(tmp, 'data')
    env = { DATA_DIR: dir }
    inspect = async (look) => {
      const database = await openDatabase({ dataDir: dir })
      try {
        return await look(database)
      } finally {
        await database.close()
      }
    }
  }
  const added = await wtc(['councils', 'add', 'E09000003'])
  expect(added.code).toBe(0)
  await inspect(async (d) => {
    const scope = await scopeForCouncilCode(d.db, 'E09000003')
    await seedBarnetNdtms(d.db, scope.tenantId, ['2020/21', '2021/22'])
  })
  const { mkdirSync } = await import('node:fs')
  mkdirSync(path.join(tmp, 'out'))
})

afterAll(async () => {
  await closePlace()
  rmSync(tmp, { recursive: true, force: true })
})

describe('wtc needs report', () => {
  let json: AssessmentView

  it('writes the view model as JSON, and audits the export as wtc cli', async () => {
    const run = await wtc(report('--year', '2021/22', '--format', 'json', '--out', out('barnet.json')))
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Wrote the needs assessment for Barnet \(E09000003\), 2021\/22, to .*barnet\.json \(json, /,
    )
    const text = readFileSync(out('barnet.json'), 'utf8')
    json = JSON.parse(text) as AssessmentView
    // pretty-printed with two spaces, as JSON.stringify(view, null, 2)
    expect(text.startsWith('{\n  "council": {\n    "code": "E09000003"')).toBe(true)
    expect(json.council).toEqual({ code: 'E09000003', name: 'Barnet' })
    expect(json.selection.period).toBe('2021/22')
    expect(json.options.periods).toEqual(expect.arrayContaining(['2020/21', '2021/22']))
    expect(json.sections.map((s) => s.id)).toEqual([
      'access',
      'unmet-need',
      'referrals',
      'exits',
      'safeguarding',
      'representation',
      'harm',
      'insight',
      'priorities',
    ])
    const audit = await inspect((d) =>
      queryRows<{ actor_label: string; details: Record<string, unknown> }>(
        d.db,
        sql`SELECT actor_label, details FROM audit_events WHERE action = 'needs.report.download'`,
      ),
    )
    expect(audit).toEqual([
      { actor_label: 'wtc cli', details: expect.objectContaining({ format: 'json', period: '2021/22' }) },
    ])
  })

  it('writes the same figures as CSV, one row per table cell', async () => {
    const run = await wtc(report('--year', '2021-22', '--format', 'csv', '--out', out('barnet.csv')))
    expect(run.code).toBe(0)
    const text = readFileSync(out('barnet.csv'), 'utf8')
    const lines = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((l) => l.length > 0)
    expect(lines[0]!.replace(/"/g, '')).toBe('section,table,caption,row,column,value,display,status')
    // One line per cell of every table in the JSON written from the same selection, but for the
    // first column, which labels the row (it goes in the 'row' column of each line).
    const cells = json.sections
      .flatMap((s) => s.tables)
      .reduce((n, t) => n + t.rows.reduce((m, r) => m + t.columns.slice(1).filter((c) => r[c.key]).length, 0), 0)
    expect(cells).toBeGreaterThan(0)
    expect(lines).toHaveLength(cells + 1)
    for (const table of json.sections.flatMap((s) => s.tables)) expect(text).toContain(table.caption)
  })

  it('writes the Word report with every section and table of the same view', async () => {
    const run = await wtc(report('--year', '2021/22', '--format', 'docx', '--out', out('barnet.docx')))
    expect(run.code).toBe(0)
    const xml = readZip(readFileSync(out('barnet.docx')))
      .get('word/document.xml')!
      .toString('utf8')
    const paras = paragraphs(xml)
    const runs = new Set(runTexts(xml))
    expect(json.sections.flatMap((s) => s.tables).length).toBeGreaterThan(0)
    // The recorded priorities are the report's recommendations, not a section of their own.
    expect(paras).toContain('Recommendations')
    for (const section of json.sections.filter((s) => s.id !== 'priorities')) {
      expect(paras).toContain(section.title)
      for (const table of section.tables) {
        expect(paras.some((p) => p.endsWith(`: ${table.caption}`))).toBe(true)
        for (const row of table.rows) for (const cell of Object.values(row)) expect(runs.has(cell.display)).toBe(true)
      }
    }
    // written whole: no temporary file left beside it
    expect(readdirSync(path.join(tmp, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('takes a substance group and age band by value or by label, and the year as 2021-22', async () => {
    const run = await wtc(
      report(
        '--year',
        '2021-22',
        '--substance',
        'ALCOHOL ONLY',
        '--age',
        '50+',
        '--format',
        'docx',
        '--out',
        out('a.docx'),
      ),
    )
    expect(run.code).toBe(0)
    const paras = paragraphs(
      readZip(readFileSync(out('a.docx')))
        .get('word/document.xml')!
        .toString('utf8'),
    )
    expect(paras).toContain('Period: 2021/22')
    expect(paras).toContain('Substances: Alcohol only')
    expect(paras).toContain('Ages: 50 and over')
  })

  it('refuses a council that does not use WTC, exit 1', async () => {
    const run = await wtc([
      'needs',
      'report',
      '--council',
      'E09000010',
      '--year',
      '2021/22',
      '--format',
      'json',
      '--out',
      out('x.json'),
    ])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('No council with code E09000010 uses WTC yet')
    expect(existsSync(out('x.json'))).toBe(false)
  })

  it('refuses a year that is not in the data and lists the years that are, exit 1', async () => {
    const run = await wtc(report('--year', '2030/31', '--format', 'json', '--out', out('y.json')))
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('The data for Barnet has no year 2030/31. Years in the data: 2020/21 and 2021/22.\n')
    expect(existsSync(out('y.json'))).toBe(false)
  })

  it('refuses an unknown format before touching the database, exit 1', async () => {
    const run = await wtc(report('--year', '2021/22', '--format', 'pdf', '--out', out('z.pdf')))
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('Unknown format: pdf. Use one of: json, csv, docx.\n')
    expect(existsSync(out('z.pdf'))).toBe(false)
  })

  it('refuses an unknown substance group or age band, naming the valid ones, exit 1', async () => {
    const substance = await wtc(
      report('--year', '2021/22', '--substance', 'tea', '--format', 'json', '--out', out('s.json')),
    )
    expect(substance.code).toBe(1)
    expect(substance.stderr).toMatch(/^Unknown substance group: tea\. Use one of: .+\.\n$/)
    const age = await wtc(report('--year', '2021/22', '--age', '12-15', '--format', 'json', '--out', out('a.json')))
    expect(age.code).toBe(1)
    expect(age.stderr).toMatch(/^Unknown age band: 12-15\. Use one of: .+\.\n$/)
  })

  it('refuses a folder that does not exist, exit 1', async () => {
    const missing = path.join(tmp, 'nowhere', 'r.json')
    const run = await wtc(report('--year', '2021/22', '--format', 'json', '--out', missing))
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`The folder ${path.dirname(missing)} does not exist.\n`)
  })

  it('says which options are missing, exit 1', async () => {
    const run = await wtc(['needs', 'report', '--council', 'E09000003', '--format', 'json', '--out', out('m.json')])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("required option '--year <year>' not specified")
  })
})

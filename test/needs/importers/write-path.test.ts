/**
 * The write path of the imports (writer.ts, ADR 17): rows are staged by COPY into a TEMP table in
 * several batches, checked there and merged in one transaction. These files are several megabytes
 * (several PGlite batches, many stream chunks on PostgreSQL) so that a problem near the end comes
 * after rows were already staged; each test proves that nothing is left behind (the digest of
 * every import table, and no staging table) whether the problem is a bad row, a repeated key found
 * in the staged rows, or a failure inside the merge itself. Runs on PGlite and, with
 * TEST_DATABASE_URL, on PostgreSQL.
 */
import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/features/needs/importers/index.js'
import { copyField } from '../../../src/features/needs/importers/writer.js'
import { queryRows } from '../../../src/platform/db/index.js'
import { joinCsvLine, readLines, REFERENCE, type Setup, setup, splitCsvLine } from './helpers.js'

let s: Setup
beforeAll(async () => {
  s = await setup()
})
afterAll(async () => {
  await s.close()
})

const HEADER = splitCsvLine(readLines(REFERENCE.alcohol)[0]!)
const ROWS = 15_000

/** Data row `i` (0-based; file row i + 2): its own area code, so every key differs. */
function cells(i: number, overrides: Record<string, string> = {}): string[] {
  const named: Record<string, string> = {
    'Indicator ID': '90001',
    'Indicator Name': 'Made-up indicator, for the write path tests',
    'Area Code': `T${String(i).padStart(6, '0')}`,
    'Area Name': `Test area ${String(i)}`,
    'Area Type': 'UA',
    Sex: 'Female',
    Age: '18+ yrs',
    'Time period': '2021/22',
    Value: String(i / 10),
    'Lower CI 95.0 limit': '1',
    'Upper CI 95.0 limit': '2',
    Count: String(i),
    Denominator: '100000',
    'Value note': 'A note long enough to make each row a realistic size, as published files are',
    'Time period Sortable': '20210000',
    'Time period range': '1y',
    ...overrides,
  }
  return HEADER.map((h) => named[h] ?? '')
}

/** A file of ROWS rows; `change(i)` may replace row i's cells. */
function bigFile(name: string, change: (i: number) => string[] | undefined = () => undefined): string {
  const lines = [joinCsvLine(HEADER)]
  for (let i = 0; i < ROWS; i++) lines.push(joinCsvLine(change(i) ?? cells(i)))
  return s.file(name, `${lines.join('\n')}\n`)
}

async function stagingTables(): Promise<number> {
  const rows = await queryRows<{ n: number | string }>(
    s.database.db,
    sql`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'wtc_stage_%'`,
  )
  return Number(rows[0]?.n ?? -1)
}

/** Sum of i / 10 for i = 0 .. ROWS - 1, worked out as n(n - 1) / 20. */
const VALUE_SUM = (ROWS * (ROWS - 1)) / 20

describe('a big file through the staged write path', () => {
  afterEach(async () => {
    await s.database.db.execute(sql.raw('DROP TRIGGER IF EXISTS wtc_test_fail ON fingertips_values'))
    await s.database.db.execute(sql.raw('DROP TRIGGER IF EXISTS wtc_test_fail ON audit_events'))
    await s.database.db.execute(sql.raw('DROP FUNCTION IF EXISTS wtc_test_fail()'))
  })

  it('stores every row of a file written in many batches, exactly as in the file', async () => {
    const summary = await s.run('fingertips', bigFile('good.csv'))
    expect(summary.rowsStored).toBe(ROWS)
    const rows = await queryRows<{ n: number | string; total: number | string; areas: number | string }>(
      s.database.db,
      sql`SELECT count(*)::int AS n, sum(value)::float8 AS total, count(DISTINCT area_code)::int AS areas
          FROM fingertips_values WHERE tenant_id = ${s.barnet.tenantId} AND indicator_id = 90001`,
    )
    expect(Number(rows[0]?.n)).toBe(ROWS)
    expect(Number(rows[0]?.areas)).toBe(ROWS)
    expect(Number(rows[0]?.total)).toBeCloseTo(VALUE_SUM, 6)
    expect(await stagingTables()).toBe(0)
  })

  it('refuses a bad row near the end and leaves the earlier import untouched', async () => {
    const before = await s.digest()
    const bad = ROWS - 100
    const summary = await s.refused(
      'fingertips',
      bigFile('bad-late.csv', (i) => (i === bad ? cells(i, { Value: 'twelve' }) : undefined)),
    )
    expect(summary.rowsRefused).toBe(1)
    expect(summary.refusals).toEqual([
      {
        row: bad + 2,
        column: 'Value',
        value: 'twelve',
        reason: 'This is not a number. Leave the cell empty when there is no value.',
      },
    ])
    expect(summary.rowsStored).toBe(0)
    expect(await s.digest()).toBe(before)
    expect(await stagingTables()).toBe(0)
  })

  it('finds a key repeated thousands of rows later in the staged rows, names the later row, stores nothing', async () => {
    const before = await s.digest()
    const summary = await s.refused(
      'fingertips',
      // Row 12,000 (0-based) repeats row 10's key with other values.
      bigFile('repeat-late.csv', (i) => (i === 12_000 ? cells(10, { Value: '99' }) : undefined)),
    )
    expect(summary.rowsRefused).toBe(1)
    expect(summary.refusals).toEqual([
      {
        row: 12_002,
        column: '',
        value: '',
        reason:
          'Another row has the same indicator, area code, sex, age, category type, category, time period and time period range. Each combination may appear once.',
      },
    ])
    expect(await s.digest()).toBe(before)
    expect(await stagingTables()).toBe(0)
  })

  it('rolls back the whole merge when the database fails inside it, replaced rows included', async () => {
    // The earlier import (the first test) covers the same indicator and period, so the merge
    // deletes its rows before inserting: the failure must bring them back.
    const before = await s.digest()
    expect(await s.count('fingertips_values', s.barnet)).toBe(ROWS)
    await s.database.db.execute(
      sql.raw(`CREATE FUNCTION wtc_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'made to fail in the merge'; END $$`),
    )
    await s.database.db.execute(
      sql.raw(`CREATE TRIGGER wtc_test_fail BEFORE INSERT ON fingertips_values FOR EACH ROW
        WHEN (NEW.area_code = 'T014990') EXECUTE FUNCTION wtc_test_fail()`),
    )
    const file = bigFile('merge-fails.csv', (i) => cells(i, { Value: String(i) }))
    await expect(s.run('fingertips', file)).rejects.toThrow()
    expect(await s.digest()).toBe(before)
    expect(await stagingTables()).toBe(0)
  })

  it('rolls back rows, replacements and the import record when the last step (the audit entry) fails', async () => {
    const before = await s.digest()
    await s.database.db.execute(
      sql.raw(`CREATE FUNCTION wtc_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'made to fail at the audit entry'; END $$`),
    )
    await s.database.db.execute(
      sql.raw(`CREATE TRIGGER wtc_test_fail BEFORE INSERT ON audit_events FOR EACH ROW
        WHEN (NEW.action = 'needs.import') EXECUTE FUNCTION wtc_test_fail()`),
    )
    const file = bigFile('audit-fails.csv', (i) => cells(i, { Value: String(i) }))
    await expect(s.run('fingertips', file)).rejects.toThrow()
    expect(await s.digest()).toBe(before)
    expect(await stagingTables()).toBe(0)
  })

  it('after those failures the same file imports, replacing the earlier rows', async () => {
    const file = bigFile('replace.csv', (i) => cells(i, { Value: String(i) }))
    const summary = await s.run('fingertips', file)
    expect(summary.replacedRows).toBe(ROWS)
    const rows = await queryRows<{ n: number | string; total: number | string }>(
      s.database.db,
      sql`SELECT count(*)::int AS n, sum(value)::float8 AS total FROM fingertips_values
          WHERE tenant_id = ${s.barnet.tenantId}`,
    )
    expect(Number(rows[0]?.n)).toBe(ROWS)
    // Sum of i for i = 0 .. ROWS - 1.
    expect(Number(rows[0]?.total)).toBe((ROWS * (ROWS - 1)) / 2)
  })

  it('lets other queries run while a big file is staged (no transaction is held while reading)', async () => {
    let reading!: () => void
    const readingStarted = new Promise<void>((resolve) => {
      reading = resolve
    })
    let lastPercent = -1
    const file = bigFile('concurrent.csv', (i) => cells(i, { Value: String(i + 1) }))
    const importing = importFile(
      s.database.db,
      s.barnet,
      { kind: 'fingertips', filePath: file, fileName: 'concurrent.csv', userId: null },
      (percent) => {
        lastPercent = percent
        if (percent >= 20 && percent < 90) reading()
      },
    )
    await readingStarted
    // On the embedded database a query waits for any open transaction: this one is answered
    // while the file is still being read (below 90%, where the merge begins), because staging
    // holds none. Were the whole import one transaction, it would be answered after 100%.
    await s.database.db.execute(sql`SELECT count(*) FROM fingertips_values`)
    const percentWhenAnswered = lastPercent
    const summary = await importing
    // On PostgreSQL the query has a connection of its own and the file may be read by then; it is
    // still answered before the import ends.
    expect(percentWhenAnswered).toBeLessThan(s.database.engine === 'pglite' ? 90 : 100)
    expect(lastPercent).toBe(100)
    expect(summary.rowsStored).toBe(ROWS)
  })
})

describe('text through COPY', () => {
  it('keeps tabs, backslashes, line breaks and quotes in values exactly', async () => {
    const name = 'Tab\there, back\\slash, "quoted"\nand a second line\r\nand a third'
    const row = (area: string) =>
      joinCsvLine(
        cells(0, {
          'Indicator ID': '90002',
          'Area Name': name,
          'Area Code': area,
          'Value note': name,
          Category: '\\N',
        }),
      )
    const file = s.file('escapes.csv', `${joinCsvLine(HEADER)}\n${row('ESC1')}\n${row('ESC2')}\n`)
    const summary = await s.run('fingertips', file)
    expect(summary.rowsStored).toBe(2)
    const rows = await queryRows<{ area_name: string; value_note: string | null; category: string }>(
      s.database.db,
      sql`SELECT area_name, value_note, category FROM fingertips_values WHERE indicator_id = 90002 ORDER BY area_code`,
    )
    expect(rows).toEqual([
      { area_name: name, value_note: name, category: '\\N' },
      { area_name: name, value_note: name, category: '\\N' },
    ])
  })

  it('encodes each column type as COPY text (worked out by hand)', () => {
    expect(copyField(null, 'text')).toBe('\\N')
    expect(copyField(undefined, 'float8')).toBe('\\N')
    expect(copyField('a\tb\\c\nd\re', 'text')).toBe('a\\tb\\\\c\\nd\\re')
    expect(copyField(12.5, 'float8')).toBe('12.5')
    expect(copyField(0.1 + 0.2, 'float8')).toBe('0.30000000000000004')
    expect(copyField(93532, 'integer')).toBe('93532')
    expect(copyField(true, 'boolean')).toBe('t')
    expect(copyField(false, 'boolean')).toBe('f')
    expect(copyField({ people: 12, share: null }, 'jsonb')).toBe('{"people":12,"share":null}')
    // A backslash in JSON text (a key here) is doubled by JSON, then again by COPY.
    expect(copyField({ 'a\\b': 1 }, 'jsonb')).toBe('{"a\\\\\\\\b":1}')
    expect(copyField(['people', 'say "hi"', 'back\\slash'], 'text[]')).toBe(
      '{"people","say \\\\"hi\\\\"","back\\\\\\\\slash"}',
    )
  })
})

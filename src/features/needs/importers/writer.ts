/**
 * How checked rows reach the database (ADR 17): staged, then merged in SQL.
 *
 * 1. Staging. Every checked row is encoded at once as one line of PostgreSQL's COPY text format
 *    (no row object is kept) and sent to a TEMP table of this import, made at run time and
 *    dropped at the end: on PostgreSQL through `COPY ... FROM STDIN` (pg-copy-streams) on one
 *    connection of the pool, streamed while the file is still being read; on PGlite through
 *    `COPY ... FROM '/dev/blob'`, a batch of a quarter of a megabyte at a time, with a turn of the
 *    event loop between batches. Staging is outside any transaction: nothing real changes, and on the
 *    embedded database (one connection, where an open transaction makes every other query wait)
 *    other requests run between the batches.
 * 2. Set-based checks. Repeated keys are found while reading by KeyHashes (a 53-bit hash of every
 *    key, about 30 bytes a row); a hash seen before only makes the row a suspect, and one query
 *    over the staging table then finds which suspects really repeat an earlier row, so a hash
 *    collision never refuses a good row.
 * 3. The merge, in one transaction: the import's record, the deletion of the rows an earlier
 *    import of the same coverage stored, one `INSERT ... SELECT` from the staging table, the
 *    audit entry. All of it or none: a failure anywhere rolls everything back, and the staging
 *    table is dropped whatever happens. The table's unique index stays the last word (an import
 *    of the same data committed meanwhile is reported, not merged twice).
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import * as schema from '../../../db/schema/index.js'
import { type Db, queryRows, type Tx } from '../../../platform/db/index.js'

export type PgType = 'text' | 'integer' | 'float8' | 'boolean' | 'jsonb' | 'text[]'

export interface TableSpec {
  name: string
  /** Columns written from each row (besides tenant_id and import_id), snake_case as in the table. */
  columns: Record<string, PgType>
  /** The natural key (besides tenant_id): the table's unique index. */
  key: string[]
  /** What a re-import replaces: rows of the tenant with the same values of these columns. */
  coverage: string[]
}

export type RowValues = Record<string, string | number | boolean | null | string[] | Record<string, number | null>>

const IDENT = /^[a-z_][a-z0-9_]*$/

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Not a column name: ${name}`)
  return name
}

/** The row's key as one string (for hashing). */
export function keyString(spec: TableSpec, values: RowValues): string {
  let out = ''
  for (const k of spec.key) {
    const v = values[k]
    out += typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v ?? null)
    out += '\u0001'
  }
  return out
}

/** A set of 53-bit key hashes: `has` may say yes wrongly (rarely), never no wrongly. */
export class KeyHashes {
  private readonly seen = new Set<number>()

  static hash(key: string): number {
    // Two FNV-1a hashes with different offsets, 32 + 21 bits.
    let a = 0x811c9dc5
    let b = 0x01000193 ^ 0x5bd1e995
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff)
  }

  has(hash: number): boolean {
    return this.seen.has(hash)
  }

  add(hash: number): void {
    this.seen.add(hash)
  }
}

/** True for a unique-index violation from either engine (drizzle may wrap the driver's error). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object' && 'code' in e && e.code === '23505') return true
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined
  }
  return false
}

const SPECIAL = /[\\\t\n\r]/
const SPECIAL_ALL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** Text as one field of COPY's text format (backslash, tab and line breaks escaped). */
export function copyEscape(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : text
}

/** A PostgreSQL array literal of text elements, every element quoted. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`
}

/** A scalar as text (objects and arrays as JSON). */
function scalarText(value: NonNullable<RowValues[string]>): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** One value as a COPY text field (`\N` is null). */
export function copyField(value: RowValues[string] | undefined, type: PgType): string {
  if (value === null || value === undefined) return '\\N'
  switch (type) {
    case 'integer':
    case 'float8':
      return typeof value === 'number' ? String(value) : copyEscape(scalarText(value))
    case 'boolean':
      return value === true || value === 'true' ? 't' : 'f'
    case 'jsonb':
      return copyEscape(JSON.stringify(value))
    case 'text[]':
      return copyEscape(arrayLiteral(Array.isArray(value) ? value : [scalarText(value)]))
    case 'text':
      return copyEscape(scalarText(value))
  }
}

/** What the merge did. */
export interface MergeResult {
  rowsStored: number
  replacedRows: number
}

/** The database work of the merge besides the rows themselves (the import record, the audit entry). */
export type MergeWork<T> = (tx: Tx, merge: (importId: string) => Promise<MergeResult>) => Promise<T>

/** Staged rows waiting for their merge, on one connection. */
export interface StagedWriter {
  /** Rows staged so far. */
  readonly rowsStaged: number
  /** Stages one checked row; `line` is the file line it came from. Resolves when it may go on. */
  add(values: RowValues, line: number): Promise<void> | undefined
  /** Sends what is buffered and waits until the staging table has every row. */
  finishStaging(): Promise<void>
  /**
   * Of the staged rows numbered `suspects` (0-based, in the order they were added), the file
   * lines of those whose key an earlier staged row already has: the count, and the first `limit`.
   */
  repeatedLines(suspects: number[], limit: number): Promise<{ count: number; lines: number[] }>
  /** Runs `work` in one transaction; `merge` inside it replaces the covered rows with the staged ones. */
  merge<T>(work: MergeWork<T>): Promise<T>
  /** Drops the staging table and gives the connection back (always call it, in a finally). */
  close(): Promise<void>
}

/**
 * Characters of COPY text per PGlite batch. Each batch is one synchronous step of the embedded
 * engine (WebAssembly on the main thread), so it is small: about 700 Fingertips rows, some tens of
 * milliseconds, after which other requests get their turn.
 */
const PGLITE_BATCH_CHARS = 1 << 18
/** Bytes of COPY text per write to the PostgreSQL copy stream. */
const STREAM_CHUNK_CHARS = 1 << 16

type Engine = { kind: 'postgres'; client: pg.PoolClient; db: Db } | { kind: 'pglite'; client: PGlite; db: Db }

/** The driver under a drizzle database made by openDatabase. */
async function engineOf(db: Db): Promise<Engine> {
  const client = (db as unknown as { $client?: unknown }).$client
  if (client instanceof pg.Pool) {
    const connection = await client.connect()
    return { kind: 'postgres', client: connection, db: drizzleNodePg({ client: connection, schema }) as unknown as Db }
  }
  if (client && typeof client === 'object' && 'waitReady' in client && 'query' in client) {
    return { kind: 'pglite', client: client as PGlite, db }
  }
  throw new Error('The import writer needs a database opened by openDatabase')
}

/** Lets other work of the process run (timers, I/O, other requests) before going on. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Opens a staged writer for `spec`'s table: a TEMP staging table with a row number, the file
 * line and the table's columns, on a connection of its own (PostgreSQL) or the embedded one.
 */
export async function openStagedWriter(db: Db, spec: TableSpec, tenantId: string): Promise<StagedWriter> {
  const engine = await engineOf(db)
  const names = Object.keys(spec.columns).map(ident)
  const types = names.map((n) => spec.columns[n] ?? 'text')
  const stage = `wtc_stage_${randomBytes(6).toString('hex')}`
  const run = async (text: string) => {
    if (engine.kind === 'postgres') await engine.client.query(text)
    else await engine.client.exec(text)
  }
  try {
    await run(
      `CREATE TEMP TABLE ${stage} (seq integer NOT NULL, line integer NOT NULL, ${names
        .map((n, i) => `${n} ${types[i] ?? 'text'}`)
        .join(', ')})`,
    )
  } catch (err) {
    if (engine.kind === 'postgres') engine.client.release()
    throw err
  }
  const copySql = `COPY ${stage} (seq, line, ${names.join(', ')}) FROM`

  let rowsStaged = 0
  let buffer: string[] = []
  let bufferChars = 0
  let closed = false

  // PostgreSQL: one COPY stream for the whole import.
  let stream: ReturnType<typeof copyFrom> | undefined
  let streamDone: Promise<void> | undefined
  let streamError: unknown
  if (engine.kind === 'postgres') {
    const s = engine.client.query(copyFrom(`${copySql} STDIN`))
    stream = s
    streamDone = new Promise<void>((resolve, reject) => {
      s.once('finish', resolve)
      s.once('error', (err) => {
        streamError = err
        reject(err)
      })
    })
    streamDone.catch(() => undefined) // reported by finishStaging
  }

  const flush = async (final: boolean): Promise<void> => {
    if (bufferChars === 0 && !final) return
    const text = buffer.join('')
    buffer = []
    bufferChars = 0
    if (engine.kind === 'postgres') {
      if (!stream) return
      if (streamError) throw streamError instanceof Error ? streamError : new Error('The copy to the database failed')
      if (text && !stream.write(text)) await Promise.race([once(stream, 'drain'), streamDone])
      return
    }
    if (!text) return
    await engine.client.query(`${copySql} '/dev/blob'`, [], { blob: new Blob([text]) })
    // One batch is one synchronous step of the embedded engine: let other requests in now.
    await yieldToEventLoop()
  }

  const limit = engine.kind === 'postgres' ? STREAM_CHUNK_CHARS : PGLITE_BATCH_CHARS

  const writer: StagedWriter = {
    get rowsStaged() {
      return rowsStaged
    },

    add(values, line) {
      let text = `${String(rowsStaged)}\t${String(line)}`
      for (let i = 0; i < names.length; i++) {
        text += `\t${copyField(values[names[i] ?? ''], types[i] ?? 'text')}`
      }
      text += '\n'
      rowsStaged++
      buffer.push(text)
      bufferChars += text.length
      return bufferChars >= limit ? flush(false) : undefined
    },

    async finishStaging() {
      await flush(true)
      if (stream && streamDone) {
        stream.end()
        await streamDone
        stream = undefined
      }
    },

    async repeatedLines(suspects, max) {
      if (suspects.length === 0) return { count: 0, lines: [] }
      const keyMatch = spec.key.map((k) => `b.${ident(k)} = a.${ident(k)}`).join(' AND ')
      const query = sql.raw(`WITH r AS (
          SELECT DISTINCT a.line FROM ${stage} a JOIN ${stage} b ON b.seq < a.seq AND ${keyMatch}
          WHERE a.seq = ANY ('{${suspects.map((n) => String(Math.trunc(n))).join(',')}}'::int[]))
        SELECT (SELECT count(*)::int FROM r) AS n,
               ARRAY(SELECT line FROM r ORDER BY line LIMIT ${String(Math.trunc(max))}) AS lines`)
      const rows = await queryRows<{ n: number | string; lines: number[] | string }>(engine.db, query)
      const first = rows[0]
      const lines = Array.isArray(first?.lines)
        ? first.lines.map(Number)
        : (first?.lines ?? '{}').replace(/[{}]/g, '').split(',').filter(Boolean).map(Number)
      return { count: Number(first?.n ?? 0), lines }
    },

    merge(work) {
      return engine.db.transaction((tx) =>
        work(tx, async (importId) => {
          const cov = spec.coverage.map(ident)
          const deleted = await queryRows<{ n: number | string }>(
            tx,
            sql`WITH d AS (
                DELETE FROM ${sql.raw(ident(spec.name))} t
                USING (SELECT DISTINCT ${sql.raw(cov.join(', '))} FROM ${sql.raw(stage)}) k
                WHERE t.tenant_id = ${tenantId}::uuid AND t.import_id <> ${importId}::uuid
                  AND ${sql.raw(cov.map((c) => `t.${c} = k.${c}`).join(' AND '))}
                RETURNING 1)
              SELECT count(*)::int AS n FROM d`,
          )
          await tx.execute(
            sql`INSERT INTO ${sql.raw(ident(spec.name))} (tenant_id, import_id, ${sql.raw(names.join(', '))})
                SELECT ${tenantId}::uuid, ${importId}::uuid, ${sql.raw(names.join(', '))} FROM ${sql.raw(stage)}`,
          )
          return { rowsStored: rowsStaged, replacedRows: Number(deleted[0]?.n ?? 0) }
        }),
      )
    },

    async close() {
      if (closed) return
      closed = true
      try {
        if (stream) {
          // An import that stopped early: end the COPY (its rows are dropped with the table).
          stream.end()
          await streamDone?.catch(() => undefined)
        }
        await run(`DROP TABLE IF EXISTS ${stage}`)
        if (engine.kind === 'postgres') engine.client.release()
      } catch (err) {
        // A connection that cannot drop its table is not given back: closing it drops the table.
        if (engine.kind === 'postgres') engine.client.release(err instanceof Error ? err : true)
        throw err
      }
    },
  }
  return writer
}

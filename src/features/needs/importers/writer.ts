/**
 * Writes imported rows fast and with bounded memory: each batch goes to the database as one JSON
 * document turned into rows by json_to_recordset, in one plain INSERT (the same on PostgreSQL and
 * PGlite; no ON CONFLICT or RETURNING, which made it about three times slower).
 *
 * Repeated keys are found before they reach the database: KeyHashes remembers a 53-bit hash of
 * every key (about 30 bytes a row, where the keys themselves would take several times that), and
 * a hash seen before is checked exactly (against the batch not yet written, then the database)
 * so that a hash collision never refuses a good row. The table's unique index stays the last
 * word: a unique violation is still caught and reported.
 */
import { sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../../platform/db/index.js'

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

function recordsetColumns(spec: TableSpec, names: string[]): string {
  return names.map((n) => `${ident(n)} ${spec.columns[n] ?? 'text'}`).join(', ')
}

/** The row's key as one string (for exact comparison). */
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

/** Builds a parameterised query from text with `$name` placeholders (values are always parameters). */
function bind(text: string, params: Record<string, string | null>) {
  const parts = text.split(/\$([a-z]+)/)
  const chunks = parts.map((part, i) => {
    if (i % 2 === 0) return sql.raw(part)
    if (!(part in params)) throw new Error(`No value for $${part}`)
    return sql`${params[part] ?? null}`
  })
  return sql.join(chunks, sql.raw(''))
}

/** Deletes the tenant's rows of earlier imports that the given coverage keys cover; returns how many. */
export async function deleteCoverage(
  db: DbOrTx,
  spec: TableSpec,
  tenantId: string,
  importId: string,
  keys: Record<string, unknown>[],
): Promise<number> {
  if (keys.length === 0) return 0
  const cols = spec.coverage.map(ident)
  const query = `WITH d AS (
      DELETE FROM ${ident(spec.name)} t
      USING (SELECT DISTINCT ${cols.map((c) => `x.${c}`).join(', ')}
             FROM json_to_recordset($json::json) AS x(${recordsetColumns(spec, spec.coverage)})) k
      WHERE t.tenant_id = $tenant::uuid AND t.import_id <> $import::uuid AND ${cols.map((c) => `t.${c} = k.${c}`).join(' AND ')}
      RETURNING 1)
    SELECT count(*)::int AS n FROM d`
  const rows = await queryRows<{ n: number | string }>(
    db,
    bind(query, { json: JSON.stringify(keys), tenant: tenantId, import: importId }),
  )
  return Number(rows[0]?.n ?? 0)
}

/** Inserts the rows in one statement. */
export async function insertRows(
  db: DbOrTx,
  spec: TableSpec,
  tenantId: string,
  importId: string,
  rows: RowValues[],
): Promise<void> {
  if (rows.length === 0) return
  const names = Object.keys(spec.columns)
  const query = `INSERT INTO ${ident(spec.name)} (tenant_id, import_id, ${names.map(ident).join(', ')})
      SELECT $tenant::uuid, $import::uuid, ${names.map((n) => `x.${ident(n)}`).join(', ')}
      FROM json_to_recordset($json::json) AS x(${recordsetColumns(spec, names)})`
  await db.execute(bind(query, { json: JSON.stringify(rows), tenant: tenantId, import: importId }))
}

/** Whether this import already stored a row with the key of `values`. */
export async function keyStored(
  db: DbOrTx,
  spec: TableSpec,
  tenantId: string,
  importId: string,
  values: RowValues,
): Promise<boolean> {
  const keyCols = spec.key.map(ident)
  const query = `SELECT 1 AS found FROM ${ident(spec.name)} t,
      json_to_recordset($json::json) AS x(${recordsetColumns(spec, spec.key)})
    WHERE t.tenant_id = $tenant::uuid AND t.import_id = $import::uuid
      AND ${keyCols.map((c) => `t.${c} = x.${c}`).join(' AND ')}
    LIMIT 1`
  const key = Object.fromEntries(spec.key.map((k) => [k, values[k] ?? null]))
  const rows = await queryRows<{ found: number }>(
    db,
    bind(query, { json: JSON.stringify([key]), tenant: tenantId, import: importId }),
  )
  return rows.length > 0
}

/** True for a unique-index violation from either engine (drizzle may wrap the driver's error). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object' && 'code' in e && e.code === '23505') return true
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined
  }
  return false
}

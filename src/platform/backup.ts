/**
 * Logical backup and restore (docs/adr/0009). A backup is a gzip'd JSON-lines file:
 *
 *   {"format":"wtc-backup","version":1,"createdAt":...,"migrations":{...},"tables":[...]}   header
 *   {"t":"organisations","r":{...row_to_json...}}                                               one line a row
 *   {"end":"wtc-backup","rows":1234}                                                            trailer
 *
 * Rows are PostgreSQL's own `row_to_json` text, never parsed and re-serialised in JavaScript, so
 * microsecond timestamps, jsonb, bigints and numerics come back exactly. Tables are written parents
 * first (foreign-key order) from one repeatable-read snapshot, and read back with
 * `json_populate_recordset`, which PGlite and PostgreSQL both have: a backup of one engine restores
 * into the other.
 *
 * Restore runs in ONE transaction: the check that the target holds no data, the schema rebuild
 * (--force), the migrations up to the backup's schema, every row, the sequences, and the migrations
 * after the backup's schema. If anything fails, the target is left exactly as it was.
 */
import {
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip, createGzip } from 'node:zlib'
import { is, type SQL, sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import * as schema from '../db/schema/index.js'
import { type Db, type DbOrTx, migrationsFolder, queryRows } from './db/index.js'
import { loadReferenceData } from './reference.js'

export const BACKUP_FORMAT = 'wtc-backup'
export const BACKUP_VERSION = 1

/** The file is not a (usable) WTC backup: wrong format, newer version, damaged or truncated. */
export class BackupFileError extends Error {}

/** The target database holds data, or is at another schema, and --force was not given. */
export class RestoreRefusedError extends Error {}

/**
 * Tables that hold rows before anyone uses a database: reference data loaded at every start, and the
 * generated instance secret. They do not count as "data" when deciding whether a restore may proceed,
 * and the backup's rows replace them.
 */
export const PRESEEDED_TABLES = ['area_aliases', 'areas', 'instance_settings'] as const

/**
 * The generated secret key (outside production) is never written to a backup: it encrypts the
 * second-factor secrets the backup holds, so together they would give those away (issue 10). A
 * restore keeps the target database's own key; an empty target generates one at its next start.
 */
const GENERATED_KEY = 'generated_secret_key'
const rowsBackedUp = (table: string): SQL =>
  table === 'instance_settings' ? sql` WHERE key <> ${GENERATED_KEY}` : sql``

// Migrations -------------------------------------------------------------------------------------

export interface Migration {
  tag: string
  /** drizzle-kit's journal timestamp; drizzle records it as `created_at` of an applied migration. */
  when: number
  hash: string
  statements: string[]
}

/** The migrations this version of WTC ships, oldest first. */
export function knownMigrations(): Migration[] {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string; when: number }[]
  }
  const files = readMigrationFiles({ migrationsFolder })
  return journal.entries.map((entry, i) => {
    const file = files[i]
    if (file?.folderMillis !== entry.when) throw new Error(`Migration ${entry.tag} does not match its journal entry`)
    return { tag: entry.tag, when: entry.when, hash: file.hash, statements: file.sql }
  })
}

interface AppliedMigration {
  when: number
  hash: string
  count: number
}

/** The newest migration applied to a database (drizzle's own table), or null for a fresh database. */
export async function appliedMigration(db: DbOrTx): Promise<AppliedMigration | null> {
  const present = await queryRows<{ present: boolean }>(
    db,
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
  )
  if (!present[0]?.present) return null
  const rows = await queryRows<{ when: string; hash: string; count: string }>(
    db,
    sql`SELECT created_at::text AS "when", hash, (SELECT count(*) FROM drizzle.__drizzle_migrations)::text AS count
        FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
  )
  const row = rows[0]
  return row ? { when: Number(row.when), hash: row.hash, count: Number(row.count) } : null
}

/** Where a database stands: how many migrations it has and the newest one's tag (null if unknown). */
export async function migrationStatus(db: DbOrTx): Promise<{ applied: number; latest: string | null }> {
  const applied = await appliedMigration(db)
  if (!applied) return { applied: 0, latest: null }
  return { applied: applied.count, latest: knownMigrations().find((m) => m.when === applied.when)?.tag ?? null }
}

/**
 * Applies the shipped migrations up to and including `upTo` (an index into `migrations`), in the
 * caller's transaction. The same bookkeeping as drizzle's migrator (same table, same hash and
 * created_at), so the app's own `migrate()` at the next start sees them as applied.
 */
async function applyMigrations(tx: DbOrTx, migrations: Migration[], upTo: number): Promise<void> {
  await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS drizzle`)
  await tx.execute(
    sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  )
  const last = await appliedMigration(tx)
  for (const migration of migrations.slice(0, upTo + 1)) {
    if (last && last.when >= migration.when) continue
    for (const statement of migration.statements) await tx.execute(sql.raw(statement))
    await tx.execute(
      sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.when})`,
    )
  }
}

// Tables -----------------------------------------------------------------------------------------

export interface BackupTable {
  name: string
  /** Primary-key columns, for a stable row order. */
  primaryKey: string[]
}

/** Every table of src/db/schema, parents before children (foreign keys), ties in name order. */
export function backupTables(): BackupTable[] {
  const configs = (Object.values(schema) as unknown[])
    .filter((value): value is PgTable => is(value, PgTable))
    .map((table) => getTableConfig(table))
  const byName = new Map(
    configs.map((c) => {
      const single = c.columns.filter((col) => col.primary).map((col) => col.name)
      const composite = c.primaryKeys[0]?.columns.map((col) => col.name) ?? []
      const parents = c.foreignKeys
        .map((fk) => getTableConfig(fk.reference().foreignTable).name)
        .filter((p) => p !== c.name)
      return [c.name, { name: c.name, primaryKey: single.length > 0 ? single : composite, parents: new Set(parents) }]
    }),
  )
  const ordered: BackupTable[] = []
  const placed = new Set<string>()
  while (placed.size < byName.size) {
    const ready = [...byName.values()]
      .filter((t) => !placed.has(t.name) && [...t.parents].every((p) => placed.has(p) || !byName.has(p)))
      .sort((a, b) => a.name.localeCompare(b.name))
    const next = ready[0]
    if (!next) throw new Error('The schema has a cycle of foreign keys; backups need an order to load tables in')
    placed.add(next.name)
    ordered.push({ name: next.name, primaryKey: next.primaryKey })
  }
  return ordered
}

async function columnsOf(db: DbOrTx, table: string): Promise<string[]> {
  const rows = await queryRows<{ column_name: string }>(
    db,
    sql`SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ${table} AND is_generated = 'NEVER'
        ORDER BY ordinal_position`,
  )
  return rows.map((r) => r.column_name)
}

const identifiers = (names: string[]): SQL =>
  sql.join(
    names.map((n) => sql.identifier(n)),
    sql`, `,
  )

// The file ---------------------------------------------------------------------------------------

const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  engine: z.string().optional(),
  migrations: z.object({ tag: z.string(), when: z.number(), hash: z.string(), count: z.number().int() }),
  tables: z.array(z.object({ name: z.string(), columns: z.array(z.string()).min(1), rows: z.number().int().min(0) })),
})

export type BackupHeader = z.infer<typeof headerSchema>

const trailerSchema = z.object({ end: z.literal(BACKUP_FORMAT), rows: z.number().int().min(0) })

export type ProgressListener = (done: number, total: number, table: string) => void

export interface BackupSummary {
  file: string
  migration: string
  tables: { name: string; rows: number }[]
  rows: number
}

const ROWS_PER_FETCH = 500

/**
 * Writes a backup of every application table to `file` (via a temporary file, renamed at the end,
 * so a failed backup never leaves a half-written file under the real name). The file holds password
 * hashes and sealed second-factor secrets: it is created readable by its owner only.
 */
export async function writeBackup(
  db: Db,
  file: string,
  opts: { onProgress?: ProgressListener; engine?: string } = {},
): Promise<BackupSummary> {
  const tables = backupTables()
  const partial = `${file}.partial-${String(process.pid)}`
  try {
    const summary = await db.transaction(
      async (tx) => {
        const applied = await appliedMigration(tx)
        if (!applied) throw new Error('The database has no migrations applied: there is nothing to back up')
        const migration = knownMigrations().find((m) => m.when === applied.when)
        if (!migration) {
          throw new Error(
            'The database has migrations this version of WTC does not know. Back it up with the version of WTC that runs it.',
          )
        }
        const described: (BackupTable & { columns: string[]; rows: number })[] = []
        for (const table of tables) {
          const counted = await queryRows<{ n: string }>(
            tx,
            sql`SELECT count(*)::text AS n FROM ${sql.identifier(table.name)}${rowsBackedUp(table.name)}`,
          )
          described.push({ ...table, columns: await columnsOf(tx, table.name), rows: Number(counted[0]?.n ?? 0) })
        }
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          ...(opts.engine ? { engine: opts.engine } : {}),
          migrations: { tag: migration.tag, when: migration.when, hash: migration.hash, count: applied.count },
          tables: described.map((t) => ({ name: t.name, columns: t.columns, rows: t.rows })),
        }
        const total = described.reduce((sum, t) => sum + t.rows, 0)
        let done = 0
        async function* lines(): AsyncGenerator<string> {
          yield `${JSON.stringify(header)}\n`
          for (const table of described) {
            if (table.rows === 0) continue
            const order = table.primaryKey.length > 0 ? identifiers(table.primaryKey) : sql.raw('row_to_json(t)::text')
            await tx.execute(
              sql`DECLARE wtc_backup NO SCROLL CURSOR FOR
                  SELECT row_to_json(t)::text AS row FROM ${sql.identifier(table.name)} AS t${rowsBackedUp(table.name)}
                  ORDER BY ${order}`,
            )
            const prefix = `{"t":${JSON.stringify(table.name)},"r":`
            for (;;) {
              const batch = await queryRows<{ row: string }>(
                tx,
                sql.raw(`FETCH ${String(ROWS_PER_FETCH)} FROM wtc_backup`),
              )
              if (batch.length === 0) break
              // A raw line break can only sit between JSON tokens (inside strings it is escaped),
              // so replacing it keeps the row's meaning and keeps one row to a line.
              yield batch.map((r) => `${prefix}${r.row.replace(/[\r\n]/g, ' ')}}\n`).join('')
              done += batch.length
              opts.onProgress?.(done, total, table.name)
            }
            await tx.execute(sql`CLOSE wtc_backup`)
          }
          yield `${JSON.stringify({ end: BACKUP_FORMAT, rows: done })}\n`
        }
        await pipeline(Readable.from(lines()), createGzip(), createWriteStream(partial, { mode: 0o600 }))
        if (done !== total) throw new Error('The number of rows changed while the backup was written')
        return {
          file,
          migration: migration.tag,
          tables: described.map((t) => ({ name: t.name, rows: t.rows })),
          rows: done,
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
    renameSync(partial, file)
    return summary
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
}

/** The database's generated secret key, or null (no table yet, or no key). */
async function generatedKeyOf(tx: DbOrTx): Promise<string | null> {
  const exists = await queryRows<{ present: boolean }>(
    tx,
    sql`SELECT to_regclass('public.instance_settings') IS NOT NULL AS present`,
  )
  if (!exists[0]?.present) return null
  const rows = await queryRows<{ value: string }>(
    tx,
    sql`SELECT value FROM instance_settings WHERE key = ${GENERATED_KEY}`,
  )
  return rows[0]?.value ?? null
}

/** Lines of a gzip'd text file, one at a time (an error while reading or unzipping is thrown). */
async function* gunzipLines(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  const source = createReadStream(file)
  const stream = source.pipe(createGunzip())
  source.on('error', (err) => stream.destroy(err))
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk)
      let newline = pending.indexOf('\n')
      while (newline !== -1) {
        yield pending.slice(0, newline)
        pending = pending.slice(newline + 1)
        newline = pending.indexOf('\n')
      }
    }
  } catch (err) {
    throw new BackupFileError(
      `${file} is damaged or truncated: it cannot be unzipped (${err instanceof Error ? err.message : String(err)}). Nothing was restored.`,
    )
  } finally {
    stream.destroy()
  }
  pending += decoder.end()
  if (pending.length > 0) yield pending
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function notABackup(file: string, why: string): BackupFileError {
  return new BackupFileError(`${file} is not a WTC backup (${why}). Choose a file made by "wtc backup".`)
}

interface OpenedBackup {
  header: BackupHeader
  lines: AsyncGenerator<string>
}

async function openBackup(file: string): Promise<OpenedBackup> {
  const magic = Buffer.alloc(2)
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new BackupFileError(
      code === 'ENOENT' ? `There is no file ${file}` : `Cannot read ${file}: ${(err as Error).message}`,
    )
  }
  try {
    readSync(fd, magic, 0, 2, 0)
  } finally {
    closeSync(fd)
  }
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) throw notABackup(file, 'it is not a gzip file')
  const lines = gunzipLines(file)
  let first: IteratorResult<string>
  try {
    first = await lines.next()
  } catch {
    throw notABackup(file, 'it cannot be unzipped')
  }
  const parsed = first.done ? undefined : parseJson(first.value)
  const format = (parsed as { format?: unknown } | undefined)?.format
  if (format !== BACKUP_FORMAT) {
    await lines.return(undefined)
    throw notABackup(file, 'its first line is not a WTC backup header')
  }
  const version = (parsed as { version?: unknown }).version
  if (typeof version === 'number' && version > BACKUP_VERSION) {
    await lines.return(undefined)
    throw new BackupFileError(
      `${file} was made by a newer version of WTC (backup format ${String(version)}; this version reads format ${String(BACKUP_VERSION)}). Upgrade WTC, then restore it.`,
    )
  }
  const header = headerSchema.safeParse(parsed)
  if (!header.success) {
    await lines.return(undefined)
    throw notABackup(file, 'its header is damaged')
  }
  return { header: header.data, lines }
}

/** Reads and checks a backup's header without touching any database. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const opened = await openBackup(file)
  await opened.lines.return(undefined)
  return opened.header
}

/** Which shipped migration a backup was made at; refuses a backup from a newer or unknown schema. */
function backupLevel(file: string, header: BackupHeader, migrations: Migration[]): number {
  const index = migrations.findIndex((m) => m.when === header.migrations.when && m.tag === header.migrations.tag)
  if (index !== -1) return index
  const newest = migrations[migrations.length - 1]
  if (!newest || header.migrations.when > newest.when) {
    throw new BackupFileError(
      `${file} comes from a newer version of WTC (database schema ${header.migrations.tag}; this version knows up to ${newest?.tag ?? 'none'}). Upgrade WTC, then restore it.`,
    )
  }
  throw new BackupFileError(
    `${file} was made at a database schema this version of WTC does not know (${header.migrations.tag}).`,
  )
}

/** Public tables, other than the preseeded ones, that hold at least one row. */
async function tablesWithData(tx: DbOrTx): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    tx,
    sql`SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const preseeded = new Set<string>(PRESEEDED_TABLES)
  const occupied: string[] = []
  for (const { name } of tables) {
    if (preseeded.has(name)) continue
    const rows = await queryRows<{ any: boolean }>(
      tx,
      sql`SELECT EXISTS (SELECT 1 FROM ${sql.identifier(name)}) AS any`,
    )
    if (rows[0]?.any) occupied.push(name)
  }
  return occupied
}

/** Sets every serial or identity sequence to the largest value now in its column. */
async function resetSequences(tx: DbOrTx): Promise<void> {
  const serials = await queryRows<{ table_name: string; column_name: string; seq: string | null }>(
    tx,
    sql`SELECT table_name, column_name,
               pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) AS seq
        FROM information_schema.columns
        WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`,
  )
  for (const s of serials) {
    if (!s.seq) continue
    const column = sql.identifier(s.column_name)
    await tx.execute(
      sql`SELECT setval(${s.seq}::regclass, coalesce(max(${column}), 1), max(${column}) IS NOT NULL)
          FROM ${sql.identifier(s.table_name)}`,
    )
  }
}

export interface RestoreSummary {
  migration: string
  /** The schema the database is at after the restore (later than the backup's if it was older). */
  migratedTo: string
  tables: { name: string; rows: number }[]
  rows: number
  replaced: boolean
}

const BATCH_ROWS = 1000
const BATCH_BYTES = 4 * 1024 * 1024
const ROW_LINE = /^\{"t":("(?:[^"\\]|\\.)*"),"r":/

/**
 * Restores a backup into `db`. Refuses unless the database holds no application data, or `force`
 * is set, in which case its schema is dropped and rebuilt first. A backup made at an older schema
 * is loaded at that schema and then migrated forward, so later migrations apply to its rows.
 */
export async function restoreBackup(
  db: Db,
  file: string,
  opts: { force?: boolean; onProgress?: ProgressListener } = {},
): Promise<RestoreSummary> {
  const { header, lines } = await openBackup(file)
  try {
    const migrations = knownMigrations()
    const level = backupLevel(file, header, migrations)
    const total = header.tables.reduce((sum, t) => sum + t.rows, 0)
    const force = opts.force ?? false
    return await db.transaction(async (tx) => {
      const occupied = await tablesWithData(tx)
      if (occupied.length > 0 && !force) {
        const named = occupied.slice(0, 4).join(', ') + (occupied.length > 4 ? ' and others' : '')
        throw new RestoreRefusedError(
          `The database already holds data (in ${named}), and a restore would mix two databases. ` +
            'Restore into an empty database, or add --force to delete everything in this one and replace it with the backup.',
        )
      }
      const current = await appliedMigration(tx)
      const currentLevel = current ? migrations.findIndex((m) => m.when === current.when) : -1
      if (current && currentLevel !== level && !force) {
        const at = currentLevel === -1 ? 'a schema this version of WTC does not know' : migrations[currentLevel]?.tag
        throw new RestoreRefusedError(
          `The backup was made at database schema ${header.migrations.tag}, but this database is at ${String(at)}. ` +
            'It holds no data, so add --force to rebuild it at the backup’s schema, load the backup and migrate it forward.',
        )
      }
      // The target's own generated key stays (an older backup that brings one: the backup's wins).
      const ownKey = await generatedKeyOf(tx)
      if (force) {
        await tx.execute(sql`DROP SCHEMA IF EXISTS drizzle CASCADE`)
        await tx.execute(sql`DROP SCHEMA public CASCADE`)
        await tx.execute(sql`CREATE SCHEMA public`)
        await tx.execute(sql`GRANT USAGE ON SCHEMA public TO PUBLIC`)
      } else {
        for (const name of PRESEEDED_TABLES) {
          const exists = await queryRows<{ present: boolean }>(
            tx,
            sql`SELECT to_regclass(${`public.${name}`}) IS NOT NULL AS present`,
          )
          if (exists[0]?.present) await tx.execute(sql`DELETE FROM ${sql.identifier(name)}`)
        }
      }
      await applyMigrations(tx, migrations, level)

      const expected = new Map(header.tables.map((t, i) => [t.name, { ...t, index: i }]))
      const loaded = new Map<string, number>()
      let position = 0
      let done = 0
      let batch: string[] = []
      let batchBytes = 0
      let batchTable: string | undefined
      const flush = async () => {
        const table = batchTable ? expected.get(batchTable) : undefined
        if (!table || batch.length === 0) return
        const columns = identifiers(table.columns)
        const name = sql.identifier(table.name)
        try {
          await tx.execute(
            sql`INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE
                SELECT ${columns} FROM json_populate_recordset(null::${name}, ${`[${batch.join(',')}]`}::json)`,
          )
        } catch (err) {
          throw new BackupFileError(
            `Could not load the rows of ${table.name} from ${file}: ${err instanceof Error ? err.message : String(err)}`,
          )
        }
        done += batch.length
        loaded.set(table.name, (loaded.get(table.name) ?? 0) + batch.length)
        opts.onProgress?.(done, total, table.name)
        batch = []
        batchBytes = 0
      }
      let trailer: z.infer<typeof trailerSchema> | undefined
      let lineNumber = 1
      for await (const line of lines) {
        lineNumber++
        if (trailer) throw new BackupFileError(`${file} has data after its end marker (line ${String(lineNumber)})`)
        const match = ROW_LINE.exec(line)
        if (!match?.[1]) {
          const parsed = trailerSchema.safeParse(parseJson(line))
          if (!parsed.success) throw new BackupFileError(`${file} is damaged at line ${String(lineNumber)}`)
          trailer = parsed.data
          continue
        }
        const tableName = JSON.parse(match[1]) as string
        const table = expected.get(tableName)
        if (!table || table.index < position || !line.endsWith('}')) {
          throw new BackupFileError(`${file} is damaged at line ${String(lineNumber)}`)
        }
        if (tableName !== batchTable || batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
          await flush()
          batchTable = tableName
          position = table.index
        }
        const row = line.slice(match[0].length, -1)
        batch.push(row)
        batchBytes += row.length
      }
      await flush()
      for (const table of header.tables) {
        const count = loaded.get(table.name) ?? 0
        if (count !== table.rows) {
          throw new BackupFileError(
            `${file} is incomplete: it should hold ${String(table.rows)} rows of ${table.name} but holds ${String(count)}. Nothing was restored.`,
          )
        }
      }
      if (trailer?.rows !== done) {
        throw new BackupFileError(
          `${file} is incomplete (it has no end marker; it may be truncated). Nothing was restored.`,
        )
      }
      if (ownKey !== null) {
        await tx.execute(
          sql`INSERT INTO instance_settings (key, value) VALUES (${GENERATED_KEY}, ${ownKey}) ON CONFLICT (key) DO NOTHING`,
        )
      }
      await resetSequences(tx)
      await applyMigrations(tx, migrations, migrations.length - 1)
      await loadReferenceData(tx)
      return {
        migration: header.migrations.tag,
        migratedTo: migrations[migrations.length - 1]?.tag ?? header.migrations.tag,
        tables: header.tables.map((t) => ({ name: t.name, rows: t.rows })),
        rows: done,
        replaced: force,
      }
    })
  } finally {
    await lines.return(undefined)
  }
}

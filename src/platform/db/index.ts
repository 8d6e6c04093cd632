/**
 * One database API over two engines: PGlite (embedded, the default) and PostgreSQL (`DATABASE_URL`).
 * Both speak the PostgreSQL dialect and take the same drizzle-kit migrations.
 * PGlite returns int8 as number and `pg` as string, so queries cast in SQL where it matters.
 */
import { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import * as schema from '../../db/schema/index.js'
import { fromRoot } from '../root.js'
import { type DataDirLock, lockDataDir } from './lock.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
export type DbOrTx = Db | Tx

export interface Database {
  db: Db
  engine: 'pglite' | 'postgres'
  /** Human-readable location: the data folder or the server (password removed). */
  where: string
  migrate(): Promise<void>
  close(): Promise<void>
}

export const migrationsFolder = fromRoot('src/db/migrations')

export interface OpenOptions {
  databaseUrl?: string | undefined
  /** Folder for PGlite; `memory` for an in-memory database (tests). */
  dataDir: string
  poolSize?: number
  /**
   * PostgreSQL only: lock_timeout and idle_in_transaction_session_timeout for every connection, in
   * seconds, so that no statement waits for ever on a lock and no transaction a stalled process
   * left open holds its locks for ever (issue 10, point 16). Defaults 30 and 60.
   */
  timeouts?: { lockSeconds: number; idleInTransactionSeconds: number }
  /** Skip the data-folder lock (only for in-memory databases). */
  lock?: boolean
  /**
   * In-memory PGlite only: start from this data directory (a `dumpDataDir` tarball) instead of an
   * empty cluster. The tests start every file's database from one migrated snapshot.
   */
  memorySnapshot?: Blob
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const timeouts = opts.timeouts ?? { lockSeconds: 30, idleInTransactionSeconds: 60 }
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      options: `-c lock_timeout=${String(timeouts.lockSeconds * 1000)} -c idle_in_transaction_session_timeout=${String(timeouts.idleInTransactionSeconds * 1000)}`,
    })
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it */
    })
    // A client in use can lose its connection too (the server ended an idle transaction, a
    // restart): the query in progress fails with the reason, and the process must not crash.
    pool.on('connect', (client) => {
      client.on('error', () => undefined)
    })
    const url = new URL(opts.databaseUrl)
    url.password = ''
    const db = drizzleNodePg({ client: pool, schema }) as unknown as Db
    return {
      db,
      engine: 'postgres',
      where: url.toString(),
      migrate: async () => {
        // Serialise migrations when several app processes start together.
        const client = await pool.connect()
        try {
          // Another process may be migrating: wait for it longer than lock_timeout allows.
          await client.query("SET lock_timeout = '10min'")
          await client.query('SELECT pg_advisory_lock(727100)')
          await client.query('RESET lock_timeout')
          await migrateNodePg(drizzleNodePg({ client, schema }), { migrationsFolder })
        } finally {
          await client.query('SELECT pg_advisory_unlock(727100)').catch(() => undefined)
          client.release()
        }
      },
      close: () => pool.end(),
    }
  }
  let lock: DataDirLock | undefined
  let client: PGlite
  if (opts.dataDir === 'memory') {
    client = opts.memorySnapshot ? new PGlite({ loadDataDir: opts.memorySnapshot }) : new PGlite()
  } else {
    if (opts.lock !== false) lock = lockDataDir(opts.dataDir)
    try {
      client = new PGlite(`${opts.dataDir}/pgdata`)
      await client.waitReady
    } catch (err) {
      lock?.release()
      throw err
    }
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    engine: 'pglite',
    where: opts.dataDir === 'memory' ? 'memory' : opts.dataDir,
    migrate: async () => {
      await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder })
    },
    close: async () => {
      try {
        if (!client.closed) await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}

/** Rows of a raw SQL query, the same shape on both engines. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query)
  return (result as { rows: T[] }).rows
}

/** Whether an error is PostgreSQL giving up waiting for a lock (lock_timeout, SQLSTATE 55P03). */
export function isLockTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === '55P03') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/**
 * Takes a transaction-scoped advisory lock on (`space`, `key`). When another transaction holds it,
 * calls `onWait` first (so the person waiting can be told) and then waits up to `waitSeconds`,
 * longer than the usual lock_timeout; throws the lock timeout error after that.
 */
export async function advisoryXactLock(
  tx: DbOrTx,
  space: number,
  key: string,
  onWait: () => void,
  waitSeconds = 900,
): Promise<void> {
  const got = await queryRows<{ ok: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(${space}, hashtext(${key})) AS ok`,
  )
  if (got[0]?.ok) return
  onWait()
  await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${String(Math.round(waitSeconds))}s'`))
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${space}, hashtext(${key}))`)
  await tx.execute(sql`SET LOCAL lock_timeout TO DEFAULT`)
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`)
}

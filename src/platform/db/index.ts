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
  /** Skip the data-folder lock (only for in-memory databases). */
  lock?: boolean
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 })
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it */
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
          await client.query('SELECT pg_advisory_lock(727100)')
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
    client = new PGlite()
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

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`)
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on
 * the PostgreSQL server named by TEST_DATABASE_URL (created here, dropped by `close`).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openDatabase } from '../../src/platform/db/index.js'
import { loadReferenceData } from '../../src/platform/reference.js'
import { pgliteSnapshot } from './snapshot.js'

export const testDatabaseUrl = process.env.TEST_DATABASE_URL

export interface TestDatabase extends Database {
  /** For PostgreSQL: the URL of this file's own database. */
  url?: string
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.WTC_TEST_REQUIRE_PG === '1' && !testDatabaseUrl) {
    throw new Error(
      'The db project runs on PostgreSQL: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test',
    )
  }
  let database: TestDatabase
  if (testDatabaseUrl) {
    const name = `wtc_test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: testDatabaseUrl })
    await admin.connect()
    // From the run's migrated template (global-setup.ts) when there is one.
    const template = inject('pgTemplate')
    await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(testDatabaseUrl)
    url.pathname = `/${name}`
    const inner = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory', poolSize: 5 })
    database = {
      ...inner,
      url: url.toString(),
      close: async () => {
        await inner.close()
        const dropper = new pg.Client({ connectionString: testDatabaseUrl })
        await dropper.connect()
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await dropper.end()
      },
    }
  } else {
    const snapshot = pgliteSnapshot()
    database = await openDatabase({ dataDir: 'memory', ...(snapshot ? { memorySnapshot: snapshot } : {}) })
  }
  // On a snapshot or template this finds every migration applied and does nothing; without one it
  // migrates from empty.
  await database.migrate()
  await loadReferenceData(database.db)
  return database
}

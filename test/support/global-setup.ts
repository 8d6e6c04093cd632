/**
 * Before any test runs: compiles the Sass and copies the browser assets, and builds the one migrated
 * database every test file starts from, so that no file pays for the migrations again (they took
 * about two seconds a file):
 *  - PGlite: a data-directory dump in the temporary folder, named by a hash of the migrations, the
 *    reference data and the PGlite version, so a change to any of them builds a new one;
 *  - PostgreSQL (TEST_DATABASE_URL): a template database for this run, dropped at the end; each file
 *    then creates its own database from it (CREATE DATABASE ... TEMPLATE).
 * The migrations themselves are still tested from empty (test/cli/cli.test.ts, the backup tests).
 */
import { randomBytes } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import pg from 'pg'
import { buildAssets } from '../../scripts/build-assets.js'
import { openDatabase } from '../../src/platform/db/index.js'
import { loadReferenceData } from '../../src/platform/reference.js'
import { buildPgliteSnapshot, pgliteSnapshotPath } from './snapshot.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL template database of this run, when TEST_DATABASE_URL is set. */
    pgTemplate: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildAssets()
  // The browser tests start real servers on their own data folders: no test database to prepare.
  if (project.name === 'e2e') return () => Promise.resolve()
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    await buildPgliteSnapshot(pgliteSnapshotPath())
    // The snapshot stays for the next run; its name changes when what went into it does.
    return () => Promise.resolve()
  }
  const name = `wtc_tpl_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const target = new URL(url)
  target.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: target.toString(), dataDir: 'memory', poolSize: 1 })
  await database.migrate()
  await loadReferenceData(database.db)
  await database.close()
  project.provide('pgTemplate', name)
  return async () => {
    const dropper = new pg.Client({ connectionString: url })
    await dropper.connect()
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await dropper.end()
  }
}

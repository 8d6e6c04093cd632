/** What every process does before using the database: open it (locked), migrate, load reference data. */
import type { Config } from '../config.js'
import { type Database, openDatabase } from './db/index.js'
import { loadReferenceData } from './reference.js'

export async function prepareDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'> & Partial<Pick<Config, 'dbTimeouts'>>,
): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    ...(config.dbTimeouts ? { timeouts: config.dbTimeouts } : {}),
  })
  try {
    await database.migrate()
    await loadReferenceData(database.db)
    return database
  } catch (err) {
    await database.close().catch(() => undefined)
    throw err
  }
}

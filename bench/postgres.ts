/** A fresh, empty PostgreSQL database for one benchmark run, dropped afterwards. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test'

export interface BenchDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** Hides any password in a connection URL before it is printed or saved. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}

/**
 * Creates `wtc_bench_<random>` on the server named by `adminUrl`. Rejects (with the driver's
 * message) when the server cannot be reached within a few seconds.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `wtc_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const dropper = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 })
      await dropper.connect()
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await dropper.end()
      }
    },
  }
}

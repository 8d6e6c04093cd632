/** Helpers for the directory storage tests. */
import { sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../../src/platform/db/index.js'

const tables = [
  'directory_organisations',
  'directory_services',
  'directory_locations',
  'directory_service_at_locations',
  'directory_schedules',
  'directory_service_history',
] as const

/** An MD5 of every row of every directory table (and the number of audit events), to show nothing changed. */
export async function directoryDigest(db: DbOrTx): Promise<Record<string, string>> {
  const digest: Record<string, string> = {}
  for (const table of tables) {
    const rows = await queryRows<{ d: string; n: number | string }>(
      db,
      sql.raw(
        `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as d, count(*)::int as n from ${table} t`,
      ),
    )
    digest[table] = `${String(rows[0]?.n ?? '')}:${rows[0]?.d ?? ''}`
  }
  const audit = await queryRows<{ n: number | string }>(db, sql`select count(*)::int as n from audit_events`)
  digest.audit_events = String(audit[0]?.n ?? '')
  return digest
}

/** Sorts every list of a directory by id (the order the repository returns). */
export function sortedById<D extends Record<string, readonly { id: string }[]>>(directory: D): D {
  return Object.fromEntries(
    Object.entries(directory).map(([k, v]) => [k, [...v].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))]),
  ) as unknown as D
}

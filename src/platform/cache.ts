/**
 * One versioned cache for every process (docs/adr/0019).
 *
 * Each council has a counter per kind of data (`council_data_versions`: directory, needs). Every
 * write to that data raises the counter with `bumpDataVersion` in its own transaction, so the new
 * counter becomes visible at the same instant as the data it describes, in every process. A cached
 * value is kept beside the version it was built from; a reader asks the database for the current
 * version (one primary-key lookup, or one small sum for views across councils) and rebuilds when
 * it differs. Several processes behind a load balancer therefore never serve a page older than
 * the last committed write, and nothing depends on a time to live.
 *
 * Call `bumpDataVersion` last in the transaction, just before it commits: the counter's row is
 * locked until the commit, and writes to the same council and kind of data queue on it.
 */
import { and, eq, sql } from 'drizzle-orm'
import { councilDataVersions } from '../db/schema/index.js'
import { type DbOrTx, queryRows } from './db/index.js'

export type DataDomain = (typeof councilDataVersions.$inferSelect)['domain']

/** Raises the council's version of one kind of data. Call it inside the writing transaction. */
export async function bumpDataVersion(tx: DbOrTx, tenantId: string, domain: DataDomain): Promise<void> {
  await tx
    .insert(councilDataVersions)
    .values({ tenantId, domain, version: 1 })
    .onConflictDoUpdate({
      target: [councilDataVersions.tenantId, councilDataVersions.domain],
      set: { version: sql`${councilDataVersions.version} + 1`, changedAt: sql`now()` },
    })
}

/** The council's current version of one kind of data ('0' before its first write). */
export async function councilDataVersion(db: DbOrTx, tenantId: string, domain: DataDomain): Promise<string> {
  const rows = await db
    .select({ v: sql<string>`${councilDataVersions.version}::text` })
    .from(councilDataVersions)
    .where(and(eq(councilDataVersions.tenantId, tenantId), eq(councilDataVersions.domain, domain)))
  return rows[0]?.v ?? '0'
}

/**
 * A version of one kind of data across every council (the public search and the public API span
 * councils): the number of councils with a counter and the sum of the counters. Counters only go
 * up, so any committed write anywhere changes the sum.
 */
export async function allCouncilsDataVersion(db: DbOrTx, domain: DataDomain): Promise<string> {
  const rows = await queryRows<{ v: string }>(
    db,
    sql`select count(*)::text || ':' || coalesce(sum(version), 0)::text as v
        from ${councilDataVersions} where domain = ${domain}`,
  )
  return rows[0]?.v ?? '0:0'
}

interface Entry<T> {
  version: string
  value: Promise<T>
}

/**
 * Values built from the database, each kept with the data version it was built from. `get` returns
 * the kept value when the version matches, shares one build between callers asking at the same
 * moment, and never keeps a failed build. At most `limit` keys are kept (least recently used go).
 * Entries are kept per database handle, so two databases in one process (tests) never share.
 *
 * Read the version before building (as `get` requires): the build then sees data at least as new
 * as the version it is filed under, so a value can be rebuilt needlessly but never served stale.
 */
export class VersionedCache<T> {
  private readonly byDatabase = new WeakMap<object, Map<string, Entry<T>>>()
  /** How many values were built (for tests of the cache). */
  builds = 0

  constructor(private readonly limit: number) {}

  async get(db: DbOrTx, key: string, version: string, build: () => Promise<T>): Promise<T> {
    let entries = this.byDatabase.get(db)
    if (!entries) {
      entries = new Map()
      this.byDatabase.set(db, entries)
    }
    const kept = entries.get(key)
    if (kept?.version === version) {
      entries.delete(key)
      entries.set(key, kept)
      return kept.value
    }
    const value = build()
    this.builds++
    const entry: Entry<T> = { version, value }
    entries.delete(key)
    entries.set(key, entry)
    while (entries.size > this.limit) {
      const oldest = entries.keys().next()
      if (oldest.done) break
      entries.delete(oldest.value)
    }
    const map = entries
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key)
    })
    return value
  }
}

/**
 * PostgreSQL's waiting limits (issue 10, point 16): every connection has lock_timeout and
 * idle_in_transaction_session_timeout, so a transaction left open by a stalled process cannot hold
 * its locks for ever and nothing waits for ever on a lock; an import that has to wait for another
 * import of the same data says so while it waits. PostgreSQL only (the `db` project): PGlite has
 * one connection and nothing to wait for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDirectory } from '../../src/features/directory/repository.js'
import { IMPORT_WAITING_MESSAGE, importFile } from '../../src/features/needs/importers/index.js'
import { type Database, isLockTimeout, openDatabase, queryRows } from '../../src/platform/db/index.js'
import { ensureCouncil } from '../../src/platform/reference.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { specDirectory, specs } from '../directory/find-support/fixtures.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { setTimeout as sleep } from 'node:timers/promises'

let database: TestDatabase
/** The same database through connections with short limits: 1 s for locks, 2 s idle in a transaction. */
let short: Database
let barnet: TenantScope
const dir = mkdtempSync(path.join(os.tmpdir(), 'wtc-timeouts-test-'))

beforeAll(async () => {
  database = await createTestDatabase()
  if (!database.url) throw new Error('These tests need TEST_DATABASE_URL (PostgreSQL)')
  short = await openDatabase({
    databaseUrl: database.url,
    dataDir: 'memory',
    poolSize: 3,
    timeouts: { lockSeconds: 1, idleInTransactionSeconds: 2 },
  })
  barnet = await ensureCouncil(database.db, 'E09000003')
})

afterAll(async () => {
  await short.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Holds an advisory lock in an open transaction until `release` is called. */
function holdLock(db: Database['db'], space: number, key: string) {
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let held: () => void = () => undefined
  const taken = new Promise<void>((resolve) => {
    held = resolve
  })
  const done = db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${space}, hashtext(${key}))`)
    held()
    await gate
  })
  return { taken, release, done }
}

describe('waiting limits on PostgreSQL', () => {
  it('every connection carries the configured lock_timeout and idle_in_transaction_session_timeout', async () => {
    const rows = await queryRows<{ lock: string; idle: string }>(
      short.db,
      sql`select current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle`,
    )
    expect(rows[0]).toEqual({ lock: '1s', idle: '2s' })
    // The defaults: 30 s and 60 s.
    const defaults = await queryRows<{ lock: string; idle: string }>(
      database.db,
      sql`select current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle`,
    )
    expect(defaults[0]).toEqual({ lock: '30s', idle: '1min' })
  })

  it('a statement waiting on a lock another transaction holds gives up after lock_timeout', async () => {
    const holder = holdLock(database.db, 4242, 'lock-timeout-test')
    await holder.taken
    let caught: unknown
    try {
      await short.db.execute(sql`select pg_advisory_xact_lock(4242, hashtext('lock-timeout-test'))`)
    } catch (err) {
      caught = err
    }
    holder.release()
    await holder.done
    expect(isLockTimeout(caught)).toBe(true)
    // Once the holder is gone, the same lock is taken at once.
    await short.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(4242, hashtext('lock-timeout-test'))`)
    })
  })

  it('a transaction left idle longer than idle_in_transaction_session_timeout is ended by the server, releasing its locks', async () => {
    let failure: unknown
    const stalled = short.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(4243, hashtext('idle-test'))`)
        await sleep(3500) // a process that hung with its transaction open
        await tx.execute(sql`select 1`)
      })
      .catch((err: unknown) => {
        failure = err
      })
    await sleep(300)
    // Another connection waits for the lock, and gets it once the server ends the idle transaction.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(4243, hashtext('idle-test'))`)
    })
    await stalled
    expect(failure).toBeInstanceOf(Error)
    const cause = (failure as Error).cause
    expect(`${(failure as Error).message} ${cause instanceof Error ? cause.message : ''}`).toMatch(
      /idle-in-transaction|terminat|connection error/i,
    )
    // The pool replaces the lost connection.
    expect(await queryRows<{ one: number }>(short.db, sql`select 1 as one`)).toEqual([{ one: 1 }])
  })

  it('an import waiting for another import of the same data says so, then stores its rows', async () => {
    const file = path.join(dir, 'wait.csv')
    writeFileSync(
      file,
      'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source\n' +
        'wait-test,E09000003,2022/23,F,all,12,1000,,,,count,Wait test figures\n' +
        'wait-test,E09000003,2023/24,F,all,14,1000,,,,count,Wait test figures\n',
    )
    // Another import of Barnet's local indicators is being stored (it holds the merge lock).
    const other = holdLock(database.db, 727105, `${barnet.tenantId}:indicator`)
    await other.taken
    const messages: string[] = []
    const importing = importFile(
      database.db,
      barnet,
      { kind: 'indicator', filePath: file, fileName: 'wait.csv', userId: null },
      (_percent, message) => {
        messages.push(message)
      },
    )
    const deadline = Date.now() + 30_000
    while (!messages.includes(IMPORT_WAITING_MESSAGE) && Date.now() < deadline) await sleep(50)
    expect(messages).toContain(IMPORT_WAITING_MESSAGE)
    const storedWhileWaiting = await queryRows<{ n: string }>(
      database.db,
      sql`select count(*)::text as n from local_indicators where indicator = 'wait-test'`,
    )
    expect(storedWhileWaiting[0]?.n).toBe('0')
    other.release()
    await other.done
    const summary = await importing
    expect(summary.rowsStored).toBe(2)
    const stored = await queryRows<{ n: string }>(
      database.db,
      sql`select count(*)::text as n from local_indicators where indicator = 'wait-test'`,
    )
    expect(stored[0]?.n).toBe('2')
  })
  it('a directory import waiting for another change to the same directory is told, then saved', async () => {
    const other = holdLock(database.db, 727104, barnet.tenantId)
    await other.taken
    let told = 0
    const directory = specDirectory({ ...specs[0]!, key: 'wait', name: 'Waiting service', example: false })
    const importing = importDirectory(database.db, barnet, { userId: null, label: 'test', role: 'system' }, directory, {
      onWait: () => {
        told++
      },
    })
    const deadline = Date.now() + 30_000
    while (told === 0 && Date.now() < deadline) await sleep(50)
    expect(told).toBe(1)
    other.release()
    await other.done
    expect((await importing).created).toBe(1)
  })
})

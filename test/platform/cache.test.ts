/**
 * The versioned cache (src/platform/cache.ts): data versions raised inside the writing transaction
 * (and only when it commits), and caches keyed by them. Two VersionedCache instances on one
 * database stand for two processes: what one writes, the other sees on its next read.
 * Runs on PGlite (unit) and on PostgreSQL (db).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../src/features/needs/importers/index.js'
import { importDirectory } from '../../src/features/directory/repository.js'
import {
  allCouncilsDataVersion,
  bumpDataVersion,
  councilDataVersion,
  VersionedCache,
} from '../../src/platform/cache.js'
import { queryRows } from '../../src/platform/db/index.js'
import { makeCouncil } from '../support/factories.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { specDirectory, specs } from '../directory/find-support/fixtures.js'

let database: TestDatabase
let barnet: TenantScope
let camden: TenantScope
const dir = mkdtempSync(path.join(os.tmpdir(), 'wtc-cache-test-'))

beforeAll(async () => {
  database = await createTestDatabase()
  barnet = await makeCouncil(database.db, 'E09000003')
  camden = await makeCouncil(database.db, 'E09000007')
})

afterAll(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('data versions', () => {
  it('start at 0, go up by one with each committed write, per council and kind of data', async () => {
    const db = database.db
    expect(await councilDataVersion(db, barnet.tenantId, 'needs')).toBe('0')
    const everywhere = await allCouncilsDataVersion(db, 'needs')
    await db.transaction(async (tx) => {
      await bumpDataVersion(tx, barnet.tenantId, 'needs')
    })
    await db.transaction(async (tx) => {
      await bumpDataVersion(tx, barnet.tenantId, 'needs')
    })
    expect(await councilDataVersion(db, barnet.tenantId, 'needs')).toBe('2')
    // Another council and another kind of data are untouched.
    expect(await councilDataVersion(db, camden.tenantId, 'needs')).toBe('0')
    expect(await councilDataVersion(db, barnet.tenantId, 'directory')).toBe('0')
    // Across councils: the count of councils with a counter and the sum of the counters.
    expect(everywhere).toBe('0:0')
    expect(await allCouncilsDataVersion(db, 'needs')).toBe('1:2')
    await db.transaction(async (tx) => {
      await bumpDataVersion(tx, camden.tenantId, 'needs')
    })
    expect(await allCouncilsDataVersion(db, 'needs')).toBe('2:3')
  })

  it('a write that rolls back leaves the version as it was', async () => {
    const db = database.db
    const before = await councilDataVersion(db, barnet.tenantId, 'needs')
    await expect(
      db.transaction(async (tx) => {
        await bumpDataVersion(tx, barnet.tenantId, 'needs')
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(await councilDataVersion(db, barnet.tenantId, 'needs')).toBe(before)
  })

  it('a needs import and a directory import each raise their own kind of data', async () => {
    const db = database.db
    const needsBefore = Number(await councilDataVersion(db, barnet.tenantId, 'needs'))
    const file = path.join(dir, 'indicator.csv')
    writeFileSync(
      file,
      'indicator,area_code,period,sex,age_group,count,denominator,value,lower_95,upper_95,unit,source\n' +
        'cache-test,E09000003,2022/23,F,all,12,1000,,,,count,Cache test figures\n',
    )
    await importFile(db, barnet, { kind: 'indicator', filePath: file, fileName: 'indicator.csv', userId: null })
    expect(Number(await councilDataVersion(db, barnet.tenantId, 'needs'))).toBe(needsBefore + 1)

    const directoryBefore = Number(await councilDataVersion(db, camden.tenantId, 'directory'))
    const directory = specDirectory({ ...specs[0]!, key: 'cache', name: 'Cache test service', example: false })
    await importDirectory(db, camden, { userId: null, label: 'test', role: 'system' }, directory)
    expect(Number(await councilDataVersion(db, camden.tenantId, 'directory'))).toBe(directoryBefore + 1)
    expect(await councilDataVersion(db, barnet.tenantId, 'directory')).toBe('0')
  })
})

describe('VersionedCache', () => {
  /** One "process": its own cache of the number of local indicator rows of a council. */
  function processCache() {
    const cache = new VersionedCache<number>(10)
    const read = async (scope: TenantScope) => {
      const version = await councilDataVersion(database.db, scope.tenantId, 'needs')
      return cache.get(database.db, scope.tenantId, version, async () => {
        const rows = await queryRows<{ n: string }>(
          database.db,
          sql`select count(*)::text as n from local_indicators where tenant_id = ${scope.tenantId}`,
        )
        return Number(rows[0]?.n)
      })
    }
    return { cache, read }
  }

  it('builds once while the version stands; a write committed by another process is seen on the next read', async () => {
    const one = processCache()
    const two = processCache()
    const start = await one.read(barnet)
    expect(await one.read(barnet)).toBe(start)
    expect(await two.read(barnet)).toBe(start)
    expect(one.cache.builds).toBe(1)
    expect(two.cache.builds).toBe(1)

    // "Process two" writes a row and raises the version in the same transaction.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into data_imports (tenant_id, kind, file_name, source, coverage, rows_read,
        rows_stored, rows_refused, refusals, warnings) values (${barnet.tenantId}, 'indicator', 'x.csv', 'x', '{}', 1, 1,
        0, '[]', '[]')`)
      await tx.execute(sql`insert into local_indicators (tenant_id, import_id, indicator, area_code, period, sex,
        age_group, count, unit, source)
        select ${barnet.tenantId}, id, 'cache-two', 'E09000003', '2022/23', 'F', 'all', 1, 'count', 'x'
        from data_imports where file_name = 'x.csv'`)
      await bumpDataVersion(tx, barnet.tenantId, 'needs')
    })
    expect(await one.read(barnet)).toBe(start + 1)
    expect(one.cache.builds).toBe(2)
    expect(await one.read(barnet)).toBe(start + 1)
    expect(one.cache.builds).toBe(2)
  })

  it('shares one build between callers asking at the same moment, and never keeps a failed build', async () => {
    const cache = new VersionedCache<string>(10)
    let calls = 0
    const build = async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 5))
      return 'built'
    }
    const [x, y] = await Promise.all([cache.get(database.db, 'k', '1', build), cache.get(database.db, 'k', '1', build)])
    expect([x, y, calls]).toEqual(['built', 'built', 1])

    await expect(cache.get(database.db, 'bad', '1', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(await cache.get(database.db, 'bad', '1', () => Promise.resolve('second try'))).toBe('second try')
  })

  it('keeps at most its limit of keys, dropping the least recently used', async () => {
    const cache = new VersionedCache<string>(2)
    const value = (v: string) => () => Promise.resolve(v)
    await cache.get(database.db, 'a', '1', value('a1'))
    await cache.get(database.db, 'b', '1', value('b1'))
    await cache.get(database.db, 'a', '1', value('unused')) // a is now the most recent
    await cache.get(database.db, 'c', '1', value('c1')) // b goes
    expect(await cache.get(database.db, 'a', '1', value('a2'))).toBe('a1')
    expect(await cache.get(database.db, 'b', '1', value('b2'))).toBe('b2')
    expect(cache.builds).toBe(4)
  })
})

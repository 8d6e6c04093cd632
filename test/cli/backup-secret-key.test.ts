/**
 * Issue 10 point 13: outside production a backup held the generated secret key beside the
 * second-factor secrets it encrypts, so the file alone gave them away. The key is left out; a
 * restore into a database that has its own key keeps that key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { eq } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { instanceSettings } from '../../src/db/schema/index.js'
import { restoreBackup, writeBackup } from '../../src/platform/backup.js'
import { openDatabase } from '../../src/platform/db/index.js'
import { resolveSecretKey } from '../../src/platform/secrets.js'
import { prepareDatabase } from '../../src/platform/startup.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-backup-key-'))
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

const memory = { databaseUrl: undefined, dataDir: 'memory', dbPoolSize: 1 }

describe('the generated secret key and backups', () => {
  it('a backup does not hold the generated secret key', async () => {
    const source = await prepareDatabase(memory)
    try {
      const key = await resolveSecretKey(source.db, undefined)
      expect(key.length).toBeGreaterThan(40)
      const file = path.join(tmp, 'a.backup.gz')
      await writeBackup(source.db, file, { engine: source.engine })
      const text = gunzipSync(readFileSync(file)).toString('utf8')
      // Control: the file does hold the data of the table the key lives in.
      expect(text).toContain('"instance_settings"')
      expect(text.includes(key)).toBe(false)
      expect(text.includes('generated_secret_key')).toBe(false)
    } finally {
      await source.close()
    }
  })

  it('restored into a database that has its own generated key, that key stays', async () => {
    const source = await prepareDatabase(memory)
    const target = await prepareDatabase(memory)
    try {
      await resolveSecretKey(source.db, undefined)
      const file = path.join(tmp, 'b.backup.gz')
      await writeBackup(source.db, file, { engine: source.engine })
      const own = await resolveSecretKey(target.db, undefined)
      await restoreBackup(target.db, file)
      const rows = await target.db
        .select()
        .from(instanceSettings)
        .where(eq(instanceSettings.key, 'generated_secret_key'))
      expect(rows.map((r) => r.value)).toEqual([own])
    } finally {
      await source.close()
      await target.close()
    }
  })

  it('restored into an empty database, a new key is generated at the next start', async () => {
    const source = await prepareDatabase(memory)
    const blank = await openDatabase({ dataDir: 'memory' })
    try {
      const old = await resolveSecretKey(source.db, undefined)
      const file = path.join(tmp, 'c.backup.gz')
      await writeBackup(source.db, file, { engine: source.engine })
      await restoreBackup(blank.db, file)
      const fresh = await resolveSecretKey(blank.db, undefined)
      expect(fresh).not.toBe(old)
    } finally {
      await source.close()
      await blank.close()
    }
  })
})

/**
 * Issue 10 point 14: a database owner who turned the trigger off and deleted the newest audit
 * entries left a chain that still verified (every remaining link is sound). `wtc audit verify`
 * and `wtc backup` now write a checkpoint outside the database (a file in DATA_DIR, signed with
 * the secret key): a later check finds the entries it names missing, and a forged checkpoint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/main.js'
import { recordAudit } from '../../src/platform/audit.js'
import { openDatabase } from '../../src/platform/db/index.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-audit-checkpoint-'))
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

async function wtc(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = ''
  const code = await runCli(
    args,
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (out += s) },
      stdin: Readable.from([]),
    },
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  )
  return { code, out }
}

async function withData<T>(dir: string, look: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>) {
  const database = await openDatabase({ dataDir: dir })
  try {
    return await look(database.db)
  } finally {
    await database.close()
  }
}

async function addEntries(dir: string, n: number): Promise<void> {
  await withData(dir, async (db) => {
    for (let i = 0; i < n; i++) await recordAudit(db, { action: 'test.entry', actor: { label: `entry ${String(i)}` } })
  })
}

async function removeNewest(dir: string, n: number): Promise<void> {
  await withData(dir, (db) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`)
      await tx.execute(
        sql`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT ${n})`,
      )
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`)
    }),
  )
}

describe('the newest audit entries are anchored outside the database', () => {
  it('removing the newest entries after a check is found by the next check', async () => {
    const dir = mkdtempSync(path.join(tmp, 'a-'))
    const env = { DATA_DIR: dir }
    expect((await wtc(['db', 'migrate'], env)).code).toBe(0)
    await addEntries(dir, 6)
    const first = await wtc(['audit', 'verify'], env)
    expect(first.code, first.out).toBe(0)
    await removeNewest(dir, 2)
    const second = await wtc(['audit', 'verify'], env)
    expect(second.code).toBe(1)
    expect(second.out).toContain('newest entries were removed')
  })

  it('removing the newest entries after a backup is found by the next check', async () => {
    const dir = mkdtempSync(path.join(tmp, 'b-'))
    const env = { DATA_DIR: dir }
    expect((await wtc(['db', 'migrate'], env)).code).toBe(0)
    await addEntries(dir, 4)
    expect((await wtc(['backup', path.join(dir, 'x.backup.gz')], env)).code).toBe(0)
    await removeNewest(dir, 1)
    const check = await wtc(['audit', 'verify'], env)
    expect(check.code).toBe(1)
    expect(check.out).toContain('newest entries were removed')
  })

  it('new entries after a check are fine, and a checkpoint edited by hand is refused', async () => {
    const dir = mkdtempSync(path.join(tmp, 'c-'))
    const env = { DATA_DIR: dir }
    expect((await wtc(['db', 'migrate'], env)).code).toBe(0)
    await addEntries(dir, 3)
    expect((await wtc(['audit', 'verify'], env)).code).toBe(0)
    await addEntries(dir, 2)
    expect((await wtc(['audit', 'verify'], env)).code).toBe(0)
    const file = path.join(dir, 'audit-checkpoint.json')
    const checkpoint = JSON.parse(readFileSync(file, 'utf8')) as { lastId: number }
    // Pointing the checkpoint at an earlier entry would hide a later removal: the signature stops it.
    writeFileSync(file, JSON.stringify({ ...checkpoint, lastId: checkpoint.lastId - 2 }))
    const check = await wtc(['audit', 'verify'], env)
    expect(check.code).toBe(1)
    expect(check.out).toContain('checkpoint')
  })
})

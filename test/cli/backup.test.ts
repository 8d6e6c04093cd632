/**
 * Backup and restore (tested backup and restore is evidence for the NHS Data Security and
 * Protection Toolkit). Data is made through the repositories, backed up, restored into another
 * database, and every table compared row for row with PostgreSQL's own `row_to_json` text, read
 * here independently of the backup code. Runs on PGlite, and on PostgreSQL under the `db` project,
 * where the PostgreSQL backup is also restored into PGlite.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { eq, sql } from 'drizzle-orm'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recoveryCodes, sessions, users } from '../../src/db/schema/index.js'
import { createPartnership, inviteCouncil, joinPartnership } from '../../src/features/partnerships/repository.js'
import {
  createInvitation,
  createOrganisation,
  createUser,
  revokeInvitation,
  setDisabled,
  setRoles,
} from '../../src/platform/users.js'
import { runCli } from '../../src/cli/main.js'
import { recordAudit, verifyAuditChain } from '../../src/platform/audit.js'
import { BackupFileError, restoreBackup, RestoreRefusedError, writeBackup } from '../../src/platform/backup.js'
import { type Database, type Db, openDatabase, queryRows } from '../../src/platform/db/index.js'
import { JobRunner } from '../../src/platform/jobs.js'
import { ensureCouncil } from '../../src/platform/reference.js'
import { fromRoot } from '../../src/platform/root.js'
import { resolveSecretKey } from '../../src/platform/secrets.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../support/db.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-backup-test-'))
const file = (name: string) => path.join(tmp, name)

/** Every public table's rows as row_to_json text (sorted in JavaScript, so collation cannot differ). */
async function snapshot(db: Db): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL TimeZone = 'UTC'`)
    const tables = await queryRows<{ name: string }>(
      tx,
      sql`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    )
    const result: Record<string, string[]> = {}
    for (const { name } of tables) {
      const rows = await queryRows<{ j: string }>(
        tx,
        sql`SELECT row_to_json(t)::text AS j FROM ${sql.identifier(name)} AS t`,
      )
      // The generated secret key is never in a backup (backup-secret-key.test.ts): each database has its own.
      result[name] = rows
        .map((r) => r.j)
        .filter((j) => name !== 'instance_settings' || !j.includes('"generated_secret_key"'))
        .sort()
    }
    const migrations = await queryRows<{ j: string }>(
      tx,
      sql`SELECT hash || ' ' || created_at::text AS j FROM drizzle.__drizzle_migrations ORDER BY created_at`,
    )
    result['drizzle.__drizzle_migrations'] = migrations.map((r) => r.j)
    return result
  })
}

const silentLog = pino({ level: 'silent' })

/** A council's worth of data through the repositories, plus values that JavaScript numbers cannot hold. */
async function populate(db: Db, label: string): Promise<void> {
  const actor = { userId: null, label }
  const barnet = await ensureCouncil(db, 'E09000003')
  const camden = await ensureCouncil(db, 'E09000007')
  const provider = await createOrganisation(db, barnet, actor, {
    kind: 'provider',
    name: `Women’s Recovery Trust ${label}`,
  })
  const admin = await createUser(db, barnet, actor, {
    email: `ada-${label}@barnet.example`,
    displayName: 'Ada Admin',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    roles: ['admin', 'commissioner'],
  })
  const worker = await createUser(db, barnet, actor, {
    email: `kim-${label}@provider.example`,
    displayName: 'Kim “Keyworker” Ó Briain',
    passwordHash: null,
    roles: ['provider'],
    organisationId: provider.id,
  })
  await createUser(db, camden, actor, {
    email: `cam-${label}@camden.example`,
    displayName: 'Cam Den',
    passwordHash: 'x',
    roles: ['analyst'],
  })
  await setRoles(db, barnet, { userId: admin.id, label: 'Ada Admin' }, worker.id, ['provider', 'partner'], provider.id)
  await setDisabled(db, barnet, { userId: admin.id, label: 'Ada Admin' }, worker.id, true)
  const { invitation } = await createInvitation(
    db,
    barnet,
    { userId: admin.id, label: 'Ada Admin' },
    {
      email: `new-${label}@barnet.example`,
      displayName: 'New Person',
      role: 'analyst',
      organisationId: barnet.tenantId,
      validDays: 7,
    },
  )
  await createInvitation(
    db,
    barnet,
    { userId: admin.id, label: 'Ada Admin' },
    {
      email: `other-${label}@barnet.example`,
      displayName: 'Other Person',
      role: 'panel_member',
      organisationId: provider.id,
      validDays: 3,
    },
  )
  await revokeInvitation(db, barnet, { userId: admin.id, label: 'Ada Admin' }, invitation.id)
  const board = await createPartnership(db, barnet, actor, 'Female Justice Support Board')
  await inviteCouncil(db, barnet, actor, board, camden.tenantId)
  await joinPartnership(db, camden, actor, board)
  await recordAudit(db, {
    action: 'test.unusual-details',
    tenantId: barnet.tenantId,
    actor,
    details: { text: 'line one\nline "two"\t– ünïcode 🚀 \\ backslash', nested: { b: [1, 2.5, null, true], a: {} } },
  })

  const runner = new JobRunner(db, silentLog)
  runner.define('test.echo', {
    title: 'Echo the parameters',
    run: async ({ params, progress }) => {
      await progress(50, 'Half way')
      return { echoed: params, when: new Date('2026-02-03T04:05:06.789Z').toISOString() }
    },
  })
  await runner.runNow(barnet, 'test.echo', { area: 'E09000003', years: [2023, 2024] }, admin.id)

  // Values a JavaScript round trip would change: a 20-digit number and a long decimal in jsonb,
  // and microsecond timestamps.
  await db.execute(sql`
    INSERT INTO jobs (tenant_id, kind, title, status, params, created_at, heartbeat_at)
    VALUES (${barnet.tenantId}, 'test.exact', 'Exact values', 'failed',
            '{"big": 12345678901234567890, "precise": 0.1000000000000000055511151231257827, "empty": ""}'::jsonb,
            '2026-03-01 12:34:56.123456+00', '2026-03-01 12:34:57.000001+00')`)
  await db
    .update(users)
    .set({ lastSignInAt: sql`'2026-03-01 12:34:56.654321+00'::timestamptz` })
    .where(eq(users.id, admin.id))
  await db
    .update(users)
    .set({ totpSecret: 'v1.aXY.dGFn.Ym9keQ', totpEnabledAt: new Date(), totpLastStep: 59_000_001 })
    .where(eq(users.id, admin.id))
  await db.insert(recoveryCodes).values([
    { userId: admin.id, codeHash: `code-a-${label}` },
    { userId: admin.id, codeHash: `code-b-${label}`, usedAt: new Date() },
  ])
  await db
    .insert(sessions)
    .values({ idHash: `session-${label}`, userId: admin.id, tenantId: barnet.tenantId, stage: 'full' })
  // Enough rows to need several fetches and several insert batches.
  await db.execute(sql`
    INSERT INTO sign_in_throttle (key_hash, failures, window_started_at, locked_until)
    SELECT md5(${label} || i::text), i % 7, timestamptz '2026-01-01 00:00:00+00' + i * interval '1.000001 second',
           CASE WHEN i % 5 = 0 THEN timestamptz '2026-06-01 00:00:00+00' END
    FROM generate_series(1, 2300) AS i`)
  await resolveSecretKey(db, undefined)
}

function gunzipLines(name: string): string[] {
  return gunzipSync(readFileSync(name))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
}

function gzipLines(name: string, lines: string[]): void {
  writeFileSync(name, gzipSync(`${lines.join('\n')}\n`))
}

describe('backup and restore', () => {
  let source: TestDatabase
  let expected: Record<string, string[]>
  const backupFile = file('source.backup.gz')
  const opened: Database[] = []
  const fresh = async () => {
    const database = await createTestDatabase()
    opened.push(database)
    return database
  }
  // One database that refusals are tried against; they must leave it empty.
  let refusing: TestDatabase | undefined
  const untouched = async () => (refusing ??= await fresh())

  beforeAll(async () => {
    source = await createTestDatabase()
    await populate(source.db, 'source')
    expected = await snapshot(source.db)
    await writeBackup(source.db, backupFile, { engine: source.engine })
  })

  afterAll(async () => {
    for (const database of opened) await database.close()
    await source.close()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('the source holds the awkward values the comparison relies on', () => {
    // Guards against a vacuous comparison: these exact strings must round-trip.
    expect(expected.jobs!.join()).toContain('"big": 12345678901234567890')
    expect(expected.jobs!.join()).toContain('0.1000000000000000055511151231257827')
    expect(expected.jobs!.join()).toContain('2026-03-01T12:34:56.123456+00:00')
    expect(expected.users!.join()).toContain('2026-03-01T12:34:56.654321+00:00')
    expect(expected.sign_in_throttle).toHaveLength(2300)
    expect(expected.partnership_members).toHaveLength(2)
    expect(expected.audit_events!.length).toBeGreaterThan(10)
    expect(expected.instance_settings).toEqual([])
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(15)
  })

  it('a backup restored into a fresh database has every row of every table exactly as it was, and the audit chain verifies', async () => {
    // One target already migrated and holding its own reference data and generated secret (as after
    // a first start); one with no schema at all. The second is always embedded, so under the db
    // project a PostgreSQL backup is restored into PGlite too.
    const started = await fresh()
    await resolveSecretKey(started.db, undefined)
    const blank = await openDatabase({ dataDir: 'memory' })
    opened.push(blank)
    for (const target of [started, blank]) {
      const progress: number[] = []
      const summary = await restoreBackup(target.db, backupFile, { onProgress: (done) => progress.push(done) })
      expect(await snapshot(target.db)).toEqual(expected)
      const totalRows = Object.entries(expected)
        .filter(([name]) => !name.startsWith('drizzle.'))
        .reduce((sum, [, rows]) => sum + rows.length, 0)
      expect(summary.rows).toBe(totalRows)
      expect(progress.at(-1)).toBe(totalRows)
      expect(await verifyAuditChain(target.db)).toEqual({ ok: true, checked: expected.audit_events!.length })
    }
  })

  it('after a restore, new audit entries continue the chain (the id sequence is reset)', async () => {
    const target = await fresh()
    await restoreBackup(target.db, backupFile)
    const barnet = await ensureCouncil(target.db, 'E09000003')
    await recordAudit(target.db, { action: 'test.after-restore', tenantId: barnet.tenantId, actor: { label: 'test' } })
    const last = await queryRows<{ entry: string; action: string }>(
      target.db,
      sql`SELECT id::text AS entry, action FROM audit_events ORDER BY id DESC LIMIT 1`,
    )
    expect(last[0]).toEqual({ entry: String(expected.audit_events!.length + 1), action: 'test.after-restore' })
    expect(await verifyAuditChain(target.db)).toMatchObject({ ok: true })
  })

  it('the backup file is readable by its owner only (it holds password hashes)', () => {
    expect(statSync(backupFile).mode & 0o777).toBe(0o600)
  })

  it('restore refuses a database that already holds data, and leaves it untouched', async () => {
    const before = await snapshot(source.db)
    await expect(restoreBackup(source.db, backupFile)).rejects.toThrow(RestoreRefusedError)
    await expect(restoreBackup(source.db, backupFile)).rejects.toThrow(/--force/)
    expect(await snapshot(source.db)).toEqual(before)
  })

  it('restore --force replaces everything in a database with the backup', async () => {
    const target = await fresh()
    await populate(target.db, 'other')
    expect(await snapshot(target.db)).not.toEqual(expected)
    const summary = await restoreBackup(target.db, backupFile, { force: true })
    expect(summary.replaced).toBe(true)
    expect(await snapshot(target.db)).toEqual(expected)
    expect(await verifyAuditChain(target.db)).toMatchObject({ ok: true })
  })

  it('a truncated backup restores nothing, even with --force: the database stays as it was', async () => {
    const target = source
    const before = await snapshot(target.db)
    const lines = gunzipLines(backupFile)
    // Lose the end marker and the last rows, as a copy interrupted part way would.
    const cut = file('cut-lines.backup.gz')
    gzipLines(cut, lines.slice(0, -10))
    await expect(restoreBackup(target.db, cut, { force: true })).rejects.toThrow(/incomplete/)
    expect(await snapshot(target.db)).toEqual(before)
    // A gzip stream cut short in the middle.
    const bytes = readFileSync(backupFile)
    const chopped = file('chopped.backup.gz')
    writeFileSync(chopped, bytes.subarray(0, Math.floor(bytes.length * 0.7)))
    await expect(restoreBackup(target.db, chopped, { force: true })).rejects.toThrow(/damaged or truncated/)
    expect(await snapshot(target.db)).toEqual(before)
  })

  it('restore refuses a file that is not a WTC backup, saying so', async () => {
    const target = await untouched()
    const garbage = file('garbage.bin')
    writeFileSync(garbage, Buffer.from('this is not a backup at all\n'))
    await expect(restoreBackup(target.db, garbage)).rejects.toThrow(BackupFileError)
    await expect(restoreBackup(target.db, garbage)).rejects.toThrow(/is not a WTC backup \(it is not a gzip file\)/)
    const otherJson = file('other.json.gz')
    gzipLines(otherJson, ['{"format":"something-else","version":1}', '{"t":"users","r":{}}'])
    await expect(restoreBackup(target.db, otherJson)).rejects.toThrow(/is not a WTC backup/)
    const empty = file('empty.gz')
    writeFileSync(empty, gzipSync(''))
    await expect(restoreBackup(target.db, empty)).rejects.toThrow(/is not a WTC backup/)
    await expect(restoreBackup(target.db, file('missing.gz'))).rejects.toThrow(/There is no file/)
    // Still empty: nothing was loaded.
    const users = await queryRows<{ n: string }>(target.db, sql`SELECT count(*)::text AS n FROM users`)
    expect(users[0]?.n).toBe('0')
  })

  it('restore refuses a backup from a newer version of WTC (newer schema or newer format)', async () => {
    const target = await untouched()
    const [headerLine = '', ...rest] = gunzipLines(backupFile)
    const header = JSON.parse(headerLine)
    const newerSchema = file('newer-schema.backup.gz')
    gzipLines(newerSchema, [
      JSON.stringify({ ...header, migrations: { ...header.migrations, tag: '0099_future', when: 4102444800000 } }),
      ...rest,
    ])
    await expect(restoreBackup(target.db, newerSchema)).rejects.toThrow(
      /comes from a newer version of WTC \(database schema 0099_future/,
    )
    const newerFormat = file('newer-format.backup.gz')
    gzipLines(newerFormat, [JSON.stringify({ ...header, version: 2 }), ...rest])
    await expect(restoreBackup(target.db, newerFormat)).rejects.toThrow(/newer version of WTC \(backup format 2/)
    const audit = await queryRows<{ n: string }>(target.db, sql`SELECT count(*)::text AS n FROM audit_events`)
    expect(audit[0]?.n).toBe('0')
  })

  it('a backup made at an older schema is loaded at that schema, then migrated forward', async () => {
    const [headerLine = '', ...rest] = gunzipLines(backupFile)
    const header = JSON.parse(headerLine)
    const journal = JSON.parse(readFileSync(fromRoot('src/db/migrations/meta/_journal.json'), 'utf8')) as {
      entries: { tag: string; when: number }[]
    }
    const first = journal.entries[0]!
    const older = file('older.backup.gz')
    gzipLines(older, [
      JSON.stringify({ ...header, migrations: { tag: first.tag, when: first.when, hash: 'older', count: 1 } }),
      ...rest,
    ])
    const target = await fresh()
    // The fresh database is already at the latest schema: it says so rather than guess.
    await expect(restoreBackup(target.db, older)).rejects.toThrow(/add --force to rebuild it/)
    const summary = await restoreBackup(target.db, older, { force: true })
    expect(summary.migration).toBe(first.tag)
    expect(summary.migratedTo).toBe(journal.entries.at(-1)!.tag)
    expect(await snapshot(target.db)).toEqual(expected)
    // The later migration (the append-only trigger) applies to the restored rows.
    const refused = await target.db.execute(sql`UPDATE audit_events SET action = 'changed' WHERE id = 1`).then(
      () => 'updated',
      (err: unknown) => String((err as Error).cause ?? err),
    )
    expect(refused).toMatch(/audit_events is append-only: UPDATE is not allowed/)
  })

  it('wtc backup and wtc restore move the data between databases from the command line', async () => {
    // On PGlite the command line uses data folders; under the db project, PostgreSQL databases.
    const place = async (): Promise<{ env: Record<string, string>; open: () => Promise<Database>; close: boolean }> => {
      if (testDatabaseUrl) {
        const database = await fresh()
        return { env: { DATABASE_URL: database.url! }, open: () => Promise.resolve(database), close: false }
      }
      const dir = mkdtempSync(path.join(tmp, 'data-'))
      return { env: { DATA_DIR: dir }, open: () => openDatabase({ dataDir: dir }), close: true }
    }
    const run = async (args: string[], env: Record<string, string>) => {
      let stdout = ''
      let stderr = ''
      const code = await runCli(
        args,
        { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
        { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
      )
      return { code, stdout, stderr }
    }
    const from = await place()
    const to = await place()
    expect((await run(['seed', 'demo'], from.env)).code).toBe(0)
    // What the source says of its own audit trail; the restored copy must say the same.
    const sourceAudit = (await run(['audit', 'verify'], from.env)).stdout
    expect(sourceAudit).toMatch(/^Audit trail intact: \d+ entries/)
    const cliFile = file('cli.backup.gz')
    const backedUp = await run(['backup', cliFile], from.env)
    expect(backedUp.stderr).toContain('Backing up:')
    expect(backedUp.stdout).toMatch(/^Backed up \d+ rows from \d+ tables/)
    expect(backedUp.code).toBe(0)
    const restored = await run(['restore', cliFile], to.env)
    expect(restored.stdout).toMatch(/^Restored \d+ rows/)
    expect(restored.code).toBe(0)
    const again = await run(['restore', cliFile], to.env)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already holds data')
    expect((await run(['restore', '--force', cliFile], to.env)).code).toBe(0)
    const notBackup = file('notes.txt')
    writeFileSync(notBackup, 'hello')
    const refused = await run(['restore', notBackup], to.env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('is not a WTC backup')
    expect((await run(['audit', 'verify'], to.env)).stdout).toBe(sourceAudit)

    const a = await from.open()
    const fromRows = await snapshot(a.db)
    if (from.close) await a.close()
    const b = await to.open()
    const toRows = await snapshot(b.db)
    if (to.close) await b.close()
    expect(toRows).toEqual(fromRows)
    expect(toRows.users).toHaveLength(5)
  })
})

/**
 * The `wtc` command line, run in-process through runCli with its own environment: help, exit
 * codes for wrong input, the operator's account commands, the audit check, and the data folder
 * lock. On PGlite the commands use a data folder; under the `db` project, a PostgreSQL database.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { verify } from '@node-rs/argon2'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/main.js'
import { recoveryCodes, sessions, users } from '../../src/db/schema/index.js'
import { type Database, openDatabase, queryRows } from '../../src/platform/db/index.js'
import { fromRoot } from '../../src/platform/root.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../support/db.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-cli-test-'))

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function wtc(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    args,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
    },
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
  )
  return { code, stdout, stderr }
}

/** Where the commands keep their data, and a way to look at it directly between commands. */
interface Place {
  env: Record<string, string>
  inspect<T>(look: (database: Database) => Promise<T>): Promise<T>
  close(): Promise<void>
}

async function makePlace(): Promise<Place> {
  if (testDatabaseUrl) {
    const database: TestDatabase = await createTestDatabase()
    return { env: { DATABASE_URL: database.url! }, inspect: (look) => look(database), close: () => database.close() }
  }
  const dir = mkdtempSync(path.join(tmp, 'data-'))
  return {
    env: { DATA_DIR: dir },
    async inspect(look) {
      // The data folder takes one process at a time, so the test opens it only between commands.
      const database = await openDatabase({ dataDir: dir })
      try {
        return await look(database)
      } finally {
        await database.close()
      }
    },
    close: () => Promise.resolve(),
  }
}

const noDatabase = { DATA_DIR: path.join(tmp, 'unused') }

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('wtc help and wrong input', () => {
  it('wtc --help lists every command', async () => {
    const run = await wtc(['--help'], noDatabase)
    expect(run.code).toBe(0)
    for (const command of ['config', 'db', 'seed', 'councils', 'users', 'audit', 'backup', 'restore']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
  })

  it.each([
    [['config', '--help'], 'check'],
    [['config', 'check', '--help'], 'exit code 2'],
    [['db', 'migrate', '--help'], 'apply the database migrations'],
    [['seed', 'demo', '--help'], 'Barnet (E09000003)'],
    [['councils', 'add', '--help'], '<gss>'],
    [['councils', 'list', '--help'], 'list the councils'],
    [['users', 'create', '--help'], '--password-stdin'],
    [['users', 'reset-2fa', '--help'], '--email <email>'],
    [['users', 'disable', '--help'], '--email <email>'],
    [['audit', 'verify', '--help'], 'reordered'],
    [['backup', '--help'], 'keep it as safe as the database'],
    [['restore', '--help'], '--force'],
  ])('wtc %j explains the command and exits 0', async (args, text) => {
    const run = await wtc(args, noDatabase)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Usage: wtc ${args.filter((a) => a !== '--help').join(' ')}`)
    expect(run.stdout).toContain(text)
  })

  it('wtc config --help lists every setting with its default', async () => {
    const run = await wtc(['config', '--help'], noDatabase)
    expect(run.code).toBe(0)
    for (const name of ['DATA_DIR', 'DATABASE_URL', 'SECRET_KEY', 'BASE_URL', 'SESSION_IDLE_SECONDS', 'OIDC_ISSUER']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'))
    }
    expect(run.stdout).toContain('default: ./data')
    expect(run.stdout).toContain('required in production')
  })

  it('wtc config check passes a valid environment and does not print a database password', async () => {
    // A made-up password on a made-up host: the test proves the command never prints it.
    const run = await wtc(['config', 'check'], { DATABASE_URL: 'postgres://wtc:s3cret-pw@db.example:5432/wtc' }) // secretlint-disable-line
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('The configuration is valid.')
    expect(run.stdout).toContain('db.example')
    expect(run.stdout + run.stderr).not.toContain('s3cret-pw')
  })

  it('wtc config check exits 2 naming every setting that is wrong', async () => {
    const production = await wtc(['config', 'check'], { NODE_ENV: 'production' })
    expect(production.code).toBe(2)
    expect(production.stderr).toContain('SECRET_KEY: is required in production')
    expect(production.stderr).toContain('BASE_URL: is required in production')
    expect(production.stdout).toBe('')
    const port = await wtc(['config', 'check'], { PORT: 'eighty' })
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/^ {2}PORT: /m)
  })

  it('an unknown command exits 1 and says so', async () => {
    const run = await wtc(['frobnicate'], noDatabase)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("unknown command 'frobnicate'")
  })

  it('a missing required option exits 1 and names it', async () => {
    const run = await wtc(['users', 'create', '--council', 'E09000003', '--name', 'A', '--role', 'admin'], noDatabase)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("required option '--email <email>' not specified")
  })

  it('an unknown role exits 1 and lists the valid roles', async () => {
    const run = await wtc(
      ['users', 'create', '--council', 'E09000003', '--email', 'a@b.example', '--name', 'A', '--role', 'boss'],
      noDatabase,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'Unknown role: boss. Valid roles: commissioner, analyst, provider, panel_member, partner, admin.',
    )
  })

  it('a malformed email address exits 1 and says what is wrong', async () => {
    const run = await wtc(
      ['users', 'create', '--council', 'E09000003', '--email', 'not-an-email', '--name', 'A', '--role', 'admin'],
      noDatabase,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('"not-an-email" is not an email address')
  })
})

describe('wtc commands on a database', () => {
  let place: Place
  beforeAll(async () => {
    place = await makePlace()
  })
  afterAll(async () => {
    await place.close()
  })
  const run = (args: string[], stdin?: string) => wtc(args, place.env, stdin)

  it('wtc db migrate applies the migrations once', async () => {
    const journal = JSON.parse(readFileSync(fromRoot('src/db/migrations/meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[]
    }
    const latest = journal.entries.at(-1)!.tag
    const first = await run(['db', 'migrate'])
    expect(first.code).toBe(0)
    // A PostgreSQL test database arrives migrated; a new data folder does not.
    expect(first.stdout).toContain(
      testDatabaseUrl
        ? `The database is up to date (schema ${latest}`
        : `Applied ${String(journal.entries.length)} migrations; the database is at schema ${latest}`,
    )
    const second = await run(['db', 'migrate'])
    expect(second.stdout).toContain(`The database is up to date (schema ${latest}`)
  })

  it('wtc seed demo loads the demo council once and prints its accounts', async () => {
    const first = await run(['seed', 'demo'])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('Loaded the demo council, Barnet (E09000003).')
    expect(first.stdout).toMatch(/admin@barnet\.example\s+admin/)
    expect(first.stdout).toContain('Password for each: barnet-demo-2026')
    const second = await run(['seed', 'demo'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('is already loaded; nothing changed')
  })

  it('wtc councils add makes a council a tenant (audited), once; an unknown code exits 1', async () => {
    const added = await run(['councils', 'add', 'e09000007'])
    expect(added.code).toBe(0)
    expect(added.stdout).toContain('Added Camden (E09000007)')
    expect((await run(['councils', 'add', 'E09000007'])).stdout).toContain('Camden (E09000007) already uses WTC')
    const bad = await run(['councils', 'add', 'E99999999'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('E99999999 is not the code of an upper-tier council in England')
    const audit = await place.inspect((d) =>
      queryRows<{ action: string; actor_label: string }>(
        d.db,
        sql`SELECT action, actor_label FROM audit_events WHERE action = 'council.add'`,
      ),
    )
    expect(audit).toEqual([{ action: 'council.add', actor_label: 'wtc cli' }])
    const list = await run(['councils', 'list'])
    expect(list.stdout).toMatch(/^E09000003 +Barnet +5 accounts$/m)
    expect(list.stdout).toMatch(/^E09000007 +Camden +0 accounts$/m)
  })

  it('wtc users create makes an account with a generated password shown once, audited as wtc cli', async () => {
    const created = await run([
      'users',
      'create',
      '--council',
      'E09000007',
      '--email',
      'Sam.Patel@Camden.example',
      '--name',
      'Sam Patel',
      '--role',
      'admin',
      'commissioner',
    ])
    expect(created.code).toBe(0)
    const password = /Password \(shown this once; pass it on securely\): (\S+)/.exec(created.stdout)?.[1]
    expect(password).toBeDefined()
    expect(password!.length).toBeGreaterThanOrEqual(20)
    const stored = await place.inspect(async (d) => {
      const rows = await queryRows<{ id: string; password_hash: string; council: string; roles: string }>(
        d.db,
        sql`SELECT u.id, u.password_hash, o.area_code AS council,
                   (SELECT string_agg(role, ',' ORDER BY role) FROM memberships m WHERE m.user_id = u.id) AS roles
            FROM users u JOIN organisations o ON o.id = u.tenant_id WHERE u.email = 'sam.patel@camden.example'`,
      )
      const audit = await queryRows<{ actor_label: string }>(
        d.db,
        sql`SELECT actor_label FROM audit_events WHERE action = 'user.create' AND subject_id = ${rows[0]?.id ?? ''}`,
      )
      return { user: rows[0], audit }
    })
    expect(stored.user).toMatchObject({ council: 'E09000007', roles: 'admin,commissioner' })
    expect(await verify(stored.user!.password_hash, password!)).toBe(true)
    expect(stored.audit).toEqual([{ actor_label: 'wtc cli' }])
  })

  it('wtc users create refuses an email address that already has an account (any case), exit 1', async () => {
    const again = await run([
      'users',
      'create',
      '--council',
      'E09000003',
      '--email',
      'SAM.PATEL@camden.example',
      '--name',
      'Someone Else',
      '--role',
      'analyst',
    ])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('An account with the email address sam.patel@camden.example already exists.')
  })

  it('wtc users create refuses a council that does not use WTC, exit 1', async () => {
    const run1 = await run(
      ['users', 'create', '--council', 'E09000010', '--email', 'e@enfield.example'].concat([
        '--name',
        'E',
        '--role',
        'admin',
      ]),
    )
    expect(run1.code).toBe(1)
    expect(run1.stderr).toContain('No council with code E09000010 uses WTC yet')
  })

  it('ASVS 6.2.4: wtc users create --password-stdin takes a passphrase, refuses a common password, and never echoes it', async () => {
    const passphrase = 'violet kettle under the orchard'
    const created = await run(
      [
        'users',
        'create',
        '--council',
        'E09000003',
        '--email',
        'jo@barnet.example',
        '--name',
        'Jo',
        '--role',
        'analyst',
      ].concat(['--password-stdin']),
      `${passphrase}\n`,
    )
    expect(created.code).toBe(0)
    expect(created.stdout + created.stderr).not.toContain(passphrase)
    const hash = await place.inspect(
      async (d) => (await d.db.select().from(users).where(eq(users.email, 'jo@barnet.example')))[0]?.passwordHash,
    )
    expect(await verify(hash!, passphrase)).toBe(true)

    const weak = await run(
      [
        'users',
        'create',
        '--council',
        'E09000003',
        '--email',
        'weak@barnet.example',
        '--name',
        'W',
        '--role',
        'analyst',
      ].concat(['--password-stdin']),
      'password1\n',
    )
    expect(weak.code).toBe(1)
    expect(weak.stderr).toContain('Password is too common')
    const none = await place.inspect((d) => d.db.select().from(users).where(eq(users.email, 'weak@barnet.example')))
    expect(none).toEqual([])
  })

  it('wtc users reset-2fa removes the second factor and recovery codes and ends sessions, audited', async () => {
    const userId = await place.inspect(async (d) => {
      const user = (await d.db.select().from(users).where(eq(users.email, 'sam.patel@camden.example')))[0]!
      await d.db
        .update(users)
        .set({ totpSecret: 'v1.a.b.c', totpEnabledAt: new Date(), totpLastStep: 5 })
        .where(eq(users.id, user.id))
      await d.db.insert(recoveryCodes).values({ userId: user.id, codeHash: 'recovery-hash' })
      await d.db
        .insert(sessions)
        .values({ idHash: 'cli-test-session', userId: user.id, tenantId: user.tenantId, stage: 'full' })
      return user.id
    })
    const reset = await run(['users', 'reset-2fa', '--email', 'SAM.PATEL@camden.example'])
    expect(reset.code).toBe(0)
    expect(reset.stdout).toContain('Removed the second factor of sam.patel@camden.example (Camden)')
    const after = await place.inspect(async (d) => ({
      user: (await d.db.select().from(users).where(eq(users.id, userId)))[0],
      codes: await d.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
      sessions: await d.db.select().from(sessions).where(eq(sessions.userId, userId)),
      audit: await queryRows<{ actor_label: string }>(
        d.db,
        sql`SELECT actor_label FROM audit_events WHERE action = 'user.second-factor.reset' AND subject_id = ${userId}`,
      ),
    }))
    expect(after.user).toMatchObject({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
    expect(after.codes).toEqual([])
    expect(after.sessions).toEqual([])
    expect(after.audit).toEqual([{ actor_label: 'wtc cli' }])

    const unknown = await run(['users', 'reset-2fa', '--email', 'nobody@nowhere.example'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No account has the email address nobody@nowhere.example.')
  })

  it('wtc users disable and enable switch an account off and on', async () => {
    const disabledAt = () =>
      place.inspect(
        async (d) => (await d.db.select().from(users).where(eq(users.email, 'jo@barnet.example')))[0]?.disabledAt,
      )
    expect((await run(['users', 'disable', '--email', 'jo@barnet.example'])).code).toBe(0)
    expect(await disabledAt()).toBeInstanceOf(Date)
    expect((await run(['users', 'enable', '--email', 'jo@barnet.example'])).code).toBe(0)
    expect(await disabledAt()).toBeNull()
  })

  it('wtc audit verify reports an intact trail, then names the entry a tamperer changed', async () => {
    const count = await place.inspect(async (d) =>
      Number((await queryRows<{ n: string }>(d.db, sql`SELECT count(*)::text AS n FROM audit_events`))[0]?.n),
    )
    expect(count).toBeGreaterThan(8)
    const intact = await run(['audit', 'verify'])
    expect(intact.code).toBe(0)
    expect(intact.stdout).toBe(`Audit trail intact: ${String(count)} entries\n`)
    expect(intact.stderr).toContain(`Checking the audit trail: ${String(count)} of ${String(count)} (100%)`)

    // Someone with direct database access removes the guard and rewrites one entry.
    const tampered = await place.inspect(async (d) => {
      const third = (
        await queryRows<{ id: string }>(d.db, sql`SELECT id::text AS id FROM audit_events ORDER BY id OFFSET 2 LIMIT 1`)
      )[0]!.id
      await d.db.execute(sql`DROP TRIGGER audit_events_no_update_delete ON audit_events`)
      await d.db.execute(sql`UPDATE audit_events SET actor_label = 'someone else' WHERE id = ${Number(third)}`)
      return third
    })
    const broken = await run(['audit', 'verify'])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain(
      `Audit trail broken at entry ${tampered}: its content does not match its hash (the row was changed)`,
    )
    expect(broken.stdout).not.toContain('intact')
  })
})

describe('wtc and the data folder lock', () => {
  let holder: ChildProcess | undefined
  afterAll(() => {
    holder?.kill('SIGKILL')
  })

  it('a command on a data folder that a live process holds exits 2, naming the folder and the process', async () => {
    const dir = mkdtempSync(path.join(tmp, 'locked-'))
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    writeFileSync(
      path.join(dir, 'wtc.lock'),
      JSON.stringify({
        pid: holder.pid,
        host: os.hostname(),
        startedAt: '2026-11-25T09:00:00Z',
        command: 'src/server.ts',
      }),
    )
    const run = await wtc(['councils', 'list'], { DATA_DIR: dir })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`The data folder ${dir} is in use by another WTC process (pid ${String(holder.pid)}`)
    expect(run.stdout).toBe('')
  })
})

describe('bin/wtc.js', () => {
  it('starts the command line from a checkout (compiled or not) and prints the version', () => {
    const version = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version
    const result = spawnSync(process.execPath, [fromRoot('bin/wtc.js'), '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(`${version}\n`)
    expect(result.status).toBe(0)
  })
})

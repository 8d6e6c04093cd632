/**
 * Open Referral UK import and export through the storage: the round trip (export a council,
 * import into an empty council, export again: identical), and `wtc import oruk` / `wtc export oruk`
 * run in-process, including files that must be refused with nothing changed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main.js'
import { exportOruk, importOrukText } from '../../../src/features/directory/api/exchange.js'
import { loadDirectory } from '../../../src/features/directory/repository.js'
import { demoDirectory } from '../../../src/demo/directory-data.js'
import { seedDirectoryDemo } from '../../../src/demo/directory-seed.js'
import { type Database, openDatabase } from '../../../src/platform/db/index.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../../support/db.js'
import { directoryDigest } from './support.js'

const actor = { userId: null, label: 'test', role: 'commissioner' }
const published = demoDirectory().services.filter((s) => s.status === 'published')
const drafts = demoDirectory().services.filter((s) => s.status === 'draft')
const notes = demoDirectory()
  .services.map((s) => s.internalNotes)
  .filter((n) => n !== '')

describe('round trip through the storage', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
    await seedDirectoryDemo(database.db, await ensureCouncil(database.db, 'E09000003'))
  })
  afterAll(async () => {
    await database.close()
  })

  it('export A, import into an empty council of another database, export it: identical JSON', async () => {
    const a = await ensureCouncil(database.db, 'E09000003')
    const other = await createTestDatabase()
    try {
      const b = await ensureCouncil(other.db, 'E08000025')
      const first = JSON.stringify(await exportOruk(database.db, a, { includeDrafts: false }), null, 2)
      const outcome = await importOrukText(other.db, b, actor, first)
      expect(outcome).toEqual({
        ok: true,
        services: published.length,
        created: published.length,
        updated: 0,
        unchanged: 0,
        toReview: 0,
        warnings: [],
      })
      const second = JSON.stringify(await exportOruk(other.db, b, { includeDrafts: false }), null, 2)
      expect(second).toBe(first)
      // In id order, published only, no internal notes.
      const ids = (JSON.parse(first) as { id: string }[]).map((s) => s.id)
      expect(ids).toEqual(published.map((s) => s.id).sort())
      for (const note of notes) expect(first).not.toContain(note)
    } finally {
      await other.close()
    }
  })

  it('the same feed in a second council of the same database: its own ids, the originals kept as cross-references', async () => {
    const a = await ensureCouncil(database.db, 'E09000003')
    const b = await ensureCouncil(database.db, 'E08000025')
    const first = await exportOruk(database.db, a, { includeDrafts: false })
    const outcome = await importOrukText(database.db, b, actor, JSON.stringify(first))
    expect(outcome.ok && outcome.created).toBe(published.length)
    expect(outcome.ok && outcome.warnings[0]).toMatch(
      new RegExp(`^${String(published.length)} services have ids that another council’s directory already uses`),
    )
    const second = await exportOruk(database.db, b, { includeDrafts: false })
    const aIds = new Set(first.map((s) => s.id))
    expect(second.filter((s) => aIds.has(s.id))).toEqual([])
    expect(second.map((s) => s.name).sort()).toEqual(first.map((s) => s.name).sort())
    const stored = await loadDirectory(database.db, b, { publishedOnly: false })
    expect(stored.services.map((s) => s.origin?.id).sort()).toEqual([...aIds].sort())
  })

  it('with drafts: they go out as inactive and come back as drafts', async () => {
    const a = await ensureCouncil(database.db, 'E09000003')
    const c = await ensureCouncil(database.db, 'E06000001')
    const first = await exportOruk(database.db, a, { includeDrafts: true })
    expect(first).toHaveLength(demoDirectory().services.length)
    expect(first.filter((s) => (s.status as string) === 'inactive').map((s) => s.id)).toEqual(
      drafts.map((s) => s.id).sort(),
    )
    const text = JSON.stringify(first)
    for (const note of notes) expect(text).not.toContain(note)
    const outcome = await importOrukText(database.db, c, actor, text)
    expect(outcome.ok).toBe(true)
    // Council C's copies have their own ids (Barnet holds the originals); the same records otherwise.
    const again = await exportOruk(database.db, c, { includeDrafts: true })
    const byName = (list: typeof first) =>
      list.map((s) => `${s.name}/${s.status}`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    expect(byName(again)).toEqual(byName(first))
    expect(await exportOruk(database.db, c, { includeDrafts: false })).toHaveLength(published.length)
  })
})

// ---------------------------------------------------------------------------------------------
// The command line

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wtc-oruk-cli-'))

interface Run {
  code: number
  stdout: string
  stderr: string
}

let env: Record<string, string>
let inspect: <T>(look: (database: Database) => Promise<T>) => Promise<T>
let closePlace: () => Promise<void>

async function wtc(args: string[]): Promise<Run> {
  return wtcWith({}, args)
}

async function wtcWith(extra: Record<string, string>, args: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    args,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env, ...extra },
  )
  return { code, stdout, stderr }
}

const file = (name: string) => path.join(tmp, name)
const digest = () => inspect((database) => directoryDigest(database.db))

describe('wtc import oruk and wtc export oruk', () => {
  beforeAll(async () => {
    if (testDatabaseUrl) {
      const database = await createTestDatabase()
      env = { DATABASE_URL: database.url! }
      inspect = (look) => look(database)
      closePlace = () => database.close()
    } else {
      const dir = mkdtempSync(path.join(tmp, 'data-'))
      env = { DATA_DIR: dir }
      // The data folder takes one process at a time: the test opens it only between commands.
      inspect = async (look) => {
        const database = await openDatabase({ dataDir: dir })
        try {
          return await look(database)
        } finally {
          await database.close()
        }
      }
      closePlace = () => Promise.resolve()
    }
    // Prepare the database the way the CLI does (migrations, reference data), then add councils.
    expect((await wtc(['councils', 'add', 'E09000003'])).code).toBe(0)
    expect((await wtc(['councils', 'add', 'E08000025'])).code).toBe(0)
    await inspect(async (database) => {
      await seedDirectoryDemo(database.db, await ensureCouncil(database.db, 'E09000003'))
    })
  })
  afterAll(async () => {
    await closePlace()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('exports A, imports into B and exports B to an identical file', async () => {
    const exportA = await wtc(['export', 'oruk', file('a.json'), '--council', 'E09000003'])
    expect(exportA.stderr).toBe('')
    expect(exportA.code).toBe(0)
    expect(exportA.stdout).toContain(`Wrote ${String(published.length)} services`)
    const imported = await wtc(['import', 'oruk', file('a.json'), '--council', 'E08000025'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain(`Added:                ${String(published.length)}`)
    expect(imported.stdout).toContain('Unchanged:            0')
    expect(imported.stdout).toContain('To review:            0')
    expect((await wtc(['export', 'oruk', file('b.json'), '--council', 'E08000025'])).code).toBe(0)
    // Barnet holds the ids in this database: B's copies have their own, the records are the same.
    const names = (f: string) => (JSON.parse(readFileSync(file(f), 'utf8')) as { name: string }[]).map((x) => x.name)
    expect(names('b.json').sort()).toEqual(names('a.json').sort())
    // Pretty-printed, ending with a new line.
    expect(readFileSync(file('a.json'), 'utf8')).toMatch(/^\[\n {2}\{\n {4}"id": /)
    expect(readFileSync(file('a.json'), 'utf8').endsWith(']\n')).toBe(true)

    // Importing the same file again changes nothing.
    const before = await digest()
    const again = await wtc(['import', 'oruk', file('a.json'), '--council', 'E08000025'])
    expect(again.stdout).toContain(`Unchanged:            ${String(published.length)}`)
    expect({ ...(await digest()), audit_events: '' }).toEqual({ ...before, audit_events: '' })
  })

  it('exports drafts only when asked, never internal notes', async () => {
    const run = await wtc(['export', 'oruk', file('drafts.json'), '--council', 'E09000003', '--include-drafts'])
    expect(run.code).toBe(0)
    const text = readFileSync(file('drafts.json'), 'utf8')
    const services = JSON.parse(text) as { id: string; status: string }[]
    expect(services).toHaveLength(demoDirectory().services.length)
    expect(services.filter((s) => s.status === 'inactive')).toHaveLength(drafts.length)
    for (const note of notes) expect(text).not.toContain(note)
  })

  const refused = async (name: string, content: string | Buffer, expected: (string | RegExp)[]) => {
    writeFileSync(file(name), content)
    const before = await digest()
    const run = await wtc(['import', 'oruk', file(name), '--council', 'E08000025'])
    expect(run.code).toBe(1)
    for (const e of expected) expect(run.stderr).toMatch(e)
    expect(await digest()).toEqual(before)
    return run
  }

  it('refuses a file that is not JSON, naming the place', async () => {
    const run = await refused('broken.json', '{"contents": [}', [
      /nothing has changed/,
      /^ {2}\/: The file is not JSON/m,
    ])
    expect(run.stdout).toBe('')
  })

  it('refuses JSON that is not Open Referral UK', async () => {
    await refused('hello.json', '{"hello": "world"}', [
      '  /: This is not Open Referral UK JSON: expected a service, an array of services or a page of services with "contents"',
    ])
  })

  it('refuses a file over 20 MB before reading it', async () => {
    // 20 MB is 20 x 1024 x 1024 = 20,971,520 bytes; this file is 21 x 1024 x 1024 = 22,020,096 bytes.
    const run = await refused('large.json', Buffer.alloc(21 * 1024 * 1024, 0x20), [
      'large.json is too large: 21.0 MB. The most we accept is 20 MB.',
    ])
    expect(run.stdout).toBe('')
  })

  it('refuses records that fail the schema with their JSON paths, and every problem of the file', async () => {
    const services = JSON.parse(readFileSync(file('a.json'), 'utf8')) as { name?: string; status?: string }[]
    services[2]!.status = 'open'
    delete services[4]!.name
    await refused('schema.json', JSON.stringify(services), [
      '2 problems:',
      '  /2/status: must be one of "active", "inactive", "defunct", "temporarily closed"',
      '  /4/name: is required',
    ])
  })

  it('refuses a missing file and an unknown council', async () => {
    const missing = await wtc(['import', 'oruk', file('nothing-here.json'), '--council', 'E08000025'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('check the file exists')
    const council = await wtc(['import', 'oruk', file('a.json'), '--council', 'E09000001'])
    expect(council.code).toBe(1)
    expect(council.stderr).toContain('No council with code E09000001 uses WTC yet')
  })

  describe('from a web address', () => {
    let server: http.Server
    let base: string
    beforeAll(async () => {
      server = http.createServer((request, response) => {
        const port = (server.address() as AddressInfo).port
        if (request.url === '/services.json') {
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(readFileSync(file('a.json')))
        } else if (request.url?.startsWith('/api/services')) {
          // The ORUK paginated list: two pages, the second found by page_number/total_pages.
          const all = JSON.parse(readFileSync(file('a.json'), 'utf8')) as unknown[]
          const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? '1')
          const half = Math.ceil(all.length / 2)
          const contents = page === 1 ? all.slice(0, half) : all.slice(half)
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(
            JSON.stringify({
              total_items: all.length,
              total_pages: 2,
              page_number: page,
              size: contents.length,
              first_page: page === 1,
              last_page: page === 2,
              empty: false,
              contents,
            }),
          )
        } else if (request.url === '/moved') {
          response.writeHead(302, { location: `http://127.0.0.2:${String(port)}/services.json` })
          response.end()
        } else if (request.url === '/garbage') {
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end('SECRET-BYTES-OF-THE-ANSWER not json')
        } else if (request.url === '/huge.json') {
          // No content-length: the body is counted as it arrives and cut off past 20 MB.
          response.writeHead(200, { 'content-type': 'application/json' })
          const chunk = Buffer.alloc(1024 * 1024, 0x20)
          for (let i = 0; i < 21; i++) response.write(chunk)
          response.end()
        } else {
          response.writeHead(404)
          response.end()
        }
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
    })
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve))
    })

    const allowed = (args: string[]) => wtcWith({ ORUK_IMPORT_ALLOW_HOSTS: '127.0.0.1' }, args)

    it('imports from an allowed address, changing nothing when the services are already there', async () => {
      const run = await allowed(['import', 'oruk', `${base}/services.json`, '--council', 'E08000025'])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`Imported ${base}/services.json`)
      expect(run.stdout).toContain(`Unchanged:            ${String(published.length)}`)
    })

    it('follows the paginated /services list to its last page', async () => {
      const run = await allowed(['import', 'oruk', `${base}/api/services`, '--council', 'E08000025'])
      expect(run.code).toBe(0)
      expect(run.stderr).not.toContain('problem')
      expect(run.stdout).toContain(`Services in the file: ${String(published.length)}`)
    })

    it('refuses loopback without the allow-list, a redirect to loopback, a download over 20 MB and a 404', async () => {
      const before = await digest()
      const loopback = await wtc(['import', 'oruk', `${base}/services.json`, '--council', 'E08000025'])
      expect(loopback.code).toBe(1)
      expect(loopback.stderr).toContain('a private, loopback or link-local address')
      const redirected = await allowed(['import', 'oruk', `${base}/moved`, '--council', 'E08000025'])
      expect(redirected.code).toBe(1)
      expect(redirected.stderr).toContain('Refused http://127.0.0.2:')
      const huge = await allowed(['import', 'oruk', `${base}/huge.json`, '--council', 'E08000025'])
      expect(huge.code).toBe(1)
      expect(huge.stderr).toContain('The feed is too large: the most one import takes is 20 MB.')
      const gone = await allowed(['import', 'oruk', `${base}/gone.json`, '--council', 'E08000025'])
      expect(gone.code).toBe(1)
      expect(gone.stderr).toContain('it answered 404')
      const garbage = await allowed(['import', 'oruk', `${base}/garbage`, '--council', 'E08000025'])
      expect(garbage.code).toBe(1)
      expect(garbage.stderr).toContain('is not JSON')
      expect(garbage.stderr).not.toContain('SECRET-BYTES')
      const ftp = await allowed(['import', 'oruk', 'ftp://127.0.0.1/services.json', '--council', 'E08000025'])
      expect(ftp.code).toBe(1)
      expect(ftp.stderr).toContain('Only http and https addresses can be imported')
      expect(await digest()).toEqual(before)
    })
  })
})

/**
 * Issue 10 points 7 and 9: what reaches the log. Search terms are redacted by the route that
 * answered, not by a pattern on the raw URL (`/%73upport?q=...` reached the search and its query
 * reached the log), and a database error is logged without the values of its query.
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { errorSerializer } from '../../src/platform/logging.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { testConfig } from '../support/app.js'

let database: TestDatabase
let app: FastifyInstance
const logged: string[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  app = await buildApp({
    config: testConfig({ NODE_ENV: 'development', LOG_LEVEL: 'trace' }),
    database,
    logStream: { write: (line: string) => logged.push(line) },
  })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  await database.close()
})

describe('request lines in the log', () => {
  it('a search reached through an encoded path logs no search terms', async () => {
    logged.length = 0
    for (const url of ['/%73upport?q=Colindale', '/s%75pport?q=Hendon&filter=pregnancy', '/support?q=Edgware']) {
      const res = await app.inject({ method: 'GET', url })
      // Control: the encoded paths do reach the search page.
      expect(res.statusCode, url).toBe(200)
    }
    const text = logged.join('')
    const urls = logged.map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url).filter(Boolean)
    expect(urls).toHaveLength(3)
    for (const secret of ['Colindale', 'Hendon', 'pregnancy', 'Edgware'])
      expect(text.includes(secret), secret).toBe(false)
    expect(urls.every((u) => u === '/support?[redacted]')).toBe(true)
  })

  it('an invitation token reached through an encoded path is not logged', async () => {
    logged.length = 0
    await app.inject({ method: 'GET', url: '/%69nvitations/SECRET-TOKEN-123' })
    expect(logged.length).toBeGreaterThan(0)
    expect(logged.join('').includes('SECRET-TOKEN-123')).toBe(false)
  })

  it('a path no route answers keeps its query (nothing private can be in it)', async () => {
    logged.length = 0
    await app.inject({ method: 'GET', url: '/no-such-page?x=1' })
    const urls = logged.map((l) => (JSON.parse(l) as { req?: { url?: string } }).req?.url).filter(Boolean)
    expect(urls).toContain('/no-such-page?x=1')
  })
})

describe('errors in the log', () => {
  it('a database error is logged without the values of its query', () => {
    // The shape of drizzle's DrizzleQueryError and of the driver's error beneath it.
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email_uq"'), {
      code: '23505',
      detail: 'Key (email)=(jane.doe@example.org) already exists.',
      parameters: ['jane.doe@example.org'],
    })
    const err = Object.assign(
      new Error('Failed query: insert into users (email) values ($1)\nparams: jane.doe@example.org'),
      {
        query: 'insert into users (email) values ($1)',
        params: ['jane.doe@example.org'],
        cause,
      },
    )
    const out = JSON.stringify(errorSerializer(err))
    expect(out.includes('jane.doe@example.org')).toBe(false)
    // What helps to find the fault stays: the statement, the code and the constraint.
    expect(out).toContain('insert into users')
    expect(out).toContain('23505')
    expect(out).toContain('users_email_uq')
  })

  it('a failing query in a request is logged without its values', async () => {
    logged.length = 0
    const email = 'mary.smith@example.org'
    try {
      const { sql } = await import('drizzle-orm')
      await app.db.execute(sql`SELECT ${email}::int AS n`)
    } catch (err) {
      app.log.error({ err }, 'database error')
    }
    const text = logged.join('')
    expect(text).toContain('database error')
    expect(text.includes(email)).toBe(false)
  })
})

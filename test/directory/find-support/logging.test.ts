/**
 * Searches are never logged with the query text or the IP address (security-privacy.md). An app
 * logging at the most detailed level, as outside tests, writes its log lines here.
 */
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../../../src/app.js'
import { redactUrl } from '../../../src/platform/logging.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'
import { testConfig } from '../../support/app.js'
import { seedDirectories } from './fixtures.js'

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
  await seedDirectories(app.db)
})
afterAll(async () => {
  await app.close()
  await database.close()
})

it('the log line of a search holds neither what was searched for nor the IP address', async () => {
  const ip = '198.51.100.73'
  const queries = [
    'q=NW4+4BG&filter=women-only&filter=domestic-abuse&distance=10',
    'q=Colindale&filter=pregnancy',
    'q=Hendon',
    'q=NW4+4B',
    'q=Nowhereville',
  ]
  for (const query of queries) {
    const res = await app.inject({
      method: 'GET',
      url: `/support?${query}`,
      headers: { 'x-forwarded-for': ip, 'x-forwarded-proto': 'https' },
    })
    expect(res.statusCode).toBeLessThan(500)
  }
  const text = logged.join('')
  // Control: the capture works and saw the searches, with the address redacted.
  const lines = logged.map((l) => JSON.parse(l) as { req?: { url?: string } })
  const searchLines = lines.filter((l) => l.req?.url?.startsWith('/support'))
  expect(searchLines.length).toBe(queries.length)
  expect(searchLines.every((l) => l.req?.url === '/support?[redacted]')).toBe(true)

  for (const secret of [
    ip,
    'NW4',
    'nw4',
    '4BG',
    'Colindale',
    'Hendon',
    'Nowhereville',
    'women-only',
    'domestic-abuse',
    'pregnancy',
    'distance=',
  ]) {
    expect(text.includes(secret), secret).toBe(false)
  }
})

it('redactUrl hides the whole query of /support and of nothing else that is public', () => {
  expect(redactUrl('/support?q=NW4+4BG&filter=women-only')).toBe('/support?[redacted]')
  expect(redactUrl('/support/?q=Hendon')).toBe('/support/?[redacted]')
  expect(redactUrl('/support')).toBe('/support')
  expect(redactUrl('/support/before-you-start')).toBe('/support/before-you-start')
  expect(redactUrl('/supporters?x=1')).toBe('/supporters?x=1')
})

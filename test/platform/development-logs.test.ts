/**
 * Issue 11 "First run": `npm start` in development prints one readable line per request, and
 * production keeps pino's JSON lines. The search terms stay out of the log in both.
 */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { DevelopmentLogFormatter, developmentLogStream, loggerOptions } from '../../src/platform/logging.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { testConfig } from '../support/app.js'

describe('the development formatter', () => {
  it('turns an incoming request and its completion into one line', () => {
    const formatter = new DevelopmentLogFormatter()
    const incoming = {
      level: 30,
      reqId: 'r1',
      req: { method: 'GET', url: '/needs', id: 'r1' },
      msg: 'incoming request',
    }
    expect(formatter.format(incoming)).toBeNull()
    const completed = { level: 30, reqId: 'r1', res: { statusCode: 200 }, responseTime: 33.6, msg: 'request completed' }
    expect(formatter.format(completed)).toBe('GET /needs 200 34 ms')
    // The request is forgotten once answered.
    expect(formatter.format({ ...completed, responseTime: 2 })).toBe('request r1 200 2 ms')
  })

  it('prints a warning with its level and an error with its stack under it', () => {
    const formatter = new DevelopmentLogFormatter()
    expect(formatter.format({ level: 40, msg: 'slow query' })).toBe('WARN slow query')
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here' }
    expect(formatter.format({ level: 50, msg: 'boom', err })).toBe('ERROR boom\n  Error: boom\n    at here')
    expect(formatter.format({ level: 30, msg: 'Server listening at http://127.0.0.1:3000' })).toBe(
      'Server listening at http://127.0.0.1:3000',
    )
  })
})

describe('what reaches the terminal', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database.close()
  })

  it('development: one readable line per request, with the search terms redacted', async () => {
    const printed: string[] = []
    const app = await buildApp({
      config: testConfig({ NODE_ENV: 'development', LOG_LEVEL: 'info' }),
      database,
      logStream: developmentLogStream({ write: (text: string) => printed.push(text) }),
    })
    try {
      await app.ready()
      expect((await app.inject({ method: 'GET', url: '/support?q=Colindale' })).statusCode).toBe(200)
      expect((await app.inject({ method: 'GET', url: '/no-such-page' })).statusCode).toBe(404)
    } finally {
      await app.close()
    }
    const requestLines = printed.filter((l) => l.startsWith('GET '))
    expect(requestLines).toHaveLength(2)
    expect(requestLines[0]).toMatch(/^GET \/support\?\[redacted\] 200 \d+ ms\n$/)
    expect(requestLines[1]).toMatch(/^GET \/no-such-page 404 \d+ ms\n$/)
    expect(printed.join('')).not.toContain('Colindale')
    expect(printed.join('')).not.toContain('{"level"')
  })

  it('development options write to a readable stream; production and test options do not', () => {
    const development = loggerOptions({ env: 'development', logLevel: 'info' }) as Record<string, unknown>
    expect(development.stream).toBeDefined()
    for (const env of ['production', 'test'] as const) {
      const options = loggerOptions({ env, logLevel: 'info' }) as Record<string, unknown>
      expect(options.stream, env).toBeUndefined()
      expect(options.transport, env).toBeUndefined()
    }
  })

  it('production: pino writes JSON lines, with the request serializer applied', async () => {
    const written: string[] = []
    const options = loggerOptions({ env: 'production', logLevel: 'info' }) as Record<string, unknown>
    // Production writes to standard output; here the same options write to an array instead.
    const app = Fastify({ logger: { ...options, stream: { write: (l: string) => written.push(l) } } })
    app.get('/needs', () => 'ok')
    await app.inject({ method: 'GET', url: '/needs?token=abc' })
    await app.close()
    const records = written.map((l) => JSON.parse(l) as { msg: string; req?: { url: string } })
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']))
    expect(records.find((r) => r.msg === 'incoming request')?.req?.url).toBe('/needs?token=[redacted]')
  })
})

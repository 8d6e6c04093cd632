/**
 * Security headers on every kind of response (ASVS 3.4.1, 3.4.3-3.4.6), no caching of signed-in
 * pages and clearing the browser at sign-out and exit (ASVS 14.3.1, 14.3.2), and generic error
 * pages that show a reference but no stack trace or SQL (ASVS 16.5.1).
 */
import { sql } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'
import type { TestUser } from '../support/factories.js'
import {
  clientWith,
  fillUrl,
  invitationToken,
  mintSession,
  recordsIn,
  routesOf,
  SecurityClient,
} from './route-matrix.js'

const EXIT_URL = 'https://neutral.example/weather'
const SESSION = '__Host-wtc-session'
const LEAKY_MESSAGE = "boom: SELECT password_hash FROM users WHERE email = 'someone@example.org'"

let ctx: TestContext
let staff: TestUser
let staffClient: SecurityClient

beforeAll(async () => {
  ctx = await createTestContext({
    env: { EXIT_URL },
    extraRoutes: (app) => {
      app.get('/test/boom', { config: { access: { public: true } } }, () => {
        throw new Error(LEAKY_MESSAGE)
      })
      app.get('/test/bad-sql', { config: { access: { public: true } } }, async () => {
        await app.db.execute(sql`SELECT secret_column FROM no_such_table_for_errors`)
        return { ok: true }
      })
    },
  })
  staff = await ctx.user({ roles: ['commissioner', 'admin'], totp: true })
  staffClient = (await clientWith(ctx.app, await mintSession(ctx.app, staff))).client
})
afterAll(async () => {
  await ctx.close()
})

/** Parses a Content-Security-Policy header into directive -> sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy']
  expect(typeof header, 'Content-Security-Policy header').toBe('string')
  const map = new Map<string, string[]>()
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name.toLowerCase(), sources)
  }
  return map
}

/** Every problem with one response's security headers, as readable strings. */
function headerProblems(label: string, res: LightMyRequestResponse): string[] {
  const problems: string[] = []
  const hsts = res.headers['strict-transport-security'] ?? ''
  const maxAge = /max-age=(\d+)/.exec(hsts)?.[1]
  if (!maxAge || Number(maxAge) < 31536000) problems.push(`HSTS max-age under a year: "${hsts}"`)
  if (!/includeSubDomains/i.test(hsts)) problems.push('HSTS without includeSubDomains')
  const policy = csp(res)
  const scriptSrc = policy.get('script-src') ?? policy.get('default-src') ?? []
  if (scriptSrc.length === 0) problems.push('no script-src or default-src')
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
    if (scriptSrc.includes(bad)) problems.push(`script-src allows ${bad}`)
  }
  for (const directive of ['object-src', 'base-uri', 'frame-ancestors']) {
    if (policy.get(directive)?.join(' ') !== "'none'") problems.push(`${directive} is not 'none'`)
  }
  if (res.headers['x-content-type-options'] !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff')
  const referrer = res.headers['referrer-policy'] ?? ''
  if (!['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(referrer)) {
    problems.push(`Referrer-Policy "${referrer}"`)
  }
  return problems.map((p) => `${label} (${String(res.statusCode)}): ${p}`)
}

/** Inline scripts in an HTML page must carry this response's nonce, and the nonce must be in the CSP. */
function nonceProblems(label: string, res: LightMyRequestResponse): string[] {
  const scriptSrc = csp(res).get('script-src') ?? []
  const nonce = scriptSrc.map((s) => /^'nonce-([^']+)'$/.exec(s)?.[1]).find(Boolean)
  if (!nonce) return [`${label}: script-src has no nonce`]
  if (Buffer.from(nonce, 'base64').length < 16 && nonce.length < 22) return [`${label}: nonce too short`]
  const problems: string[] = []
  const tags = [...res.body.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1] ?? '')
  if (tags.length === 0) problems.push(`${label}: no script tags to check`)
  for (const attrs of tags) {
    const tagNonce = /\bnonce="([^"]*)"/.exec(attrs)?.[1]
    if (tagNonce !== undefined && tagNonce !== nonce) problems.push(`${label}: a script has another nonce`)
    if (!/\bsrc=/.test(attrs) && tagNonce !== nonce) problems.push(`${label}: an inline script has no nonce`)
  }
  return problems
}

describe('security headers', () => {
  it('ASVS 3.4.1, 3.4.3, 3.4.4, 3.4.5, 3.4.6: HTML, JSON, CSV, redirect and error responses all carry HSTS, a strict CSP, nosniff and a Referrer-Policy', async () => {
    const anon = new SecurityClient(ctx.app)
    const responses: [string, LightMyRequestResponse][] = [
      ['HTML start page', await anon.get('/')],
      ['HTML sign-in page', await anon.get('/sign-in')],
      ['HTML signed-in page', await staffClient.get('/home')],
      ['JSON readiness', await anon.get('/health/ready')],
      ['JSON audit export', await staffClient.get('/audit?format=json')],
      ['CSV audit export', await staffClient.get('/audit?format=csv')],
      ['redirect', await anon.get('/home')],
      ['HTML 404', await anon.get('/no-such-page')],
      ['JSON 404', await anon.get('/no-such-page', { accept: 'application/json' })],
      ['400', await staffClient.get('/audit?before=not-a-number')],
      ['403 forgery', await staffClient.postForm('/partnerships', { name: 'x' })],
      [
        '401',
        await anon.request({
          method: 'POST',
          url: '/session/extend',
          payload: `_csrf=${encodeURIComponent(await anon.csrfToken())}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        }),
      ],
      ['HTML 500', await anon.get('/test/boom')],
      ['JSON 500', await anon.get('/test/boom', { accept: 'application/json' })],
      ['exit', await anon.get('/exit')],
    ]
    const kinds = new Set(responses.map(([, r]) => String(r.headers['content-type']).split(';')[0]))
    expect([...kinds]).toEqual(expect.arrayContaining(['text/html', 'application/json', 'text/csv']))
    expect(responses.map(([, r]) => r.statusCode)).toEqual(expect.arrayContaining([200, 303, 400, 401, 403, 404, 500]))
    const problems = responses.flatMap(([label, res]) => headerProblems(label, res))
    expect(problems).toEqual([])
  })

  it('ASVS 3.4.3: every HTML page puts a fresh nonce in its CSP and on each inline script, and has no inline script without it', async () => {
    const anon = new SecurityClient(ctx.app)
    const pages: [string, LightMyRequestResponse][] = [
      ['start page', await anon.get('/')],
      ['sign-in', await anon.get('/sign-in')],
      ['home', await staffClient.get('/home')],
      ['404 page', await anon.get('/no-such-page')],
      ['500 page', await anon.get('/test/boom')],
    ]
    expect(pages.flatMap(([label, res]) => nonceProblems(label, res))).toEqual([])
    const nonceOf = (res: LightMyRequestResponse) =>
      (csp(res).get('script-src') ?? []).find((s) => s.startsWith("'nonce-"))
    expect(nonceOf(pages[0]![1])).not.toBe(nonceOf(pages[1]![1]))
  })

  it('ASVS 14.3.1: every page a signed-in user can reach (every GET route) is sent with Cache-Control: no-store', async () => {
    const ids = await recordsIn(ctx.app, staff.scope)
    const token = await invitationToken(ctx.app, staff.scope)
    const wrong: string[] = []
    let checked = 0
    for (const route of routesOf(ctx.app).filter((r) => r.method === 'GET')) {
      const { client } = await clientWith(ctx.app, await mintSession(ctx.app, staff))
      const res = await client.get(fillUrl(route, ids, token))
      checked++
      if (!(res.headers['cache-control'] ?? '').includes('no-store'))
        wrong.push(`${route.url}: "${String(res.headers['cache-control'])}"`)
    }
    for (const url of ['/audit?format=csv', '/audit?format=json']) {
      const res = await staffClient.get(url)
      checked++
      if (!(res.headers['cache-control'] ?? '').includes('no-store'))
        wrong.push(`${url}: "${String(res.headers['cache-control'])}"`)
    }
    expect(checked).toBeGreaterThan(15)
    expect(wrong).toEqual([])
  })

  it('ASVS 14.3.2: sign-out tells the browser to clear the site’s cache, cookies and storage', async () => {
    const { client, csrf: token } = await clientWith(ctx.app, await mintSession(ctx.app, staff))
    const res = await client.postForm('/sign-out', { _csrf: token })
    expect(res.statusCode).toBe(303)
    const clear = String(res.headers['clear-site-data'] ?? '')
    for (const part of ['"cache"', '"cookies"', '"storage"']) expect(clear).toContain(part)
  })

  it('ASVS 14.3.2: /exit ends the session, clears the site’s data, is not cached, and sends the person to the neutral EXIT_URL with a 303', async () => {
    const session = await mintSession(ctx.app, staff)
    const { client } = await clientWith(ctx.app, session)
    const res = await client.get('/exit')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(EXIT_URL)
    expect(String(res.headers['cache-control'])).toContain('no-store')
    const clear = String(res.headers['clear-site-data'] ?? '')
    for (const part of ['"cache"', '"cookies"', '"storage"']) expect(clear).toContain(part)
    const replayed = new SecurityClient(ctx.app)
    replayed.cookies.set(SESSION, session)
    const home = await replayed.get('/home')
    expect(home.statusCode).toBe(303)
    expect(home.headers.location).toMatch(/^\/sign-in/)
  })
})

describe('error pages', () => {
  const leaks = (body: string): string[] =>
    [
      /SELECT/i.test(body) ? 'SQL' : '',
      body.includes('password_hash') ? 'column name' : '',
      body.includes('no_such_table') ? 'table name' : '',
      /\bat\s+\S+\s+\(?[^)\s]*:\d+:\d+/.test(body) ? 'stack frame' : '',
      /node_modules|\/src\/|\.ts:\d+/.test(body) ? 'file path' : '',
      /\b(Error|TypeError):/.test(body) ? 'error class' : '',
      body.includes('someone@example.org') ? 'data from the error' : '',
    ].filter(Boolean)

  it('ASVS 16.5.1: an unexpected error shows a generic page with a reference id, and no stack trace, SQL or error text', async () => {
    const anon = new SecurityClient(ctx.app)
    const html = await anon.get('/test/boom')
    expect(html.statusCode).toBe(500)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(leaks(html.body)).toEqual([])
    const reference = String(html.headers['x-request-id'])
    expect(reference).toMatch(/^[0-9a-f-]{36}$/)
    expect(html.body).toContain(reference)

    const json = await anon.get('/test/boom', { accept: 'application/json' })
    expect(json.statusCode).toBe(500)
    expect(leaks(json.body)).toEqual([])
    const payload = JSON.parse(json.body) as Record<string, unknown>
    expect(payload.requestId).toBe(json.headers['x-request-id'])
    expect(Object.keys(payload)).not.toContain('stack')
  })

  it('ASVS 16.5.1: a database error is not shown to the user either', async () => {
    const res = await new SecurityClient(ctx.app).get('/test/bad-sql')
    expect(res.statusCode).toBe(500)
    expect(leaks(res.body)).toEqual([])
    expect(res.body).toContain(String(res.headers['x-request-id']))
  })

  it('ASVS 16.5.1: control: the leak detector finds a stack trace and SQL when they are there', () => {
    const error = new Error(LEAKY_MESSAGE)
    expect(leaks(String(error.stack))).toEqual(expect.arrayContaining(['SQL', 'stack frame', 'error class']))
  })
})

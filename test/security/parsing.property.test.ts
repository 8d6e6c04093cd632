/**
 * Property tests of input parsing (ASVS 15.3.3, 1.2.4, 16.5.1): random form bodies and query
 * strings, including duplicated, nested, prototype-polluting, over-long, malformed and non-ASCII
 * fields, never cause a server error, and every refusal says what is wrong.
 */
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'
import { TEST_PASSWORD, type TestUser } from '../support/factories.js'
import { clientWith, fillUrl, invitationToken, mintSession, recordsIn, routesOf } from './route-matrix.js'

let ctx: TestContext
let admin: TestUser

/** Runs per property; set WTC_PROPERTY_RUNS to search longer (e.g. 2000) before a release. */
const runs = (usual: number): number => Number(process.env.WTC_PROPERTY_RUNS ?? usual)

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.user({ roles: ['admin', 'commissioner'], totp: true })
})
afterAll(async () => {
  await ctx.close()
})

const fieldName = fc.oneof(
  fc.constantFrom(
    'email',
    'password',
    'next',
    'displayName',
    'role',
    'organisationId',
    'tenantId',
    '__proto__',
    '__proto__[admin]',
    'constructor',
    'constructor[prototype][admin]',
    'prototype',
    'email[]',
    'password[0]',
    'a[b][c]',
    '',
    '_csrf',
    'before',
    'format',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
)

const fieldValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.emailAddress(),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '%',
    '%%',
    '%zz',
    '\ud800',
    "' OR 1=1 --",
    '1;DROP TABLE users',
    '<script>alert(1)</script>',
    'a'.repeat(5000),
    'E09000003',
    'csv',
    'json',
    'analyst',
    'admin',
    '-1',
    '9007199254740993',
    '1e309',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `/${s}`),
)

const formFields = fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 8 })

const randomIp = fc
  .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
  .map(([a, b, c]) => `10.${String(a)}.${String(b)}.${String(c)}`)

function encode(fields: [string, string][]): string {
  const body = new URLSearchParams()
  for (const [k, v] of fields) body.append(k, v)
  return body.toString()
}

/** A refusal must be a page or JSON that says what is wrong, never an empty or raw error. */
function clearRefusal(res: LightMyRequestResponse): boolean {
  if (res.statusCode < 400) return true
  const type = String(res.headers['content-type'] ?? '')
  if (type.startsWith('application/json')) {
    const payload = JSON.parse(res.body) as { message?: unknown }
    return typeof payload.message === 'string' && payload.message.length > 10
  }
  return (
    type.startsWith('text/html') &&
    (res.body.includes('govuk-error-summary') ||
      /<h1 class="govuk-heading-l">[^<]{5,}<\/h1>\s*<p class="govuk-body">[^<]{10,}/.test(res.body))
  )
}

describe('random input', () => {
  it('ASVS 15.3.3, 16.5.1: random forms posted to /sign-in never cause a server error, and refusals say why', async () => {
    const { client, csrf } = await clientWith(ctx.app)
    const signInForm = fc.record({
      email: fc.oneof(fc.emailAddress(), fieldValue),
      password: fieldValue,
    })
    const extras = fc.oneof(fc.constant([] as [string, string][]), formFields)
    await fc.assert(
      fc.asyncProperty(signInForm, extras, randomIp, async (base, fields, ip) => {
        const res = await client.request({
          method: 'POST',
          url: '/sign-in',
          payload: encode([['_csrf', csrf], ...Object.entries(base), ...fields]),
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        })
        expect(res.statusCode).toBeLessThan(500)
        expect(res.statusCode).not.toBe(200)
        expect(clearRefusal(res)).toBe(true)
      }),
      { numRuns: runs(60) },
    )
  })

  it('ASVS 15.3.3, 16.5.1: malformed raw bodies (bad percent-encoding, control characters) never cause a server error', async () => {
    const { client, csrf } = await clientWith(ctx.app)
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data'),
        randomIp,
        async (raw, type, ip) => {
          const res = await client.request({
            method: 'POST',
            url: '/sign-in',
            payload: `_csrf=${encodeURIComponent(csrf)}&${raw}`,
            headers: { 'content-type': type, 'x-forwarded-for': ip },
          })
          expect(res.statusCode).toBeLessThan(500)
          expect(clearRefusal(res)).toBe(true)
        },
      ),
      { numRuns: runs(80) },
    )
  })

  it('ASVS 15.3.3, 16.5.1: random forms posted to /admin/invitations by an administrator never cause a server error', async () => {
    const { client, csrf } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const organisationId = admin.scope.tenantId
    const valid = fc.record({
      email: fc.oneof(fc.emailAddress(), fieldValue),
      displayName: fieldValue,
      role: fc.oneof(fc.constantFrom('analyst', 'admin', 'panel_member'), fieldValue),
      organisationId: fc.oneof(fc.constant(organisationId), fieldValue),
    })
    await fc.assert(
      fc.asyncProperty(valid, formFields, async (base, extra) => {
        const fields: [string, string][] = [['_csrf', csrf], ...Object.entries(base), ...extra]
        const res = await client.request({
          method: 'POST',
          url: '/admin/invitations',
          payload: encode(fields),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
        expect(res.statusCode).toBeLessThan(500)
        expect(clearRefusal(res)).toBe(true)
      }),
      { numRuns: runs(80) },
    )
  })

  it('ASVS 1.2.4, 16.5.1: random query strings on /audit never cause a server error, and are answered with the page or a clear 400', async () => {
    const { client } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const query = fc.oneof(
      formFields.map((fields) => encode(fields)),
      fc.string({ maxLength: 100 }),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => encodeURIComponent(s)),
    )
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await client.request({ method: 'GET', url: `/audit?${q}` })
        expect(res.statusCode).toBeLessThan(500)
        expect([200, 400, 404]).toContain(res.statusCode)
        expect(clearRefusal(res)).toBe(true)
      }),
      { numRuns: runs(150) },
    )
  })

  it('ASVS 3.7.2, 16.5.1: whatever page to return to is given at sign-in, the redirect stays on the site and is never a server error', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const { client, csrf } = await clientWith(ctx.app)
    const next = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            '/',
            '//',
            '/\\',
            '/\t/',
            '/\n/',
            '\\',
            '/\u3000',
            'https:',
            '/%2f%2f',
            '/\r/',
            '/./',
            '/../',
          ),
          fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.domain()),
        )
        .map(([prefix, rest]) => `${prefix}${rest}`),
      fc.webUrl(),
      fieldValue,
    )
    await fc.assert(
      fc.asyncProperty(next, randomIp, async (target, ip) => {
        client.cookies.delete('__Host-wtc-session')
        const res = await client.request({
          method: 'POST',
          url: '/sign-in',
          payload: encode([
            ['_csrf', csrf],
            ['email', user.email],
            ['password', TEST_PASSWORD],
            ['next', target],
          ]),
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        })
        expect(res.statusCode).toBeLessThan(500)
        if (res.statusCode === 303) {
          expect(new URL(res.headers.location ?? '', 'https://wtc.test').origin).toBe('https://wtc.test')
        } else {
          expect(clearRefusal(res)).toBe(true)
        }
      }),
      { numRuns: runs(60) },
    )
  })

  it('ASVS 16.5.1: random query strings on every GET route (from the route table) never cause a server error', async () => {
    const ids = await recordsIn(ctx.app, admin.scope)
    const token = await invitationToken(ctx.app, admin.scope)
    const urls = routesOf(ctx.app)
      .filter((r) => r.method === 'GET')
      .map((r) => fillUrl(r, ids, token))
    expect(urls.length).toBeGreaterThan(15)
    const { client } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const query = fc.oneof(
      formFields.map((fields) => encode(fields)),
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 30 }).map((s) => encodeURIComponent(s)),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...urls.filter((u) => u !== '/exit')), query, async (url, q) => {
        const res = await client.request({ method: 'GET', url: `${url}?${q}` })
        expect(res.statusCode).toBeLessThan(500)
        expect(clearRefusal(res)).toBe(true)
      }),
      { numRuns: runs(150) },
    )
  })

  it('control: the refusal check rejects an empty error response', () => {
    const empty = {
      statusCode: 400,
      headers: { 'content-type': 'text/html' },
      body: '',
    } as unknown as LightMyRequestResponse
    expect(clearRefusal(empty)).toBe(false)
  })
})

/**
 * Input handling: unexpected fields and prototype pollution are refused (ASVS 15.3.3, 15.3.6);
 * free text is output-encoded wherever it is shown (ASVS 1.2.1); injection strings in inputs and
 * query strings are treated as data (ASVS 1.2.4).
 */
import { eq, sql } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { invitations, memberships, organisations, users } from '../../src/db/schema/index.js'
import { queryRows } from '../../src/platform/db/index.js'
import { makeCouncil } from '../support/factories.js'
import type { TenantScope } from '../../src/platform/tenancy.js'
import { createTestContext, type TestContext } from '../support/app.js'
import { TEST_PASSWORD, type TestUser } from '../support/factories.js'
import { clientWith, COUNCIL_B, invitationToken, mintSession, SecurityClient, tableDigests } from './route-matrix.js'

const SCRIPT = '<script>alert(1)</script>'
const IMG = '"><img src=x onerror=alert(1)>'
const TEMPLATE = '{{ 7*7 }}'
const SCRIPT_ENCODED = '&lt;script&gt;alert(1)&lt;/script&gt;'
const IMG_ENCODED = '&lt;img src=x onerror=alert(1)&gt;'

let ctx: TestContext
let admin: TestUser
let scopeB: TenantScope

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.user({ roles: ['admin', 'commissioner'], totp: true })
  scopeB = await makeCouncil(ctx.app.db, COUNCIL_B)
})
afterAll(async () => {
  await ctx.close()
})

/** A signed-in admin and commissioner client with its CSRF token. */
const staff = async (): Promise<{ client: SecurityClient; csrf: string }> =>
  clientWith(ctx.app, await mintSession(ctx.app, admin))

const watched = [
  'users',
  'memberships',
  'invitations',
  'organisations',
  'partnerships',
  'partnership_members',
  'sessions',
  'assessment_rounds',
  'assessment_returns',
  'assessment_ratings',
  'assessment_evidence',
  'assessment_panel',
  'assessment_observations',
  'actions',
  'action_updates',
  'framework_versions',
] as const

describe('mass assignment and prototype pollution', () => {
  it('ASVS 15.3.3: an invitation form with an extra tenantId (another council) is refused with 400 and creates nothing', async () => {
    const { client, csrf } = await staff()
    const before = await tableDigests(ctx.app, ['invitations'])
    const form = {
      _csrf: csrf,
      email: 'extra-field@barnet.example',
      displayName: 'Extra',
      role: 'analyst',
      organisationId: admin.scope.tenantId,
    }
    const res = await client.postForm('/admin/invitations', { ...form, tenantId: scopeB.tenantId })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('tenantId')
    expect(await tableDigests(ctx.app, ['invitations'])).toEqual(before)
    // Control: the same form without the extra field is accepted.
    const ok = await client.postForm('/admin/invitations', form)
    expect(ok.statusCode).toBe(200)
    const made = await ctx.app.db.select().from(invitations).where(eq(invitations.email, 'extra-field@barnet.example'))
    expect(made.map((i) => i.tenantId)).toEqual([admin.scope.tenantId])
  })

  it('ASVS 15.3.3: extra fields (tenantId, role, isDemo, createdByTenant) on other forms are refused and change nothing', async () => {
    const { client, csrf } = await staff()
    const target = await ctx.user({ roles: ['analyst'] })
    const token = await invitationToken(ctx.app, admin.scope)
    const before = await tableDigests(
      ctx.app,
      watched.filter((t) => t !== 'sessions'),
    )
    const attempts: [string, Record<string, string>][] = [
      [
        `/admin/users/${target.id}/roles`,
        { roles: 'admin', organisationId: admin.scope.tenantId, tenantId: scopeB.tenantId },
      ],
      [`/admin/users/${target.id}/disable`, { role: 'admin' }],
      ['/admin/organisations', { kind: 'provider', name: 'Extra Org', tenantId: scopeB.tenantId }],
      ['/partnerships', { name: 'Extra Partnership', createdByTenant: scopeB.tenantId }],
      [
        `/invitations/${token}`,
        {
          displayName: 'Extra',
          password: 'quiet heron marsh lamp',
          confirmPassword: 'quiet heron marsh lamp',
          role: 'admin',
        },
      ],
      [
        `/invitations/${token}`,
        {
          displayName: 'Extra',
          password: 'quiet heron marsh lamp',
          confirmPassword: 'quiet heron marsh lamp',
          isDemo: 'true',
        },
      ],
    ]
    const wrong: string[] = []
    for (const [url, form] of attempts) {
      const res = await client.postForm(url, { _csrf: csrf, ...form })
      if (res.statusCode !== 400) wrong.push(`${url} ${Object.keys(form).join(',')}: ${String(res.statusCode)}`)
    }
    expect(wrong).toEqual([])
    expect(
      await tableDigests(
        ctx.app,
        watched.filter((t) => t !== 'sessions'),
      ),
    ).toEqual(before)
  })

  it('ASVS 15.3.3: sign-in with an extra role field is refused and starts no session', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const client = new SecurityClient(ctx.app)
    const res = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD, role: 'admin' })
    expect(res.statusCode).toBe(400)
    expect(client.cookies.has('__Host-wtc-session')).toBe(false)
  })

  it('ASVS 15.3.6: __proto__ and constructor.prototype fields in a form are refused and pollute nothing', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const wrong: string[] = []
    const sessionsBefore = await tableDigests(ctx.app, ['sessions'])
    for (const [key, value] of [
      ['__proto__', 'x'],
      ['__proto__[isAdmin]', 'true'],
      ['constructor[prototype][isAdmin]', 'true'],
      ['constructor', 'x'],
      ['prototype', 'x'],
    ] as const) {
      const client = new SecurityClient(ctx.app)
      const csrf = await client.csrfToken()
      const body = `${new URLSearchParams({ _csrf: csrf, email: user.email, password: TEST_PASSWORD }).toString()}&${encodeURIComponent(key)}=${value}`
      const res = await client.request({
        method: 'POST',
        url: '/sign-in',
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      if (res.statusCode !== 400) wrong.push(`${key}: ${String(res.statusCode)}`)
    }
    expect(wrong).toEqual([])
    expect(await tableDigests(ctx.app, ['sessions'])).toEqual(sessionsBefore)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('ASVS 15.3.6: a JSON body carrying __proto__ is refused and pollutes nothing', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const client = new SecurityClient(ctx.app)
    const csrf = await client.csrfToken()
    const res = await client.request({
      method: 'POST',
      url: '/sign-in',
      payload: `{"email":${JSON.stringify(user.email)},"password":${JSON.stringify(TEST_PASSWORD)},"__proto__":{"isAdmin":true}}`,
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    })
    expect(res.statusCode).toBe(400)
    expect(client.cookies.has('__Host-wtc-session')).toBe(false)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })
})

describe('output encoding', () => {
  /** The payload must never appear raw, and must appear encoded (so the page did show it). */
  const inert = (label: string, res: LightMyRequestResponse, mustShow = true): string[] => {
    const problems: string[] = []
    if (res.body.includes(SCRIPT) || /<script>alert/i.test(res.body)) problems.push(`${label}: raw <script>`)
    if (res.body.includes('<img src=x onerror')) problems.push(`${label}: raw <img onerror>`)
    if (res.body.includes('49') && !res.body.includes(TEMPLATE) && mustShow)
      problems.push(`${label}: template evaluated`)
    if (mustShow && !res.body.includes(SCRIPT_ENCODED))
      problems.push(`${label}: the encoded <script> text is not shown`)
    if (mustShow && !res.body.includes(IMG_ENCODED)) problems.push(`${label}: the encoded <img> text is not shown`)
    return problems
  }
  const payload = `${SCRIPT} ${IMG} ${TEMPLATE}`

  it('ASVS 1.2.1: an organisation name with script and markup is shown as text on every page that lists it', async () => {
    const { client, csrf } = await staff()
    const made = await client.postForm('/admin/organisations', {
      _csrf: csrf,
      kind: 'provider',
      name: `Org ${payload}`,
    })
    expect(made.statusCode).toBe(303)
    const someone = await ctx.user({ roles: ['analyst'] })
    const pages: [string, LightMyRequestResponse][] = [
      ['organisations', await client.get('/admin/organisations')],
      ['new invitation', await client.get('/admin/invitations/new')],
      ['person', await client.get(`/admin/users/${someone.id}`)],
    ]
    expect(pages.flatMap(([label, res]) => inert(label, res))).toEqual([])
    expect(pages.map(([, r]) => r.statusCode)).toEqual([200, 200, 200])
  })

  it('ASVS 1.2.1: a partnership name with script and markup is shown as text', async () => {
    const { client, csrf } = await staff()
    const made = await client.postForm('/partnerships', { _csrf: csrf, name: `Board ${payload}` })
    expect(made.statusCode).toBe(303)
    const show = String(made.headers.location)
    const pages: [string, LightMyRequestResponse][] = [
      ['partnerships', await client.get('/partnerships')],
      ['partnership', await client.get(show)],
    ]
    expect(pages.flatMap(([label, res]) => inert(label, res))).toEqual([])
  })

  it('ASVS 1.2.1: an invitation display name, and the name a person gives on accepting, are shown as text', async () => {
    const { client, csrf } = await staff()
    const created = await client.postForm('/admin/invitations', {
      _csrf: csrf,
      email: 'xss-invitee@barnet.example',
      displayName: `Invitee ${payload}`,
      role: 'panel_member',
      organisationId: admin.scope.tenantId,
    })
    expect(created.statusCode).toBe(200)
    const link = /\/invitations\/([A-Za-z0-9_-]{20,})/.exec(created.body)?.[1]
    expect(link).toBeDefined()
    const invitation = (
      await ctx.app.db.select().from(invitations).where(eq(invitations.email, 'xss-invitee@barnet.example'))
    )[0]!
    const invitee = new SecurityClient(ctx.app)
    const pages: [string, LightMyRequestResponse][] = [
      ['invitation created', created],
      ['people', await client.get('/admin/users')],
      ['invitation', await client.get(`/admin/invitations/${invitation.id}`)],
      ['accept page', await invitee.get(`/invitations/${link ?? ''}`)],
    ]
    expect(pages.flatMap(([label, res]) => inert(label, res))).toEqual([])

    const accepted = await invitee.post(`/invitations/${link ?? ''}`, {
      displayName: `Person ${payload}`,
      password: 'amber kites over the harbour',
      confirmPassword: 'amber kites over the harbour',
    })
    expect(accepted.statusCode).toBe(303)
    const person = (await ctx.app.db.select().from(users).where(eq(users.email, 'xss-invitee@barnet.example')))[0]!
    const after: [string, LightMyRequestResponse][] = [
      ['their own home page', await invitee.get('/home')],
      ['people', await client.get('/admin/users')],
      ['person', await client.get(`/admin/users/${person.id}`)],
    ]
    expect(after.flatMap(([label, res]) => inert(label, res))).toEqual([])
  })

  it('ASVS 1.2.1: values echoed back from forms, query strings and paths are encoded', async () => {
    const anon = new SecurityClient(ctx.app)
    const echoedEmail = await anon.post('/sign-in', { email: `${IMG}${SCRIPT}`, password: 'whatever it is' })
    expect(echoedEmail.statusCode).toBe(400)
    const problems = inert('sign-in email', echoedEmail, false)
    expect(echoedEmail.body).toContain('&quot;&gt;&lt;img')
    const next = await anon.get(`/sign-in?next=${encodeURIComponent(`/home${IMG}${SCRIPT}`)}`)
    problems.push(...inert('sign-in next', next, false))
    const { client } = await staff()
    const missing = await client.get(`/no-such-page/${encodeURIComponent(`${IMG}${SCRIPT}`)}`)
    expect(missing.statusCode).toBe(404)
    problems.push(...inert('404 path', missing, false))
    expect(problems).toEqual([])
  })
})

describe('injection', () => {
  const counts = async () => ({
    users: (await ctx.app.db.select({ id: users.id }).from(users)).length,
    organisations: (await ctx.app.db.select({ id: organisations.id }).from(organisations)).length,
    memberships: (await ctx.app.db.select({ id: memberships.id }).from(memberships)).length,
  })

  it('ASVS 1.2.4: SQL in the audit query string is refused with 400 and the tables are intact', async () => {
    const { client } = await staff()
    const before = await counts()
    for (const q of [
      'before=1;DROP TABLE users',
      'before=1 OR 1=1',
      "before=1'--",
      'format=csv;DELETE FROM users',
      'before=1) UNION SELECT password_hash FROM users--',
    ]) {
      const res = await client.get(`/audit?${q.replace(/ /g, '%20')}`)
      expect(res.statusCode, q).toBe(400)
      expect(res.body).not.toContain('$argon2')
    }
    expect(await counts()).toEqual(before)
    const tables = await queryRows<{ n: string }>(
      ctx.app.db,
      sql`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'users'`,
    )
    expect(tables[0]?.n).toBe('1')
  })

  it("ASVS 1.2.4: an email of ' OR 1=1 -- signs nobody in and changes nothing", async () => {
    await ctx.user({ roles: ['panel_member'] })
    const before = await counts()
    for (const email of ["' OR 1=1 --", "admin@barnet.example' OR '1'='1", "x'; DROP TABLE users; --"]) {
      const client = new SecurityClient(ctx.app)
      const res = await client.post('/sign-in', { email, password: "' OR '1'='1" })
      expect(res.statusCode, email).toBe(400)
      expect(client.cookies.has('__Host-wtc-session')).toBe(false)
    }
    expect(await counts()).toEqual(before)
  })

  it('ASVS 1.2.4: SQL in free text is stored and shown literally, and in a council code it is refused', async () => {
    const { client, csrf } = await staff()
    const name = "Robert'); DROP TABLE partnerships; --"
    const made = await client.postForm('/partnerships', { _csrf: csrf, name })
    expect(made.statusCode).toBe(303)
    const page = await client.get(String(made.headers.location))
    expect(page.body).toContain('Robert&#39;); DROP TABLE partnerships; --')
    const invite = await client.postForm(`${String(made.headers.location)}/invite`, {
      _csrf: csrf,
      councilCode: "E09000003' OR '1'='1",
    })
    expect(invite.statusCode).toBe(400)
    expect((await client.get('/partnerships')).statusCode).toBe(200)
  })
})

describe('characters the database cannot store', () => {
  it('ASVS 2.2.1, 16.5.3: a NUL character in a form field or query value is refused with 400, not a server error', async () => {
    const { client, csrf } = await staff()
    const token = await invitationToken(ctx.app, admin.scope)
    const anon = new SecurityClient(ctx.app)
    const responses: [string, LightMyRequestResponse][] = [
      ['sign-in email', await anon.post('/sign-in', { email: '\u0000', password: 'a@a.aa' })],
      [
        'sign-in password',
        await anon.post('/sign-in', { email: 'someone@barnet.example', password: 'pass\u0000word' }),
      ],
      [
        'organisation name',
        await client.postForm('/admin/organisations', { _csrf: csrf, kind: 'provider', name: 'a\u0000b' }),
      ],
      ['partnership name', await client.postForm('/partnerships', { _csrf: csrf, name: 'a\u0000b' })],
      [
        'invitation name',
        await anon.post(`/invitations/${token}`, {
          displayName: 'a\u0000b',
          password: 'quiet heron marsh lamp',
          confirmPassword: 'quiet heron marsh lamp',
        }),
      ],
      ['audit query', await client.get('/audit?before=%00')],
    ]
    expect(responses.map(([label, res]) => `${label}: ${String(res.statusCode)}`)).toEqual(
      responses.map(([label]) => `${label}: 400`),
    )
  })
})

describe('redirects', () => {
  const offSite = [
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\\/evil.example',
    'https://evil.example/home',
    '/\u3000/evil.example',
    '/home\u00e9',
    // Dot segments collapse to "//evil.example" once resolved (found by the property test below).
    '/..//evil.example',
    '/a/..//evil.example/p',
    '/.//evil.example',
  ]
  /** Where a browser would go: the Location resolved the way the WHATWG URL parser (and browsers) do. */
  const destination = (res: LightMyRequestResponse): string =>
    new URL(res.headers.location ?? '', 'https://wtc.test').origin

  it('ASVS 3.7.2: the page to return to after sign-in never leads off the site, however it is written', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const wrong: string[] = []
    for (const next of offSite) {
      const res = await new SecurityClient(ctx.app).post('/sign-in', {
        email: user.email,
        password: TEST_PASSWORD,
        next,
      })
      if (res.statusCode !== 303 || destination(res) !== 'https://wtc.test') {
        wrong.push(`${JSON.stringify(next)}: ${String(res.statusCode)} ${JSON.stringify(res.headers.location)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('ASVS 3.7.2: the page to return to after extending a session never leads off the site', async () => {
    const { client, csrf } = await staff()
    const wrong: string[] = []
    for (const returnTo of offSite) {
      const res = await client.postForm('/session/extend', { _csrf: csrf, returnTo })
      if (res.statusCode !== 303 || destination(res) !== 'https://wtc.test') {
        wrong.push(`${JSON.stringify(returnTo)}: ${String(res.statusCode)} ${JSON.stringify(res.headers.location)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('ASVS 3.7.2: control: a path on the site, with its query string, is still followed', async () => {
    const user = await ctx.user({ roles: ['panel_member'] })
    const res = await new SecurityClient(ctx.app).post('/sign-in', {
      email: user.email,
      password: TEST_PASSWORD,
      next: '/audit?before=10',
    })
    expect(res.headers.location).toBe('/audit?before=10')
  })
})

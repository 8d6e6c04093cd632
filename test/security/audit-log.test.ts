/**
 * The audit trail and the logs (ASVS 16.2.5, 16.3.1, 16.3.2, 16.4.2): security events are
 * audited, audit rows cannot be changed or removed, tampering that gets past the database is
 * caught by the hash chain, and logs hold no passwords, codes, tokens or session ids.
 */
import { desc, eq, gt, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { auditEvents } from '../../src/db/schema/index.js'
import { verifyAuditChain } from '../../src/platform/audit.js'
import { createTestContext, testConfig, type TestContext } from '../support/app.js'
import { TEST_PASSWORD, type TestUser, totpCode } from '../support/factories.js'
import { clientWith, invitationToken, maxAuditId, mintSession, SecurityClient } from './route-matrix.js'

let ctx: TestContext
let admin: TestUser

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.user({ roles: ['admin', 'commissioner'], totp: true })
})
afterAll(async () => {
  await ctx.close()
})

const rowsSince = async (id: number) =>
  ctx.app.db.select().from(auditEvents).where(gt(auditEvents.id, id)).orderBy(auditEvents.id)

describe('audit of security events', () => {
  it('ASVS 16.3.1: a successful sign-in is audited with who, which council and how', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const from = await maxAuditId(ctx.app)
    await new SecurityClient(ctx.app).signIn(user)
    const success = (await rowsSince(from)).filter((r) => r.action === 'sign-in.success')
    expect(success).toHaveLength(1)
    expect(success[0]!.actorUserId).toBe(user.id)
    expect(success[0]!.tenantId).toBe(user.scope.tenantId)
    expect(JSON.stringify(success[0]!.details)).not.toContain(TEST_PASSWORD)
  })

  it('ASVS 16.3.1: a failed sign-in, for a known and an unknown email, is audited without the password tried', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const from = await maxAuditId(ctx.app)
    const client = new SecurityClient(ctx.app)
    await client.post('/sign-in', { email: user.email, password: 'a wrong password 1' })
    await client.post('/sign-in', { email: 'unknown-person@barnet.example', password: 'a wrong password 2' })
    const failures = (await rowsSince(from)).filter((r) => r.action === 'sign-in.failure')
    expect(failures).toHaveLength(2)
    expect(failures[0]!.actorUserId).toBe(user.id)
    expect(failures[0]!.details.reason).toBe('wrong-password')
    expect(failures[1]!.details.reason).toBe('unknown-account')
    expect(JSON.stringify(failures)).not.toContain('a wrong password')
  })

  it('ASVS 16.3.1: a failed second factor is audited without the code tried', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const from = await maxAuditId(ctx.app)
    const client = new SecurityClient(ctx.app)
    await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const code = totpCode(user.totpSecret!, Math.floor(Date.now() / 1000) - 600)
    const res = await client.post('/sign-in/second-factor', { code })
    expect(res.statusCode).toBe(400)
    const failures = (await rowsSince(from)).filter((r) => r.action === 'sign-in.second-factor.failure')
    expect(failures).toHaveLength(1)
    expect(failures[0]!.actorUserId).toBe(user.id)
    expect(JSON.stringify(failures[0]!.details)).not.toContain(code)
  })

  it('ASVS 16.3.1: a role change is audited with the old and new roles and who made it', async () => {
    const target = await ctx.user({ roles: ['analyst'] })
    const { client, csrf } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const from = await maxAuditId(ctx.app)
    const res = await client.postForm(`/admin/users/${target.id}/roles`, {
      _csrf: csrf,
      roles: ['analyst', 'commissioner'],
      organisationId: admin.scope.tenantId,
    })
    expect(res.statusCode).toBe(303)
    const change = (await rowsSince(from)).filter((r) => r.action === 'user.roles.change')
    expect(change).toHaveLength(1)
    expect(change[0]!.actorUserId).toBe(admin.id)
    expect(change[0]!.subjectId).toBe(target.id)
    expect(change[0]!.details.from).toEqual(['analyst'])
    expect(change[0]!.details.to).toEqual(['analyst', 'commissioner'])
  })

  it('ASVS 16.3.1: downloading the audit trail as CSV or JSON is itself audited', async () => {
    const { client } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const from = await maxAuditId(ctx.app)
    expect((await client.get('/audit?format=csv')).statusCode).toBe(200)
    expect((await client.get('/audit?format=json')).statusCode).toBe(200)
    const exports = (await rowsSince(from)).filter((r) => r.action === 'audit.export')
    expect(exports.map((r) => r.details.format)).toEqual(['csv', 'json'])
    expect(exports.every((r) => r.actorUserId === admin.id && r.tenantId === admin.scope.tenantId)).toBe(true)
  })
})

describe('audit rows cannot be changed', () => {
  it('ASVS 16.4.2: UPDATE, DELETE and TRUNCATE on audit_events are refused by the database', async () => {
    const latest = (await ctx.app.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]!
    /** The database's own message (drizzle wraps it as the cause). */
    const refusal = async (statement: ReturnType<typeof sql>): Promise<string> => {
      try {
        await ctx.app.db.execute(statement)
        return 'accepted'
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause
        return cause instanceof Error ? cause.message : String(err)
      }
    }
    expect(await refusal(sql`UPDATE audit_events SET action = 'nothing happened' WHERE id = ${latest.id}`)).toMatch(
      /append-only/,
    )
    expect(await refusal(sql`DELETE FROM audit_events WHERE id = ${latest.id}`)).toMatch(/append-only/)
    expect(await refusal(sql`TRUNCATE audit_events`)).toMatch(/append-only/)
    const again = (await ctx.app.db.select().from(auditEvents).where(eq(auditEvents.id, latest.id)))[0]
    expect(again).toEqual(latest)
    expect(await verifyAuditChain(ctx.app.db)).toMatchObject({ ok: true })
  })

  /** What a database administrator could do: switch the trigger off, edit, switch it on again. */
  const tamper = async (statement: ReturnType<typeof sql>) =>
    ctx.app.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`)
      await tx.execute(statement)
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`)
    })

  it('ASVS 16.4.2: an edited row is found by the chain check, which names that row; so is a removed one', async () => {
    const before = await verifyAuditChain(ctx.app.db)
    expect(before.ok).toBe(true)
    const rows = await ctx.app.db.select().from(auditEvents).orderBy(auditEvents.id)
    expect(rows.length).toBeGreaterThan(6)
    const edited = rows[3]!
    await tamper(sql`UPDATE audit_events SET details = '{"note":"nothing to see"}'::jsonb WHERE id = ${edited.id}`)
    expect(await verifyAuditChain(ctx.app.db)).toMatchObject({ ok: false, brokenId: edited.id })

    // Put it back exactly, then remove a later row: the row after the gap is named.
    await tamper(
      sql`UPDATE audit_events SET details = ${JSON.stringify(edited.details)}::jsonb WHERE id = ${edited.id}`,
    )
    expect(await verifyAuditChain(ctx.app.db)).toMatchObject({ ok: true })
    const removed = rows[5]!
    await tamper(sql`DELETE FROM audit_events WHERE id = ${removed.id}`)
    expect(await verifyAuditChain(ctx.app.db)).toMatchObject({ ok: false, brokenId: rows[6]!.id })
  })

  it('ASVS 16.4.2: the check run from the audit page reports the tampering and the row', async () => {
    const result = await verifyAuditChain(ctx.app.db)
    expect(result.ok).toBe(false)
    const brokenId = result.ok ? 0 : result.brokenId
    const { client, csrf } = await clientWith(ctx.app, await mintSession(ctx.app, admin))
    const res = await client.postForm('/audit/verify', { _csrf: csrf })
    expect(res.statusCode).toBe(303)
    await ctx.app.jobs.idle()
    const page = await client.get(String(res.headers.location))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`entry ${String(brokenId)}`)
  })
})

describe('logs', () => {
  let logged: string[]
  let app: FastifyInstance

  beforeAll(async () => {
    logged = []
    // A second app on the same database, logging at the most detailed level as outside tests.
    const config = testConfig({ NODE_ENV: 'development', LOG_LEVEL: 'trace' })
    app = await buildApp({
      config,
      database: ctx.database,
      logStream: { write: (line: string) => logged.push(line) },
      extraRoutes: (a) => {
        a.post('/test/fail-with-body', { config: { access: { public: true } } }, () => {
          throw new Error('failed while handling a form')
        })
      },
    })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
  })

  it('ASVS 16.2.5: logs hold no password, second-factor code, session id, CSRF token or invitation token', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const wrongPassword = 'Distinctive-Wrong-Password-4471'
    const client = new SecurityClient(app)
    const csrf = await client.csrfToken()
    await client.post('/sign-in', { email: user.email, password: wrongPassword })
    await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const code = totpCode(user.totpSecret!)
    const signedIn = await client.post('/sign-in/second-factor', { code })
    expect(signedIn.statusCode).toBe(303)
    const session = client.cookies.get('__Host-wtc-session')!
    expect((await client.get('/home')).statusCode).toBe(200)
    const token = await invitationToken(app, user.scope)
    await client.get(`/invitations/${token}`)
    await client.get(`/sign-in?code=${code}&token=${token}`)
    await client.postForm('/test/fail-with-body', { _csrf: csrf, password: wrongPassword, code })
    await client.postForm('/sign-out', { _csrf: csrf })

    const text = logged.join('')
    // Control: the capture works and saw these requests.
    expect(logged.length).toBeGreaterThan(10)
    expect(text).toContain('/sign-in/second-factor')
    // The invitation routes are logged as their pattern (logUrlAs: 'route'), never with the token.
    expect(text).toContain('/invitations/:token')
    expect(text).toContain('failed while handling a form')

    const secrets: [string, string][] = [
      ['the right password', TEST_PASSWORD],
      ['a wrong password', wrongPassword],
      ['the session id', session],
      ['the CSRF token', csrf],
      ['the invitation token', token],
      ['the TOTP secret', user.totpSecret!],
    ]
    expect(secrets.filter(([, value]) => text.includes(value)).map(([name]) => name)).toEqual([])
    expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text), 'the TOTP code').toBe(false)
  })

  it('ASVS 16.3.2: a refused (403) request is logged with its address and status', async () => {
    const analyst = await ctx.user({ roles: ['analyst'], totp: true })
    const { client } = await clientWith(app, await mintSession(app, analyst))
    const res = await client.get('/admin/users')
    expect(res.statusCode).toBe(403)
    const lines = logged.map(
      (l) => JSON.parse(l) as { reqId?: string; res?: { statusCode?: number }; req?: { url?: string } },
    )
    const requestId = String(res.headers['x-request-id'])
    const mine = lines.filter((l) => l.reqId === requestId)
    expect(mine.some((l) => l.req?.url === '/admin/users')).toBe(true)
    expect(mine.some((l) => l.res?.statusCode === 403)).toBe(true)
  })
})

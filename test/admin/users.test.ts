import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEvents, memberships, organisations } from '../../src/db/schema/index.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'
import type { TestUser } from '../support/factories.js'

describe('administering people and roles', () => {
  let ctx: TestContext
  let admin: TestUser
  let adminClient: TestClient
  beforeAll(async () => {
    ctx = await createTestContext()
    admin = await ctx.user({ roles: ['admin'], totp: true })
    adminClient = await ctx.signedIn(admin)
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('lists the council’s people, not another council’s', async () => {
    const mine = await ctx.user({ roles: ['analyst'], email: 'mine@barnet.example' })
    await ctx.user({ roles: ['analyst'], council: 'E08000025', email: 'theirs@birmingham.example' })
    const page = await adminClient.get('/admin/users')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(mine.email)
    expect(page.body).not.toContain('theirs@birmingham.example')
  })

  it('changing roles takes effect, is audited and signs the person out', async () => {
    const person = await ctx.user({ roles: ['analyst'], totp: true })
    const personClient = await ctx.signedIn(person)
    expect((await personClient.get('/home')).statusCode).toBe(200)
    const res = await adminClient.post(`/admin/users/${person.id}/roles`, {
      roles: ['analyst', 'commissioner'],
      organisationId: person.scope.tenantId,
    })
    expect(res.statusCode).toBe(303)
    const roles = await ctx.database.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, person.id))
    expect(roles.map((r) => r.role).sort()).toEqual(['analyst', 'commissioner'])
    expect((await personClient.get('/home')).headers.location).toMatch(/^\/sign-in/)
    const audit = await ctx.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.roles.change'), eq(auditEvents.subjectId, person.id)))
    expect(audit[0]?.details).toMatchObject({ from: ['analyst'], to: ['analyst', 'commissioner'] })
  })

  it('an administrator cannot remove their own administrator role', async () => {
    const res = await adminClient.post(`/admin/users/${admin.id}/roles`, {
      roles: ['analyst'],
      organisationId: admin.scope.tenantId,
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('You cannot remove your own administrator role')
  })

  it('disabling an account ends its sessions and stops sign-in; enabling restores it', async () => {
    const person = await ctx.user({ roles: ['commissioner'], totp: true })
    const personClient = await ctx.signedIn(person)
    expect((await adminClient.post(`/admin/users/${person.id}/disable`)).statusCode).toBe(303)
    expect((await personClient.get('/home')).statusCode).toBe(303)
    const again = await ctx.client().post('/sign-in', { email: person.email, password: 'correct horse battery staple' })
    expect(again.statusCode).toBe(400)
    expect((await adminClient.post(`/admin/users/${person.id}/enable`)).statusCode).toBe(303)
    expect((await (await ctx.signedIn(person)).get('/home')).statusCode).toBe(200)
  })

  it('resetting the second factor sends the person back to enrolment', async () => {
    const person = await ctx.user({ roles: ['commissioner'], totp: true })
    expect((await adminClient.post(`/admin/users/${person.id}/reset-second-factor`)).statusCode).toBe(303)
    const c = ctx.client()
    const res = await c.post('/sign-in', { email: person.email, password: 'correct horse battery staple' })
    expect(res.headers.location).toBe('/account/second-factor/set-up')
  })

  it('an invitation can be withdrawn, after which its link does not work', async () => {
    const created = await adminClient.post('/admin/invitations', {
      displayName: 'Withdrawn Person',
      email: 'withdrawn@barnet.example',
      role: 'provider',
      organisationId: admin.scope.tenantId,
    })
    const link = new URL(/id="invitation-link">([^<]+)</.exec(created.body)![1]!).pathname
    const list = await adminClient.get('/admin/users')
    const id = /href="\/admin\/invitations\/([0-9a-f-]{36})">Withdrawn Person/.exec(list.body)?.[1]
    expect(id).toBeDefined()
    expect((await adminClient.post(`/admin/invitations/${id!}/revoke`)).statusCode).toBe(303)
    expect((await ctx.client().get(link)).statusCode).toBe(404)
    expect((await adminClient.get(`/admin/invitations/${id!}`)).body).toContain('Withdrawn')
  })

  it('an invitation form with problems names each field', async () => {
    const res = await adminClient.post('/admin/invitations', {
      displayName: '',
      email: 'not-an-email',
      role: 'wizard',
      organisationId: '',
    })
    expect(res.statusCode).toBe(400)
    for (const field of ['#displayName', '#email', '#role', '#organisationId'])
      expect(res.body).toContain(`href="${field}"`)
  })

  it('adds a provider organisation that people can then belong to', async () => {
    expect(
      (await adminClient.post('/admin/organisations', { kind: 'provider', name: 'Women’s Recovery Project' }))
        .statusCode,
    ).toBe(303)
    const rows = await ctx.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.tenantId, admin.scope.tenantId))
    expect(rows.map((r) => r.name)).toContain('Women’s Recovery Project')
    expect((await adminClient.get('/admin/invitations/new')).body).toContain('Women’s Recovery Project')
  })
})

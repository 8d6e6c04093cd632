/** Partnerships between councils: create, invite another council, join when invited. */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ENGLISH_GSS_CODE } from '../../lib/gss.js'
import { areaAliases, organisations } from '../../db/schema/index.js'
import { requireUser } from '../../platform/access.js'
import { notFound } from '../../platform/errors.js'
import { parseForm } from '../../platform/forms.js'
import { paths } from '../../platform/paths.js'
import { createPartnership, getPartnership, inviteCouncil, joinPartnership, listPartnerships } from './repository.js'

const V = 'features/partnerships/views'
const access = { roles: ['admin', 'commissioner'] as const }

const createSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name for the partnership').max(200, 'Name must be 200 characters or fewer'),
  })
  .strict()
const inviteSchema = z
  .object({
    councilCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(ENGLISH_GSS_CODE, 'Enter the council’s 9-character ONS code, like E09000003'),
  })
  .strict()
const emptySchema = z.object({}).strict()

export function registerPartnershipRoutes(app: FastifyInstance): void {
  const { db } = app
  const ctx = (request: {
    currentUser: { id: string; email: string; scope: import('../../platform/tenancy.js').TenantScope } | null
  }) => {
    const u = requireUser(request)
    return { scope: u.scope, actor: { userId: u.id, label: u.email } }
  }

  app.get(paths.partnerships.list, { config: { access } }, async (request, reply) => {
    const { scope } = ctx(request)
    return reply.view(`${V}/list.njk`, {
      pageTitle: 'Partnerships',
      partnerships: await listPartnerships(db, scope),
      values: {},
    })
  })

  app.post(paths.partnerships.list, { config: { access } }, async (request, reply) => {
    const { scope, actor } = ctx(request)
    const form = parseForm(createSchema, request.body)
    if (!form.ok) {
      return reply.code(400).view(`${V}/list.njk`, {
        pageTitle: 'Partnerships',
        partnerships: await listPartnerships(db, scope),
        errors: form.errors,
        values: form.values,
      })
    }
    const id = await createPartnership(db, scope, actor, form.data.name)
    return reply.redirect(paths.partnerships.show(id), 303)
  })

  app.get('/partnerships/:id', { config: { access, tenantResource: 'partnership' } }, async (request, reply) => {
    const { scope } = ctx(request)
    const { id } = request.params as { id: string }
    const partnership = await getPartnership(db, scope, id)
    if (!partnership) throw notFound('partnership')
    return reply.view(`${V}/show.njk`, { pageTitle: partnership.name, partnership, values: {} })
  })

  app.post(
    '/partnerships/:id/invite',
    { config: { access, tenantResource: 'partnership' } },
    async (request, reply) => {
      const { scope, actor } = ctx(request)
      const { id } = request.params as { id: string }
      const partnership = await getPartnership(db, scope, id)
      if (!partnership) throw notFound('partnership')
      const form = parseForm(inviteSchema, request.body)
      const fail = (text: string, values: unknown) =>
        reply.code(400).view(`${V}/show.njk`, {
          pageTitle: partnership.name,
          partnership,
          values,
          errors: { summary: [{ text, href: '#councilCode' }], fields: { councilCode: { text } } },
        })
      if (!form.ok) return fail(form.errors.summary[0]?.text ?? 'Enter a council code', form.values)
      const code = form.data.councilCode.toUpperCase()
      const alias = (await db.select().from(areaAliases).where(eq(areaAliases.alias, code)))[0]
      const council = (
        await db
          .select({ id: organisations.id })
          .from(organisations)
          .where(and(eq(organisations.kind, 'council'), eq(organisations.areaCode, alias?.areaCode ?? code)))
      )[0]
      const outcome = await inviteCouncil(db, scope, actor, id, council?.id ?? null)
      if (outcome === 'not-found') throw notFound('partnership')
      if (outcome === 'unknown-council') return fail(`No council with the code ${code} uses WTC yet`, form.data)
      if (outcome === 'already-member') return fail('That council is already a member or has been invited', form.data)
      return reply.redirect(paths.partnerships.show(id), 303)
    },
  )

  app.post('/partnerships/:id/join', { config: { access, tenantResource: 'partnership' } }, async (request, reply) => {
    const { scope, actor } = ctx(request)
    const { id } = request.params as { id: string }
    parseForm(emptySchema, request.body)
    if (!(await joinPartnership(db, scope, actor, id))) throw notFound('partnership')
    return reply.redirect(paths.partnerships.show(id), 303)
  })
}

/**
 * Council administrators manage people: invitations (one-time links that expire), roles,
 * disabling accounts and resetting second factors; and the provider and partner organisations
 * people belong to. Every change is audited and ends the affected user's sessions.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type Role, roles } from '../../db/schema/index.js'
import { requireUser } from '../../platform/access.js'
import { HttpError, notFound } from '../../platform/errors.js'
import { parseForm } from '../../platform/forms.js'
import { paths } from '../../platform/paths.js'
import { roleNames } from '../../platform/views.js'
import {
  createInvitation,
  createOrganisation,
  DuplicateEmailError,
  getInvitation,
  getUser,
  listInvitations,
  listOrganisations,
  listUsers,
  resetSecondFactor,
  revokeInvitation,
  setDisabled,
  setRoles,
} from '../../platform/users.js'
import { sendInvitationEmail } from './mail.js'

const V = 'features/admin/views'
const admin = { roles: ['admin'] as const satisfies readonly Role[] }

const roleEnum = z.enum(roles, { error: 'Select a role' })

const invitationSchema = z
  .object({
    email: z.email({ error: 'Enter an email address in the correct format, like name@example.org' }).max(254),
    displayName: z.string().trim().min(1, 'Enter the person’s name').max(100, 'Name must be 100 characters or fewer'),
    role: roleEnum,
    organisationId: z.string().min(1, 'Select an organisation'),
  })
  .strict()

const rolesSchema = z
  .object({
    roles: z
      .union([roleEnum, z.array(roleEnum)])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    organisationId: z.string().min(1, 'Select an organisation'),
  })
  .strict()

const organisationSchema = z
  .object({
    kind: z.enum(['provider', 'partner'], { error: 'Select the kind of organisation' }),
    name: z.string().trim().min(1, 'Enter the organisation’s name').max(200, 'Name must be 200 characters or fewer'),
  })
  .strict()

const emptySchema = z.object({}).strict()

export function registerAdminRoutes(app: FastifyInstance): void {
  const { db } = app
  const actorOf = (request: { currentUser: { id: string; email: string } | null }) => ({
    userId: request.currentUser?.id ?? null,
    label: request.currentUser?.email ?? 'unknown',
  })
  const scopeOf = (request: { currentUser: { scope: import('../../platform/tenancy.js').TenantScope } | null }) => {
    return requireUser(request).scope
  }
  const roleItems = roles.map((r) => ({ value: r, text: roleNames[r] ?? r }))

  app.get(paths.admin.users, { config: { access: admin } }, async (request, reply) => {
    const scope = scopeOf(request)
    const [people, invites] = await Promise.all([listUsers(db, scope), listInvitations(db, scope)])
    const now = Date.now()
    return reply.view(`${V}/users.njk`, {
      pageTitle: 'People and roles',
      people,
      invitations: invites.map((i) => ({
        ...i,
        status: i.acceptedAt
          ? 'Accepted'
          : i.revokedAt
            ? 'Withdrawn'
            : i.expiresAt.getTime() < now
              ? 'Expired'
              : 'Waiting',
      })),
    })
  })

  app.get('/admin/users/:id', { config: { access: admin, tenantResource: 'user' } }, async (request, reply) => {
    const scope = scopeOf(request)
    const { id } = request.params as { id: string }
    const person = await getUser(db, scope, id)
    if (!person) throw notFound('person')
    const organisations = await listOrganisations(db, scope)
    return reply.view(`${V}/user.njk`, {
      pageTitle: person.displayName,
      person,
      organisations,
      roleItems,
      isSelf: person.id === request.currentUser?.id,
    })
  })

  app.post('/admin/users/:id/roles', { config: { access: admin, tenantResource: 'user' } }, async (request, reply) => {
    const scope = scopeOf(request)
    const { id } = request.params as { id: string }
    const person = await getUser(db, scope, id)
    if (!person) throw notFound('person')
    const form = parseForm(rolesSchema, request.body)
    if (!form.ok) {
      const organisations = await listOrganisations(db, scope)
      return reply
        .code(400)
        .view(`${V}/user.njk`, { pageTitle: person.displayName, person, organisations, roleItems, errors: form.errors })
    }
    if (id === request.currentUser?.id && !form.data.roles.includes('admin')) {
      const organisations = await listOrganisations(db, scope)
      const text = 'You cannot remove your own administrator role. Ask another administrator.'
      return reply.code(400).view(`${V}/user.njk`, {
        pageTitle: person.displayName,
        person,
        organisations,
        roleItems,
        errors: { summary: [{ text, href: '#roles' }], fields: { roles: { text } } },
      })
    }
    const ok = await setRoles(db, scope, actorOf(request), id, form.data.roles, form.data.organisationId)
    if (!ok) throw new HttpError(400, 'Select an organisation from the list.')
    return reply.redirect(paths.admin.user(id), 303)
  })

  const simpleUserAction = (
    suffix: string,
    action: (
      scope: import('../../platform/tenancy.js').TenantScope,
      actor: ReturnType<typeof actorOf>,
      id: string,
    ) => Promise<boolean>,
  ) => {
    app.post(
      `/admin/users/:id/${suffix}`,
      { config: { access: admin, tenantResource: 'user' } },
      async (request, reply) => {
        const scope = scopeOf(request)
        const { id } = request.params as { id: string }
        parseForm(emptySchema, request.body)
        if (id === request.currentUser?.id && suffix !== 'enable')
          throw new HttpError(400, 'You cannot do this to your own account. Ask another administrator.')
        if (!(await action(scope, actorOf(request), id))) throw notFound('person')
        return reply.redirect(paths.admin.user(id), 303)
      },
    )
  }
  simpleUserAction('disable', (scope, actor, id) => setDisabled(db, scope, actor, id, true))
  simpleUserAction('enable', (scope, actor, id) => setDisabled(db, scope, actor, id, false))
  simpleUserAction('reset-second-factor', (scope, actor, id) => resetSecondFactor(db, scope, actor, id))

  // Invitations

  app.get(paths.admin.newInvitation, { config: { access: admin } }, async (request, reply) => {
    const organisations = await listOrganisations(db, scopeOf(request))
    return reply.view(`${V}/invitation-new.njk`, { pageTitle: 'Invite someone', organisations, roleItems, values: {} })
  })

  app.post(paths.admin.invitations, { config: { access: admin } }, async (request, reply) => {
    const scope = scopeOf(request)
    const form = parseForm(invitationSchema, request.body)
    const organisations = await listOrganisations(db, scope)
    const render = (errors: unknown, values: unknown) =>
      reply
        .code(400)
        .view(`${V}/invitation-new.njk`, { pageTitle: 'Invite someone', organisations, roleItems, errors, values })
    if (!form.ok) return render(form.errors, form.values)
    if (!organisations.some((o) => o.id === form.data.organisationId)) {
      return render(
        {
          summary: [{ text: 'Select an organisation', href: '#organisationId' }],
          fields: { organisationId: { text: 'Select an organisation' } },
        },
        form.data,
      )
    }
    try {
      const { invitation, token } = await createInvitation(db, scope, actorOf(request), {
        ...form.data,
        validDays: app.config.invitationDays,
      })
      const link = `${app.config.baseUrl}${paths.invitation(token)}`
      const emailed = await sendInvitationEmail(app.config, request.log, {
        to: invitation.email,
        name: invitation.displayName,
        link,
        council: scope.councilName,
        expiresAt: invitation.expiresAt,
      })
      // The link is shown once, on this response; only its hash is stored.
      return await reply.view(`${V}/invitation-created.njk`, {
        pageTitle: 'Invitation created',
        invitation,
        link,
        emailed,
      })
    } catch (err) {
      if (err instanceof DuplicateEmailError) {
        const text = 'Someone already has an account with this email address'
        return render({ summary: [{ text, href: '#email' }], fields: { email: { text } } }, form.data)
      }
      throw err
    }
  })

  app.get(
    '/admin/invitations/:id',
    { config: { access: admin, tenantResource: 'invitation' } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const invitation = await getInvitation(db, scopeOf(request), id)
      if (!invitation) throw notFound('invitation')
      return reply.view(`${V}/invitation.njk`, {
        pageTitle: `Invitation for ${invitation.displayName}`,
        invitation,
        expired: invitation.expiresAt.getTime() < Date.now(),
      })
    },
  )

  app.post(
    '/admin/invitations/:id/revoke',
    { config: { access: admin, tenantResource: 'invitation' } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      parseForm(emptySchema, request.body)
      if (!(await revokeInvitation(db, scopeOf(request), actorOf(request), id))) throw notFound('invitation')
      return reply.redirect(paths.admin.invitation(id), 303)
    },
  )

  // Organisations

  app.get(paths.admin.organisations, { config: { access: admin } }, async (request, reply) => {
    const organisations = await listOrganisations(db, scopeOf(request))
    return reply.view(`${V}/organisations.njk`, { pageTitle: 'Organisations', organisations, values: {} })
  })

  app.post(paths.admin.organisations, { config: { access: admin } }, async (request, reply) => {
    const scope = scopeOf(request)
    const form = parseForm(organisationSchema, request.body)
    if (!form.ok) {
      const organisations = await listOrganisations(db, scope)
      return reply.code(400).view(`${V}/organisations.njk`, {
        pageTitle: 'Organisations',
        organisations,
        errors: form.errors,
        values: form.values,
      })
    }
    await createOrganisation(db, scope, actorOf(request), form.data)
    return reply.redirect(paths.admin.organisations, 303)
  })
}

/**
 * The actions pages: every action of the council in one list, one action with its history, and
 * its progress form. Commissioners and analysts see every action; a provider sees the actions its
 * organisation owns and may update them; a commissioner may update any.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { formatDay } from '../../lib/dates.js'
import { requireUser } from '../../platform/access.js'
import {
  actionHistory,
  type ActionRow,
  actionStatuses,
  actionStatusLabel,
  getAction,
  openActions,
  updateAction,
} from '../../platform/actions.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { notFound } from '../../platform/errors.js'
import type { FormErrors } from '../../platform/forms.js'
import { londonDay } from '../../platform/forms.js'
import { paths } from '../../platform/paths.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { providerOrganisationIds } from '../../platform/users.js'
import { parseActionUpdateForm } from './forms.js'

const V = 'features/actions/views'
const readers = { roles: ['commissioner', 'analyst', 'provider'] as const }
const updaters = { roles: ['commissioner', 'provider'] as const }
const actionRoute = (access: typeof readers | typeof updaters) => ({ config: { access, tenantResource: 'action' } })
const idParam = z.object({ actionId: z.string().max(64) }).strict()

interface ActionViewer {
  scope: TenantScope
  userId: string
  label: string
  seesAll: boolean
  mayUpdateAll: boolean
  owners: string[]
}

async function viewerOf(db: DbOrTx, request: FastifyRequest): Promise<ActionViewer> {
  const u = requireUser(request)
  const seesAll = u.roles.includes('commissioner') || u.roles.includes('analyst')
  return {
    scope: u.scope,
    userId: u.id,
    label: u.email,
    seesAll,
    mayUpdateAll: u.roles.includes('commissioner'),
    owners: seesAll ? [] : await providerOrganisationIds(db, u.scope, u.id),
  }
}

const maySee = (v: ActionViewer, a: ActionRow): boolean => v.seesAll || v.owners.includes(a.ownerOrganisationId)
const mayUpdate = (v: ActionViewer, a: ActionRow): boolean => v.mayUpdateAll || v.owners.includes(a.ownerOrganisationId)

export function registerActionRoutes(app: FastifyInstance): void {
  const db = app.db

  app.get(paths.actions.list, { config: { access: readers } }, async (request, reply) => {
    const v = await viewerOf(db, request)
    const today = londonDay(new Date())
    const rows = await openActions(db, v.scope, v.seesAll ? {} : { owners: v.owners })
    return reply.view(`${V}/list.njk`, {
      pageTitle: 'Actions',
      actions: rows.map((a) => ({
        title: a.title,
        href: paths.actions.show(a.id),
        owner: a.ownerName,
        due: formatDay(a.dueOn),
        overdue: a.dueOn < today,
        status: actionStatusLabel[a.status],
        source: a.sourceLabel,
        isExample: a.isExample,
      })),
    })
  })

  async function renderAction(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number; conflict?: string } = {},
  ) {
    const { actionId } = idParam.parse(request.params)
    const v = await viewerOf(db, request)
    const action = await getAction(db, v.scope, actionId)
    if (!action || !maySee(v, action)) throw notFound('action')
    const history = await actionHistory(db, v.scope, action.id)
    const today = londonDay(new Date())
    const values = extra.values ?? { status: action.status }
    return reply.code(extra.status ?? 200).view(`${V}/show.njk`, {
      pageTitle: `${extra.errors ? 'Error: ' : ''}${action.title}`,
      errors: extra.errors,
      conflict: extra.conflict,
      action: {
        title: action.title,
        detail: action.detail,
        owner: action.ownerName,
        due: formatDay(action.dueOn),
        overdue: (action.status === 'open' || action.status === 'in_progress') && action.dueOn < today,
        status: actionStatusLabel[action.status],
        source: action.sourceLabel,
        sourceHref:
          action.sourceType === 'assessment-rating'
            ? paths.standards.standard(...(action.sourceId.split(':') as [string, string]))
            : null,
        isExample: action.isExample,
        version: action.version,
      },
      history: history.map((h) => ({
        at: formatDay(londonDay(h.at)),
        by: h.byLabel,
        status: actionStatusLabel[h.status],
        note: h.note,
      })),
      mayUpdate: mayUpdate(v, action),
      statusItems: actionStatuses.map((s) => ({ value: s, text: actionStatusLabel[s], checked: values.status === s })),
      values,
      updateHref: paths.actions.update(action.id),
      backHref: paths.actions.list,
    })
  }

  app.get(paths.actions.show(':actionId'), actionRoute(readers), async (request, reply) => renderAction(request, reply))

  app.post(paths.actions.update(':actionId'), actionRoute(updaters), async (request, reply) => {
    const { actionId } = idParam.parse(request.params)
    const v = await viewerOf(db, request)
    const action = await getAction(db, v.scope, actionId)
    if (!action || !maySee(v, action) || !mayUpdate(v, action)) throw notFound('action')
    const form = parseActionUpdateForm(request.body, action.status)
    if (!form.ok) return renderAction(request, reply, { errors: form.errors, values: form.values, status: 400 })
    const outcome = await updateAction(db, v.scope, { userId: v.userId, label: v.label }, action.id, form.data)
    if (outcome === 'stale')
      return renderAction(request, reply, {
        status: 409,
        conflict:
          'Someone else updated this action while you were writing. Their update is shown below: add yours again.',
      })
    if (outcome === 'not-found') throw notFound('action')
    return reply.redirect(paths.actions.show(action.id), 303)
  })
}

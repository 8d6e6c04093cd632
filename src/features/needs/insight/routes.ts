/**
 * Local insight, priorities and female share assumptions (issue 3): what the commissioner adds to
 * the published data. Commissioners and analysts may record and change all three.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { insightCohorts } from '../../../db/schema/index.js'
import { requireUser } from '../../../platform/access.js'
import { notFound } from '../../../platform/errors.js'
import { type FormErrors, parseForm } from '../../../platform/forms.js'
import { cohortItems, cohortLabels, isCohort } from '../../../platform/cohorts.js'
import { parseAssumptionForm, parseInsightForm, parsePriorityForm, priorityStatuses } from './forms.js'
import { insightFormValues, insightView, paths, priorityView, shareView, statusLabels } from './presenter.js'
import {
  createInsight,
  createPriority,
  deleteInsight,
  getFemaleShares,
  getInsight,
  getPriority,
  listInsights,
  listPriorities,
  setFemaleShare,
  updateInsight,
  updatePriority,
} from './repository.js'

const V = 'features/needs/insight/views'
const access = { roles: ['commissioner', 'analyst'] as const }

function who(request: FastifyRequest) {
  const u = requireUser(request)
  return { scope: u.scope, actor: { userId: u.id, label: u.email } }
}

/** A query value as one string, or undefined (repeated or missing parameters are ignored). */
const queryValue = (request: FastifyRequest, name: string): string | undefined => {
  const q = request.query
  if (!q || typeof q !== 'object') return undefined
  const v = (q as Record<string, unknown>)[name]
  return typeof v === 'string' ? v : undefined
}

const banners: Record<string, string> = {
  created: 'Insight recorded',
  updated: 'Insight updated',
  deleted: 'Insight deleted',
  'priority-created': 'Priority recorded',
  'priority-updated': 'Priority updated',
  saved: 'Assumptions saved',
}
const bannerFor = (request: FastifyRequest): string | null => banners[queryValue(request, 'done') ?? ''] ?? null

const confirmSchema = z
  .object({ confirm: z.enum(['yes', 'no'], { error: 'Select yes if you want to delete this insight' }) })
  .strict()

const statusItems = (selected: unknown) =>
  priorityStatuses.map((s) => ({
    value: s,
    text: statusLabels[s],
    checked: selected === s,
    hint: {
      text:
        s === 'draft'
          ? 'Still being discussed.'
          : s === 'agreed'
            ? 'Agreed by the partnership; the tender specification can draw on it.'
            : 'No longer a priority; kept for the record.',
    },
  }))

const selectedCohorts = (values: Record<string, unknown>): string[] => {
  const v = values.cohorts
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : typeof v === 'string' ? [v] : []
}

export function registerInsightRoutes(app: FastifyInstance): void {
  const { db } = app

  // ---- Local insight ----

  app.get(paths.insight, { config: { access } }, async (request, reply) => {
    const { scope } = who(request)
    const wanted = queryValue(request, 'cohort')
    const cohort = isCohort(wanted) ? wanted : undefined
    const rows = await listInsights(db, scope, cohort ? { cohort } : {})
    return reply.view(`${V}/insight-list.njk`, {
      pageTitle: 'Local insight',
      insights: rows.map(insightView),
      cohort: cohort ?? null,
      cohortLabel: cohort ? cohortLabels[cohort] : null,
      cohortOptions: [
        { value: '', text: 'All groups', selected: !cohort },
        ...insightCohorts.map((c) => ({ value: c, text: cohortLabels[c], selected: c === cohort })),
      ],
      banner: bannerFor(request),
    })
  })

  const renderInsightForm = (
    reply: FastifyReply,
    opts: { id?: string; values: Record<string, unknown>; errors?: FormErrors; status?: number },
  ) =>
    reply.code(opts.status ?? 200).view(`${V}/insight-form.njk`, {
      pageTitle: opts.id ? 'Change insight' : 'Record insight',
      action: opts.id ? paths.insightItem(opts.id) : paths.insight,
      editing: Boolean(opts.id),
      values: opts.values,
      cohorts: cohortItems(selectedCohorts(opts.values)),
      datePart: opts.errors?.summary.find((s) => s.href.startsWith('#receivedOn-'))?.href.slice('#receivedOn-'.length),
      ...(opts.errors ? { errors: opts.errors } : {}),
    })

  app.get(paths.newInsight, { config: { access } }, async (_request, reply) => renderInsightForm(reply, { values: {} }))

  app.post(paths.insight, { config: { access } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const form = parseInsightForm(request.body)
    if (!form.ok) return renderInsightForm(reply, { values: form.values, errors: form.errors, status: 400 })
    await createInsight(db, scope, actor, form.data)
    return reply.redirect(`${paths.insight}?done=created`, 303)
  })

  app.get('/needs/insight/:id/edit', { config: { access, tenantResource: 'insight' } }, async (request, reply) => {
    const { scope } = who(request)
    const { id } = request.params as { id: string }
    const row = await getInsight(db, scope, id)
    if (!row) throw notFound('insight')
    return renderInsightForm(reply, { id, values: insightFormValues(row) })
  })

  app.post('/needs/insight/:id', { config: { access, tenantResource: 'insight' } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const { id } = request.params as { id: string }
    if (!(await getInsight(db, scope, id))) throw notFound('insight')
    const form = parseInsightForm(request.body)
    if (!form.ok) return renderInsightForm(reply, { id, values: form.values, errors: form.errors, status: 400 })
    if (!(await updateInsight(db, scope, actor, id, form.data))) throw notFound('insight')
    return reply.redirect(`${paths.insight}?done=updated`, 303)
  })

  const renderDelete = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: unknown; status?: number } = {},
  ) => {
    const { scope } = who(request)
    const { id } = request.params as { id: string }
    const row = await getInsight(db, scope, id)
    if (!row) throw notFound('insight')
    return reply.code(extra.status ?? 200).view(`${V}/insight-delete.njk`, {
      pageTitle: 'Delete insight',
      item: insightView(row),
      action: paths.deleteInsight(id),
      ...(extra.errors ? { errors: extra.errors } : {}),
    })
  }

  app.get('/needs/insight/:id/delete', { config: { access, tenantResource: 'insight' } }, async (request, reply) =>
    renderDelete(request, reply),
  )

  app.post('/needs/insight/:id/delete', { config: { access, tenantResource: 'insight' } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const { id } = request.params as { id: string }
    if (!(await getInsight(db, scope, id))) throw notFound('insight')
    const form = parseForm(confirmSchema, request.body)
    if (!form.ok) return renderDelete(request, reply, { errors: form.errors, status: 400 })
    if (form.data.confirm === 'no') return reply.redirect(paths.insight, 303)
    if (!(await deleteInsight(db, scope, actor, id))) throw notFound('insight')
    return reply.redirect(`${paths.insight}?done=deleted`, 303)
  })

  // ---- Priorities ----

  app.get(paths.priorities, { config: { access } }, async (request, reply) => {
    const { scope } = who(request)
    return reply.view(`${V}/priority-list.njk`, {
      pageTitle: 'Priorities',
      priorities: (await listPriorities(db, scope)).map(priorityView),
      banner: bannerFor(request),
    })
  })

  const renderPriorityForm = (
    reply: FastifyReply,
    opts: { id?: string; values: Record<string, unknown>; errors?: unknown; status?: number },
  ) =>
    reply.code(opts.status ?? 200).view(`${V}/priority-form.njk`, {
      pageTitle: opts.id ? 'Change priority' : 'Record a priority',
      action: opts.id ? paths.priority(opts.id) : paths.priorities,
      editing: Boolean(opts.id),
      back: opts.id ? paths.priority(opts.id) : paths.priorities,
      values: opts.values,
      cohorts: cohortItems(selectedCohorts(opts.values)),
      statuses: statusItems(opts.values.status),
      ...(opts.errors ? { errors: opts.errors } : {}),
    })

  app.get(paths.newPriority, { config: { access } }, async (request, reply) => {
    // The assessment links here with the finding's evidence (and a title) filled in.
    const evidence = queryValue(request, 'evidence')?.slice(0, 2000) ?? ''
    const title = queryValue(request, 'title')?.slice(0, 200) ?? ''
    return renderPriorityForm(reply, { values: { evidence, title, status: 'draft' } })
  })

  app.post(paths.priorities, { config: { access } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const form = parsePriorityForm(request.body)
    if (!form.ok) return renderPriorityForm(reply, { values: form.values, errors: form.errors, status: 400 })
    const id = await createPriority(db, scope, actor, form.data)
    return reply.redirect(`${paths.priority(id)}?done=priority-created`, 303)
  })

  app.get('/needs/priorities/:id', { config: { access, tenantResource: 'priority' } }, async (request, reply) => {
    const { scope } = who(request)
    const { id } = request.params as { id: string }
    const row = await getPriority(db, scope, id)
    if (!row) throw notFound('priority')
    return reply.view(`${V}/priority.njk`, {
      pageTitle: row.title,
      item: priorityView(row),
      createdByName: row.createdByName,
      createdAt: row.createdAt,
      banner: bannerFor(request),
    })
  })

  app.get('/needs/priorities/:id/edit', { config: { access, tenantResource: 'priority' } }, async (request, reply) => {
    const { scope } = who(request)
    const { id } = request.params as { id: string }
    const row = await getPriority(db, scope, id)
    if (!row) throw notFound('priority')
    return renderPriorityForm(reply, {
      id,
      values: {
        title: row.title,
        finding: row.finding,
        evidence: row.evidence,
        cohorts: row.cohorts,
        period: row.period ?? '',
        status: row.status,
      },
    })
  })

  app.post('/needs/priorities/:id', { config: { access, tenantResource: 'priority' } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const { id } = request.params as { id: string }
    if (!(await getPriority(db, scope, id))) throw notFound('priority')
    const form = parsePriorityForm(request.body)
    if (!form.ok) return renderPriorityForm(reply, { id, values: form.values, errors: form.errors, status: 400 })
    if (!(await updatePriority(db, scope, actor, id, form.data))) throw notFound('priority')
    return reply.redirect(`${paths.priority(id)}?done=priority-updated`, 303)
  })

  // ---- Female share assumptions ----

  const renderAssumptions = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Record<string, unknown>; errors?: unknown; status?: number } = {},
  ) => {
    const { scope } = who(request)
    const current = shareView(await getFemaleShares(db, scope))
    const values = extra.values ?? {
      alcoholShare: current.alcohol?.percent ?? '',
      alcoholSource: current.alcohol?.source ?? '',
      ocuShare: current.ocu?.percent ?? '',
      ocuSource: current.ocu?.source ?? '',
    }
    return reply.code(extra.status ?? 200).view(`${V}/assumptions.njk`, {
      pageTitle: 'Female share assumptions',
      current,
      values,
      banner: extra.status ? null : bannerFor(request),
      ...(extra.errors ? { errors: extra.errors } : {}),
    })
  }

  app.get(paths.assumptions, { config: { access } }, async (request, reply) => renderAssumptions(request, reply))

  app.post(paths.assumptions, { config: { access } }, async (request, reply) => {
    const { scope, actor } = who(request)
    const form = parseAssumptionForm(request.body)
    if (!form.ok) return renderAssumptions(request, reply, { values: form.values, errors: form.errors, status: 400 })
    for (const share of form.data) await setFemaleShare(db, scope, actor, share)
    return reply.redirect(`${paths.assumptions}?done=saved`, 303)
  })
}

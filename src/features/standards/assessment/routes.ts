/**
 * The standards assessment pages (issue 12): rounds, a service's return, one standard's page with
 * the provider's rating and evidence, the commissioner's verification and the panel's
 * observations, and the comparison of a round. Rules and queries live in service.ts; this file
 * reads forms and renders.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type Access, enforceAccess } from '../../../platform/access.js'
import { VersionedCache } from '../../../platform/cache.js'
import { sendDownload } from '../../../platform/downloads.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import type { FormErrors } from '../../../platform/forms.js'
import { formBody, londonDay, parseQuery } from '../../../platform/forms.js'
import { paths } from '../../../platform/paths.js'
import { EVIDENCE_MAX_BYTES } from '../../../platform/uploads/documents.js'
import {
  attachmentName,
  documentProblem,
  readStoredDocument,
  removeStoredDocument,
  storeDocument,
} from '../../../platform/uploads/store.js'
import { registerUpload, takeFile } from '../../../platform/uploads/upload.js'
import { type FeatureCode, featureLabel, serviceTypeLabel } from '../../../lib/taxonomy.js'
import { type TableView, tableToCsv } from '../../../lib/table.js'
import { formatDay } from '../../../lib/dates.js'
import { frameworkFor, frameworksFor } from '../service.js'
import { principles } from '../framework.js'
import {
  parseActionForm,
  parseDecisionForm,
  parseEvidenceForm,
  parseObservationForm,
  parseRatingForm,
  parseRoundForm,
} from './forms.js'
import {
  actionRows,
  heatmapView,
  evidenceRows,
  observationRows,
  ratingItems,
  ratingTag,
  returnStatusTag,
  standardRows,
  summaryRows,
} from './presenter.js'
import { addEvidence, getEvidence, removeEvidence, type ReturnRow, type ServiceSource } from './repository.js'
import { roundReportDocx } from './report.js'
import { directoryFlags } from './flags.js'
import * as service from './service.js'
import { trainingEvidence } from '../workforce/service.js'

const V = 'features/standards/assessment/views'
const everyone = { roles: ['commissioner', 'analyst', 'provider', 'panel_member'] as const }
const commissioner = { roles: ['commissioner'] as const }
const provider = { roles: ['provider'] as const }
const panel = { roles: ['panel_member'] as const }
const readers = { roles: ['commissioner', 'analyst', 'provider'] as const }
const team = { roles: ['commissioner', 'analyst'] as const }

const R = {
  round: ':roundId',
  ret: ':returnId',
  standard: ':standard',
  evidence: ':evidenceId',
}
const roundRoute = (access: Access) => ({ config: { access, tenantResource: 'assessment-round' } })
const returnRoute = (access: Access) => ({ config: { access, tenantResource: 'assessment-return' } })
const evidenceRoute = (access: Access) => ({ config: { access, tenantResource: 'assessment-evidence' } })

const idParam = (name: string) => z.object({ [name]: z.string().max(64) })
const standardParams = z.object({ returnId: z.string().max(64), standard: z.string().max(64) }).strict()

const doneMessages: Record<string, string> = {
  opened: 'Round opened. The providers can now answer for their services.',
  closed: 'Round closed. Its returns can no longer be changed.',
  rated: 'Rating saved.',
  evidence: 'Evidence added.',
  'evidence-removed': 'Evidence removed.',
  submitted: 'Return submitted. The commissioning team will verify it.',
  decided: 'Decision saved.',
  verified: 'Return verified.',
  returned: 'Return sent back to the provider for more evidence.',
  observed: 'Observation saved.',
  assigned: 'Panel member assigned.',
  action: 'Action agreed. The provider sees it on their home page.',
}

const doneQuery = z.object({ done: z.string().max(40).optional() }).strict()
const done = (request: FastifyRequest): string | null => {
  const q = parseQuery(doneQuery, request.query)
  return q.done ? (doneMessages[q.done] ?? null) : null
}

const today = (): string => londonDay(new Date())

/** A round's title as a file name: lower case, hyphens, at most 60 characters. */
const slugOf = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'round'

function fail(
  outcome: { kind: 'not-found' } | { kind: 'refused'; message: string } | { kind: 'stale'; message: string },
): never {
  if (outcome.kind === 'not-found') throw notFound()
  throw new HttpError(outcome.kind === 'stale' ? 409 : 400, outcome.message)
}

const frameworkName = (doc: Record<string, unknown>, key: string): string =>
  typeof doc.name === 'string' ? doc.name : key

const principleTitle = new Map<string, string>(principles.map((p) => [p.id, `${String(p.number)}. ${p.title}`]))

const versionOf = (body: unknown): number => {
  const v = Number((formBody(body) as { version?: unknown }).version)
  return Number.isInteger(v) && v >= 0 ? v : -1
}

export function registerAssessmentRoutes(app: FastifyInstance, deps: { services: ServiceSource }): void {
  const db = app.db

  // Rounds ---------------------------------------------------------------------------------------

  app.get(paths.standards.rounds, { config: { access: everyone } }, async (request, reply) => {
    const v = await service.standardsViewer(db, request)
    const rounds = await service.roundsFor(db, v)
    return reply.view(`${V}/rounds.njk`, {
      pageTitle: 'Assessment rounds',
      mayOpen: v.role === 'commissioner',
      rounds: rounds.map(({ round, returns }) => ({
        title: round.title,
        href: paths.standards.round(round.id),
        framework: `${frameworkName(round.framework, round.frameworkKey)}, version ${String(round.frameworkVersion)}`,
        due: formatDay(round.dueOn),
        status: round.status === 'open' ? 'Open' : 'Closed',
        isExample: round.isExample,
        services: returns.length,
        submitted: returns.filter((r) => r.status === 'submitted' || r.status === 'verified').length,
        verified: returns.filter((r) => r.status === 'verified').length,
      })),
    })
  })

  async function renderRoundForm(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Record<string, unknown>; errors?: FormErrors; status?: number } = {},
  ) {
    const v = await service.standardsViewer(db, request)
    const services = await service.servicesToAssess(db, v, deps.services)
    const chosen = new Set((extra.values?.services as string[] | undefined) ?? [])
    const byProvider = new Map<
      string,
      { provider: string; items: { value: string; text: string; hint: { text: string }; checked: boolean }[] }
    >()
    for (const s of services) {
      const group = byProvider.get(s.providerId) ?? { provider: s.providerName, items: [] }
      group.items.push({
        value: s.serviceId,
        text: s.serviceName,
        hint: {
          text: `${serviceTypeLabel(s.serviceType as Parameters<typeof serviceTypeLabel>[0])}${s.status === 'draft' ? ', draft' : ''}`,
        },
        checked: chosen.has(s.serviceId),
      })
      byProvider.set(s.providerId, group)
    }
    return reply.code(extra.status ?? 200).view(`${V}/round-form.njk`, {
      pageTitle: extra.errors ? 'Error: Open an assessment round' : 'Open an assessment round',
      values: extra.values ?? { framework: 'gender-responsive' },
      errors: extra.errors,
      frameworks: (await frameworksFor(db, v.scope)).map(({ framework: f }) => ({
        value: f.key,
        text: `${f.name} (version ${String(f.version)})`,
        checked: (extra.values?.framework ?? 'gender-responsive') === f.key,
      })),
      groups: [...byProvider.values()],
      backHref: paths.standards.rounds,
    })
  }

  app.get(paths.standards.newRound, { config: { access: commissioner } }, async (request, reply) =>
    renderRoundForm(request, reply),
  )

  app.post(paths.standards.rounds, { config: { access: commissioner } }, async (request, reply) => {
    const v = await service.standardsViewer(db, request)
    const form = parseRoundForm(request.body)
    const framework = form.ok ? (await frameworkFor(db, v.scope, form.data.framework))?.framework : undefined
    if (!form.ok || !framework) {
      const errors = form.ok
        ? {
            fields: { framework: { text: 'Choose the framework' } },
            summary: [{ text: 'Choose the framework', href: '#framework' }],
          }
        : form.errors
      return renderRoundForm(request, reply, {
        values: form.ok ? formBody(request.body) : form.values,
        errors,
        status: 400,
      })
    }
    const opened = await service.openRound(
      db,
      v,
      {
        title: form.data.title,
        framework,
        dueOn: form.data.dueOn,
        serviceIds: form.data.services,
      },
      deps.services,
    )
    if (opened.kind !== 'ok') {
      const message = opened.kind === 'refused' ? opened.message : 'Choose services from the list'
      return renderRoundForm(request, reply, {
        values: formBody(request.body),
        errors: { fields: { services: { text: message } }, summary: [{ text: message, href: '#services' }] },
        status: 400,
      })
    }
    return reply.redirect(`${paths.standards.round(opened.value)}?done=opened`, 303)
  })

  app.get(paths.standards.round(R.round), roundRoute(everyone), async (request, reply) => {
    const { roundId } = idParam('roundId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const found = await service.roundFor(db, v, roundId ?? '')
    if (found.kind !== 'ok') return fail(found)
    const { round, framework, returns } = found.value
    return reply.view(`${V}/round.njk`, {
      pageTitle: round.title,
      notice: done(request),
      round: {
        title: round.title,
        framework: `${framework.name}, version ${String(framework.version)}`,
        frameworkHref: paths.standards.framework(framework.key),
        due: formatDay(round.dueOn),
        overdue: round.status === 'open' && round.dueOn < today(),
        isExample: round.isExample,
        open: round.status === 'open',
        closedOn: round.closedAt ? formatDay(londonDay(round.closedAt)) : null,
        closeHref: v.role === 'commissioner' && round.status === 'open' ? paths.standards.closeRound(round.id) : null,
        unfinished: returns.filter((r) => r.status !== 'verified').length,
      },
      returns: returns.map((r) => ({
        provider: r.providerName,
        service: r.serviceName,
        href: paths.standards.return(r.id),
        status: returnStatusTag[r.status],
      })),
      comparisonHref: service.seesAll(v) ? paths.standards.comparison(round.id) : null,
      reportHref: v.role === 'panel_member' ? null : paths.standards.report(round.id),
      ownReport: v.role === 'provider',
      backHref: paths.standards.rounds,
    })
  })

  app.post(paths.standards.closeRound(R.round), roundRoute(commissioner), async (request, reply) => {
    const { roundId } = idParam('roundId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const outcome = await service.closeRound(db, v, roundId ?? '')
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.round(roundId ?? '')}?done=closed`, 303)
  })

  const formatQuery = z.object({ format: z.enum(['csv', 'json']).optional() }).strict()

  /**
   * The comparison page, its CSV and its JSON. The team's view (every return of the round) is the
   * same for every commissioner and analyst of the council, so it is built and its table rendered
   * once per change of the council's standards data (the version is read first: never stale).
   */
  const comparisons = new VersionedCache<{ title: string; table: TableView; tableHtml: string }>(100)

  app.get(paths.standards.comparison(R.round), roundRoute(team), async (request, reply) => {
    const { roundId } = idParam('roundId').parse(request.params)
    const { format } = parseQuery(formatQuery, request.query)
    const v = await service.standardsViewer(db, request)
    const version = await service.standardsVersion(db, v)
    const page = await comparisons.get(db, `${v.scope.tenantId}:${roundId ?? ''}`, version, async () => {
      const found = await service.roundComparison(db, v, roundId ?? '')
      if (found.kind !== 'ok') return fail(found)
      const { round, framework, table } = found.value
      return {
        title: round.title,
        framework: `${framework.key} v${String(framework.version)}`,
        table,
        tableHtml: app.renderFragment(`${V}/_heatmap.njk`, { table: heatmapView(table) }),
      }
    })
    const slug = slugOf(page.title)
    if (format === 'csv')
      return sendDownload(reply, { format: 'csv', fileName: `${slug}-comparison.csv`, csv: tableToCsv(page.table) })
    if (format === 'json')
      return sendDownload(reply, {
        format: 'json',
        fileName: `${slug}-comparison.json`,
        json: { round: page.title, table: page.table },
      })
    return reply.view(`${V}/comparison.njk`, {
      pageTitle: `Comparison: ${page.title}`,
      round: { title: page.title, href: paths.standards.round(roundId ?? '') },
      caption: page.table.caption,
      notes: page.table.notes,
      tableHtml: page.tableHtml,
      csvHref: `${paths.standards.comparison(roundId ?? '')}?format=csv`,
      jsonHref: `${paths.standards.comparison(roundId ?? '')}?format=json`,
    })
  })

  app.get(paths.standards.report(R.round), roundRoute(readers), async (request, reply) => {
    const { roundId } = idParam('roundId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const found = await service.roundFor(db, v, roundId ?? '')
    if (found.kind !== 'ok') return fail(found)
    const { round, framework, returns } = found.value
    const ratings = await service.ratingsFor(db, v, returns)
    const docx = await roundReportDocx({
      councilName: v.scope.councilName,
      roundTitle: round.title,
      dueOn: round.dueOn,
      framework,
      audience: service.seesAll(v)
        ? { kind: 'council' }
        : { kind: 'provider', name: [...new Set(returns.map((r) => r.providerName))].join(', ') },
      services: await service.reportServices(db, v, framework, returns, ratings),
      comparison: service.comparisonOf(v, framework, returns, ratings),
      madeOn: today(),
    })
    return sendDownload(reply, {
      format: 'file',
      fileName: `${slugOf(round.title)}-report.docx`,
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      body: docx,
    })
  })

  // A service's return ------------------------------------------------------------------------------

  async function renderReturn(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {},
  ) {
    const { returnId } = idParam('returnId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const found = await service.returnDetail(db, v, returnId ?? '')
    if (found.kind !== 'ok') return fail(found)
    const d = found.value
    const ret = d.ret
    const history = v.role === 'panel_member' ? [] : await service.serviceRounds(db, v, ret)
    const missing = service.unanswered(d.framework, ret.serviceType, d.ratings)
    const panelChoices = v.role === 'commissioner' ? await service.panelMembersOf(db, v) : []
    const flags = await directoryFlags(db, v, ret, d.framework, d.ratings, deps.services)
    return reply.code(extra.status ?? 200).view(`${V}/return.njk`, {
      pageTitle: `${extra.errors ? 'Error: ' : ''}${ret.serviceName}: ${d.round.title}`,
      errors: extra.errors,
      notice: done(request),
      viewer: { role: v.role },
      ret: {
        id: ret.id,
        service: ret.serviceName,
        provider: ret.providerName,
        serviceType: serviceTypeLabel(ret.serviceType as Parameters<typeof serviceTypeLabel>[0]),
        status: returnStatusTag[ret.status],
        statusCode: ret.status,
        version: ret.version,
        submittedOn: ret.submittedAt ? formatDay(londonDay(ret.submittedAt)) : null,
        verifiedOn: ret.verifiedAt ? formatDay(londonDay(ret.verifiedAt)) : null,
      },
      round: {
        title: d.round.title,
        href: paths.standards.round(d.round.id),
        due: formatDay(d.round.dueOn),
        overdue: service.openToProvider(ret.status) && d.round.dueOn < today(),
        framework: `${d.framework.name}, version ${String(d.framework.version)}`,
        isExample: d.round.isExample,
      },
      themes: standardRows(d.framework, ret, d.ratings, d.evidence, d.observations),
      summary: summaryRows(d.summary),
      missing: missing.map((s) => s.id),
      mayEdit: v.role === 'provider' && service.openToProvider(ret.status) && d.round.status === 'open',
      mayFinish: v.role === 'commissioner' && ret.status === 'submitted',
      returnedReasons: d.ratings
        .filter((r) => r.decision === 'returned')
        .map((r) => ({
          id: r.standardId,
          reason: r.decisionReason,
          href: paths.standards.standard(ret.id, r.standardId),
        })),
      gaps: d.gaps.map((g) => ({ ...g, label: ratingTag[g.rating] })),
      flags: flags.map((f) => ({
        standardId: f.standardId,
        title: f.title,
        features: f.features.map((code) => featureLabel(code as FeatureCode)).join(', '),
      })),
      serviceHref: v.role === 'panel_member' ? null : paths.directory.service(ret.serviceId),
      actions: actionRows(d.actions, today()),
      mayRaise: v.role === 'commissioner' && ret.status === 'verified' && d.gaps.length > 0,
      panel: d.panel,
      panelChoices: panelChoices
        .filter((p) => !d.panel.some((a) => a.userId === p.userId))
        .map((p) => ({ value: p.userId, text: p.displayName })),
      history: history
        .filter((h) => h.ret.id !== ret.id)
        .map((h) => ({
          round: h.round.title,
          href: paths.standards.return(h.ret.id),
          status: returnStatusTag[h.ret.status],
          summary: h.summary ? summaryRows(h.summary) : null,
        })),
      links: {
        submit: paths.standards.submit(ret.id),
        verification: paths.standards.verification(ret.id),
        panel: paths.standards.panel(ret.id),
        actions: paths.standards.actions(ret.id),
      },
      values: extra.values ?? {},
      backHref: paths.standards.round(d.round.id),
    })
  }

  app.get(paths.standards.return(R.ret), returnRoute(everyone), async (request, reply) => renderReturn(request, reply))

  app.post(paths.standards.submit(R.ret), returnRoute(provider), async (request, reply) => {
    const { returnId } = idParam('returnId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const outcome = await service.submit(db, v, returnId ?? '', versionOf(request.body))
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.return(returnId ?? '')}?done=submitted`, 303)
  })

  app.post(paths.standards.verification(R.ret), returnRoute(commissioner), async (request, reply) => {
    const { returnId } = idParam('returnId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const outcome = await service.finishVerification(db, v, returnId ?? '', versionOf(request.body))
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.return(returnId ?? '')}?done=${outcome.value}`, 303)
  })

  app.post(paths.standards.panel(R.ret), returnRoute(commissioner), async (request, reply) => {
    const { returnId } = idParam('returnId').parse(request.params)
    const body = formBody(request.body)
    const userId = typeof body.userId === 'string' ? body.userId : ''
    const v = await service.standardsViewer(db, request)
    const outcome = await service.assignPanelMember(db, v, returnId ?? '', userId)
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.return(returnId ?? '')}?done=assigned#panel`, 303)
  })

  app.post(paths.standards.actions(R.ret), returnRoute(commissioner), async (request, reply) => {
    const { returnId } = idParam('returnId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const found = await service.returnFor(db, v, returnId ?? '')
    if (found.kind !== 'ok') return fail(found)
    const form = parseActionForm(request.body)
    if (!form.ok) return renderReturn(request, reply, { errors: form.errors, values: form.values, status: 400 })
    const outcome = await service.raiseAction(db, v, returnId ?? '', form.data)
    if (outcome.kind === 'refused' && found.value.ret.status === 'verified') {
      const errors = {
        fields: { standard: { text: outcome.message } },
        summary: [{ text: outcome.message, href: '#standard' }],
      }
      return renderReturn(request, reply, { errors, values: formBody(request.body), status: 400 })
    }
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.return(returnId ?? '')}?done=action#actions`, 303)
  })

  // One standard of a return ---------------------------------------------------------------------------

  async function renderStandard(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      form?: 'rating' | 'decision' | 'observation' | 'evidence'
      errors?: FormErrors
      values?: Record<string, unknown>
      status?: number
      conflict?: string
    } = {},
  ) {
    const params = standardParams.safeParse(request.params)
    if (!params.success) throw notFound()
    const v = await service.standardsViewer(db, request)
    const found = await service.returnDetail(db, v, params.data.returnId)
    if (found.kind !== 'ok') return fail(found)
    const d = found.value
    const ret: ReturnRow = d.ret
    const applicable = service.applicableStandard(d.framework, ret.serviceType, params.data.standard)
    if (!applicable) throw notFound('standard for this service')
    const { theme, standard } = applicable
    const rating = d.ratings.find((r) => r.standardId === standard.id) ?? null
    const mayEdit = v.role === 'provider' && service.openToProvider(ret.status) && d.round.status === 'open'
    const order = standardRows(d.framework, ret, d.ratings, d.evidence, d.observations).flatMap((t) => t.standards)
    const at = order.findIndex((s) => s.id === standard.id)
    const ratingValues =
      extra.form === 'rating' && extra.values
        ? extra.values
        : { rating: rating?.rating, narrative: rating?.narrative, naReason: rating?.naReason }
    return reply.code(extra.status ?? 200).view(`${V}/standard.njk`, {
      pageTitle: `${extra.errors ? 'Error: ' : ''}${standard.id}: ${standard.title}`,
      notice: done(request),
      conflict: extra.conflict,
      errors: extra.errors,
      form: extra.form,
      viewer: { role: v.role },
      ret: {
        id: ret.id,
        service: ret.serviceName,
        provider: ret.providerName,
        status: returnStatusTag[ret.status],
        href: paths.standards.return(ret.id),
      },
      round: { title: d.round.title },
      theme: { title: theme.title },
      standard: { ...standard, principle: principleTitle.get(standard.principle) ?? standard.principle },
      rating: rating
        ? {
            tag: ratingTag[rating.rating],
            narrative: rating.narrative,
            naReason: rating.naReason,
            version: rating.version,
            decision: rating.decision,
            decisionReason: rating.decisionReason,
            verifiedTag: rating.verifiedRating ? ratingTag[rating.verifiedRating] : null,
          }
        : null,
      ratingVersion: rating?.version ?? 0,
      mayEdit,
      mayDecide: v.role === 'commissioner' && ret.status === 'submitted' && rating !== null,
      mayObserve: v.role === 'panel_member' && v.panelReturnIds.includes(ret.id),
      ratingItems: ratingItems(ratingValues.rating),
      ratingValues,
      decisionValues:
        extra.form === 'decision' && extra.values ? extra.values : { decision: rating?.decision ?? undefined },
      verifiedItems: ratingItems(extra.form === 'decision' ? extra.values?.verifiedRating : rating?.verifiedRating),
      observationValues: extra.form === 'observation' && extra.values ? extra.values : {},
      evidenceValues: extra.form === 'evidence' && extra.values ? extra.values : {},
      evidence: evidenceRows(
        d.evidence.filter((e) => e.standardId === standard.id),
        mayEdit,
      ),
      observations: observationRows(d.observations.filter((o) => o.standardId === standard.id)),
      training:
        v.role === 'panel_member'
          ? []
          : await trainingEvidence(db, v, ret.providerOrganisationId, standard.id, today()),
      maxMb: EVIDENCE_MAX_BYTES / 1024 / 1024,
      links: {
        rating: paths.standards.rating(ret.id, standard.id),
        decision: paths.standards.decision(ret.id, standard.id),
        observations: paths.standards.observations(ret.id, standard.id),
        evidence: paths.standards.evidence(ret.id, standard.id),
        previous: at > 0 ? order[at - 1]?.href : null,
        next: at >= 0 && at < order.length - 1 ? order[at + 1]?.href : null,
      },
      backHref: paths.standards.return(ret.id),
    })
  }

  app.get(paths.standards.standard(R.ret, R.standard), returnRoute(everyone), async (request, reply) =>
    renderStandard(request, reply),
  )

  app.post(paths.standards.rating(R.ret, R.standard), returnRoute(provider), async (request, reply) => {
    const params = standardParams.parse(request.params)
    const form = parseRatingForm(request.body)
    if (!form.ok)
      return renderStandard(request, reply, { form: 'rating', errors: form.errors, values: form.values, status: 400 })
    const v = await service.standardsViewer(db, request)
    const outcome = await service.rate(db, v, params.returnId, params.standard, form.data)
    if (outcome.kind === 'stale') return renderStandard(request, reply, { conflict: outcome.message, status: 409 })
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.standard(params.returnId, params.standard)}?done=rated`, 303)
  })

  app.post(paths.standards.decision(R.ret, R.standard), returnRoute(commissioner), async (request, reply) => {
    const params = standardParams.parse(request.params)
    const v = await service.standardsViewer(db, request)
    const found = await service.returnDetail(db, v, params.returnId)
    if (found.kind !== 'ok') return fail(found)
    const rating = found.value.ratings.find((r) => r.standardId === params.standard)
    if (!rating) throw new HttpError(400, 'The provider has not rated this standard, so there is nothing to verify.')
    const form = parseDecisionForm(request.body, rating.rating)
    if (!form.ok)
      return renderStandard(request, reply, { form: 'decision', errors: form.errors, values: form.values, status: 400 })
    const outcome = await service.decide(db, v, params.returnId, params.standard, form.data)
    if (outcome.kind === 'stale') return renderStandard(request, reply, { conflict: outcome.message, status: 409 })
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${paths.standards.standard(params.returnId, params.standard)}?done=decided`, 303)
  })

  app.post(paths.standards.observations(R.ret, R.standard), returnRoute(panel), async (request, reply) => {
    const params = standardParams.parse(request.params)
    const form = parseObservationForm(request.body)
    if (!form.ok)
      return renderStandard(request, reply, {
        form: 'observation',
        errors: form.errors,
        values: form.values,
        status: 400,
      })
    const v = await service.standardsViewer(db, request)
    const outcome = await service.observe(db, v, params.returnId, params.standard, form.data)
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(
      `${paths.standards.standard(params.returnId, params.standard)}?done=observed#observations`,
      303,
    )
  })

  // Evidence: files arrive as multipart, in a plugin of their own -------------------------------------------

  void app.register(async (scoped) => {
    // The session and role are checked before a multipart body is read, so only a signed-in
    // provider can make the service write a file; CSRF is checked afterwards as for any form.
    scoped.addHook('preValidation', async (request, reply) => {
      if (!request.isMultipart()) return
      await app.sessions.load(request, reply)
      await enforceAccess(request, reply)
    })
    await registerUpload(scoped, { maxBytes: EVIDENCE_MAX_BYTES, suffix: '' })

    scoped.post(paths.standards.evidence(R.ret, R.standard), returnRoute(provider), async (request, reply) => {
      const params = standardParams.parse(request.params)
      const { file, rest } = takeFile(request.body, 'file')
      const present = file !== null && (file.bytes > 0 || file.tooLarge || file.fileName !== '')
      const problem = present ? await documentProblem(file) : null
      const form = parseEvidenceForm(rest, { problem, present })
      if (!form.ok)
        return renderStandard(request, reply, {
          form: 'evidence',
          errors: form.errors,
          values: form.values,
          status: 400,
        })
      const v = await service.standardsViewer(db, request)
      const found = await service.returnFor(db, v, params.returnId)
      if (found.kind !== 'ok') return fail(found)
      const { ret, round, framework } = found.value
      if (!service.applicableStandard(framework, ret.serviceType, params.standard))
        throw notFound('standard for this service')
      if (!service.openToProvider(ret.status) || round.status !== 'open')
        throw new HttpError(
          400,
          'This return has been submitted, so evidence cannot be added unless the commissioner sends it back.',
        )
      const stored = file && present ? await storeDocument(app.config.evidenceDir, v.scope.tenantId, file) : null
      await addEvidence(db, v.scope, service.actorOf(v), {
        returnId: ret.id,
        standardId: params.standard,
        kind: stored ? 'file' : 'link',
        label: form.data.label,
        url: stored ? null : form.data.url,
        ...(stored ? { file: stored } : {}),
      })
      return reply.redirect(`${paths.standards.standard(ret.id, params.standard)}?done=evidence#evidence`, 303)
    })
  })

  app.get(paths.standards.evidenceFile(R.evidence), evidenceRoute(readers), async (request, reply) => {
    const { evidenceId } = idParam('evidenceId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const evidence = await getEvidence(db, v.scope, evidenceId ?? '')
    if (evidence?.kind !== 'file' || !evidence.storedName) throw notFound('file')
    const found = await service.returnFor(db, v, evidence.returnId)
    if (found.kind !== 'ok') throw notFound('file')
    const content = await readStoredDocument(app.config.evidenceDir, v.scope.tenantId, evidence.storedName)
    if (!content) throw notFound('file')
    return sendDownload(reply, {
      format: 'file',
      fileName: attachmentName(evidence.fileName ?? '', 'evidence'),
      contentType: evidence.contentType ?? 'application/octet-stream',
      body: content,
    })
  })

  app.post(paths.standards.removeEvidence(R.evidence), evidenceRoute(provider), async (request, reply) => {
    const { evidenceId } = idParam('evidenceId').parse(request.params)
    const v = await service.standardsViewer(db, request)
    const evidence = await getEvidence(db, v.scope, evidenceId ?? '')
    if (!evidence) throw notFound()
    const found = await service.returnFor(db, v, evidence.returnId)
    if (found.kind !== 'ok') throw notFound()
    if (!service.openToProvider(found.value.ret.status))
      throw new HttpError(400, 'This return has been submitted, so its evidence cannot be removed.')
    await removeEvidence(db, v.scope, service.actorOf(v), evidence)
    if (evidence.storedName) await removeStoredDocument(app.config.evidenceDir, v.scope.tenantId, evidence.storedName)
    return reply.redirect(
      `${paths.standards.standard(evidence.returnId, evidence.standardId)}?done=evidence-removed#evidence`,
      303,
    )
  })
}

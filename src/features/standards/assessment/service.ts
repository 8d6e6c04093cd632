/**
 * The standards assessment cycle (issue 12): who may see and do what, and the rules of each step.
 * Routes call these functions and render what they return; the repository holds the queries.
 *
 * - Commissioners open rounds, assign panel members, verify ratings and agree improvement actions.
 * - Analysts read everything in their council.
 * - Providers see and answer only their own organisation's returns, while the return is open to
 *   them (not started, draft, or sent back); submitting locks it.
 * - Panel members see only the returns they are assigned to, and add observations.
 */
import type { FastifyRequest } from 'fastify'
import type { RatingValue, ReturnStatus } from '../../../db/schema/standards.js'
import { type ActionRow, actionsFrom, createAction, openActions } from '../../../platform/actions.js'
import { formatDay } from '../../../lib/dates.js'
import { paths } from '../../../platform/paths.js'
import { requireUser } from '../../../platform/access.js'
import type { Actor } from '../../../platform/audit.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import type { TableView } from '../../../lib/table.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { providerOrganisationIds } from '../../../platform/users.js'
import { type Framework, type Standard, standardsFor, type Theme } from '../framework.js'
import type { RatingInput } from './forms.js'
import * as repo from './repository.js'
import { comparisonTable, gapsOf, ratingLabel, summariseByTheme } from './scoring.js'

export type ViewerRole = 'commissioner' | 'analyst' | 'provider' | 'panel_member'

export interface StandardsViewer {
  userId: string
  label: string
  scope: TenantScope
  role: ViewerRole
  providerIds: string[]
  panelReturnIds: string[]
}

export const actorOf = (v: StandardsViewer): Actor => ({ userId: v.userId, label: v.label })

export async function standardsViewer(db: DbOrTx, request: FastifyRequest): Promise<StandardsViewer> {
  const u = requireUser(request)
  const role: ViewerRole = u.roles.includes('commissioner')
    ? 'commissioner'
    : u.roles.includes('analyst')
      ? 'analyst'
      : u.roles.includes('provider')
        ? 'provider'
        : 'panel_member'
  return {
    userId: u.id,
    label: u.email,
    scope: u.scope,
    role,
    providerIds: role === 'provider' ? await providerOrganisationIds(db, u.scope, u.id) : [],
    panelReturnIds: role === 'panel_member' ? await repo.assignedReturnIds(db, u.scope, u.id) : [],
  }
}

export const seesAll = (v: StandardsViewer): boolean => v.role === 'commissioner' || v.role === 'analyst'

export function maySee(v: StandardsViewer, ret: Pick<repo.ReturnRow, 'id' | 'providerOrganisationId'>): boolean {
  if (seesAll(v)) return true
  if (v.role === 'provider') return v.providerIds.includes(ret.providerOrganisationId)
  return v.panelReturnIds.includes(ret.id)
}

export const openToProvider = (status: ReturnStatus): boolean =>
  status === 'not_started' || status === 'draft' || status === 'returned'

export type Outcome<T = undefined> =
  | { kind: 'ok'; value: T }
  | { kind: 'not-found' }
  | { kind: 'refused'; message: string }
  | { kind: 'stale'; message: string }

const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value })
const notFound = { kind: 'not-found' } as const
const refused = (message: string) => ({ kind: 'refused', message }) as const
const stale = (message: string) => ({ kind: 'stale', message }) as const

/** The rounds the viewer takes part in, newest first, with the returns they may see. */
export async function roundsFor(db: DbOrTx, v: StandardsViewer) {
  const rounds = await repo.listRounds(db, v.scope)
  const returns = await visibleReturns(
    db,
    v,
    rounds.map((r) => r.id),
  )
  const byRound = new Map<string, repo.ReturnRow[]>()
  for (const r of returns) byRound.set(r.roundId, [...(byRound.get(r.roundId) ?? []), r])
  return rounds
    .filter((r) => seesAll(v) || byRound.has(r.id))
    .map((round) => ({ round, returns: byRound.get(round.id) ?? [] }))
}

async function visibleReturns(db: DbOrTx, v: StandardsViewer, roundIds: readonly string[]): Promise<repo.ReturnRow[]> {
  if (seesAll(v)) return repo.listReturns(db, v.scope, { roundIds })
  if (v.role === 'provider') return repo.listReturns(db, v.scope, { roundIds, providerIds: v.providerIds })
  return repo.listReturns(db, v.scope, { roundIds, ids: v.panelReturnIds })
}

export async function roundFor(db: DbOrTx, v: StandardsViewer, roundId: string) {
  const round = await repo.getRound(db, v.scope, roundId)
  if (!round) return notFound
  const returns = await visibleReturns(db, v, [round.id])
  if (!seesAll(v) && returns.length === 0) return notFound
  return ok({ round, framework: repo.roundFramework(round), returns })
}

export async function closeRound(db: DbOrTx, v: StandardsViewer, roundId: string): Promise<Outcome> {
  const round = await repo.getRound(db, v.scope, roundId)
  if (!round) return notFound
  if (v.role !== 'commissioner') return refused('Only a commissioner closes a round.')
  if (!(await repo.closeRound(db, v.scope, actorOf(v), round.id))) return refused('This round is already closed.')
  return ok(undefined)
}

/** What a commissioner may choose from when opening a round. */
export const servicesToAssess = (db: DbOrTx, v: StandardsViewer, source: repo.ServiceSource) => source(db, v.scope)

export async function openRound(
  db: DbOrTx,
  v: StandardsViewer,
  input: { title: string; framework: Framework; dueOn: string; serviceIds: readonly string[] },
  source: repo.ServiceSource,
): Promise<Outcome<string>> {
  const unique = [...new Set(input.serviceIds)]
  const services = await source(db, v.scope, unique)
  if (services.length !== unique.length) return refused('Choose services from the list')
  return ok(await repo.createRound(db, v.scope, actorOf(v), { ...input, services }))
}

/** A return the viewer may see, with its round and framework. */
export async function returnFor(db: DbOrTx, v: StandardsViewer, returnId: string) {
  const ret = await repo.getReturn(db, v.scope, returnId)
  if (!ret || !maySee(v, ret)) return notFound
  const round = await repo.getRound(db, v.scope, ret.roundId)
  if (!round) return notFound
  return ok({ ret, round, framework: repo.roundFramework(round) })
}

export interface ApplicableStandard {
  theme: Theme
  standard: Standard
}

export function applicableStandard(
  framework: Framework,
  serviceType: string,
  standardId: string,
): ApplicableStandard | null {
  return standardsFor(framework, serviceType).find((x) => x.standard.id === standardId) ?? null
}

/** Everything a return's page shows, narrowed to what the viewer may read. */
export async function returnDetail(db: DbOrTx, v: StandardsViewer, returnId: string) {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, round, framework } = found.value
  const [ratings, evidence, observations, panel] = await Promise.all([
    repo.ratingsOf(db, v.scope, [ret.id]),
    repo.evidenceOf(db, v.scope, ret.id),
    repo.observationsOf(db, v.scope, [ret.id]),
    repo.panelOf(db, v.scope, ret.id),
  ])
  // A panel member reads the standards and their own observations, not the provider's answers
  // (ADR 27): what they saw stays their own view.
  const isPanel = v.role === 'panel_member'
  const visibleRatings = isPanel ? [] : ratings
  const visibleObservations = isPanel ? observations.filter((o) => o.authorUserId === v.userId) : observations
  const gaps = ret.status === 'verified' ? gapsOf(framework, ret.serviceType, ratings) : []
  const actions = isPanel
    ? []
    : await actionsFrom(
        db,
        v.scope,
        'assessment-rating',
        gaps.map((g) => `${ret.id}:${g.standardId}`),
      )
  return ok({
    ret,
    round,
    framework,
    ratings: visibleRatings,
    evidence: isPanel ? [] : evidence,
    observations: visibleObservations,
    panel,
    summary: isPanel ? [] : summariseByTheme(framework, ret.serviceType, ratings),
    gaps,
    actions,
  })
}

/** Earlier and later rounds of the same service: its history across rounds. */
export async function serviceRounds(db: DbOrTx, v: StandardsViewer, ret: repo.ReturnRow) {
  const all = (await repo.listReturns(db, v.scope, { serviceId: ret.serviceId })).filter((r) => maySee(v, r))
  const rounds = new Map((await repo.listRounds(db, v.scope)).map((r) => [r.id, r]))
  const ratings = await repo.ratingsOf(
    db,
    v.scope,
    all.filter((r) => r.status === 'verified').map((r) => r.id),
  )
  return all
    .map((r) => {
      const round = rounds.get(r.roundId)
      if (!round) return null
      const framework = repo.roundFramework(round)
      const mine = ratings.filter((x) => x.returnId === r.id)
      return {
        ret: r,
        round,
        summary: r.status === 'verified' ? summariseByTheme(framework, r.serviceType, mine) : null,
      }
    })
    .filter((x) => x !== null)
    .sort((a, b) => b.round.createdAt.getTime() - a.round.createdAt.getTime())
}

export async function rate(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  standardId: string,
  input: RatingInput,
): Promise<Outcome> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, round, framework } = found.value
  if (v.role !== 'provider') return refused('Only the provider answers for its service.')
  const applicable = applicableStandard(framework, ret.serviceType, standardId)
  if (!applicable) return refused(`Standard ${standardId} does not apply to this type of service, so it is not rated.`)
  if (round.status !== 'open' || !openToProvider(ret.status))
    return refused('This return has been submitted, so it cannot be changed unless the commissioner sends it back.')
  const outcome = await repo.saveRating(db, v.scope, actorOf(v), ret, standardId, input)
  if (outcome === 'stale')
    return stale(
      'Someone else changed this rating while you were editing it. Their answer is shown below: check it and save again.',
    )
  return ok(undefined)
}

/** The standards still to answer before a return can be submitted, in framework order. */
export function unanswered(framework: Framework, serviceType: string, ratings: readonly repo.RatingRow[]): Standard[] {
  const rated = new Set(ratings.map((r) => r.standardId))
  return standardsFor(framework, serviceType)
    .map((x) => x.standard)
    .filter((s) => !rated.has(s.id))
}

export async function submit(db: DbOrTx, v: StandardsViewer, returnId: string, version: number): Promise<Outcome> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, round, framework } = found.value
  if (v.role !== 'provider') return refused('Only the provider submits its return.')
  if (round.status !== 'open' || !openToProvider(ret.status)) return refused('This return has already been submitted.')
  const ratings = await repo.ratingsOf(db, v.scope, [ret.id])
  const missing = unanswered(framework, ret.serviceType, ratings)
  if (missing.length > 0)
    return refused(
      `Rate every standard before you submit: ${missing.map((s) => s.id).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not rated yet.`,
    )
  const moved = await repo.moveReturn(db, v.scope, actorOf(v), ret, {
    from: ['draft', 'returned'],
    to: 'submitted',
    version,
    audit: 'standards.return.submit',
  })
  return moved ? ok(undefined) : stale('The return changed since you opened the page. Check it and submit again.')
}

export async function decide(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  standardId: string,
  input: {
    decision: 'agreed' | 'changed' | 'returned'
    verifiedRating: RatingValue | null
    reason: string
    version: number
  },
): Promise<Outcome> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret } = found.value
  if (v.role !== 'commissioner') return refused('Only a commissioner verifies ratings.')
  if (ret.status !== 'submitted') return refused('Ratings are verified once the provider has submitted the return.')
  const outcome = await repo.decideRating(db, v.scope, actorOf(v), ret.id, standardId, input)
  return outcome === 'saved'
    ? ok(undefined)
    : stale('The rating changed since you opened the page. Check it and decide again.')
}

/** The commissioner finishes verifying: sent back if any rating was returned, otherwise verified. */
export async function finishVerification(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  version: number,
): Promise<Outcome<'verified' | 'returned'>> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, framework } = found.value
  if (v.role !== 'commissioner') return refused('Only a commissioner verifies a return.')
  if (ret.status !== 'submitted') return refused('Only a submitted return can be verified.')
  const ratings = await repo.ratingsOf(db, v.scope, [ret.id])
  const applicable = new Set(standardsFor(framework, ret.serviceType).map((x) => x.standard.id))
  const undecided = ratings.filter((r) => applicable.has(r.standardId) && r.decision === null).map((r) => r.standardId)
  if (undecided.length > 0)
    return refused(
      `Decide on every rating first: ${undecided.join(', ')} ${undecided.length === 1 ? 'is' : 'are'} not verified yet.`,
    )
  const to = ratings.some((r) => r.decision === 'returned') ? 'returned' : 'verified'
  const moved = await repo.moveReturn(db, v.scope, actorOf(v), ret, {
    from: ['submitted'],
    to,
    version,
    audit: to === 'verified' ? 'standards.return.verify' : 'standards.return.send-back',
  })
  return moved ? ok(to) : stale('The return changed since you opened the page. Check it and finish again.')
}

export async function observe(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  standardId: string,
  input: { source: 'visit' | 'conversation' | 'other'; observedOn: string; view: RatingValue | null; text: string },
): Promise<Outcome> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, framework } = found.value
  if (v.role !== 'panel_member' || !v.panelReturnIds.includes(ret.id))
    return refused('Only a panel member assigned to this service adds observations.')
  if (!applicableStandard(framework, ret.serviceType, standardId))
    return refused(`Standard ${standardId} does not apply to this type of service.`)
  await repo.addObservation(db, v.scope, actorOf(v), { returnId: ret.id, standardId, ...input })
  return ok(undefined)
}

export async function assignPanelMember(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  userId: string,
): Promise<Outcome> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  if (v.role !== 'commissioner') return refused('Only a commissioner assigns panel members.')
  const members = await repo.panelMembers(db, v.scope)
  if (!members.some((m) => m.userId === userId)) return refused('Choose a panel member from the list')
  await repo.assignPanel(db, v.scope, actorOf(v), found.value.ret.id, userId)
  return ok(undefined)
}

/** The commissioner agrees an improvement action for a gap of a verified return, owned by the provider. */
export async function raiseAction(
  db: DbOrTx,
  v: StandardsViewer,
  returnId: string,
  input: { standard: string; title: string; detail: string; dueOn: string },
): Promise<Outcome<string>> {
  const found = await returnFor(db, v, returnId)
  if (found.kind !== 'ok') return found
  const { ret, round, framework } = found.value
  if (v.role !== 'commissioner') return refused('Only a commissioner agrees improvement actions.')
  if (ret.status !== 'verified') return refused('Actions are agreed once the return is verified.')
  const ratings = await repo.ratingsOf(db, v.scope, [ret.id])
  const gap = gapsOf(framework, ret.serviceType, ratings).find((g) => g.standardId === input.standard)
  if (!gap) return refused('Choose one of the gaps listed: a standard rated partly met or not met')
  const id = await createAction(db, v.scope, actorOf(v), {
    kind: 'improvement',
    title: input.title,
    detail: input.detail,
    ownerOrganisationId: ret.providerOrganisationId,
    ownerName: ret.providerName,
    dueOn: input.dueOn,
    source: {
      type: 'assessment-rating',
      id: `${ret.id}:${gap.standardId}`,
      label: `${round.title}: ${gap.standardId} ${gap.title} (${ratingLabel[gap.rating].toLowerCase()}), ${ret.serviceName}`,
    },
    subject: { type: 'directory-service', id: ret.serviceId },
    isExample: round.isExample,
  })
  return ok(id)
}

export const panelMembersOf = (db: DbOrTx, v: StandardsViewer) => repo.panelMembers(db, v.scope)

/** The ratings of returns the viewer may see, by return. */
export async function ratingsFor(
  db: DbOrTx,
  v: StandardsViewer,
  returns: readonly repo.ReturnRow[],
): Promise<Map<string, repo.RatingRow[]>> {
  const visible = returns.filter((r) => maySee(v, r)).map((r) => r.id)
  const out = new Map<string, repo.RatingRow[]>()
  for (const r of await repo.ratingsOf(db, v.scope, visible)) out.set(r.returnId, [...(out.get(r.returnId) ?? []), r])
  return out
}

export interface AttentionItem {
  text: string
  href: string
  note: string
  overdue: boolean
}

/**
 * What needs a person's attention on their home page: for a commissioner, returns past their due
 * date, returns waiting to be verified and actions past due; for a provider, their returns still
 * to answer (or sent back) and their open actions; for a panel member, the services they observe
 * in open rounds.
 */
export async function attentionFor(
  db: DbOrTx,
  scope: TenantScope,
  user: { id: string; roles: readonly string[] },
  today: string,
): Promise<Partial<Record<'commissioner' | 'provider' | 'panel_member', AttentionItem[]>>> {
  const out: Partial<Record<'commissioner' | 'provider' | 'panel_member', AttentionItem[]>> = {}
  const rounds = new Map((await repo.listRounds(db, scope)).map((r) => [r.id, r]))
  const due = (r: repo.ReturnRow) => rounds.get(r.roundId)?.dueOn ?? ''
  const returnItem = (r: repo.ReturnRow, note: string): AttentionItem => ({
    text: `${r.serviceName}: ${rounds.get(r.roundId)?.title ?? ''}`,
    href: paths.standards.return(r.id),
    note,
    overdue: openToProvider(r.status) && due(r) < today,
  })
  const actionItem = (a: ActionRow): AttentionItem => ({
    text: a.title,
    href: paths.actions.show(a.id),
    note: `${a.ownerName}, due ${formatDay(a.dueOn)}`,
    overdue: a.dueOn < today,
  })
  const openRounds = [...rounds.values()].filter((r) => r.status === 'open').map((r) => r.id)
  if (user.roles.includes('commissioner')) {
    const overdue = await repo.overdueReturns(db, scope, today)
    const waiting = (await repo.listReturns(db, scope, { roundIds: openRounds })).filter(
      (r) => r.status === 'submitted',
    )
    const late = await openActions(db, scope, { overdueOn: today, limit: 20 })
    out.commissioner = [
      ...overdue.map((r) => returnItem(r, `Not submitted; due ${formatDay(r.dueOn)}`)),
      ...waiting.map((r) => returnItem(r, 'Submitted: waiting for you to verify it')),
      ...late.map(actionItem),
    ]
  }
  if (user.roles.includes('provider')) {
    const owners = await providerOrganisationIds(db, scope, user.id)
    const mine = (await repo.listReturns(db, scope, { roundIds: openRounds, providerIds: owners })).filter((r) =>
      openToProvider(r.status),
    )
    const acts = await openActions(db, scope, { owners, limit: 20 })
    out.provider = [
      ...mine.map((r) =>
        returnItem(r, r.status === 'returned' ? 'Sent back for more evidence' : `To answer by ${formatDay(due(r))}`),
      ),
      ...acts.map(actionItem),
    ]
  }
  if (user.roles.includes('panel_member')) {
    const ids = await repo.assignedReturnIds(db, scope, user.id)
    const assigned = await repo.listReturns(db, scope, { roundIds: openRounds, ids })
    out.panel_member = assigned.map((r) => ({
      ...returnItem(r, 'You are on the panel for this service'),
      overdue: false,
    }))
  }
  return out
}

/** A draft is the provider's own: the council sees a return's ratings once it is submitted. */
const sharedWithCouncil = (status: ReturnStatus): boolean =>
  status === 'submitted' || status === 'returned' || status === 'verified'

/** The council's standards data version, read before a cached page is built (src/platform/cache.ts). */
export const standardsVersion = (db: DbOrTx, v: StandardsViewer): Promise<string> => repo.standardsVersion(db, v.scope)

/** A round's comparison for the page, the CSV and the JSON, with the returns the viewer may see. */
export async function roundComparison(
  db: DbOrTx,
  v: StandardsViewer,
  roundId: string,
): Promise<Outcome<{ round: repo.RoundRow; framework: Framework; table: TableView }>> {
  const found = await roundFor(db, v, roundId)
  if (found.kind !== 'ok') return found
  return ok({ ...found.value, table: await comparison(db, v, found.value.framework, found.value.returns) })
}

/** The round's comparison table (the heatmap, its CSV and JSON, and the Word report's table). */
export async function comparison(
  db: DbOrTx,
  v: StandardsViewer,
  framework: Framework,
  returns: readonly repo.ReturnRow[],
) {
  return comparisonOf(v, framework, returns, await ratingsFor(db, v, returns))
}

/** The same, from ratings already read (the Word report reads them once for all its parts). */
export function comparisonOf(
  v: StandardsViewer,
  framework: Framework,
  returns: readonly repo.ReturnRow[],
  ratings: ReadonlyMap<string, repo.RatingRow[]>,
) {
  return comparisonTable(
    framework,
    returns.map((r) => ({
      key: `s${r.id.replace(/-/g, '').slice(0, 12)}`,
      label: `${r.serviceName} (${r.providerName})`,
      serviceType: r.serviceType,
      submitted: v.role === 'provider' || sharedWithCouncil(r.status),
      ratings: ratings.get(r.id) ?? [],
    })),
  )
}

/** Each return's summary, gaps, actions and observations, as the Word report prints them. */
export async function reportServices(
  db: DbOrTx,
  v: StandardsViewer,
  framework: Framework,
  returns: readonly repo.ReturnRow[],
  ratings: ReadonlyMap<string, repo.RatingRow[]>,
) {
  const observations = await repo.observationsOf(
    db,
    v.scope,
    returns.map((r) => r.id),
  )
  const out = []
  for (const ret of returns) {
    const mine = v.role === 'provider' || sharedWithCouncil(ret.status) ? (ratings.get(ret.id) ?? []) : []
    const gaps = ret.status === 'verified' ? gapsOf(framework, ret.serviceType, mine) : []
    out.push({
      ret,
      summary: summariseByTheme(framework, ret.serviceType, mine),
      gaps,
      actions: await actionsFrom(
        db,
        v.scope,
        'assessment-rating',
        gaps.map((g) => `${ret.id}:${g.standardId}`),
      ),
      observations: observations.filter((o) => o.returnId === ret.id),
    })
  }
  return out
}

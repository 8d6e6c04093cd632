/**
 * The workforce training register (issue 12, principle 3; ADR 28): who may see and change it, and
 * what it says to the rest of WTC. A provider user keeps their own organisation's register; the
 * commissioning team (commissioners and analysts) reads every provider's; panel members do not
 * see it. Its figures are evidence on the workforce standards' pages, and a lapse is an overdue
 * item on the provider's and the commissioner's home pages.
 */
import type { TrainingCourseType } from '../../../db/schema/standards.js'
import { formatDay } from '../../../lib/dates.js'
import type { DbOrTx } from '../../../platform/db/index.js'
import { paths } from '../../../platform/paths.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { actorOf, type Outcome, seesAll, type StandardsViewer } from '../assessment/service.js'
import type { CourseInput, SessionInput } from './forms.js'
import { courseSlug } from './forms.js'
import {
  courseDefinitions,
  type CourseSettings,
  type CourseState,
  registerState,
  type SessionCounts,
  shareText,
} from './register.js'
import * as repo from './repository.js'

const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value })
const notFound = { kind: 'not-found' } as const
const refused = (message: string) => ({ kind: 'refused', message }) as const
const stale = (message: string) => ({ kind: 'stale', message }) as const

export interface ProviderRegister {
  provider: repo.ProviderRow
  courses: CourseState[]
  /** Each course's settings version, for the stale-form check (0: not recorded yet). */
  versions: Map<TrainingCourseType, number>
  sessionVersions: Map<string, number>
}

/** A provider user keeps their own organisation's register; the team reads everyone's. */
export const mayRead = (v: StandardsViewer, organisationId: string): boolean =>
  seesAll(v) || (v.role === 'provider' && v.providerIds.includes(organisationId))
const mayChange = (v: StandardsViewer, organisationId: string): boolean =>
  v.role === 'provider' && v.providerIds.includes(organisationId)

const settingsOf = (rows: readonly repo.CourseRow[]): CourseSettings[] =>
  rows.map((r) => ({ course: r.course, staffInPost: r.staffInPost, renewalMonths: r.renewalMonths }))
const countsOf = (rows: readonly repo.SessionRow[]): SessionCounts[] =>
  rows.map((r) => ({
    id: r.id,
    course: r.course,
    completedOn: r.completedOn,
    staffTrained: r.staffTrained,
    stillInPost: r.stillInPost,
  }))

/** The registers of several providers at once (two queries, whatever their number). */
async function registersOf(
  db: DbOrTx,
  scope: TenantScope,
  providers: readonly repo.ProviderRow[],
  today: string,
): Promise<ProviderRegister[]> {
  const ids = providers.map((p) => p.id)
  const [courses, sessions] = await Promise.all([repo.coursesOf(db, scope, ids), repo.sessionsOf(db, scope, ids)])
  return providers.map((provider) => {
    const mine = courses.filter((c) => c.organisationId === provider.id)
    const groups = sessions.filter((s) => s.organisationId === provider.id)
    return {
      provider,
      courses: registerState(settingsOf(mine), countsOf(groups), today),
      versions: new Map(mine.map((c) => [c.course, c.version])),
      sessionVersions: new Map(groups.map((s) => [s.id, s.version])),
    }
  })
}

/** Every register the viewer may read: all the council's providers for the team, their own for a provider. */
export async function registersFor(db: DbOrTx, v: StandardsViewer, today: string): Promise<ProviderRegister[]> {
  if (!seesAll(v) && v.role !== 'provider') return []
  const providers = await repo.providers(db, v.scope, seesAll(v) ? undefined : v.providerIds)
  return registersOf(db, v.scope, providers, today)
}

export async function registerFor(
  db: DbOrTx,
  v: StandardsViewer,
  organisationId: string,
  today: string,
): Promise<Outcome<ProviderRegister & { mayChange: boolean }>> {
  const provider = await repo.getProvider(db, v.scope, organisationId)
  if (!provider || !mayRead(v, provider.id)) return notFound
  const [register] = await registersOf(db, v.scope, [provider], today)
  if (!register) return notFound
  return ok({ ...register, mayChange: mayChange(v, provider.id) })
}

export async function saveCourse(
  db: DbOrTx,
  v: StandardsViewer,
  organisationId: string,
  course: TrainingCourseType,
  input: CourseInput,
): Promise<Outcome> {
  const provider = await repo.getProvider(db, v.scope, organisationId)
  if (!provider || !mayRead(v, provider.id)) return notFound
  if (!mayChange(v, provider.id)) return refused('Only the provider keeps its training register.')
  const saved = await repo.saveCourse(db, v.scope, actorOf(v), provider.id, { course, ...input })
  if (saved === 'stale')
    return stale(
      'Someone else changed the staff in post for this course after you opened the page. Check the figures below and save again.',
    )
  return ok(undefined)
}

export async function addTraining(
  db: DbOrTx,
  v: StandardsViewer,
  organisationId: string,
  course: TrainingCourseType,
  input: SessionInput,
): Promise<Outcome> {
  const provider = await repo.getProvider(db, v.scope, organisationId)
  if (!provider || !mayRead(v, provider.id)) return notFound
  if (!mayChange(v, provider.id)) return refused('Only the provider keeps its training register.')
  const settings = (await repo.coursesOf(db, v.scope, [provider.id])).find((c) => c.course === course)
  if (!settings)
    return refused('Enter the staff in post and the renewal period for this course before recording training.')
  if (input.renews) {
    const earlier = await repo.getSession(db, v.scope, input.renews)
    if (earlier?.organisationId !== provider.id || earlier.course !== course || earlier.stillInPost === 0)
      return refused('The group this training renews is not one of this course’s groups still counted.')
  }
  const saved = await repo.addSession(db, v.scope, actorOf(v), provider.id, { course, ...input })
  if (saved.kind === 'gone')
    return refused('The group this training renews is not one of this course’s groups still counted.')
  return ok(undefined)
}

/** The provider and course of one group of staff trained, if the viewer may read it. */
export async function groupOf(
  db: DbOrTx,
  v: StandardsViewer,
  sessionId: string,
): Promise<Outcome<{ organisationId: string; course: TrainingCourseType }>> {
  const session = await repo.getSession(db, v.scope, sessionId)
  if (!session || !mayRead(v, session.organisationId)) return notFound
  return ok({ organisationId: session.organisationId, course: session.course })
}

export async function updateGroup(
  db: DbOrTx,
  v: StandardsViewer,
  sessionId: string,
  input: { stillInPost: number; version: number },
): Promise<Outcome<{ organisationId: string; course: TrainingCourseType }>> {
  const session = await repo.getSession(db, v.scope, sessionId)
  if (!session || !mayRead(v, session.organisationId)) return notFound
  if (!mayChange(v, session.organisationId)) return refused('Only the provider keeps its training register.')
  if (input.stillInPost > session.staffTrained)
    return refused(
      `The number still in post cannot be more than the ${String(session.staffTrained)} staff this group trained.`,
    )
  const saved = await repo.updateStillInPost(db, v.scope, actorOf(v), session, input)
  if (saved === 'stale')
    return stale('Someone else changed this group after you opened the page. Check the figures and save again.')
  return ok({ organisationId: session.organisationId, course: session.course })
}

export interface TrainingAttention {
  text: string
  href: string
  note: string
  overdue: boolean
}

/**
 * The register's items for home pages: each lapse (overdue), and for the provider each course due
 * for renewal within 90 days or never recorded.
 */
export async function trainingAttention(
  db: DbOrTx,
  scope: TenantScope,
  who: { all: true } | { providerIds: readonly string[] },
  today: string,
): Promise<TrainingAttention[]> {
  const providers = await repo.providers(db, scope, 'all' in who ? undefined : who.providerIds)
  const registers = await registersOf(db, scope, providers, today)
  const out: TrainingAttention[] = []
  for (const r of registers) {
    const recorded = r.courses.filter((c) => c.settings !== null)
    // A provider that has not started its register is not overdue: the commissioner sees it on the register page.
    if (recorded.length === 0 && 'all' in who) continue
    for (const c of r.courses) {
      const href = paths.standards.course(r.provider.id, courseSlug(c.course.key))
      if (c.lapsedStaff > 0) {
        const lapsed =
          c.sessions
            .filter((s) => s.state === 'lapsed')
            .map((s) => s.expiresOn)
            .sort()[0] ?? ''
        out.push({
          text: `${c.course.title} training lapsed for ${String(c.lapsedStaff)} staff`,
          href,
          note: `${r.provider.name}; renewal was due ${formatDay(lapsed)}`,
          overdue: true,
        })
      } else if (!('all' in who) && c.dueSoonStaff > 0 && c.nextRenewal) {
        out.push({
          text: `${c.course.title} training to renew for ${String(c.dueSoonStaff)} staff`,
          href,
          note: `${r.provider.name}; due by ${formatDay(c.nextRenewal)}`,
          overdue: false,
        })
      } else if (!('all' in who) && c.settings === null) {
        out.push({
          text: `${c.course.title}: not on the training register yet`,
          href,
          note: `${r.provider.name}; enter the staff in post and the training they hold`,
          overdue: false,
        })
      }
    }
  }
  return out
}

export interface TrainingEvidence {
  course: string
  summary: string
  warnings: string[]
  href: string
}

/**
 * What the register says about a standard for one provider, on a day: shown on the standard's
 * page beside the provider's own evidence. Empty for a standard no course bears on.
 */
export async function trainingEvidence(
  db: DbOrTx,
  v: StandardsViewer,
  organisationId: string,
  standardId: string,
  today: string,
): Promise<TrainingEvidence[]> {
  const courses = courseDefinitions.filter((c) => c.standards.includes(standardId))
  if (courses.length === 0 || !mayRead(v, organisationId)) return []
  const provider = await repo.getProvider(db, v.scope, organisationId)
  if (!provider) return []
  const [register] = await registersOf(db, v.scope, [provider], today)
  return (register?.courses ?? [])
    .filter((c) => courses.some((d) => d.key === c.course.key))
    .map((c) => evidenceLine(c, provider.id, today))
}

function evidenceLine(c: CourseState, organisationId: string, today: string): TrainingEvidence {
  const href = paths.standards.course(organisationId, courseSlug(c.course.key))
  if (!c.settings) return { course: c.course.title, summary: 'Not on the training register yet.', warnings: [], href }
  const summary =
    c.share === null
      ? `No staff in post are recorded for this course (${formatDay(today)}).`
      : `${shareText(c)} staff in post hold it in date on ${formatDay(today)}${c.nextRenewal ? `; the next renewal falls on ${formatDay(c.nextRenewal)}` : ''}.`
  const warnings: string[] = []
  if (c.lapsedStaff > 0) warnings.push(`Lapsed for ${String(c.lapsedStaff)} staff.`)
  if (c.overCounted)
    warnings.push('The register counts more trained staff than are in post: someone who left is still counted.')
  return { course: c.course.title, summary, warnings, href }
}

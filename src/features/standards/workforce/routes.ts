/**
 * The workforce training register's pages (issue 12, principle 3): the council's view of every
 * provider, one provider's register, and one course with its groups of staff trained. Rules and
 * queries live in service.ts; this file reads forms and renders.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../../platform/access.js'
import { sendDownload } from '../../../platform/downloads.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import type { FormErrors } from '../../../platform/forms.js'
import { formBody, londonDay, parseQuery } from '../../../platform/forms.js'
import { paths } from '../../../platform/paths.js'
import { tableToCsv } from '../../../lib/table.js'
import { formatDay } from '../../../lib/dates.js'
import type { TrainingCourseType } from '../../../db/schema/standards.js'
import { standardsViewer } from '../assessment/service.js'
import {
  courseFromSlug,
  courseSlug,
  MAX_STAFF,
  parseCourseForm,
  parseSessionForm,
  parseStillInPostForm,
} from './forms.js'
import { councilTable, courseRows, groupRows, months, registerLinks, renewable } from './presenter.js'
import { DEFAULT_RENEWAL_MONTHS } from './register.js'
import * as service from './service.js'

const V = 'features/standards/workforce/views'
const readers = { roles: ['commissioner', 'analyst', 'provider'] as const }
const provider = { roles: ['provider'] as const }

const R = { org: ':organisationId', course: ':course', group: ':sessionId' }
const orgRoute = (access: Access) => ({ config: { access, tenantResource: 'provider-organisation' } })
const groupRoute = (access: Access) => ({ config: { access, tenantResource: 'training-group' } })

const orgParams = z.object({ organisationId: z.string().max(64) }).strict()
const courseParams = z.object({ organisationId: z.string().max(64), course: z.string().max(64) }).strict()
const groupParams = z.object({ sessionId: z.string().max(64) }).strict()
const formatQuery = z
  .object({ format: z.enum(['csv', 'json']).optional(), table: z.literal('training').optional() })
  .strict()
const doneQuery = z.object({ done: z.string().max(40).optional() }).strict()

const doneMessages: Record<string, string> = {
  course: 'Staff in post and renewal period saved.',
  training: 'Training recorded.',
  group: 'Group updated.',
}

const today = (): string => londonDay(new Date())

function fail(
  outcome: { kind: 'not-found' } | { kind: 'refused'; message: string } | { kind: 'stale'; message: string },
): never {
  if (outcome.kind === 'not-found') throw notFound()
  throw new HttpError(outcome.kind === 'stale' ? 409 : 400, outcome.message)
}

export function registerWorkforceRoutes(app: FastifyInstance): void {
  const db = app.db

  app.get(paths.standards.workforce, { config: { access: readers } }, async (request, reply) => {
    const { format } = parseQuery(formatQuery, request.query)
    const v = await standardsViewer(db, request)
    const day = today()
    const registers = await service.registersFor(db, v, day)
    const table = councilTable(registers, day)
    if (format === 'csv')
      return sendDownload(reply, {
        format: 'csv',
        fileName: `training-register-${day}.csv`,
        csv: tableToCsv(table, 'values'),
      })
    if (format === 'json')
      return sendDownload(reply, {
        format: 'json',
        fileName: `training-register-${day}.json`,
        json: { on: day, table },
      })
    const [only] = registers
    if (v.role === 'provider' && registers.length === 1 && only)
      return reply.redirect(paths.standards.register(only.provider.id), 303)
    return reply.view(`${V}/workforce.njk`, {
      pageTitle: 'Training register',
      today: formatDay(day),
      table,
      downloadBase: `${paths.standards.workforce}?`,
      providers: registerLinks(registers),
      backHref: paths.standards.list,
    })
  })

  app.get(paths.standards.register(R.org), orgRoute(readers), async (request, reply) => {
    const { organisationId } = orgParams.parse(request.params)
    const v = await standardsViewer(db, request)
    const found = await service.registerFor(db, v, organisationId, today())
    if (found.kind !== 'ok') return fail(found)
    const r = found.value
    return reply.view(`${V}/register.njk`, {
      pageTitle: `Training register: ${r.provider.name}`,
      provider: r.provider.name,
      today: formatDay(today()),
      courses: courseRows(r),
      mayChange: r.mayChange,
      ...(v.role === 'provider' && v.providerIds.length === 1
        ? { backText: 'Standards', backHref: paths.standards.list }
        : { backText: 'Training register', backHref: paths.standards.workforce }),
    })
  })

  async function renderCourse(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      form?: 'course' | 'training' | 'group'
      errors?: FormErrors
      values?: Record<string, unknown>
      status?: number
      conflict?: string
      groupId?: string
    } = {},
  ) {
    const params = courseParams.safeParse(request.params)
    const course = params.success ? courseFromSlug(params.data.course) : null
    if (!params.success || !course) throw notFound()
    const v = await standardsViewer(db, request)
    const found = await service.registerFor(db, v, params.data.organisationId, today())
    if (found.kind !== 'ok') return fail(found)
    const r = found.value
    const state = r.courses.find((c) => c.course.key === course)
    if (!state) throw notFound()
    const row = courseRows(r).find((c) => c.title === state.course.title)
    const courseValues =
      extra.form === 'course' && extra.values
        ? extra.values
        : {
            staffInPost: state.settings ? String(state.settings.staffInPost) : '',
            renewalMonths: String(state.settings?.renewalMonths ?? DEFAULT_RENEWAL_MONTHS),
          }
    return reply.code(extra.status ?? 200).view(`${V}/course.njk`, {
      pageTitle: `${extra.errors ? 'Error: ' : ''}${state.course.title}: ${r.provider.name}`,
      notice: doneFor(request),
      conflict: extra.conflict,
      errors: extra.errors,
      form: extra.form,
      groupId: extra.groupId,
      provider: r.provider.name,
      today: formatDay(today()),
      course: row,
      recorded: state.settings !== null,
      renewalText: state.settings ? months(state.settings.renewalMonths) : null,
      mayChange: r.mayChange,
      courseVersion: r.versions.get(course) ?? 0,
      courseValues,
      trainingValues: extra.form === 'training' && extra.values ? extra.values : { renews: 'none' },
      groupValues: extra.form === 'group' && extra.values ? extra.values : {},
      groups: groupRows(state, r.sessionVersions, r.mayChange),
      renewable: renewable(state),
      maxStaff: MAX_STAFF,
      links: {
        course: paths.standards.course(r.provider.id, courseSlug(course)),
        training: paths.standards.training(r.provider.id, courseSlug(course)),
      },
      backHref: paths.standards.register(r.provider.id),
    })
  }

  const doneFor = (request: FastifyRequest): string | null => {
    const q = parseQuery(doneQuery, request.query)
    return q.done ? (doneMessages[q.done] ?? null) : null
  }

  const coursePath = (organisationId: string, course: TrainingCourseType) =>
    paths.standards.course(organisationId, courseSlug(course))

  app.get(paths.standards.course(R.org, R.course), orgRoute(readers), async (request, reply) =>
    renderCourse(request, reply),
  )

  app.post(paths.standards.course(R.org, R.course), orgRoute(provider), async (request, reply) => {
    const params = courseParams.parse(request.params)
    const course = courseFromSlug(params.course)
    if (!course) throw notFound()
    const form = parseCourseForm(request.body)
    if (!form.ok)
      return renderCourse(request, reply, { form: 'course', errors: form.errors, values: form.values, status: 400 })
    const v = await standardsViewer(db, request)
    const outcome = await service.saveCourse(db, v, params.organisationId, course, form.data)
    if (outcome.kind === 'stale') return renderCourse(request, reply, { conflict: outcome.message, status: 409 })
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${coursePath(params.organisationId, course)}?done=course`, 303)
  })

  app.post(paths.standards.training(R.org, R.course), orgRoute(provider), async (request, reply) => {
    const params = courseParams.parse(request.params)
    const course = courseFromSlug(params.course)
    if (!course) throw notFound()
    const form = parseSessionForm(request.body)
    if (!form.ok)
      return renderCourse(request, reply, { form: 'training', errors: form.errors, values: form.values, status: 400 })
    const v = await standardsViewer(db, request)
    const outcome = await service.addTraining(db, v, params.organisationId, course, form.data)
    if (outcome.kind === 'refused')
      return renderCourse(request, reply, {
        form: 'training',
        errors: {
          fields: { renews: { text: outcome.message } },
          summary: [{ text: outcome.message, href: '#renews' }],
        },
        values: formBody(request.body),
        status: 400,
      })
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${coursePath(params.organisationId, course)}?done=training#groups`, 303)
  })

  app.post(paths.standards.trainingGroup(R.group), groupRoute(provider), async (request, reply) => {
    const { sessionId } = groupParams.parse(request.params)
    const v = await standardsViewer(db, request)
    const group = await service.groupOf(db, v, sessionId)
    if (group.kind !== 'ok') return fail(group)
    const { organisationId, course } = group.value
    // A refused change is shown again on the course's page, with the message beside the group's field.
    const showAgain = (message: string) => {
      request.params = { organisationId, course: courseSlug(course) }
      const field = `stillInPost-${sessionId}`
      return renderCourse(request, reply, {
        form: 'group',
        groupId: sessionId,
        errors: { fields: { [field]: { text: message } }, summary: [{ text: message, href: `#${field}` }] },
        values: formBody(request.body),
        status: 400,
      })
    }
    const form = parseStillInPostForm(request.body)
    if (!form.ok) return showAgain(form.errors.fields.stillInPost?.text ?? 'The form could not be read')
    const outcome = await service.updateGroup(db, v, sessionId, form.data)
    if (outcome.kind === 'stale') {
      request.params = { organisationId, course: courseSlug(course) }
      return renderCourse(request, reply, { conflict: outcome.message, status: 409 })
    }
    if (outcome.kind === 'refused') return showAgain(outcome.message)
    if (outcome.kind !== 'ok') return fail(outcome)
    return reply.redirect(`${coursePath(organisationId, course)}?done=group#groups`, 303)
  })
}

/**
 * The needs assessment page, GET /needs, for commissioners and analysts. The same address gives
 * the downloads: `?format=json` (the whole view model), `?format=csv` (every table, long format),
 * and with `&table=<id>` one table as CSV or JSON. Downloads are audited.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { recordAudit } from '../../../platform/audit.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import { parseQuery } from '../../../platform/forms.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { assessmentToCsv, downloadFileName, findTable, sectionOfTable, tableToCsv } from './export.js'
import { IMPORTS_PATH } from './notes.js'
import { AssessmentSelectionError, buildAssessment } from './service.js'
import type { AssessmentSelection, AssessmentView, SectionView } from './types.js'

export const ASSESSMENT_PATH = '/needs'
const V = 'features/needs/assessment/views'
const access = { roles: ['commissioner', 'analyst'] as const }

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be ${String(max)} characters or fewer`)
    .optional()
    .transform((v) => (v === '' ? undefined : v))

const querySchema = z
  .object({
    period: optionalText(20),
    substance: optionalText(40),
    age: optionalText(20),
    format: z.enum(['html', 'csv', 'json'], 'use html, csv or json').optional(),
    table: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,80}$/, 'use the id of a table on the page')
      .optional(),
  })
  .strict()

/** '2021-22' and '2021/22' both name the financial year 2021/22. */
function normalisePeriod(period: string | undefined): string | undefined {
  if (period === undefined) return undefined
  return /^\d{4}-\d{2}$/.test(period) ? period.replace('-', '/') : period
}

const fieldIds = { period: 'period', substance: 'substance', age: 'age' } as const

export function registerAssessmentRoutes(app: FastifyInstance): void {
  const { db } = app

  app.get(ASSESSMENT_PATH, { config: { access } }, async (request, reply) => {
    const user = request.currentUser
    if (!user) throw new HttpError(401, 'Sign in to continue.')
    const query = parseQuery(querySchema, request.query)
    const format = query.format ?? 'html'
    const wanted: Partial<AssessmentSelection> = {}
    const period = normalisePeriod(query.period)
    if (period !== undefined) wanted.period = period
    if (query.substance !== undefined) wanted.substanceGroup = query.substance
    if (query.age !== undefined) wanted.ageGroup = query.age

    let view: AssessmentView
    try {
      if (period !== undefined && !/^\d{4}\/\d{2}$/.test(period)) {
        throw new AssessmentSelectionError('Choose a year from the list, like 2021/22.', 'period')
      }
      view = await buildAssessment(db, user.scope, wanted)
    } catch (err) {
      if (!(err instanceof AssessmentSelectionError)) throw err
      if (format !== 'html') throw new HttpError(400, err.message)
      const fallback = await buildAssessment(db, user.scope, {})
      return renderPage(reply.code(400), fallback, {
        errors: {
          summary: [{ text: err.message, href: `#${fieldIds[err.field]}` }],
          fields: { [fieldIds[err.field]]: { text: err.message } },
        },
        values: { period: query.period, substance: query.substance, age: query.age },
      })
    }

    if (format === 'html') {
      if (query.table !== undefined) throw new HttpError(400, 'A table can only be downloaded as CSV or JSON.')
      return renderPage(reply, view, {})
    }

    const table = query.table === undefined ? undefined : findTable(view, query.table)
    if (query.table !== undefined && !table) throw notFound('table')
    const fileName = downloadFileName(view, format, table?.id)
    await audit(user, view, format, fileName, table?.id)
    reply
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').send(table ? tableToCsv(table) : assessmentToCsv(view))
    }
    const body = table
      ? {
          council: view.council,
          selection: view.selection,
          generatedAt: view.generatedAt,
          section: sectionOfTable(view, table.id),
          table,
          sources: view.sources,
        }
      : view
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(body, null, 2))
  })

  async function audit(
    user: { id: string; email: string; scope: TenantScope },
    view: AssessmentView,
    format: string,
    fileName: string,
    table: string | undefined,
  ): Promise<void> {
    await recordAudit(db, {
      action: 'needs.assessment.export',
      tenantId: user.scope.tenantId,
      actor: { userId: user.id, label: user.email },
      details: { format, fileName, table: table ?? 'all', ...view.selection },
    })
  }
}

/** Query string of the selection, for links that keep it (downloads, the selection form). */
export function selectionQuery(selection: AssessmentSelection): string {
  return new URLSearchParams({
    period: selection.period,
    substance: selection.substanceGroup,
    age: selection.ageGroup,
  }).toString()
}

function priorityHref(view: AssessmentView, section: SectionView): string {
  const evidence = [
    `Needs assessment, ${section.title}, ${view.selection.period}`,
    ...section.findings.slice(0, 2),
  ].join(' ')
  return `/needs/priorities/new?${new URLSearchParams({ title: section.title, evidence: evidence.slice(0, 1500) }).toString()}`
}

/**
 * The sections are most of the page (charts and tables) and depend only on the view, which is
 * cached by council, data version and selection (service.ts); their HTML is kept beside it.
 */
const sectionsHtmlCache = new WeakMap<AssessmentView, string>()

function renderPage(
  reply: FastifyReply,
  view: AssessmentView,
  extra: { errors?: unknown; values?: Record<string, string | undefined> },
): FastifyReply {
  const base = `${ASSESSMENT_PATH}?${selectionQuery(view.selection)}`
  const query = selectionQuery(view.selection)
  let sectionsHtml = sectionsHtmlCache.get(view)
  if (sectionsHtml === undefined) {
    sectionsHtml = reply.server.renderFragment(`${V}/_sections.njk`, {
      view,
      base,
      query,
      importsPath: IMPORTS_PATH,
      priorityLinks: Object.fromEntries(view.sections.map((s) => [s.id, priorityHref(view, s)])),
      sourcesById: Object.fromEntries(view.sources.map((s) => [s.id, s])),
    })
    sectionsHtmlCache.set(view, sectionsHtml)
  }
  return reply.view(`${V}/assessment.njk`, {
    pageTitle: 'Needs assessment',
    view,
    base,
    query,
    sectionsHtml,
    periodItems: view.options.periods.map((p) => ({ value: p, text: p })),
    substanceItems: view.options.substanceGroups.map((o) => ({ value: o.value, text: o.label })),
    ageItems: view.options.ageGroups.map((o) => ({ value: o.value, text: o.label })),
    importsPath: IMPORTS_PATH,
    values: extra.values ?? {
      period: view.selection.period,
      substance: view.selection.substanceGroup,
      age: view.selection.ageGroup,
    },
    errors: extra.errors,
  })
}

/**
 * The needs assessment pages, for commissioners and analysts (issue 11, issue 8): the overview of
 * key findings at GET /needs, one page per section (/needs/access, /needs/unmet-need, ...) and
 * "How to read these figures" (/needs/how-to-read). Every page keeps the selection (period,
 * substance, age). The overview's address gives the downloads of the whole view: `?format=json`
 * (the whole view model), `?format=csv` (every table, long format); a section's address gives its
 * own (`?format=csv|json`, the section's tables); with `&table=<id>` either gives one table as CSV
 * or JSON. Downloads are audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { recordAudit } from '../../../platform/audit.js'
import { sendDownload } from '../../../platform/downloads.js'
import { requireUser } from '../../../platform/access.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import { parseQuery } from '../../../platform/forms.js'
import { paths } from '../../../platform/paths.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { assessmentToCsv, downloadFileName, findTable, sectionOfTable, tableToCsv } from './export.js'
import { IMPORTS_PATH } from './notes.js'
import {
  COMMON_NOTES,
  neighbours,
  overviewOf,
  sectionForPage,
  sectionOnlyView,
  sectionSlugs,
  slugOfSection,
} from './pages.js'
import { AssessmentSelectionError, buildAssessment } from './service.js'
import type { AssessmentSelection, AssessmentView, SectionView } from './types.js'

export const ASSESSMENT_PATH = paths.needs.overview
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

type Format = 'html' | 'csv' | 'json'
type Query = z.infer<typeof querySchema>
type Page = { kind: 'overview' } | { kind: 'section'; id: string } | { kind: 'how-to-read' }

interface Resolved {
  view: AssessmentView
  format: Format
  query: Query
  /** Set when the selection was refused: the view is the default one and the page is a 400. */
  problem?: AssessmentSelectionError
}

export function registerAssessmentRoutes(app: FastifyInstance): void {
  const { db } = app

  /** Parses the query and builds the view; a refused selection gives the default view for an HTML 400. */
  async function resolve(request: FastifyRequest): Promise<Resolved> {
    const user = requireUser(request)
    const query = parseQuery(querySchema, request.query)
    const format = query.format ?? 'html'
    const wanted: Partial<AssessmentSelection> = {}
    const period = normalisePeriod(query.period)
    if (period !== undefined) wanted.period = period
    if (query.substance !== undefined) wanted.substanceGroup = query.substance
    if (query.age !== undefined) wanted.ageGroup = query.age
    try {
      if (period !== undefined && !/^\d{4}\/\d{2}$/.test(period)) {
        throw new AssessmentSelectionError('Choose a year from the list, like 2021/22.', 'period')
      }
      return { view: await buildAssessment(db, user.scope, wanted), format, query }
    } catch (err) {
      if (!(err instanceof AssessmentSelectionError)) throw err
      if (format !== 'html') throw new HttpError(400, err.message)
      return { view: await buildAssessment(db, user.scope, {}), format, query, problem: err }
    }
  }

  async function handle(request: FastifyRequest, reply: FastifyReply, page: Page) {
    const user = requireUser(request)
    const { view, format, query, problem } = await resolve(request)
    const section = page.kind === 'section' ? view.sections.find((s) => s.id === page.id) : undefined
    if (page.kind === 'section' && !section) throw notFound('section')

    if (format === 'html') {
      if (query.table !== undefined) throw new HttpError(400, 'A table can only be downloaded as CSV or JSON.')
      if (problem) {
        return renderPage(reply.code(400), view, page, {
          errors: {
            summary: [{ text: problem.message, href: `#${fieldIds[problem.field]}` }],
            fields: { [fieldIds[problem.field]]: { text: problem.message } },
          },
          values: { period: query.period, substance: query.substance, age: query.age },
        })
      }
      return renderPage(reply, view, page, {})
    }
    if (page.kind === 'how-to-read') throw new HttpError(400, 'This page has no download; use the assessment’s.')

    // One table (of the section, on a section's address), the section, or the whole view.
    const scopeView = section ? sectionOnlyView(view, section) : view
    const table = query.table === undefined ? undefined : findTable(scopeView, query.table)
    if (query.table !== undefined && !table) throw notFound('table')
    const fileName = downloadFileName(view, format, table?.id ?? (section ? `${section.id}-section` : undefined))
    await audit(user, view, format, fileName, table?.id ?? (section ? `section:${section.id}` : undefined))
    if (format === 'csv') {
      return sendDownload(reply, { format, fileName, csv: table ? tableToCsv(table) : assessmentToCsv(scopeView) })
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
      : scopeView
    return sendDownload(reply, { format, fileName, json: body })
  }

  app.get(paths.needs.overview, { config: { access } }, (request, reply) =>
    handle(request, reply, { kind: 'overview' }),
  )
  app.get(paths.needs.howToRead, { config: { access } }, (request, reply) =>
    handle(request, reply, { kind: 'how-to-read' }),
  )
  // One fixed route per section (no parameter): the route table and the access matrix list each.
  for (const [id, slug] of Object.entries(sectionSlugs)) {
    app.get(paths.needs.section(slug), { config: { access } }, (request, reply) =>
      handle(request, reply, { kind: 'section', id }),
    )
  }

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
 * The body of each page depends only on the view, which is cached by council, data version and
 * selection (service.ts), so it is rendered once per view and kept beside it. Only the layout
 * (navigation, session, CSRF token) is rendered per request. A page with a refused selection
 * (its form shows the error) is rendered without the cache.
 */
const bodyCache = new WeakMap<AssessmentView, Map<string, string>>()

function pageKey(page: Page): string {
  return page.kind === 'section' ? `section:${page.id}` : page.kind
}

function renderPage(
  reply: FastifyReply,
  view: AssessmentView,
  page: Page,
  extra: { errors?: unknown; values?: Record<string, string | undefined> },
): FastifyReply {
  const cacheable = extra.errors === undefined
  let kept = bodyCache.get(view)
  if (!kept) {
    kept = new Map()
    bodyCache.set(view, kept)
  }
  const key = pageKey(page)
  let bodyHtml = cacheable ? kept.get(key) : undefined
  if (bodyHtml === undefined) {
    bodyHtml = renderBody(reply, view, page, extra)
    if (cacheable) kept.set(key, bodyHtml)
  }
  const section = page.kind === 'section' ? view.sections.find((s) => s.id === page.id) : undefined
  return reply.view(`${V}/page.njk`, {
    pageTitle:
      page.kind === 'overview'
        ? 'Needs assessment'
        : page.kind === 'how-to-read'
          ? 'How to read these figures: needs assessment'
          : `${section?.title ?? 'Section'}: needs assessment`,
    assessmentPage: true,
    bodyHtml,
  })
}

function renderBody(
  reply: FastifyReply,
  view: AssessmentView,
  page: Page,
  extra: { errors?: unknown; values?: Record<string, string | undefined> },
): string {
  const query = selectionQuery(view.selection)
  const common = {
    view,
    query,
    importsPath: IMPORTS_PATH,
    overviewHref: `${paths.needs.overview}?${query}`,
    howToReadHref: `${paths.needs.howToRead}?${query}`,
    periodItems: view.options.periods.map((p) => ({ value: p, text: p })),
    substanceItems: view.options.substanceGroups.map((o) => ({ value: o.value, text: o.label })),
    ageItems: view.options.ageGroups.map((o) => ({ value: o.value, text: o.label })),
    values: extra.values ?? {
      period: view.selection.period,
      substance: view.selection.substanceGroup,
      age: view.selection.ageGroup,
    },
    errors: extra.errors,
    sourcesById: Object.fromEntries(view.sources.map((s) => [s.id, s])),
  }
  if (page.kind === 'overview') {
    return reply.server.renderFragment(`${V}/_overview.njk`, {
      ...common,
      formAction: paths.needs.overview,
      base: `${paths.needs.overview}?${query}`,
      overview: overviewOf(view, query),
    })
  }
  if (page.kind === 'how-to-read') {
    return reply.server.renderFragment(`${V}/_how-to-read.njk`, {
      ...common,
      formAction: paths.needs.howToRead,
      commonNotes: COMMON_NOTES,
    })
  }
  const original = view.sections.find((s) => s.id === page.id)
  if (!original) throw notFound('section')
  const path = paths.needs.section(slugOfSection(original.id))
  return reply.server.renderFragment(`${V}/_section-page.njk`, {
    ...common,
    formAction: path,
    base: `${path}?${query}`,
    section: sectionForPage(original),
    pagination: neighbours(view, original.id, query),
    priorityHref: priorityHref(view, original),
    contents: view.sections.map((s) => ({
      id: s.id,
      title: s.title,
      href: `${paths.needs.section(slugOfSection(s.id))}?${query}`,
      current: s.id === original.id,
    })),
  })
}

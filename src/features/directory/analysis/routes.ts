/**
 * Gap and co-location analysis of the service directory, for commissioners and analysts:
 *   GET /directory/analysis             overview with a headline from each page
 *   GET /directory/analysis/distance    ?within=<km, default 2>&type=<'women-only' or a service type>
 *   GET /directory/analysis/time        week grid of women-only sessions
 *   GET /directory/analysis/features    gender-responsive features by service type
 *   GET /directory/analysis/cohorts     services for each group of women in the needs assessment
 *   GET /directory/analysis/colocation  ?within=<km, default 1>
 * Every page gives its tables as `?format=csv&table=<id>` (the first table when no id is given)
 * and its whole view model as `?format=json` (or one table with `&table=<id>`), so the page, the
 * CSV and the JSON carry the same numbers. Only published services are counted.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { loadLsoaCentroids } from '../../../platform/reference.js'
import { sendDownload } from '../../../platform/downloads.js'
import { requireUser } from '../../../platform/access.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import { parseQuery } from '../../../platform/forms.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import { loadDirectory } from '../repository.js'
import type { Directory } from '../model.js'
import { isServiceTypeCode, serviceTypeDefinitions } from '../../../lib/taxonomy.js'
import {
  cohortAnalysis,
  colocationAnalysis,
  DEFAULT_COLOCATION_KM,
  DEFAULT_DISTANCE_KM,
  directoryCounts,
  distanceAnalysis,
  type DistanceMeasure,
  featureAnalysis,
  MAX_WITHIN_KM,
  MIN_WITHIN_KM,
  overviewMeasures,
  timeAnalysis,
  WOMEN_ONLY_MEASURE,
} from './analysis.js'
import { distanceMap } from './map.js'
import {
  cohortsHeadline,
  cohortsPage,
  colocationPage,
  distanceHeadline,
  distancePage,
  featuresHeadline,
  featuresPage,
  findTable,
  formatKm,
  type PageBase,
  summaryView,
  tableToCsv,
  timeHeadline,
  toTableView,
  timePage,
} from './tables.js'

export const ANALYSIS_PATH = '/directory/analysis'
const V = 'features/directory/analysis/views'
const access = { roles: ['commissioner', 'analyst'] as const }

const optional = z
  .string()
  .trim()
  .max(40, 'must be 40 characters or fewer')
  .optional()
  .transform((v) => (v === '' ? undefined : v))

const format = z.enum(['html', 'csv', 'json'], 'use html, csv or json').optional()
const table = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{1,40}$/, 'use the id of a table on the page')
  .optional()

const plainQuery = z.object({ format, table }).strict()
const distanceQuery = z.object({ within: optional, type: optional, format, table }).strict()
const colocationQuery = z.object({ within: optional, format, table }).strict()

type Format = 'html' | 'csv' | 'json'

interface FieldError {
  field: string
  message: string
}

export const WITHIN_ERROR = `Enter a distance between ${String(MIN_WITHIN_KM)} and ${String(MAX_WITHIN_KM)} km, like 2 or 1.5`
export const TYPE_ERROR = 'Choose what to measure the distance to from the list'

/** A distance in km from the query: a plain decimal number from 0.1 to 50. */
export function parseWithin(raw: string | undefined, fallback: number): { value: number; error?: FieldError } {
  if (raw === undefined) return { value: fallback }
  const value = /^\d{1,3}(\.\d{1,6})?$/.test(raw) ? Number(raw) : NaN
  if (!Number.isFinite(value) || value < MIN_WITHIN_KM || value > MAX_WITHIN_KM) {
    return { value: fallback, error: { field: 'within', message: WITHIN_ERROR } }
  }
  return { value }
}

function parseMeasure(raw: string | undefined): { value: DistanceMeasure; error?: FieldError } {
  if (raw === undefined || raw === WOMEN_ONLY_MEASURE) return { value: WOMEN_ONLY_MEASURE }
  if (isServiceTypeCode(raw)) return { value: raw }
  return { value: WOMEN_ONLY_MEASURE, error: { field: 'type', message: TYPE_ERROR } }
}

const measureItems = (selected: string) => [
  { value: WOMEN_ONLY_MEASURE, text: 'Women-only provision', selected: selected === WOMEN_ONLY_MEASURE },
  ...serviceTypeDefinitions.map((t) => ({
    value: t.code,
    text: t.treatment ? `${t.name} (treatment)` : t.name,
    selected: selected === t.code,
  })),
]

function formErrors(errors: FieldError[]) {
  if (errors.length === 0) return undefined
  return {
    summary: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    fields: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
  }
}

export function registerAnalysisRoutes(app: FastifyInstance): void {
  const { db } = app

  async function load(scope: TenantScope): Promise<{ directory: Directory; base: Omit<PageBase, 'tables'> }> {
    const directory = await loadDirectory(db, scope, { publishedOnly: false })
    return {
      directory,
      base: {
        council: { name: scope.councilName, areaCode: scope.areaCode },
        generatedAt: new Date().toISOString(),
        directory: directoryCounts(directory),
      },
    }
  }

  const lsoasOf = (scope: TenantScope) => loadLsoaCentroids({ utlaCode: scope.areaCode })

  function scopeOf(request: { currentUser: { scope: TenantScope } | null }): TenantScope {
    const user = requireUser(request)
    return user.scope
  }

  app.get(ANALYSIS_PATH, { config: { access } }, async (request, reply) => {
    const scope = scopeOf(request)
    const query = parseQuery(plainQuery, request.query)
    const { directory, base } = await load(scope)
    const lsoas = lsoasOf(scope)
    const distance = distanceAnalysis(directory, lsoas, WOMEN_ONLY_MEASURE, DEFAULT_DISTANCE_KM)
    const time = timeAnalysis(directory)
    const features = featureAnalysis(directory)
    const cohorts = cohortAnalysis(directory)
    const colocation = colocationAnalysis(directory, DEFAULT_COLOCATION_KM)
    const allGrid = time.grids.find((g) => g.mode === 'all')
    const emptyCells = allGrid ? allGrid.rows.flatMap((r) => r.cells).filter((c) => c.sessions === 0).length : 0
    const headlines = [
      {
        page: 'Distance',
        href: `${ANALYSIS_PATH}/distance`,
        headline:
          lsoas.length === 0
            ? 'No LSOAs are known for this council.'
            : distanceHeadline(summaryView(distance), DEFAULT_DISTANCE_KM).lead,
      },
      {
        page: 'Time',
        href: `${ANALYSIS_PATH}/time`,
        headline: timeHeadline(time.sessions.length, emptyCells),
      },
      {
        page: 'Features',
        href: `${ANALYSIS_PATH}/features`,
        headline: featuresHeadline(features.services, features.servicesWithNone.length),
      },
      {
        page: 'Groups of women',
        href: `${ANALYSIS_PATH}/cohorts`,
        headline: cohortsHeadline(cohorts.cohorts.length, cohorts.cohortsWithNone.length),
      },
      {
        page: 'Co-location',
        href: `${ANALYSIS_PATH}/colocation`,
        headline: `${String(colocation.pairs.length)} pairs of a treatment service and a place women already use are within ${formatKm(DEFAULT_COLOCATION_KM)} km of each other, in different buildings; ${String(colocation.alreadyTogether.length)} already share a building.`,
      },
    ]
    const page: PageBase & { headlines: typeof headlines } = {
      ...base,
      headlines,
      tables: [
        {
          id: 'headlines',
          caption: 'What the analysis shows',
          columns: [
            { key: 'page', label: 'Analysis', kind: 'text' },
            { key: 'headline', label: 'Headline', kind: 'text' },
          ],
          rows: headlines.map((h) => ({ page: h.page, headline: h.headline })),
          notes: [],
        },
      ],
    }
    return respond(reply, page, {
      format: query.format ?? 'html',
      table: query.table,
      template: 'overview.njk',
      title: 'Service map analysis',
      fileStem: 'service-map-analysis',
      self: ANALYSIS_PATH,
      context: { headlines },
    })
  })

  app.get(`${ANALYSIS_PATH}/distance`, { config: { access } }, async (request, reply) => {
    const scope = scopeOf(request)
    const query = parseQuery(distanceQuery, request.query)
    const fmt = query.format ?? 'html'
    const within = parseWithin(query.within, DEFAULT_DISTANCE_KM)
    const measure = parseMeasure(query.type)
    const errors = [measure.error, within.error].filter((e): e is FieldError => e !== undefined)
    if (errors.length > 0 && fmt !== 'html') throw new HttpError(400, errors.map((e) => e.message).join('. '))
    const { directory, base } = await load(scope)
    const lsoas = lsoasOf(scope)
    const measures = overviewMeasures.includes(measure.value) ? overviewMeasures : [...overviewMeasures, measure.value]
    const results = measures.map((m) => distanceAnalysis(directory, lsoas, m, within.value))
    const chosen =
      results[measures.indexOf(measure.value)] ?? distanceAnalysis(directory, lsoas, measure.value, within.value)
    const page = distancePage(base, chosen, results)
    const params = new URLSearchParams({ within: String(within.value), type: measure.value }).toString()
    return respond(reply, page, {
      format: fmt,
      table: query.table,
      template: 'distance.njk',
      title: 'Distance to women-only provision and treatment',
      fileStem: `service-map-distance-${measure.value}-${String(within.value)}km`,
      self: `${ANALYSIS_PATH}/distance?${params}`,
      errors,
      context: {
        lsoaCount: lsoas.length,
        map: lsoas.length > 0 ? distanceMap(scope.areaCode, scope.councilName, chosen) : null,
        measureItems: measureItems(measure.value),
        values: {
          within: query.within ?? String(within.value),
          type: query.type ?? measure.value,
        },
      },
    })
  })

  // The pages that take no choices: each is one analysis of the directory shown as one page.
  const simplePages: {
    path: string
    template: string
    title: string
    page: (base: Omit<PageBase, 'tables'>, d: Directory) => PageBase
  }[] = [
    {
      path: 'time',
      template: 'time.njk',
      title: 'When women-only sessions run',
      page: (b, d) => timePage(b, timeAnalysis(d)),
    },
    {
      path: 'features',
      template: 'features.njk',
      title: 'Gender-responsive features by service type',
      page: (b, d) => featuresPage(b, featureAnalysis(d)),
    },
    {
      path: 'cohorts',
      template: 'cohorts.njk',
      title: 'Services for each group of women',
      page: (b, d) => cohortsPage(b, cohortAnalysis(d)),
    },
  ]
  for (const simple of simplePages) {
    app.get(`${ANALYSIS_PATH}/${simple.path}`, { config: { access } }, async (request, reply) => {
      const scope = scopeOf(request)
      const query = parseQuery(plainQuery, request.query)
      const { directory, base } = await load(scope)
      return respond(reply, simple.page(base, directory), {
        format: query.format ?? 'html',
        table: query.table,
        template: simple.template,
        title: simple.title,
        fileStem: `service-map-${simple.path}`,
        self: `${ANALYSIS_PATH}/${simple.path}`,
        context: {},
      })
    })
  }

  app.get(`${ANALYSIS_PATH}/colocation`, { config: { access } }, async (request, reply) => {
    const scope = scopeOf(request)
    const query = parseQuery(colocationQuery, request.query)
    const fmt = query.format ?? 'html'
    const within = parseWithin(query.within, DEFAULT_COLOCATION_KM)
    const errors = within.error ? [within.error] : []
    if (errors.length > 0 && fmt !== 'html') throw new HttpError(400, errors.map((e) => e.message).join('. '))
    const { directory, base } = await load(scope)
    const page = colocationPage(base, colocationAnalysis(directory, within.value))
    return respond(reply, page, {
      format: fmt,
      table: query.table,
      template: 'colocation.njk',
      title: 'Co-location: treatment where women already go',
      fileStem: `service-map-colocation-${String(within.value)}km`,
      self: `${ANALYSIS_PATH}/colocation?${new URLSearchParams({ within: String(within.value) }).toString()}`,
      errors,
      context: { values: { within: query.within ?? String(within.value) } },
    })
  })
}

interface RespondOptions {
  format: Format
  table: string | undefined
  template: string
  title: string
  fileStem: string
  /** This page's address with its current choices, for download links. */
  self: string
  errors?: FieldError[]
  context: Record<string, unknown>
}

function respond(reply: FastifyReply, page: PageBase, opts: RespondOptions): FastifyReply {
  if (opts.format === 'html') {
    if (opts.table !== undefined) throw new HttpError(400, 'A table can only be downloaded as CSV or JSON.')
    const errors = formErrors(opts.errors ?? [])
    return reply.code(errors ? 400 : 200).view(`${V}/${opts.template}`, {
      pageTitle: opts.title,
      page,
      tables: Object.fromEntries(page.tables.map((t) => [t.id, toTableView(t)])),
      downloadBase: `${opts.self}${opts.self.includes('?') ? '&' : '?'}`,
      errors,
      ...opts.context,
    })
  }
  const chosen = opts.table === undefined ? undefined : findTable(page, opts.table)
  if (opts.table !== undefined && !chosen) throw notFound('table')
  if (opts.format === 'csv') {
    const csvTable = chosen ?? page.tables[0]
    if (!csvTable) throw notFound('table')
    return sendDownload(reply, {
      format: 'csv',
      fileName: `${opts.fileStem}-${csvTable.id}.csv`,
      csv: tableToCsv(csvTable),
    })
  }
  const body = chosen
    ? { council: page.council, generatedAt: page.generatedAt, directory: page.directory, table: chosen }
    : page
  return sendDownload(reply, {
    format: 'json',
    fileName: `${opts.fileStem}${chosen ? `-${chosen.id}` : ''}.json`,
    json: body,
  })
}

/**
 * The "find support" search, open to anyone: /support (search by place, with filters, grouped so
 * that drug and alcohol help comes first, 10 a page) and a page per published service
 * (/support/services/:council/:id). It reads only what the directory publishes.
 */
import type { FastifyInstance } from 'fastify'
import { listInWords } from '../../../lib/words.js'
import { notFound } from '../../../platform/errors.js'
import { paths } from '../../../platform/paths.js'
import {
  distanceChoicesMiles,
  filterCodes,
  filterDefinitions,
  KM_PER_MILE,
  MAX_RESULTS,
  presentHit,
  readSearchQuery,
  resolveLocation,
  type SearchQuery,
  SearchIndexCache,
  searchServices,
  shippedLookups,
} from './search.js'
import { coverageAt, helpGroups, orderForHelp, pageOf, paginationFor, readPage } from './results.js'
import { findPublicService, presentServicePage } from './service-page.js'

const V = 'features/directory/find-support/views'

/** The URL of a search, for links such as "search up to 25 miles" or a place to choose. */
export function searchUrl(query: { q: string; filters: readonly string[]; distanceMiles: number }): string {
  const params = new URLSearchParams()
  params.set('q', query.q)
  for (const f of query.filters) params.append('filter', f)
  params.set('distance', String(query.distanceMiles))
  return `${paths.support.search}?${params.toString()}`
}

export function registerFindSupport(app: FastifyInstance): void {
  const cache = new SearchIndexCache(app.db)
  const template = `${V}/support.njk`

  app.get(paths.support.search, { config: { access: { public: true }, logUrlAs: 'route' } }, async (request, reply) => {
    const query = readSearchQuery(request.query)
    const form = formContext(query)
    const publicServiceName = headerName((await cache.get()).services)
    if (query.q === undefined) return reply.view(template, { pageTitle: 'Get support', form, publicServiceName })

    const resolved = await resolveLocation(query.q, {
      postcodesApiUrl: app.config.postcodesApiUrl,
      ...shippedLookups(),
    })
    if (!resolved.ok) {
      if (resolved.kind === 'ambiguous') {
        return reply.view(template, {
          pageTitle: 'Get support',
          form,
          publicServiceName,
          searched: searchedInWords(query),
          choose: {
            message: resolved.message,
            choices: resolved.choices.map((c) => ({ text: c.label, href: searchUrl({ ...query, q: c.query }) })),
          },
        })
      }
      const suggestions =
        resolved.kind === 'place-not-found'
          ? resolved.suggestions.map((name) => ({ text: name, href: searchUrl({ ...query, q: name }) }))
          : []
      reply.code(400)
      return reply.view(template, {
        pageTitle: 'Get support',
        form,
        publicServiceName,
        searched: searchedInWords(query),
        errors: { summary: [{ text: resolved.message, href: '#q' }], fields: { q: { text: resolved.message } } },
        suggestions,
      })
    }

    const origin = resolved.origin
    const index = await cache.get()
    const maxKm = query.distanceMiles * KM_PER_MILE
    const hits = searchServices(index, origin, query.filters, maxKm, MAX_RESULTS)
    const approximate = origin.precision !== 'postcode'
    const wider = distanceChoicesMiles.find((d) => d > query.distanceMiles)
    // Drug and alcohol help first, then women's services, then other support; 10 to a page.
    const ordered = orderForHelp(hits)
    const shown = pageOf(ordered, readPage(request.query))
    const coverage = coverageAt(index.services, origin.lat, origin.lon)
    const q = query.q
    const pageHref = (page: number) => `${searchUrl({ ...query, q })}${page > 1 ? `&page=${String(page)}` : ''}`
    return reply.view(template, {
      pageTitle:
        shown.page > 1 ? `Get support (page ${String(shown.page)} of ${String(shown.pageCount)})` : 'Get support',
      form,
      publicServiceName,
      searched: searchedInWords(query),
      formHtml: searchFormHtml(app, query),
      results: {
        groups: helpGroups
          .map((g) => ({
            heading: g.heading,
            code: g.code,
            items: shown.items
              .filter((i) => i.group === g.code)
              .map((i) => ({
                ...presentHit(i.hit, approximate),
                href: paths.support.service(i.hit.entry.areaCode, i.hit.entry.service.id),
              })),
          }))
          .filter((g) => g.items.length > 0),
        count: hits.length,
        from: shown.from,
        to: shown.to,
        page: shown.page,
        pageCount: shown.pageCount,
        pagination: paginationFor(shown, pageHref),
        outside: coverage.covered
          ? undefined
          : { councils: listInWords(coverage.councils), many: coverage.councils.length > 1 },
        limited: hits.length >= MAX_RESULTS,
        anyExample: shown.items.some((i) => i.hit.entry.isExample),
        origin,
        approximate,
        distanceMiles: query.distanceMiles,
        filterLabels: query.filters.map((f) => filterDefinitions[f].label),
        widerUrl: wider === undefined ? undefined : searchUrl({ ...query, q: query.q, distanceMiles: wider }),
        widerMiles: wider,
        withoutFiltersUrl: query.filters.length === 0 ? undefined : searchUrl({ ...query, q: query.q, filters: [] }),
      },
    })
  })

  // One service's page: only what the search holds (published services), else a plain 404.
  app.get<{ Params: { council: string; id: string } }>(
    paths.support.service(':council', ':id'),
    { config: { access: { public: true }, logUrlAs: 'route' } },
    async (request, reply) => {
      const entry = findPublicService(await cache.get(), request.params.council, request.params.id)
      if (entry === undefined) throw notFound('service')
      const s = presentServicePage(entry)
      return reply.view(`${V}/service.njk`, {
        pageTitle: s.name,
        s,
        searchHref: paths.support.search,
        publicServiceName: headerName([entry]),
      })
    },
  )
}

function formContext(query: SearchQuery) {
  return {
    q: query.q ?? '',
    filters: filterCodes.map((code) => ({
      value: code,
      text: filterDefinitions[code].label,
      checked: query.filters.includes(code),
    })),
    distances: distanceChoicesMiles.map((miles) => ({
      value: String(miles),
      text: `${String(miles)} ${miles === 1 ? 'mile' : 'miles'} (${String(Math.round(miles * KM_PER_MILE))} km)`,
      checked: miles === query.distanceMiles,
    })),
  }
}

/**
 * The public header's name: 'Find support in Barnet' (or in up to three councils, by name), so a
 * woman sees at once which area the search covers; 'Find support' when it holds more or none.
 */
export function headerName(services: readonly { councilName: string }[]): string {
  let name = headerNames.get(services)
  if (name === undefined) {
    const names = [...new Set(services.map((s) => s.councilName))].sort((a, b) => a.localeCompare(b, 'en-GB'))
    name = names.length === 0 || names.length > 3 ? 'Find support' : `Find support in ${listInWords(names)}`
    headerNames.set(services, name)
  }
  return name
}
const headerNames = new WeakMap<readonly object[], string>()

/** What was searched for, in words, for the folded form's summary: 'NW4 4BG, within 10 miles, ...'. */
function searchedInWords(query: SearchQuery): string {
  const miles = `within ${String(query.distanceMiles)} ${query.distanceMiles === 1 ? 'mile' : 'miles'}`
  const filters = query.filters.map((f) => filterDefinitions[f].label.toLowerCase())
  return [(query.q ?? '').trim(), miles, ...filters].filter((x) => x !== '').join(', ')
}

/**
 * The search form without an error, rendered once per choice of filters and distance (its macros
 * were a third of the page's time) and kept; what was typed goes in afterwards, escaped as the
 * template would. The kept form holds nothing anyone typed.
 */
const formCache = new Map<string, string>()
const TYPED = 'wtc-typed-search-text'

function searchFormHtml(app: FastifyInstance, query: SearchQuery): string {
  const key = `${query.filters.join(',')}|${String(query.distanceMiles)}`
  let html = formCache.get(key)
  if (html === undefined) {
    html = app.renderFragment(`${V}/_search-form.njk`, { form: { ...formContext(query), q: TYPED } })
    if (formCache.size >= 256) formCache.clear()
    formCache.set(key, html)
  }
  const typed = (query.q ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
  return html.replace(`value="${TYPED}"`, () => `value="${typed}"`)
}

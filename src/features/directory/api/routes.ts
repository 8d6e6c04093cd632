/**
 * The Open Referral UK 3.0 read API (public, no sign-in, JSON only): the published services of
 * every council, our taxonomies and their terms. Drafts and internal notes never appear. Any
 * site may read it from a browser (`access-control-allow-origin: *`); the global rate limiter
 * applies. Bad query parameters get 400 JSON { error, field }; unknown ids 404 JSON.
 */
import { readFile } from 'node:fs/promises'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { fromRoot } from '../../../platform/root.js'
import {
  orukApiInfo,
  orukPage,
  paginate,
  serviceAtLocationsToOrukSummaries,
  serviceToOruk,
  serviceToOrukSummary,
} from '../oruk.js'
import { allTaxonomyTerms, orukTaxonomies } from '../../../lib/taxonomy.js'
import { ApiParamError, parsePaging, parseServiceFilters, type RawQuery } from './params.js'
import { findPublishedService, findPublishedServiceOfSal, listServiceAtLocations, listServices } from './query.js'

export const ORUK_API_BASE = '/api/oruk'
const access = { access: { public: true } } as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function json(reply: FastifyReply, status: number, body: unknown) {
  return reply
    .code(status)
    .header('access-control-allow-origin', '*')
    .type('application/json; charset=utf-8')
    .send(body)
}

function badRequest(reply: FastifyReply, error: ApiParamError) {
  return json(reply, 400, { error: error.message, message: error.message, field: error.field })
}

const notFoundBody = (what: string, id: string) => {
  const message = `There is no published ${what} with id ${id}`
  return { error: message, message }
}

/** Several councils hold the id (records stored before ADR 0015): the caller must name the council. */
const ambiguousBody = (what: string, id: string, councils: string[]) => {
  const message = `More than one council publishes a ${what} with id ${id}: add ?council= with one of ${councils.join(', ')}`
  return { error: message, message, councils }
}

/** The `council` query of a single-record route (checked the same way as for lists). */
function councilOf(query: RawQuery): string | undefined {
  return parseServiceFilters({ council: query.council }).council
}

export function registerOrukApiRoutes(app: FastifyInstance): void {
  const { db } = app

  const handle =
    (fn: (query: RawQuery, params: Record<string, string>, reply: FastifyReply) => Promise<unknown>) =>
    async (request: { query: unknown; params: unknown }, reply: FastifyReply) => {
      try {
        return await fn((request.query ?? {}) as RawQuery, (request.params ?? {}) as Record<string, string>, reply)
      } catch (error) {
        if (error instanceof ApiParamError) return badRequest(reply, error)
        throw error
      }
    }

  app.get(`${ORUK_API_BASE}/`, { config: access }, async (request, reply) => {
    const base = app.config.baseUrl.replace(/\/$/, '')
    return json(reply, 200, orukApiInfo(`${base}/api/oruk/openapi.json`))
  })

  // The Open Referral UK 3.0 openapi this API follows (the standard's own file, as published).
  let openapi: Promise<unknown> | undefined
  app.get(`${ORUK_API_BASE}/openapi.json`, { config: access }, async (_request, reply) => {
    openapi ??= readFile(fromRoot('src/features/directory/oruk-schema/openapi.json'), 'utf8').then(
      (text) => JSON.parse(text) as unknown,
    )
    return json(reply, 200, await openapi)
  })

  app.get(
    `${ORUK_API_BASE}/services`,
    { config: access },
    handle(async (query, _params, reply) => {
      const paging = parsePaging(query)
      const filters = parseServiceFilters(query)
      const { total, items } = await listServices(db, filters, paging)
      const contents = items.map((item) =>
        serviceToOrukSummary({ service: item.service, organisation: item.organisation, places: [] }),
      )
      return json(
        reply,
        200,
        orukPage(contents, { totalItems: total, pageNumber: paging.page, perPage: paging.perPage }),
      )
    }),
  )

  app.get(
    `${ORUK_API_BASE}/services/:id`,
    { config: access },
    handle(async (query, params, reply) => {
      const id = params.id ?? ''
      const council = councilOf(query)
      if (!UUID.test(id)) return json(reply, 404, notFoundBody('service', id))
      const found = await findPublishedService(db, id.toLowerCase(), council)
      if (!found) return json(reply, 404, notFoundBody('service', id))
      if ('ambiguous' in found) return json(reply, 409, ambiguousBody('service', id, found.ambiguous))
      return json(reply, 200, serviceToOruk(found.record))
    }),
  )

  app.get(
    `${ORUK_API_BASE}/service_at_locations`,
    { config: access },
    handle(async (query, _params, reply) => {
      const paging = parsePaging(query)
      const filters = parseServiceFilters(query)
      const { total, items } = await listServiceAtLocations(db, filters, paging)
      const contents = items.flatMap((item) =>
        serviceAtLocationsToOrukSummaries({
          service: item.service,
          organisation: item.organisation,
          places: [item.place],
        }),
      )
      return json(
        reply,
        200,
        orukPage(contents, { totalItems: total, pageNumber: paging.page, perPage: paging.perPage }),
      )
    }),
  )

  app.get(
    `${ORUK_API_BASE}/service_at_locations/:id`,
    { config: access },
    handle(async (query, params, reply) => {
      const id = params.id ?? ''
      const council = councilOf(query)
      if (!UUID.test(id)) return json(reply, 404, notFoundBody('service at location', id))
      const found = await findPublishedServiceOfSal(db, id.toLowerCase(), council)
      if (!found) return json(reply, 404, notFoundBody('service at location', id))
      if ('ambiguous' in found) return json(reply, 409, ambiguousBody('service at location', id, found.ambiguous))
      return json(reply, 200, serviceToOruk(found.record))
    }),
  )

  app.get(
    `${ORUK_API_BASE}/taxonomies`,
    { config: access },
    handle(async (query, _params, reply) => {
      const paging = parsePaging(query)
      return json(reply, 200, paginate(orukTaxonomies, paging.page, paging.perPage))
    }),
  )

  app.get(
    `${ORUK_API_BASE}/taxonomies/:id`,
    { config: access },
    handle(async (_query, params, reply) => {
      const id = (params.id ?? '').toLowerCase()
      const taxonomy = orukTaxonomies.find((t) => t.id === id)
      if (!taxonomy) return json(reply, 404, notFoundBody('taxonomy', params.id ?? ''))
      return json(reply, 200, taxonomy)
    }),
  )

  app.get(
    `${ORUK_API_BASE}/taxonomy_terms`,
    { config: access },
    handle(async (query, _params, reply) => {
      const paging = parsePaging(query)
      const taxonomyId = typeof query.taxonomy_id === 'string' ? query.taxonomy_id.trim().toLowerCase() : ''
      if (query.taxonomy_id !== undefined && typeof query.taxonomy_id !== 'string') {
        throw new ApiParamError('taxonomy_id', 'Give taxonomy_id once')
      }
      if (taxonomyId !== '' && !orukTaxonomies.some((t) => t.id === taxonomyId)) {
        throw new ApiParamError(
          'taxonomy_id',
          `taxonomy_id ${taxonomyId} is not a taxonomy published at /api/oruk/taxonomies`,
        )
      }
      const terms = taxonomyId === '' ? allTaxonomyTerms : allTaxonomyTerms.filter((t) => t.taxonomy_id === taxonomyId)
      return json(reply, 200, paginate(terms, paging.page, paging.perPage))
    }),
  )

  app.get(
    `${ORUK_API_BASE}/taxonomy_terms/:id`,
    { config: access },
    handle(async (_query, params, reply) => {
      const id = (params.id ?? '').toLowerCase()
      const term = allTaxonomyTerms.find((t) => t.id === id)
      if (!term) return json(reply, 404, notFoundBody('taxonomy term', params.id ?? ''))
      return json(reply, 200, term)
    }),
  )
}

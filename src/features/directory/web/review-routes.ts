/**
 * Pages for what imports leave to a commissioner (ADR 0015):
 * - /directory/review: the services an import could not complete, each with its reasons and a
 *   link to complete it (they are drafts, never published, until completed);
 * - /directory/term-mappings: the terms of other publishers' taxonomies the council's imports
 *   have met, and what each means here (features, a service type); later imports apply them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { requireUser } from '../../../platform/access.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import { formBody } from '../../../platform/forms.js'
import { reviewReasonLabels } from '../model.js'
import {
  type DirectoryActor,
  DirectoryValidationError,
  findTermMapping,
  listServicesToReview,
  listTermMappings,
  saveTermMapping,
} from '../repository.js'
import {
  featureGroups,
  featureLabel,
  featureTermDefinitions,
  isFeatureCode,
  isServiceTypeCode,
  serviceTypeDefinitions,
  serviceTypeLabel,
} from '../../../lib/taxonomy.js'

const V = 'features/directory/web/views'
const access = { roles: ['commissioner'] as const }
export const reviewPaths = {
  review: '/directory/review',
  mappings: '/directory/term-mappings',
  mapping: (key: string) => `/directory/term-mappings/edit?term=${encodeURIComponent(key)}`,
}

function actorOf(request: FastifyRequest) {
  const u = requireUser(request)
  const actor: DirectoryActor = { userId: u.id, label: u.email, role: 'commissioner' }
  return { scope: u.scope, actor }
}

const asList = (v: unknown): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')

export function registerReviewRoutes(app: FastifyInstance): void {
  const { db } = app

  app.get(reviewPaths.review, { config: { access } }, async (request, reply) => {
    const { scope } = actorOf(request)
    const services = await listServicesToReview(db, scope)
    return reply.view(`${V}/review.njk`, {
      pageTitle: 'Services to review',
      services: services.map((s) => ({
        id: s.id,
        name: s.name,
        href: `/directory/services/${s.id}`,
        editHref: `/directory/services/${s.id}/edit`,
        reasons: s.reasons.map((r) => ({ label: reviewReasonLabels[r.code], message: r.message, path: r.path })),
      })),
    })
  })

  const mappingView = (m: Awaited<ReturnType<typeof listTermMappings>>[number]) => ({
    ...m,
    href: reviewPaths.mapping(m.key),
    means: [
      ...(m.serviceType !== null && isServiceTypeCode(m.serviceType) ? [serviceTypeLabel(m.serviceType)] : []),
      ...m.features.filter(isFeatureCode).map(featureLabel),
    ],
  })

  app.get(reviewPaths.mappings, { config: { access } }, async (request, reply) => {
    const { scope } = actorOf(request)
    const rows = await listTermMappings(db, scope)
    return reply.view(`${V}/term-mappings.njk`, {
      pageTitle: 'Other directories’ terms',
      mappings: rows.map(mappingView),
      saved: (request.query as { saved?: string }).saved === '1',
    })
  })

  const renderEdit = async (
    request: FastifyRequest,
    status: number,
    key: string,
    values?: { serviceType: string | null; features: string[] },
    errors?: { summary: { text: string; href: string }[] },
  ) => {
    const { scope } = actorOf(request)
    const mapping = await findTermMapping(db, scope, key)
    if (!mapping) throw notFound('term')
    const chosen = values ?? { serviceType: mapping.serviceType, features: mapping.features }
    return {
      status,
      context: {
        pageTitle: `What “${mapping.termName}” means here`,
        mapping: mappingView(mapping),
        errors,
        serviceTypes: [
          { value: '', text: 'No service type', checked: chosen.serviceType === null },
          ...serviceTypeDefinitions.map((t) => ({
            value: t.code,
            text: t.name,
            checked: chosen.serviceType === t.code,
          })),
        ],
        featureGroups: featureGroups.map((g, i) => ({
          name: g.name,
          idPrefix: `features-${String(i)}`,
          items: featureTermDefinitions
            .filter((t) => t.group === g.code && t.code !== 'by-and-for')
            .map((t) => ({ value: t.code, text: t.name, checked: chosen.features.includes(t.code) })),
        })),
      },
    }
  }

  app.get(`${reviewPaths.mappings}/edit`, { config: { access } }, async (request, reply) => {
    const key = (request.query as { term?: unknown }).term
    if (typeof key !== 'string' || key === '') throw notFound('term')
    const page = await renderEdit(request, 200, key)
    return reply.code(page.status).view(`${V}/term-mapping.njk`, page.context)
  })

  app.post(reviewPaths.mappings, { config: { access } }, async (request, reply) => {
    const { scope, actor } = actorOf(request)
    const body = formBody(request.body)
    const key = typeof body.key === 'string' ? body.key : ''
    const serviceType = typeof body.serviceType === 'string' && body.serviceType !== '' ? body.serviceType : null
    const features = asList(body.features)
    const unknown = Object.keys(body).filter((k) => !['key', 'serviceType', 'features'].includes(k))
    if (unknown.length) throw new HttpError(400, `The form contains fields that are not allowed: ${unknown.join(', ')}`)
    try {
      await saveTermMapping(db, scope, actor, key, { serviceType, features })
    } catch (error) {
      if (error instanceof DirectoryValidationError) {
        if (error.problems.some((p) => p.field === 'key')) throw notFound('term')
        const page = await renderEdit(
          request,
          400,
          key,
          { serviceType, features },
          {
            summary: error.problems.map((p) => ({
              text: p.message,
              href: p.field === 'serviceType' ? '#serviceType' : '#features-0',
            })),
          },
        )
        return reply.code(page.status).view(`${V}/term-mapping.njk`, page.context)
      }
      throw error
    }
    return reply.redirect(`${reviewPaths.mappings}?saved=1`, 303)
  })
}

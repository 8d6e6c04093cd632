/**
 * The standards frameworks (issue 12): read them and download them as JSON. Council versions,
 * imports and assessment rounds are not built yet; the pages say so.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { featureLabel, serviceTypeLabel } from '../../lib/taxonomy.js'
import { sendDownload } from '../../platform/downloads.js'
import { notFound } from '../../platform/errors.js'
import { paths } from '../../platform/paths.js'
import { builtinFramework, builtinFrameworks } from './builtin.js'
import { type Framework, frameworkDocument, principles, standardCount } from './framework.js'

const V = 'features/standards/views'
// Everyone who will take part in assessments reads the standards: commissioners and analysts,
// providers (who will rate themselves) and lived-experience panel members (who will observe).
const access = { roles: ['commissioner', 'analyst', 'provider', 'panel_member'] as const }
const paramsSchema = z.object({ framework: z.string().max(100) }).strict()

const principleTitle = new Map<string, string>(principles.map((p) => [p.id, `${String(p.number)}. ${p.title}`]))

/** What the framework page shows: every standard with its fields in words. */
export function frameworkView(f: Framework) {
  return {
    key: f.key,
    name: f.name,
    version: f.version,
    source: f.source,
    standardCount: standardCount(f),
    themes: f.themes.map((t) => ({
      id: t.id,
      title: t.title,
      summary: t.summary,
      standards: t.standards.map((s) => ({
        id: s.id,
        title: s.title,
        asks: s.asks,
        evidence: s.evidence,
        principle: principleTitle.get(s.principle) ?? s.principle,
        appliesTo: s.appliesTo.map(serviceTypeLabel).join(', '),
        features: s.directoryFeatures.map(featureLabel).join(', '),
        local: s.local,
      })),
    })),
  }
}

function frameworkOr404(params: unknown): Framework {
  const parsed = paramsSchema.safeParse(params)
  const f = parsed.success ? builtinFramework(parsed.data.framework) : undefined
  if (!f) throw notFound('framework')
  return f
}

export function registerStandardsRoutes(app: FastifyInstance): void {
  app.get(paths.standards.list, { config: { access } }, async (_request, reply) =>
    reply.view(`${V}/list.njk`, {
      pageTitle: 'Standards',
      roundsHref: paths.standards.rounds,
      frameworks: builtinFrameworks().map((f, i) => ({
        name: f.name,
        href: paths.standards.framework(f.key),
        version: f.version,
        themes: f.themes.length,
        standards: standardCount(f),
        main: i === 0,
      })),
    }),
  )

  app.get('/standards/:framework', { config: { access } }, async (request, reply) => {
    const f = frameworkOr404(request.params)
    return reply.view(`${V}/framework.njk`, {
      pageTitle: f.name,
      framework: frameworkView(f),
      exportHref: paths.standards.exportJson(f.key),
    })
  })

  app.get('/standards/:framework/export', { config: { access } }, async (request, reply) => {
    const f = frameworkOr404(request.params)
    return sendDownload(reply, {
      format: 'json',
      fileName: `${f.key}-v${String(f.version)}.json`,
      json: frameworkDocument(f),
    })
  })
}

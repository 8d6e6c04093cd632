/**
 * The standards frameworks (issue 12): the ones the council uses (shipped, adapted, its own), each
 * to read and download as JSON, and the import of a JSON document as a new version (ADR 26).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { featureLabel, serviceTypeLabel } from '../../lib/taxonomy.js'
import { sendDownload } from '../../platform/downloads.js'
import { enforceAccess, requireUser } from '../../platform/access.js'
import { HttpError, notFound } from '../../platform/errors.js'
import { formBody, parseQuery } from '../../platform/forms.js'
import { registerUpload, takeFile } from '../../platform/uploads/upload.js'
import { readFile } from 'node:fs/promises'
import { earlierVersions, frameworkFor, frameworksFor, importFramework, type FrameworkInUse } from './service.js'
import { paths } from '../../platform/paths.js'
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

async function frameworkOr404(request: FastifyRequest): Promise<FrameworkInUse> {
  const parsed = paramsSchema.safeParse(request.params)
  const f = parsed.success
    ? await frameworkFor(request.server.db, requireUser(request).scope, parsed.data.framework)
    : undefined
  if (!f) throw notFound('framework')
  return f
}

const originWords = { shipped: 'as WTC ships it', adapted: 'adapted by the council', own: 'the council’s own' } as const
const commissioner = { roles: ['commissioner'] as const }
const IMPORT_MAX_BYTES = 1024 * 1024
const doneQuery = z.object({ done: z.enum(['imported']).optional() }).strict()

export function registerStandardsRoutes(app: FastifyInstance): void {
  app.get(paths.standards.list, { config: { access } }, async (request, reply) => {
    const u = requireUser(request)
    return reply.view(`${V}/list.njk`, {
      pageTitle: 'Standards',
      roundsHref: paths.standards.rounds,
      workforceHref: u.roles.some((r) => r === 'commissioner' || r === 'analyst' || r === 'provider')
        ? paths.standards.workforce
        : null,
      importHref: u.roles.includes('commissioner') ? paths.standards.importFramework : null,
      frameworks: (await frameworksFor(app.db, u.scope)).map(({ framework: f, origin, main }) => ({
        name: f.name,
        href: paths.standards.framework(f.key),
        version: f.version,
        themes: f.themes.length,
        standards: standardCount(f),
        main,
        origin: originWords[origin],
      })),
    })
  })

  app.get(paths.standards.framework(':framework'), { config: { access } }, async (request, reply) => {
    const { framework: f, origin } = await frameworkOr404(request)
    const u = requireUser(request)
    const q = parseQuery(doneQuery, request.query)
    const earlier = await earlierVersions(app.db, u.scope, f.key)
    return reply.view(`${V}/framework.njk`, {
      pageTitle: f.name,
      notice:
        q.done === 'imported'
          ? `Version ${String(f.version)} saved. New rounds use it; rounds already open keep the version they opened with.`
          : null,
      framework: frameworkView(f),
      origin: originWords[origin],
      basedOn: f.basedOn ? `${f.basedOn.key}, version ${String(f.basedOn.version)}` : null,
      changeNote: f.changeNote,
      earlier: earlier.map((e) => `Version ${String(e.framework.version)}${e.createdAt ? '' : ' (as WTC ships it)'}`),
      exportHref: paths.standards.exportJson(f.key),
    })
  })

  app.get(paths.standards.exportJson(':framework'), { config: { access } }, async (request, reply) => {
    const { framework: f } = await frameworkOr404(request)
    return sendDownload(reply, {
      format: 'json',
      fileName: `${f.key}-v${String(f.version)}.json`,
      json: frameworkDocument(f),
    })
  })

  app.get(paths.standards.importFramework, { config: { access: commissioner } }, async (_request, reply) =>
    reply.view(`${V}/import.njk`, { pageTitle: 'Import a framework', maxKb: IMPORT_MAX_BYTES / 1024 }),
  )

  // The import takes a JSON file as multipart, in a plugin of its own (the session and role are
  // checked before the body is read, as for every upload).
  void app.register(async (scoped) => {
    scoped.addHook('preValidation', async (request, reply) => {
      if (!request.isMultipart()) return
      await app.sessions.load(request, reply)
      await enforceAccess(request, reply)
    })
    await registerUpload(scoped, { maxBytes: IMPORT_MAX_BYTES, suffix: '.json' })
    scoped.post(paths.standards.importFramework, { config: { access: commissioner } }, async (request, reply) => {
      const u = requireUser(request)
      const { file, rest } = takeFile(request.body, 'file')
      const unknown = Object.keys(formBody(rest))
      if (unknown.length)
        throw new HttpError(400, `The form contains fields that are not allowed: ${unknown.join(', ')}`)
      const problem =
        !file || (file.bytes === 0 && !file.tooLarge)
          ? 'Select a framework file (JSON)'
          : file.tooLarge
            ? `The selected file must be smaller than ${String(IMPORT_MAX_BYTES / 1024)} KB`
            : null
      const outcome = problem
        ? { kind: 'invalid' as const, problems: [{ path: 'file', message: problem }] }
        : await importFramework(
            app.db,
            u.scope,
            { userId: u.id, label: u.email },
            await readFile(file?.path ?? '', 'utf8'),
          )
      if (outcome.kind === 'invalid') {
        const list = outcome.problems.slice(0, 20)
        return reply.code(400).view(`${V}/import.njk`, {
          pageTitle: 'Error: Import a framework',
          maxKb: IMPORT_MAX_BYTES / 1024,
          problems: list.map((p) => ({
            text: p.path === 'file' ? p.message : `${p.path}: ${p.message}`,
            href: '#file',
          })),
          more: outcome.problems.length - list.length,
        })
      }
      return reply.redirect(`${paths.standards.framework(outcome.framework.key)}?done=imported`, 303)
    })
  })
}

/**
 * Data imports (issue 3): the list of this council's imports, the upload form, each import's
 * summary, and the CSV templates with their documentation. An upload is checked here (a file was
 * chosen, it is not empty, it is a CSV) and then read by the `needs-import` job, whose page shows
 * progress; the rows themselves are checked by the importer.
 */
import { readFile } from 'node:fs/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { enforceAccess, requireUser } from '../../../platform/access.js'
import { recordAudit } from '../../../platform/audit.js'
import { HttpError, notFound } from '../../../platform/errors.js'
import { formBody } from '../../../platform/forms.js'
import { paths as appPaths } from '../../../platform/paths.js'
import { fromRoot } from '../../../platform/root.js'
import { importKindInfo } from '../importers/index.js'
import { markdownToHtml } from './markdown.js'
import {
  coverageRows,
  formKinds,
  importKindFor,
  kindLabel,
  paths,
  prevalenceKinds,
  templateFiles,
} from './presenter.js'
import { getImport, listImports } from './repository.js'
import { refusalsFrom } from '../../../platform/uploads/refusals.js'
import {
  claimUpload,
  looksLikeCsv,
  MAX_UPLOAD_BYTES,
  type ReceivedFile,
  registerCsvUpload,
  takeFile,
} from '../../../platform/uploads/upload.js'

const V = 'features/needs/uploads/views'
const access = { roles: ['commissioner', 'analyst'] as const }
const templatesDir = (...parts: string[]) => fromRoot('src', 'features', 'needs', 'importers', 'templates', ...parts)

function who(request: FastifyRequest) {
  const u = requireUser(request)
  return { scope: u.scope, userId: u.id, actor: { userId: u.id, label: u.email } }
}

const megabytes = (bytes: number): string => `${String(Math.round(bytes / (1024 * 1024)))} MB`

interface UploadErrors {
  summary: { text: string; href: string }[]
  fields: Record<string, { text: string }>
}

/** The radios of the form, from the importer's own descriptions. */
function kindItems() {
  const info = (k: keyof typeof importKindInfo) => importKindInfo[k]
  return formKinds.map((k) =>
    k === 'prevalence'
      ? {
          value: k,
          label: 'Prevalence estimates',
          hint: 'Estimated numbers of people dependent on alcohol, or using opiates or crack cocaine, with 95% intervals.',
          prevalence: prevalenceKinds.map((p) => ({
            value: p,
            label: info(`prevalence-${p}`).label,
            hint: info(`prevalence-${p}`).description,
          })),
        }
      : { value: k, label: info(k).label, hint: info(k).description, prevalence: [] },
  )
}

export function registerUploadRoutes(app: FastifyInstance, options: { maxUploadBytes?: number } = {}): void {
  const { db } = app
  const maxBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES

  const renderList = async (
    request: FastifyRequest,
    status: number,
    extra: { errors?: UploadErrors; values?: Record<string, unknown> } = {},
  ) => {
    const { scope } = who(request)
    const imports = (await listImports(db, scope)).map((i) => ({ ...i, kindLabel: kindLabel(i.kind) }))
    return {
      status,
      context: {
        pageTitle: 'Data imports',
        imports,
        kinds: kindItems(),
        maxSize: megabytes(maxBytes),
        values: extra.values ?? {},
        ...(extra.errors ? { errors: extra.errors } : {}),
      },
    }
  }

  app.get(paths.imports, { config: { access } }, async (request, reply) => {
    const page = await renderList(request, 200)
    return reply.view(`${V}/imports.njk`, page.context)
  })

  app.get('/needs/imports/:id', { config: { access, tenantResource: 'data-import' } }, async (request, reply) => {
    const { scope } = who(request)
    const { id } = request.params as { id: string }
    const found = await getImport(db, scope, id)
    if (!found) throw notFound('import')
    return reply.view(`${V}/import.njk`, {
      pageTitle: `Import of ${found.fileName}`,
      item: found,
      kindLabel: kindLabel(found.kind),
      coverage: coverageRows(found.coverage),
      refusals: refusalsFrom(found.refusals),
      jobPath: found.jobId ? appPaths.job(found.jobId) : null,
    })
  })

  app.get(paths.templates, { config: { access } }, async (request, reply) => {
    const documentation = await readFile(templatesDir('README.md'), 'utf8').then(markdownToHtml, () => null)
    // One entry per file; the prevalence template serves both kinds of prevalence.
    const kinds = templateFiles.map((template) => {
      const labels = Object.values(importKindInfo)
        .filter((info) => info.template === template)
        .map((info) => info.label)
      return { template, label: labels.length ? labels.join(' or ') : template }
    })
    return reply.view(`${V}/templates.njk`, { pageTitle: 'CSV templates', documentation, kinds })
  })

  for (const name of templateFiles) {
    app.get(paths.template(name), { config: { access } }, async (_request, reply) => {
      let content: Buffer
      try {
        content = await readFile(templatesDir(name))
      } catch {
        throw notFound('template')
      }
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .type('text/csv; charset=utf-8')
        .send(content)
    })
  }

  // The upload route has multipart to itself, in its own plugin.
  void app.register(async (scoped) => {
    // A multipart body is read (and its file written to disk) before the app's preHandlers run, so
    // the session and role are checked first: only a signed-in commissioner or analyst can make
    // the service write a file. The CSRF token is checked afterwards by the app, as for any form;
    // a refused upload's file is removed with the response.
    scoped.addHook('preValidation', async (request, reply) => {
      if (!request.isMultipart()) return
      await app.sessions.load(request, reply)
      await enforceAccess(request, reply)
    })
    await registerCsvUpload(scoped, { maxBytes })

    scoped.post(paths.imports, { config: { access } }, async (request, reply) => {
      const { scope, userId, actor } = who(request)
      const { file, rest } = takeFile(request.body, 'file')
      const fields = formBody(rest)
      const unknown = Object.keys(fields).filter((k) => k !== 'kind' && k !== 'prevalenceKind')
      if (unknown.length)
        throw new HttpError(400, `The form contains fields that are not allowed: ${unknown.join(', ')}`)
      const kind = formKinds.find((k) => k === fields.kind)
      const prevalenceKind = prevalenceKinds.find((p) => p === fields.prevalenceKind)

      const problems: [string, string][] = []
      if (!kind) problems.push(['kind', 'Select what kind of data the file holds'])
      if (kind === 'prevalence' && !prevalenceKind)
        problems.push([
          'prevalenceKind',
          'Select whether the estimates are for alcohol or for opiates and crack cocaine',
        ])
      const fileProblem = checkFile(file, maxBytes)
      if (fileProblem) problems.push(['file', fileProblem])

      if (problems.length || !kind || !file) {
        const errors: UploadErrors = {
          summary: problems.map(([field, text]) => ({
            text,
            href: field === 'kind' ? '#kind' : field === 'prevalenceKind' ? '#prevalenceKind' : '#file',
          })),
          fields: Object.fromEntries(problems.map(([field, text]) => [field, { text }])),
        }
        const page = await renderList(request, 400, {
          errors,
          values: { kind: fields.kind, prevalenceKind: fields.prevalenceKind },
        })
        return reply.code(page.status).view(`${V}/imports.njk`, page.context)
      }

      const importKind = importKindFor(kind, prevalenceKind)
      claimUpload(request, file)
      const jobId = await app.jobs.start(
        scope,
        'needs-import',
        { kind: importKind, filePath: file.path, fileName: file.fileName, deleteAfter: true },
        userId,
      )
      await recordAudit(db, {
        action: 'needs.import.start',
        tenantId: scope.tenantId,
        actor,
        subjectType: 'job',
        subjectId: jobId,
        details: { kind: importKind, fileName: file.fileName, bytes: file.bytes },
      })
      return reply.redirect(appPaths.job(jobId), 303)
    })
  })
}

/** What is wrong with the uploaded file, in GOV.UK's words for a file upload, or null. */
function checkFile(file: ReceivedFile | null, maxBytes: number): string | null {
  if (!file || (file.fileName === '' && file.bytes === 0)) return 'Select a CSV file'
  if (file.tooLarge) return `The selected file must be smaller than ${megabytes(maxBytes)}`
  if (file.bytes === 0) return 'The selected file is empty'
  // .txt: Excel's "Unicode text" (UTF-16, tab-separated), which the importer reads too (ADR 16).
  if (!/\.(csv|txt)$/i.test(file.fileName)) return 'The selected file must be a CSV'
  if (!looksLikeCsv(file.head))
    return 'The selected file must be a CSV: this one is not comma-separated text. Save it from your spreadsheet as CSV and try again'
  return null
}

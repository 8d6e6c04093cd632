/**
 * Web import of an Open Referral UK 3.0 feed into the council's service map (commissioners and
 * analysts): an uploaded JSON file or a web address. Either way the import runs as a job
 * (ORUK_IMPORT_JOB) and the browser goes to the job's page, which shows its progress and then
 * what happened, all or nothing: a feed with any problem changes nothing, and the job page lists
 * every problem with its JSON path.
 *
 * Multipart is handled as for the needs data imports (src/features/needs/uploads): the session
 * and role are checked before the body is read, the file goes to a temporary file (removed with
 * the response), and the CSRF token in the form is checked by the app afterwards.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { enforceAccess, requireUser } from '../../../platform/access.js'
import { recordAudit } from '../../../platform/audit.js'
import { HttpError } from '../../../platform/errors.js'
import { formBody } from '../../../platform/forms.js'
import { paths as appPaths } from '../../../platform/paths.js'
import { claimUpload, registerCsvUpload, type ReceivedFile, takeFile } from '../../../platform/uploads/upload.js'
import { MAX_IMPORT_BYTES, ORUK_IMPORT_JOB } from '../api/exchange.js'
import type { OrukProblem } from '../oruk.js'
import type { DirectoryActor } from '../repository.js'

export const DIRECTORY_IMPORT_PATH = '/directory/import'
const V = 'features/directory/web/views'
const access = { roles: ['commissioner', 'analyst'] as const }

const megabytes = (bytes: number): string => `${String(Math.round(bytes / (1024 * 1024)))} MB`

function actorOf(request: FastifyRequest): {
  actor: DirectoryActor
  scope: NonNullable<FastifyRequest['currentUser']>['scope']
} {
  const u = requireUser(request)
  const role = u.roles.find((r) => r === 'commissioner') ?? u.roles.find((r) => r === 'analyst') ?? u.roles[0] ?? ''
  return { scope: u.scope, actor: { userId: u.id, label: u.email, role } }
}

function fileProblem(file: ReceivedFile | null, maxBytes: number): string | null {
  if (!file || (file.fileName === '' && file.bytes === 0)) return 'Select a JSON file or give a web address'
  if (file.tooLarge) return `The selected file must be smaller than ${megabytes(maxBytes)}`
  if (file.bytes === 0) return 'The selected file is empty'
  if (!/\.json$/i.test(file.fileName)) return 'The selected file must be a JSON file'
  return null
}

interface FormErrors {
  summary: { text: string; href: string }[]
  fields: Record<string, { text: string }>
}

export function registerDirectoryImportRoutes(app: FastifyInstance, options: { maxUploadBytes?: number } = {}): void {
  const { db } = app
  const maxBytes = options.maxUploadBytes ?? MAX_IMPORT_BYTES

  const renderForm = (
    reply: FastifyReply,
    status: number,
    extra: { errors?: FormErrors; problems?: OrukProblem[]; fileName?: string; url?: string } = {},
  ) =>
    reply.code(status).view(`${V}/import.njk`, {
      pageTitle: 'Import an Open Referral UK file',
      maxSize: megabytes(maxBytes),
      ...(extra.errors ? { errors: extra.errors } : {}),
      problems: (extra.problems ?? []).map((p) => ({ path: p.path === '' ? '/' : p.path, message: p.message })),
      fileName: extra.fileName ?? null,
      url: extra.url ?? '',
    })

  app.get(DIRECTORY_IMPORT_PATH, { config: { access } }, async (_request, reply) => renderForm(reply, 200))

  void app.register(async (scoped) => {
    scoped.addHook('preValidation', async (request, reply) => {
      if (!request.isMultipart()) return
      await app.sessions.load(request, reply)
      await enforceAccess(request, reply)
    })
    await registerCsvUpload(scoped, { maxBytes })

    scoped.post(DIRECTORY_IMPORT_PATH, { config: { access } }, async (request, reply) => {
      const { scope, actor } = actorOf(request)
      const { file, rest } = takeFile(request.body, 'file')
      const fields = formBody(rest)
      const address = typeof fields.url === 'string' ? fields.url.trim() : ''
      delete fields.url
      const unknown = Object.keys(fields)
      if (unknown.length) {
        throw new HttpError(400, `The form contains fields that are not allowed: ${unknown.join(', ')}`)
      }
      const noFile = !file || (file.fileName === '' && file.bytes === 0)
      const fail = (field: 'file' | 'url', text: string) =>
        renderForm(reply, 400, {
          errors: { summary: [{ text, href: `#${field}` }], fields: { [field]: { text } } },
          url: address,
        })
      let params: Record<string, unknown>
      if (address !== '') {
        if (!noFile) return fail('url', 'Choose a file or give a web address, not both')
        let parsed: URL | undefined
        try {
          parsed = new URL(address)
        } catch {
          parsed = undefined
        }
        if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') {
          return fail('url', 'Enter a web address starting with https://')
        }
        params = { kind: 'url', url: parsed.href }
      } else {
        const problem = fileProblem(file, maxBytes)
        if (problem !== null || !file) return fail('file', problem ?? 'Select a JSON file or give a web address')
        claimUpload(request, file)
        params = { kind: 'file', filePath: file.path, fileName: file.fileName, deleteAfter: true }
      }
      const jobId = await app.jobs.start(
        scope,
        ORUK_IMPORT_JOB,
        { ...params, userId: actor.userId, actorLabel: actor.label, actorRole: actor.role },
        actor.userId,
      )
      await recordAudit(db, {
        action: 'directory.import.start',
        tenantId: scope.tenantId,
        actor: { userId: actor.userId, label: actor.label },
        subjectType: 'job',
        subjectId: jobId,
        details: params.kind === 'url' ? { url: String(params.url) } : { fileName: String(params.fileName) },
      })
      return reply.redirect(appPaths.job(jobId), 303)
    })
  })
}

/**
 * Web upload of an Open Referral UK 3.0 JSON file into the council's service map (commissioners
 * and analysts). The file is checked and merged in the request, all or nothing: a file with any
 * problem changes nothing, and the page lists every problem with its JSON path.
 *
 * Multipart is handled as for the needs data imports (src/features/needs/uploads): the session
 * and role are checked before the body is read, the file goes to a temporary file (removed with
 * the response), and the CSRF token in the form is checked by the app afterwards.
 */
import { readFile } from 'node:fs/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { enforceAccess } from '../../../platform/access.js'
import { HttpError } from '../../../platform/errors.js'
import { formBody } from '../../../platform/forms.js'
import { registerCsvUpload, type ReceivedFile, takeFile } from '../../needs/uploads/upload.js'
import { importOrukText, MAX_IMPORT_BYTES } from '../api/exchange.js'
import { formatProblem, type OrukProblem } from '../oruk.js'
import type { DirectoryActor } from '../repository.js'

export const DIRECTORY_IMPORT_PATH = '/directory/import'
const V = 'features/directory/web/views'
const access = { roles: ['commissioner', 'analyst'] as const }
/** How many problems the error summary names; the table below the form lists them all. */
const SUMMARY_PROBLEMS = 10

const megabytes = (bytes: number): string => `${String(Math.round(bytes / (1024 * 1024)))} MB`

function actorOf(request: FastifyRequest): {
  actor: DirectoryActor
  scope: NonNullable<FastifyRequest['currentUser']>['scope']
} {
  const u = request.currentUser
  if (!u) throw new HttpError(401, 'Sign in to continue.')
  const role = u.roles.find((r) => r === 'commissioner') ?? u.roles.find((r) => r === 'analyst') ?? u.roles[0] ?? ''
  return { scope: u.scope, actor: { userId: u.id, label: u.email, role } }
}

function fileProblem(file: ReceivedFile | null, maxBytes: number): string | null {
  if (!file || (file.fileName === '' && file.bytes === 0)) return 'Select a JSON file'
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
    extra: { errors?: FormErrors; problems?: OrukProblem[]; fileName?: string } = {},
  ) =>
    reply.code(status).view(`${V}/import.njk`, {
      pageTitle: 'Import an Open Referral UK file',
      maxSize: megabytes(maxBytes),
      ...(extra.errors ? { errors: extra.errors } : {}),
      problems: (extra.problems ?? []).map((p) => ({ path: p.path === '' ? '/' : p.path, message: p.message })),
      fileName: extra.fileName ?? null,
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
      const unknown = Object.keys(formBody(rest))
      if (unknown.length) {
        throw new HttpError(400, `The form contains fields that are not allowed: ${unknown.join(', ')}`)
      }
      const problem = fileProblem(file, maxBytes)
      if (problem !== null || !file) {
        const text = problem ?? 'Select a JSON file'
        return renderForm(reply, 400, { errors: { summary: [{ text, href: '#file' }], fields: { file: { text } } } })
      }
      const outcome = await importOrukText(db, scope, actor, await readFile(file.path, 'utf8'))
      if (!outcome.ok) {
        const count = outcome.problems.length
        const heading = `${file.fileName} was not imported: it has ${String(count)} ${count === 1 ? 'problem' : 'problems'}. Nothing has changed`
        const summary = [
          { text: heading, href: '#file' },
          ...outcome.problems.slice(0, SUMMARY_PROBLEMS).map((p) => ({ text: formatProblem(p), href: '#problems' })),
          ...(count > SUMMARY_PROBLEMS
            ? [{ text: `and ${String(count - SUMMARY_PROBLEMS)} more, listed below`, href: '#problems' }]
            : []),
        ]
        return renderForm(reply, 400, {
          errors: { summary, fields: { file: { text: heading } } },
          problems: outcome.problems,
          fileName: file.fileName,
        })
      }
      return reply.view(`${V}/import-done.njk`, {
        pageTitle: 'File imported',
        fileName: file.fileName,
        outcome,
      })
    })
  })
}

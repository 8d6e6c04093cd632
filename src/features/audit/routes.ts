/**
 * The council's audit trail: who signed in, changed or exported what. Commissioners and
 * administrators read it and download it as CSV (the download itself is audited).
 */
import { and, eq, inArray } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { users } from '../../db/schema/index.js'
import { toCsv } from '../../lib/csv.js'
import { listAudit, recordAudit } from '../../platform/audit.js'
import { requireUser } from '../../platform/access.js'
import { parseForm, parseQuery } from '../../platform/forms.js'
import { paths } from '../../platform/paths.js'
import { auditInWords } from './wording.js'

const access = { roles: ['commissioner', 'admin'] as const }
const PAGE = 50

const querySchema = z
  .object({
    before: z.coerce.number().int().positive().optional(),
    format: z.enum(['html', 'csv', 'json']).optional(),
  })
  .strict()

export function registerAuditRoutes(app: FastifyInstance): void {
  const { db } = app
  app.get(paths.audit.list, { config: { access } }, async (request, reply) => {
    const user = requireUser(request)
    const query = parseQuery(querySchema, request.query)
    const format = query.format ?? 'html'
    if (format !== 'html') {
      const rows = await listAudit(db, user.scope, { limit: 100000 })
      await recordAudit(db, {
        action: 'audit.export',
        tenantId: user.scope.tenantId,
        actor: { userId: user.id, label: user.email },
        details: { format, rows: rows.length },
      })
      const view = rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actorLabel,
        action: r.action,
        subjectType: r.subjectType,
        subjectId: r.subjectId,
        details: r.details,
        hash: r.hash,
      }))
      reply.header('content-disposition', `attachment; filename="audit-trail-${user.scope.areaCode}.${format}"`)
      if (format === 'json')
        return reply.type('application/json; charset=utf-8').send({ council: user.scope.areaCode, entries: view })
      return reply.type('text/csv; charset=utf-8').send(
        toCsv(
          ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'details', 'hash'],
          view.map((v) => [
            v.id,
            v.at,
            v.actor,
            v.action,
            v.subjectType,
            v.subjectId,
            JSON.stringify(v.details),
            v.hash,
          ]),
        ),
      )
    }
    const rows = await listAudit(db, user.scope, {
      limit: PAGE + 1,
      ...(query.before ? { beforeId: query.before } : {}),
    })
    const page = rows.slice(0, PAGE)
    const last = page[page.length - 1]
    // People the entries are about, by name (or email when the name is the email's own).
    const userIds = [...new Set(page.flatMap((r) => (r.subjectType === 'user' && r.subjectId ? [r.subjectId] : [])))]
    const people =
      userIds.length === 0
        ? []
        : await db
            .select({ id: users.id, email: users.email, displayName: users.displayName })
            .from(users)
            .where(and(eq(users.tenantId, user.scope.tenantId), inArray(users.id, userIds)))
    const nameOf = new Map(
      people.map((p) => [p.id, p.displayName && p.displayName !== p.email ? `${p.displayName} (${p.email})` : p.email]),
    )
    return reply.view('features/audit/views/list.njk', {
      pageTitle: 'Audit trail',
      rows: page.map((r) => ({
        at: r.at,
        actorLabel: r.actorLabel,
        what: auditInWords({
          action: r.action,
          details: r.details,
          subjectName: r.subjectType === 'user' && r.subjectId ? (nameOf.get(r.subjectId) ?? null) : null,
        }),
      })),
      olderHref: rows.length > PAGE && last ? `${paths.audit.list}?before=${String(last.id)}` : null,
      newestHref: query.before ? paths.audit.list : null,
    })
  })

  app.post(paths.audit.verify, { config: { access } }, async (request, reply) => {
    const user = requireUser(request)
    parseForm(z.object({}).strict(), request.body)
    const id = await app.jobs.start(user.scope, 'audit-verify', {}, user.id)
    return reply.redirect(paths.job(id), 303)
  })
}

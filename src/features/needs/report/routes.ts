/**
 * The needs assessment as a Word document: GET /needs/report.docx with the page's own query
 * (period, substance, age). The download is audited like every other export.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { recordAudit } from '../../../platform/audit.js'
import { requireUser } from '../../../platform/access.js'
import { HttpError } from '../../../platform/errors.js'
import { parseQuery } from '../../../platform/forms.js'
import { renderAssessmentDocx } from './docx.js'
import { assessmentFor, reportFileName, SelectionError } from './selection.js'

export const REPORT_DOCX_PATH = '/needs/report.docx'
export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

const access = { roles: ['commissioner', 'analyst'] as const }

const querySchema = z
  .object({
    period: z.string().trim().min(1).max(20).optional(),
    substance: z.string().trim().min(1).max(60).optional(),
    age: z.string().trim().min(1).max(60).optional(),
  })
  .strict()

export function registerReportRoutes(app: FastifyInstance): void {
  const { db } = app
  app.get(REPORT_DOCX_PATH, { config: { access } }, async (request, reply) => {
    const user = requireUser(request)
    const query = parseQuery(querySchema, request.query)
    let view
    try {
      view = await assessmentFor(db, user.scope, query)
    } catch (err) {
      if (err instanceof SelectionError) throw new HttpError(400, err.message)
      throw err
    }
    const file = await renderAssessmentDocx(view)
    const fileName = reportFileName(view, 'docx')
    await recordAudit(db, {
      action: 'needs.report.download',
      tenantId: user.scope.tenantId,
      actor: { userId: user.id, label: user.email },
      details: {
        format: 'docx',
        fileName,
        period: view.selection.period,
        substanceGroup: view.selection.substanceGroup,
        ageGroup: view.selection.ageGroup,
      },
    })
    return reply
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .type(DOCX_CONTENT_TYPE)
      .send(file)
  })
}

/**
 * The one download responder: a CSV or JSON file of a page's figures (the needs assessment, the
 * service-map analysis pages), sent as an attachment under a neutral file name, never cached and
 * never sniffed. The body comes from the shared table writers (src/lib/table.ts), whose hidden
 * cells are already their symbols.
 */
import type { FastifyReply } from 'fastify'

export type DownloadFormat = 'csv' | 'json'

export function sendDownload(
  reply: FastifyReply,
  download: { fileName: string } & ({ format: 'csv'; csv: string } | { format: 'json'; json: unknown }),
): FastifyReply {
  reply
    .header('content-disposition', `attachment; filename="${download.fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
  if (download.format === 'csv') return reply.type('text/csv; charset=utf-8').send(download.csv)
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(download.json, null, 2))
}

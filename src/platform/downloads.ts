/**
 * The one download responder: a CSV or JSON file of a page's figures (the needs assessment, the
 * service-map analysis pages), sent as an attachment under a neutral file name, never cached and
 * never sniffed. The body comes from the shared table writers (src/lib/table.ts), whose hidden
 * cells are already their symbols.
 */
import type { FastifyReply } from 'fastify'

export type DownloadFormat = 'csv' | 'json'

/**
 * A kept or generated file (a Word report, an evidence document) goes out the same way, with a
 * policy that stops a browser running anything in it should it ever be opened in place.
 */
export function sendDownload(
  reply: FastifyReply,
  download: { fileName: string } & (
    | { format: 'csv'; csv: string }
    | { format: 'json'; json: unknown }
    | { format: 'file'; contentType: string; body: Buffer }
  ),
): FastifyReply {
  reply
    .header('content-disposition', `attachment; filename="${download.fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
  if (download.format === 'csv') return reply.type('text/csv; charset=utf-8').send(download.csv)
  if (download.format === 'file')
    return reply
      .header('content-security-policy', "default-src 'none'; sandbox")
      .type(download.contentType)
      .send(download.body)
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(download.json, null, 2))
}

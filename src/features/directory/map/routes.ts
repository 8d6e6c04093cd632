/**
 * GET /directory/map: the council's published services on a map, with the same places in a table
 * and as `?format=csv` or `?format=json`. Read-only; open to every council role that works with the
 * directory and to lived-experience panel members, because it shows only what is published.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { toCsv } from '../../../lib/csv.js'
import { requireUser } from '../../../platform/access.js'
import { sendDownload } from '../../../platform/downloads.js'
import { parseQuery } from '../../../platform/forms.js'
import { paths } from '../../../platform/paths.js'
import { loadDirectory } from '../repository.js'
import { placeColumns, placeRows, serviceMapSvg, serviceMapView } from './service-map.js'

const access = { roles: ['commissioner', 'analyst', 'provider', 'panel_member'] as const }
const query = z.object({ format: z.enum(['html', 'csv', 'json'], 'use html, csv or json').optional() }).strict()

export function registerServiceMapRoutes(app: FastifyInstance): void {
  app.get(paths.serviceMap, { config: { access } }, async (request, reply) => {
    const { scope } = requireUser(request)
    const format = parseQuery(query, request.query).format ?? 'html'
    const directory = await loadDirectory(app.db, scope, { publishedOnly: true })
    const view = serviceMapView({ name: scope.councilName, areaCode: scope.areaCode }, directory)
    const stem = `service-map-${scope.areaCode}`
    if (format === 'csv') {
      return sendDownload(reply, {
        format: 'csv',
        fileName: `${stem}.csv`,
        csv: toCsv([...placeColumns], placeRows(view)),
      })
    }
    if (format === 'json') {
      return sendDownload(reply, {
        format: 'json',
        fileName: `${stem}.json`,
        json: { generatedAt: new Date().toISOString(), ...view },
      })
    }
    return reply.view('features/directory/map/views/map.njk', {
      pageTitle: 'Map of services',
      view,
      svg: serviceMapSvg(view),
      rows: placeRows(view),
      columns: placeColumns,
      links: { csv: `${paths.serviceMap}?format=csv`, json: `${paths.serviceMap}?format=json`, list: '/directory' },
    })
  })
}

/**
 * The web upload of an Open Referral UK file (GET and POST /directory/import): who may use it, a
 * good file imported with counts, bad files refused with every JSON path and nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoDirectory } from '../../../src/features/directory/demo-directory.js'
import { directoryToOruk } from '../../../src/features/directory/oruk.js'
import { loadDirectory } from '../../../src/features/directory/repository.js'
import { registerDirectoryImportRoutes } from '../../../src/features/directory/web/import-routes.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { decode, errorSummary, type FilePart, leftBehind, multipartBody } from '../../needs/web/support.js'
import { directoryDigest } from './support.js'

let ctx: TestContext
const published = demoDirectory.services.filter((s) => s.status === 'published')

beforeAll(async () => {
  ctx = await createTestContext({
    // Until the service map's web routes register the import pages themselves.
    extraRoutes: (app) => {
      if (!app.hasRoute({ method: 'GET', url: '/directory/import' })) registerDirectoryImportRoutes(app)
    },
  })
})

afterAll(async () => {
  await ctx.close()
})

async function upload(client: TestClient, file?: FilePart, fields: [string, string][] = []) {
  const token = await client.csrfToken('/directory/import')
  const { payload, contentType } = multipartBody([['_csrf', token], ...fields], file)
  return client.request({
    method: 'POST',
    url: '/directory/import',
    payload,
    headers: { 'content-type': contentType },
  })
}

const jsonFile = (content: string, filename = 'services.json'): FilePart => ({
  name: 'file',
  filename,
  content,
  type: 'application/json',
})

describe('GET /directory/import', () => {
  it('shows the form to commissioners and analysts only', async () => {
    const commissioner = await ctx.signedIn(await ctx.user({ roles: ['commissioner'], totp: true }))
    const page = await commissioner.get('/directory/import')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1 class="govuk-heading-l">Import an Open Referral UK file</h1>')
    expect(page.body).toContain('enctype="multipart/form-data"')
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    expect((await analyst.get('/directory/import')).statusCode).toBe(200)
    const provider = await ctx.signedIn(await ctx.user({ roles: ['provider'], totp: true }))
    expect((await provider.get('/directory/import')).statusCode).toBe(403)
  })
})

describe('POST /directory/import', () => {
  it('imports a good file into the user’s council and shows the counts', async () => {
    const user = await ctx.user({ council: 'E08000025', roles: ['commissioner'], totp: true })
    const client = await ctx.signedIn(user)
    const text = JSON.stringify(directoryToOruk(demoDirectory))
    const res = await upload(client, jsonFile(text))
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('File imported')
    // The summary list: 45 services in the file, all added.
    const rows = [
      ...res.body.matchAll(
        /<dt class="govuk-summary-list__key">\s*([^<]*?)\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*([^<]*?)\s*<\/dd>/g,
      ),
    ].map((m) => [m[1], m[2]])
    expect(rows).toEqual([
      ['Services in the file', String(published.length)],
      ['Added', String(published.length)],
      ['Updated', '0'],
      ['Unchanged', '0'],
    ])
    const stored = await loadDirectory(ctx.app.db, user.scope, { publishedOnly: false })
    expect(stored.services).toHaveLength(published.length)
    // Another council's directory is untouched.
    const barnet = await ensureCouncil(ctx.app.db, 'E09000003')
    expect((await loadDirectory(ctx.app.db, barnet, { publishedOnly: false })).services).toHaveLength(0)
  })

  it('refuses a file with problems, listing each JSON path, with nothing changed and no file left behind', async () => {
    const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['analyst'], totp: true }))
    const services = JSON.parse(JSON.stringify(directoryToOruk(demoDirectory))) as Record<string, unknown>[]
    delete services[1]!.name
    ;(services[3]!.service_at_locations as { location: Record<string, unknown> }[])[0]!.location.latitude = 'north'
    const before = await directoryDigest(ctx.app.db)
    let res = await upload(client, jsonFile('[]'))
    const files = await leftBehind(async () => {
      res = await upload(client, jsonFile(JSON.stringify(services), 'bad.json'))
    })
    expect(files).toEqual([])
    expect(res.statusCode).toBe(400)
    expect(errorSummary(res.body)).toEqual([
      '#file bad.json was not imported: it has 2 problems. Nothing has changed',
      '#problems /1/name: is required',
      '#problems /3/service_at_locations/0/location/latitude: must be a number',
    ])
    const table = [
      ...res.body.matchAll(
        /<td class="govuk-table__cell app-code-break"><code>([^<]*)<\/code><\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td>/g,
      ),
    ].map((m) => `${m[1] ?? ''} ${decode(m[2] ?? '')}`)
    expect(table).toEqual(['/1/name is required', '/3/service_at_locations/0/location/latitude must be a number'])
    expect(res.body).toContain('<title>Error: ')
    // The empty array before it imported nothing either (a file with no services).
    expect(await directoryDigest(ctx.app.db)).toMatchObject({
      directory_services: before.directory_services,
      directory_schedules: before.directory_schedules,
      directory_service_history: before.directory_service_history,
    })
  })

  it.each([
    ['no file chosen', undefined, 'Select a JSON file'],
    ['an empty file', jsonFile('', 'empty.json'), 'The selected file is empty'],
    ['a CSV file', jsonFile('a,b\n1,2\n', 'data.csv'), 'The selected file must be a JSON file'],
    [
      'not JSON',
      jsonFile('{"contents": [}', 'broken.json'),
      'broken.json was not imported: it has 1 problem. Nothing has changed',
    ],
  ])('refuses %s with a GOV.UK error message', async (_label, file, message) => {
    const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['commissioner'], totp: true }))
    const res = await upload(client, file)
    expect(res.statusCode).toBe(400)
    expect(errorSummary(res.body)[0]).toBe(`#file ${message}`)
    expect(decode(res.body)).toContain(`<span class="govuk-visually-hidden">Error:</span> ${message}`)
  })

  it('refuses an upload without the CSRF token, and from a provider', async () => {
    const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['commissioner'], totp: true }))
    const { payload, contentType } = multipartBody([], jsonFile('[]'))
    const noToken = await client.request({
      method: 'POST',
      url: '/directory/import',
      payload,
      headers: { 'content-type': contentType },
    })
    expect(noToken.statusCode).toBe(403)
    const provider = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['provider'], totp: true }))
    const body = multipartBody([['_csrf', await provider.csrfToken('/home')]], jsonFile('[]'))
    const res = await provider.request({
      method: 'POST',
      url: '/directory/import',
      payload: body.payload,
      headers: { 'content-type': body.contentType },
    })
    expect(res.statusCode).toBe(403)
  })
})

/**
 * The web import of an Open Referral UK feed (GET and POST /directory/import): who may use it; a
 * file or an address starts a job and the browser goes to the job page, which shows the counts,
 * or every JSON path of a refused feed with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoDirectory } from '../../../src/demo/directory-data.js'
import { directoryToOruk } from '../../../src/features/directory/oruk.js'
import { loadDirectory } from '../../../src/features/directory/repository.js'
import { registerDirectoryImportRoutes } from '../../../src/features/directory/web/import-routes.js'
import { ensureCouncil } from '../../../src/platform/reference.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { decode, errorSummary, type FilePart, leftBehind, multipartBody } from '../../needs/web/support.js'
import { directoryDigest } from './support.js'

let ctx: TestContext
const published = demoDirectory().services.filter((s) => s.status === 'published')

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
    expect(page.body).toContain('<h1 class="govuk-heading-l">Import an Open Referral UK feed</h1>')
    expect(page.body).toContain('name="url"')
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
    const text = JSON.stringify(directoryToOruk(demoDirectory()))
    const res = await upload(client, jsonFile(text))
    expect(res.statusCode).toBe(303)
    const jobPath = String(res.headers.location)
    expect(jobPath).toMatch(/^\/jobs\/[0-9a-f-]{36}$/)
    await ctx.app.jobs.idle()
    const job = await client.get(jobPath)
    expect(job.statusCode).toBe(200)
    expect(decode(job.body)).toContain(
      `${String(published.length)} services read: ${String(published.length)} added, 0 updated, 0 unchanged.`,
    )
    const stored = await loadDirectory(ctx.app.db, user.scope, { publishedOnly: false })
    expect(stored.services).toHaveLength(published.length)
    // Another council's directory is untouched.
    const barnet = await ensureCouncil(ctx.app.db, 'E09000003')
    expect((await loadDirectory(ctx.app.db, barnet, { publishedOnly: false })).services).toHaveLength(0)
  })

  it('refuses a file with problems, listing each JSON path, with nothing changed and no file left behind', async () => {
    const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['analyst'], totp: true }))
    const services = JSON.parse(JSON.stringify(directoryToOruk(demoDirectory()))) as Record<string, unknown>[]
    delete services[1]!.name
    ;(services[3]!.service_at_locations as { location: Record<string, unknown> }[])[0]!.location.latitude = 'north'
    const before = await directoryDigest(ctx.app.db)
    await upload(client, jsonFile('[]'))
    let res = await upload(client, jsonFile('[]'))
    const files = await leftBehind(async () => {
      res = await upload(client, jsonFile(JSON.stringify(services), 'bad.json'))
      await ctx.app.jobs.idle()
    })
    expect(files).toEqual([])
    expect(res.statusCode).toBe(303)
    const job = await client.get(`${String(res.headers.location)}?format=json`)
    const body = JSON.parse(job.body) as { status: string; error: string; result: { problems: unknown[] } }
    expect(body.status).toBe('failed')
    expect(body.error).toBe('Nothing was imported: the feed has 2 problems.')
    expect(body.result.problems).toEqual([
      { path: '/1/name', message: 'is required' },
      { path: '/3/service_at_locations/0/location/latitude', message: 'must be a number' },
    ])
    const page = decode((await client.get(String(res.headers.location))).body)
    expect(page).toContain('/3/service_at_locations/0/location/latitude')
    // The empty array before it imported nothing either (a file with no services).
    expect(await directoryDigest(ctx.app.db)).toMatchObject({
      directory_services: before.directory_services,
      directory_schedules: before.directory_schedules,
      directory_service_history: before.directory_service_history,
    })
  })

  it.each([
    ['no file chosen', undefined, [], '#file', 'Select a JSON file or give a web address'],
    ['an empty file', jsonFile('', 'empty.json'), [], '#file', 'The selected file is empty'],
    ['a CSV file', jsonFile('a,b\n1,2\n', 'data.csv'), [], '#file', 'The selected file must be a JSON file'],
    [
      'an ftp address',
      undefined,
      [['url', 'ftp://example.org/x.json']],
      '#url',
      'Enter a web address starting with https://',
    ],
    [
      'a file and an address',
      jsonFile('[]'),
      [['url', 'https://example.org/services']],
      '#url',
      'Choose a file or give a web address, not both',
    ],
  ] as [string, FilePart | undefined, [string, string][], string, string][])(
    'refuses %s with a GOV.UK error message',
    async (_label, file, fields, href, message) => {
      const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['commissioner'], totp: true }))
      const res = await upload(client, file, fields)
      expect(res.statusCode).toBe(400)
      expect(errorSummary(res.body)[0]).toBe(`${href} ${message}`)
      expect(decode(res.body)).toContain(`<span class="govuk-visually-hidden">Error:</span> ${message}`)
    },
  )

  it('starts a job for an address and refuses a loopback address without the allow-list, before connecting', async () => {
    const client = await ctx.signedIn(await ctx.user({ council: 'E06000001', roles: ['commissioner'], totp: true }))
    const before = await directoryDigest(ctx.app.db)
    const res = await upload(client, undefined, [['url', 'http://127.0.0.2:9/services']])
    expect(res.statusCode).toBe(303)
    await ctx.app.jobs.idle()
    const job = JSON.parse((await client.get(`${String(res.headers.location)}?format=json`)).body) as {
      status: string
      error: string
    }
    expect(job.status).toBe('failed')
    expect(job.error).toContain('127.0.0.2, a private, loopback or link-local address')
    expect((await directoryDigest(ctx.app.db)).directory_services).toBe(before.directory_services)
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

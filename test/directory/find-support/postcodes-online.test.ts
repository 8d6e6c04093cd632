/**
 * Exact postcode search through a postcodes.io-compatible service (POSTCODES_API_URL), against a
 * tiny local HTTP server started here, and the fall back to postcode districts when it fails.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.js'
import { resolveLocation, shippedLookups } from '../../../src/features/directory/find-support/search.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { NW4, seedDirectories, specs } from './fixtures.js'
import { errorSummary, resultDistances, resultNames, resultsHeading } from './html.js'

interface Seen {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

let server: Server
let seen: Seen[] = []
let ctx: TestContext
let postcodesBase = ''
const hanging: (() => void)[] = []

/** Her exact postcode is 0.012 degree north of NW4's middle, on the same longitude. */
const EXACT = { lat: NW4.lat + 0.012, lon: NW4.lon }

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body })
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(value))
      }
      switch (request.url) {
        case '/pc/postcodes/NW4%204BG':
          json(200, { status: 200, result: { postcode: 'NW4 4BG', latitude: EXACT.lat, longitude: EXACT.lon } })
          return
        case '/pc/postcodes/JE2%203AB':
          json(200, { status: 200, result: { postcode: 'JE2 3AB', latitude: 49.1995, longitude: -2.08378 } })
          return
        case '/pc/postcodes/NW4%209ZZ':
          json(404, { status: 404, error: 'Postcode not found' })
          return
        case '/pc/postcodes/NW4%203AA':
          json(200, { status: 200, result: { postcode: 'NW4 3AA', latitude: null, longitude: null } })
          return
        case '/pc/postcodes/NW4%201AA':
          json(500, { status: 500, error: 'Internal server error' })
          return
        case '/pc/postcodes/NW4%205AA':
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end('this is not JSON')
          return
        case '/pc/postcodes/NW4%202AA':
          // Never answers: the lookup must give up after its timeout.
          hanging.push(() => response.end())
          return
        default:
          json(404, { status: 404, error: 'Postcode not found' })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  postcodesBase = `http://127.0.0.1:${String(address.port)}/pc`
  // A trailing slash in the setting is allowed.
  ctx = await createTestContext({ env: { POSTCODES_API_URL: `http://127.0.0.1:${String(address.port)}/pc/` } })
  await seedDirectories(ctx.app.db)
})

afterAll(async () => {
  for (const end of hanging) end()
  await ctx.close()
  server.closeAllConnections()
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
})

const search = async (query: string) => {
  seen = []
  const res = await ctx.client().get(`/support?${query}`, { 'x-forwarded-for': '203.0.113.9' })
  return { status: res.statusCode, html: res.body }
}

const names = (...keys: string[]) => keys.map((k) => specs.find((s) => s.key === k)?.name ?? `missing ${k}`)

describe('POSTCODES_API_URL', () => {
  it('is optional, must be an http(s) address, and loses a trailing slash', () => {
    expect(loadConfig({}).postcodesApiUrl).toBeUndefined()
    expect(loadConfig({ POSTCODES_API_URL: '' }).postcodesApiUrl).toBeUndefined()
    expect(loadConfig({ POSTCODES_API_URL: 'https://api.postcodes.io/' }).postcodesApiUrl).toBe(
      'https://api.postcodes.io',
    )
    expect(() => loadConfig({ POSTCODES_API_URL: 'ftp://example.org' })).toThrow(/POSTCODES_API_URL/)
  })
})

describe('exact postcode search', () => {
  it('measures from the postcode itself, nearest first, and sends nothing but the postcode', async () => {
    const { status, html } = await search('q=nw4+4bg&filter=women-only&filter=alcohol&distance=10')
    expect(status).toBe(200)
    // From 0.012 degree north of NW4's middle (1.111951 km per 0.01 degree): hendon-women is
    // 0.002 away -> 0.222390 km = 0.138187 mi; mill-hill 0.058 away -> 6.449316 km = 4.007420 mi.
    expect(resultNames(html)).toEqual(names('hendon-women', 'mill-hill'))
    expect(resultDistances(html)).toEqual(['0.2 km (0.1 miles)', '6.4 km (4.0 miles)'])
    expect(resultsHeading(html)).toBe('2 services found within 10 miles of NW4 4BG')
    expect(html).not.toContain('postcode-district precision')

    // Exactly one request: GET of the normalised postcode, no query, no body, nothing about her.
    expect(seen).toHaveLength(1)
    const [request] = seen
    expect(request?.method).toBe('GET')
    expect(request?.url).toBe('/pc/postcodes/NW4%204BG')
    expect(request?.body).toBe('')
    const headers = request?.headers ?? {}
    for (const name of ['cookie', 'referer', 'x-forwarded-for', 'authorization', 'origin']) {
      expect(headers[name], name).toBeUndefined()
    }
    const everything = JSON.stringify(request)
    for (const word of ['women-only', 'alcohol', '203.0.113.9', 'distance']) expect(everything).not.toContain(word)
  })

  it('all distances from the exact postcode agree with the hand-worked values', async () => {
    const { html } = await search('q=NW4+4BG&distance=10')
    // Offsets from the exact point: hendon 0.002, colindale 0.018 (its nearer place, +0.03),
    // camden 0.032, maternity 0.038, mill-hill 0.058 degree.
    // km: 0.222390, 2.001512, 3.558243, 4.225414, 6.449316; miles: 0.138187, 1.243681, 2.210991,
    // 2.625552, 4.007420.
    // Nearest first: hendon-women 0.2, colindale-recovery 2.0, camden-da 3.6, maternity 4.2, mill-hill
    // 6.4 km; shown as drug and alcohol help (hendon-women, colindale-recovery, mill-hill), then
    // women's services (camden-da), then other support (maternity).
    expect(resultNames(html)).toEqual(
      names('hendon-women', 'colindale-recovery', 'mill-hill', 'camden-da', 'maternity'),
    )
    expect(resultDistances(html)).toEqual([
      '0.2 km (0.1 miles)',
      '2.0 km (1.2 miles)',
      '6.4 km (4.0 miles)',
      '3.6 km (2.2 miles)',
      '4.2 km (2.6 miles)',
    ])
  })

  it('an outward code alone is never sent: it is looked up offline', async () => {
    const { html } = await search('q=NW4&distance=1')
    expect(seen).toEqual([])
    expect(resultNames(html)).toEqual(names('hendon-women'))
  })

  it('coordinates outside the UK from the service are refused with a clear message', async () => {
    const { status, html } = await search('q=JE2+3AB')
    expect(status).toBe(400)
    expect(errorSummary(html)).toEqual([
      'That postcode is outside the UK. This service only lists support in the UK: enter a UK postcode, like NW4 4BG',
    ])
  })

  it('a postcode the service does not know falls back to its district, and says so', async () => {
    for (const q of ['NW4+9ZZ', 'NW4+3AA']) {
      const { status, html } = await search(`q=${q}&distance=1`)
      expect(status, q).toBe(200)
      expect(html, q).toContain('We could not find the exact postcode')
      expect(html, q).toContain('so we searched from the middle of the NW4 postcode district instead')
      // From NW4's middle: hendon-women at 1.111951 km, approximate.
      expect(resultDistances(html), q).toEqual(['About 1.1 km (0.7 miles)'])
    }
  })

  it('when the service fails (error, bad answer) the search falls back to offline and says so', async () => {
    for (const q of ['NW4+1AA', 'NW4+5AA']) {
      const { status, html } = await search(`q=${q}&distance=1`)
      expect(status, q).toBe(200)
      expect(html, q).toContain(
        'The postcode finder is not working at the moment, so we searched from the middle of the NW4 postcode district instead.',
      )
      expect(resultNames(html), q).toEqual(names('hendon-women'))
    }
  })

  it('when the service does not answer within the timeout the search falls back to offline', async () => {
    // The timeout is injected (50 ms here; 3 seconds in the app), so nothing waits and nothing is timed.
    const resolved = await resolveLocation('NW4 2AA', {
      postcodesApiUrl: postcodesBase,
      ...shippedLookups(),
      timeoutMs: 50,
    })
    expect(resolved.ok).toBe(true)
    if (!resolved.ok) return
    // The middle of NW4 (fixtures.ts), from the districts file.
    expect({ lat: resolved.origin.lat, lon: resolved.origin.lon }).toEqual(NW4)
    expect(resolved.origin.precision).toBe('district')
    expect(resolved.origin.notice).toContain('The postcode finder is not working at the moment')
    expect(seen.some((r) => r.url === '/pc/postcodes/NW4%202AA')).toBe(true)
  })
})

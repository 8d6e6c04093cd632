/**
 * The address checks of an ORUK import from the web (issue 8, issue 10 point 6, ADR 0015). No test
 * sends traffic anywhere but 127.0.0.1: refusals of other addresses happen before connecting
 * (names are resolved by a stand-in resolver), and the local server is reached only when the
 * allow-list names it.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkTarget,
  DEFAULT_FETCH_LIMITS,
  embeddedIpv4,
  FetchRefused,
  fetchOrukFeed,
  isNonPublicAddress,
  type Resolver,
} from '../../src/features/directory/oruk-fetch.js'

const neverResolve: Resolver = () => Promise.reject(new Error('no DNS in this test'))
const resolvesTo =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))

const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FetchRefused)
  return (error as Error).message
}

describe('which addresses are not public', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.2',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:2',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
  ])('%s is refused', (address) => {
    expect(isNonPublicAddress(address)).toBe(true)
  })

  it.each(['93.184.215.14', '8.8.8.8', '2a00:1450:4009:81f::200e', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false)
  })

  it('reads the IPv4 address inside IPv4-mapped forms, worked out by hand', () => {
    // 0x7f00 = 127.0, 0x0002 = 0.2; 0xa9fe = 169.254.
    expect(embeddedIpv4('::ffff:7f00:2')).toBe('127.0.0.2')
    expect(embeddedIpv4('0:0:0:0:0:ffff:a9fe:a9fe')).toBe('169.254.169.254')
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1')
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined()
    expect(embeddedIpv4('::1')).toBeUndefined()
  })
})

describe('checks before connecting', () => {
  it.each([
    ['http://127.0.0.2/services', '127.0.0.2'],
    ['http://10.0.0.8/services', '10.0.0.8'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://[::1]/services', '::1'],
    ['http://[::ffff:127.0.0.1]/services', '::ffff:7f00:1'],
  ])('refuses %s without the allow-list', async (address, shown) => {
    const message = await refusal(checkTarget(new URL(address), [], neverResolve))
    expect(message).toContain(`${shown}, a private, loopback or link-local address`)
    expect(message).toContain('ORUK_IMPORT_ALLOW_HOSTS')
  })

  it('refuses a name when ANY address it resolves to is not public, IPv4 or IPv6', async () => {
    const mixed = await refusal(
      checkTarget(new URL('https://feed.example.org/services'), [], resolvesTo('93.184.215.14', '10.0.0.5')),
    )
    expect(mixed).toContain('feed.example.org resolves to 10.0.0.5')
    const v6 = await refusal(
      checkTarget(new URL('https://feed.example.org/services'), [], resolvesTo('2a00:1450:4009:81f::200e', '::1')),
    )
    expect(v6).toContain('resolves to ::1')
    const mapped = await refusal(
      checkTarget(new URL('https://feed.example.org/services'), [], resolvesTo('::ffff:169.254.169.254')),
    )
    expect(mapped).toContain('resolves to ::ffff:169.254.169.254')
  })

  it('accepts a public name, and a private one named in the allow-list', async () => {
    await expect(checkTarget(new URL('https://feed.example.org/s'), [], resolvesTo('93.184.215.14'))).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    })
    await expect(
      checkTarget(
        new URL('http://directory.council.internal/s'),
        ['directory.council.internal'],
        resolvesTo('10.0.0.5'),
      ),
    ).resolves.toEqual({ address: '10.0.0.5', family: 4 })
    await expect(checkTarget(new URL('http://10.0.0.5/s'), ['10.0.0.5'], neverResolve)).resolves.toEqual({
      address: '10.0.0.5',
      family: 4,
    })
  })

  it('refuses other schemes and addresses with a user name or password', async () => {
    expect(await refusal(checkTarget(new URL('file:///etc/passwd'), [], neverResolve))).toContain(
      'Only http and https addresses can be imported',
    )
    expect(await refusal(checkTarget(new URL('https://a:b@feed.example.org/'), [], neverResolve))).toContain(
      'must not contain a user name or password',
    )
  })
})

describe('fetching from a local server with the allow-list set', () => {
  let server: http.Server
  let base: string
  let hits: string[] = []
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      hits.push(request.url ?? '')
      const port = (server.address() as AddressInfo).port
      const url = new URL(request.url ?? '/', 'http://x')
      if (url.pathname === '/services') {
        const page = Number(url.searchParams.get('page') ?? '1')
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({
            total_items: 3,
            total_pages: 3,
            page_number: page,
            size: 1,
            first_page: page === 1,
            last_page: page === 3,
            empty: false,
            contents: [{ id: `s${String(page)}` }],
          }),
        )
      } else if (url.pathname === '/linked') {
        // A `next` link instead of page numbers.
        const after = url.searchParams.get('after')
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({ contents: [{ id: after ?? 'first' }], links: after ? {} : { next: '/linked?after=x' } }),
        )
      } else if (url.pathname === '/spring') {
        const page = Number(url.searchParams.get('page') ?? '0')
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({ content: [{ id: `p${String(page)}` }], totalElements: 2, number: page, last: page >= 1 }),
        )
      } else if (url.pathname === '/to-loopback') {
        response.writeHead(301, { location: `http://127.0.0.2:${String(port)}/services` })
        response.end()
      } else if (url.pathname === '/to-v6') {
        response.writeHead(307, { location: `http://[::1]:${String(port)}/services` })
        response.end()
      } else if (url.pathname === '/hop') {
        response.writeHead(302, { location: '/services?page=3' })
        response.end()
      } else if (url.pathname === '/slow') {
        setTimeout(() => response.end('[]'), 2000)
      } else {
        response.writeHead(500)
        response.end('internal details that must not be quoted')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const limits = { ...DEFAULT_FETCH_LIMITS, allowHosts: ['127.0.0.1'] }

  it('follows page_number/total_pages, a next link and Spring pages to the end', async () => {
    const pages: string[] = []
    const feed = await fetchOrukFeed(`${base}/services`, limits, (page, total) => {
      pages.push(`${String(page)}/${String(total)}`)
    })
    expect(JSON.parse(feed.text)).toEqual([{ id: 's1' }, { id: 's2' }, { id: 's3' }])
    expect(pages).toEqual(['1/3', '2/3', '3/3'])
    expect(JSON.parse((await fetchOrukFeed(`${base}/linked`, limits)).text)).toEqual([{ id: 'first' }, { id: 'x' }])
    expect(JSON.parse((await fetchOrukFeed(`${base}/spring`, limits)).text)).toEqual([{ id: 'p0' }, { id: 'p1' }])
  })

  it('refuses loopback without the allow-list, before any request', async () => {
    hits = []
    const message = await refusal(fetchOrukFeed(`${base}/services`, { ...limits, allowHosts: [] }))
    expect(message).toContain('127.0.0.1, a private, loopback or link-local address')
    expect(hits).toEqual([])
  })

  it('checks every redirect hop: a redirect to 127.0.0.2 or ::1 is refused, one to an allowed place followed', async () => {
    expect(await refusal(fetchOrukFeed(`${base}/to-loopback`, limits))).toContain('Refused http://127.0.0.2:')
    expect(await refusal(fetchOrukFeed(`${base}/to-v6`, limits))).toContain('::1, a private, loopback')
    expect(JSON.parse((await fetchOrukFeed(`${base}/hop`, limits)).text)).toEqual([{ id: 's3' }])
  })

  it('keeps to the page, byte and time limits and quotes no bytes of an answer', async () => {
    expect(await refusal(fetchOrukFeed(`${base}/services`, { ...limits, maxPages: 2 }))).toBe(
      'The feed has more than 2 pages, the most one import reads.',
    )
    expect(await refusal(fetchOrukFeed(`${base}/services`, { ...limits, maxBytes: 300 }))).toContain(
      'The feed is too large',
    )
    expect(await refusal(fetchOrukFeed(`${base}/slow`, { ...limits, timeoutMs: 100 }))).toContain(
      'it did not answer in time',
    )
    const failed = await refusal(fetchOrukFeed(`${base}/broken?key=secret`, limits))
    expect(failed).toBe(`Could not fetch ${base}/broken: it answered 500.`)
    expect(failed).not.toContain('internal details')
    expect(failed).not.toContain('secret')
  })
})

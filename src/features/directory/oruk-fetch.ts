/**
 * Fetching an Open Referral UK feed from a web address for an import (issue 8, issue 10 point 6,
 * ADR 0015). Only http and https. Before every request, every redirect hop included (redirects
 * are followed by hand, `redirect: 'manual'`), the host name is resolved and EVERY address it
 * resolves to is checked: loopback, private, link-local, unique-local, CGNAT, multicast,
 * unspecified and IPv4-mapped forms of them are refused unless the host or address is named in
 * ORUK_IMPORT_ALLOW_HOSTS. The connection then goes to the address that was checked (a lookup
 * function pinned to it), so a second DNS answer cannot swap it. Limits: total bytes, a timeout per
 * request, a number of pages. The ORUK paginated list is followed (page/total_pages, or a `next`
 * link). Error messages name the address and what went wrong, never bytes of the answer.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'

export interface FetchLimits {
  /** Bytes over every page together. */
  maxBytes: number
  /** Each request (connect, headers and body). */
  timeoutMs: number
  maxPages: number
  maxRedirects: number
  /** Host names or addresses (lower case, no brackets) allowed although not public. */
  allowHosts: readonly string[]
}

export const DEFAULT_FETCH_LIMITS: Omit<FetchLimits, 'allowHosts'> = {
  maxBytes: 20 * 1024 * 1024,
  timeoutMs: 30_000,
  maxPages: 200,
  maxRedirects: 5,
}

export class FetchRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FetchRefused'
  }
}

const blocked = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6')
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part allowed). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0] ?? ''
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':')
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : []
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 && head.length !== 8) return undefined
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail].map((g) => parseInt(g, 16))
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address. */
export function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address)
  if (!g) return undefined
  const zeros = g.slice(0, 5).every((x) => x === 0)
  if (!zeros || (g[5] !== 0xffff && g[5] !== 0)) return undefined
  if (g[5] === 0 && (g[6] ?? 0) === 0) return undefined // ::, ::1 and the like are IPv6 themselves
  const hi = g[6] ?? 0
  const lo = g[7] ?? 0
  return `${String(hi >> 8)}.${String(hi & 255)}.${String(lo >> 8)}.${String(lo & 255)}`
}

/** True when an address is not on the public internet (loopback, private, link-local and the like). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return blocked.check(address, 'ipv4')
  if (family === 6) {
    const v4 = embeddedIpv4(address)
    if (v4 !== undefined) return blocked.check(v4, 'ipv4')
    return blocked.check(address, 'ipv6')
  }
  return true
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>

const systemResolver: Resolver = async (host) => dnsLookup(host, { all: true, verbatim: true })

/**
 * Checks one address (URL) before a request: http(s) only, no user name or password, and every
 * address the host resolves to public unless allowed. Returns the address to connect to.
 */
export async function checkTarget(
  url: URL,
  allowHosts: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number }> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FetchRefused(`Only http and https addresses can be imported: ${safeUrl(url)} is not one.`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchRefused('The address must not contain a user name or password.')
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  let addresses: { address: string; family: number }[]
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }]
  } else {
    try {
      addresses = await resolve(host)
    } catch {
      throw new FetchRefused(`Could not fetch ${safeUrl(url)}: the name ${host} could not be found.`)
    }
  }
  if (addresses.length === 0) throw new FetchRefused(`Could not fetch ${safeUrl(url)}: ${host} has no address.`)
  const allowed = (a: string) => allowHosts.includes(host) || allowHosts.includes(a.toLowerCase())
  for (const a of addresses) {
    if (isNonPublicAddress(a.address) && !allowed(a.address)) {
      throw new FetchRefused(
        `Refused ${safeUrl(url)}: ${host === a.address ? 'it is' : `${host} resolves to`} ${a.address}, a private, loopback or link-local address. An administrator can allow it with ORUK_IMPORT_ALLOW_HOSTS.`,
      )
    }
  }
  const first = addresses[0]
  if (!first) throw new FetchRefused(`Could not fetch ${safeUrl(url)}.`)
  return first
}

/** The address without query or fragment (which may hold keys), for messages. */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

interface Answer {
  status: number
  location: string | undefined
  body: Buffer
}

/** One request to a checked address, pinned to it, reading at most `maxBytes` of body. */
function request(url: URL, target: { address: string; family: number }, maxBytes: number, timeoutMs: number) {
  return new Promise<Answer>((resolve, reject) => {
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }])
      else callback(null, target.address, target.family)
    }
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(
      url,
      { method: 'GET', headers: { accept: 'application/json' }, lookup, timeout: timeoutMs },
      (res) => {
        const status = res.statusCode ?? 0
        if (status >= 300 && status < 400) {
          res.resume()
          resolve({ status, location: res.headers.location, body: Buffer.alloc(0) })
          return
        }
        const declared = Number(res.headers['content-length'] ?? '')
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy()
          reject(new FetchRefused(tooLarge(maxBytes)))
          return
        }
        const chunks: Buffer[] = []
        let received = 0
        res.on('data', (chunk: Buffer) => {
          received += chunk.length
          if (received > maxBytes) {
            res.destroy()
            reject(new FetchRefused(tooLarge(maxBytes)))
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => {
          resolve({ status, location: undefined, body: Buffer.concat(chunks) })
        })
        res.on('error', () => {
          reject(new FetchRefused(`Could not fetch ${safeUrl(url)}: the download stopped part-way.`))
        })
      },
    )
    const timer = setTimeout(() => {
      req.destroy()
      reject(new FetchRefused(`Could not fetch ${safeUrl(url)}: it did not answer in time.`))
    }, timeoutMs)
    req.on('timeout', () => {
      req.destroy()
      reject(new FetchRefused(`Could not fetch ${safeUrl(url)}: it did not answer in time.`))
    })
    req.on('error', () => {
      reject(new FetchRefused(`Could not fetch ${safeUrl(url)}: it could not be reached.`))
    })
    req.on('close', () => {
      clearTimeout(timer)
    })
    req.end()
  })
}

const tooLarge = (maxBytes: number) =>
  `The feed is too large: the most one import takes is ${String(Math.round(maxBytes / 1024 / 1024))} MB.`

/** GET with every redirect hop checked again. */
async function getChecked(start: URL, limits: FetchLimits, budget: number, resolve: Resolver): Promise<Buffer> {
  let url = start
  for (let hop = 0; hop <= limits.maxRedirects; hop++) {
    const target = await checkTarget(url, limits.allowHosts, resolve)
    const answer = await request(url, target, budget, limits.timeoutMs)
    if (answer.status >= 300 && answer.status < 400) {
      if (answer.location === undefined) {
        throw new FetchRefused(`Could not fetch ${safeUrl(url)}: it redirected without saying where.`)
      }
      let next: URL
      try {
        next = new URL(answer.location, url)
      } catch {
        throw new FetchRefused(`Could not fetch ${safeUrl(url)}: it redirected to an address that is not valid.`)
      }
      url = next
      continue
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new FetchRefused(`Could not fetch ${safeUrl(url)}: it answered ${String(answer.status)}.`)
    }
    return answer.body
  }
  throw new FetchRefused(`Could not fetch ${safeUrl(start)}: more than ${String(limits.maxRedirects)} redirects.`)
}

export interface FetchedFeed {
  /** The records of every page, as one array document. */
  text: string
  pages: number
  bytes: number
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Fetches an ORUK feed: one document (a service, an array or a page), following the paginated
 * list to its last page. Returns every record as one JSON array (the shape the importer reads).
 */
export async function fetchOrukFeed(
  address: string,
  limits: FetchLimits,
  onPage?: (page: number, totalPages: number | undefined) => Promise<void> | void,
  resolve: Resolver = systemResolver,
): Promise<FetchedFeed> {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    throw new FetchRefused('That is not a web address.')
  }
  const records: unknown[] = []
  let bytes = 0
  let pages = 0
  let single: unknown
  const seen = new Set<string>()
  for (;;) {
    if (pages >= limits.maxPages) {
      throw new FetchRefused(`The feed has more than ${String(limits.maxPages)} pages, the most one import reads.`)
    }
    seen.add(url.href)
    const body = await getChecked(url, limits, limits.maxBytes - bytes, resolve)
    bytes += body.length
    pages += 1
    let document: unknown
    try {
      const text = body.toString('utf8')
      document = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    } catch {
      throw new FetchRefused(`Page ${String(pages)} of the feed (${safeUrl(url)}) is not JSON.`)
    }
    const list = Array.isArray(document)
      ? document
      : isObject(document) && Array.isArray(document.contents)
        ? document.contents
        : isObject(document) && Array.isArray(document.content)
          ? document.content
          : undefined
    if (list === undefined) {
      if (pages === 1) single = document
      break
    }
    records.push(...(list as unknown[]))
    const next = nextPage(document, url)
    const total = isObject(document) ? (numberOf(document.total_pages) ?? numberOf(document.totalPages)) : undefined
    await onPage?.(pages, total)
    if (next === undefined || seen.has(next.href)) break
    url = next
  }
  const text = JSON.stringify(single !== undefined ? single : records)
  return { text, pages, bytes }
}

const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined)

/** The address of the next page: a `next` link, else page_number + 1 while below total_pages. */
function nextPage(document: unknown, current: URL): URL | undefined {
  if (!isObject(document)) return undefined
  const links = isObject(document.links) ? document.links : undefined
  const link = document.next ?? links?.next
  const href = typeof link === 'string' ? link : isObject(link) && typeof link.href === 'string' ? link.href : undefined
  if (href !== undefined && href !== '') {
    try {
      return new URL(href, current)
    } catch {
      return undefined
    }
  }
  const totalPages = numberOf(document.total_pages)
  const pageNumber = numberOf(document.page_number)
  if (totalPages !== undefined && pageNumber !== undefined && pageNumber < totalPages && document.last_page !== true) {
    const next = new URL(current.href)
    next.searchParams.set('page', String(pageNumber + 1))
    return next
  }
  // Spring-style pages (Outpost): `number` counts from 0 or 1; `last` says when to stop.
  if (numberOf(document.totalElements) !== undefined && document.last === false) {
    const asked = numberOf(Number(current.searchParams.get('page') ?? NaN)) ?? numberOf(document.number) ?? 0
    const next = new URL(current.href)
    next.searchParams.set('page', String(asked + 1))
    return next
  }
  return undefined
}

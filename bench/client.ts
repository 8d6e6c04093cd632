/**
 * A tiny HTTP client for the benchmarks: keeps cookies by hand (the app's cookies are Secure and
 * `__Host-` prefixed, which a plain-HTTP cookie jar would refuse) and signs in as a demo account.
 */

export const DEMO_COMMISSIONER = { email: 'commissioner@barnet.example', password: 'barnet-demo-2026' }

export class CookieJar {
  private readonly cookies = new Map<string, string>()

  /** Takes in every Set-Cookie header of a response. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq < 1) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.split('=').map((s) => s.trim())
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now()
        return false
      })
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  has(name: string): boolean {
    return this.cookies.has(name)
  }

  /** The Cookie request header for everything held. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const cookie = jar.header()
  if (cookie) headers.set('cookie', cookie)
  const response = await fetch(url, { ...init, headers, redirect: 'manual' })
  jar.take(response)
  return response
}

/**
 * Signs in with email and password (no second factor: demo accounts only) and returns the cookie
 * jar holding the session. Throws with a clear message when any step does not go as expected.
 */
export async function signIn(baseUrl: string, account = DEMO_COMMISSIONER): Promise<CookieJar> {
  const jar = new CookieJar()
  const page = await request(jar, `${baseUrl}/sign-in`)
  const html = await page.text()
  if (page.status !== 200) throw new Error(`GET /sign-in answered ${String(page.status)}`)
  const token = /name="_csrf"\s+value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"\s+name="_csrf"/.exec(html)?.[1]
  if (!token) throw new Error('GET /sign-in: no _csrf form field found')
  if (!jar.has('__Host-wtc-csrf')) throw new Error('GET /sign-in: no __Host-wtc-csrf cookie set')

  const body = new URLSearchParams({ email: account.email, password: account.password, _csrf: token })
  const posted = await request(jar, `${baseUrl}/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: body.toString(),
  })
  await posted.arrayBuffer()
  const location = posted.headers.get('location') ?? ''
  if (posted.status !== 303 || !jar.has('__Host-wtc-session')) {
    throw new Error(`POST /sign-in answered ${String(posted.status)} (location "${location}"), not a signed-in session`)
  }
  return jar
}

/** GET a page with the jar's cookies; throws unless it answers 200. */
export async function getPage(jar: CookieJar, url: string): Promise<{ body: Buffer; contentType: string }> {
  const response = await request(jar, url)
  const body = Buffer.from(await response.arrayBuffer())
  if (response.status !== 200) throw new Error(`GET ${url} answered ${String(response.status)}`)
  return { body, contentType: response.headers.get('content-type') ?? '' }
}

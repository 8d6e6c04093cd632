/**
 * Builds the app on a fresh test database and gives tests a browser-like client: it keeps cookies,
 * sends `x-forwarded-proto: https` (so Secure cookies behave as in production), and fetches a real
 * CSRF token from a page, the way a browser would, rather than switching CSRF off.
 */
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { createTestDatabase, type TestDatabase } from './db.js'
import { makeUser, TEST_PASSWORD, type TestUser, totpCode } from './factories.js'

export interface TestContext {
  app: FastifyInstance
  database: TestDatabase
  config: Config
  client(): TestClient
  user(opts: Parameters<typeof makeUser>[2]): Promise<TestUser>
  /** A client already signed in as the user (with the second factor when the user has one). */
  signedIn(user: TestUser): Promise<TestClient>
  close(): Promise<void>
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    TRUST_PROXY: 'true',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOAD_DEMO: 'false',
    BASE_URL: 'https://wtc.test',
    // Upload files of test apps: one folder for all, outside the working tree (issue 10).
    UPLOAD_DIR: path.join(os.tmpdir(), 'wtc-test-uploads'),
    EVIDENCE_DIR: path.join(os.tmpdir(), 'wtc-test-evidence'),
    ...overrides,
  })
}

export async function createTestContext(
  opts: { env?: Record<string, string>; extraRoutes?: (app: FastifyInstance) => void } = {},
): Promise<TestContext> {
  const config = testConfig(opts.env)
  const database = await createTestDatabase()
  const app = await buildApp({ config, database, ...(opts.extraRoutes ? { extraRoutes: opts.extraRoutes } : {}) })
  await app.ready()
  const ctx: TestContext = {
    app,
    database,
    config,
    client: () => new TestClient(app),
    user: (o) => makeUser(database.db, app.secretBox, o),
    async signedIn(user) {
      const c = new TestClient(app)
      await c.signIn(user)
      return c
    },
    async close() {
      await app.close()
      await app.jobs.idle()
      await database.close()
    },
  }
  return ctx
}

export function parseSetCookies(
  res: LightMyRequestResponse,
): { name: string; value: string; attributes: Record<string, string | true> }[] {
  const header = res.headers['set-cookie']
  const list = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return list.map((line) => {
    const [pair = '', ...attrs] = line.split(';').map((s) => s.trim())
    const eq = pair.indexOf('=')
    const attributes: Record<string, string | true> = {}
    for (const a of attrs) {
      const i = a.indexOf('=')
      if (i === -1) attributes[a.toLowerCase()] = true
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1)
    }
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes }
  })
}

export class TestClient {
  readonly cookies = new Map<string, string>()
  constructor(readonly app: FastifyInstance) {}

  private store(res: LightMyRequestResponse): void {
    for (const c of parseSetCookies(res)) {
      const expired = c.attributes.expires && new Date(String(c.attributes.expires)).getTime() < Date.now()
      if (c.value === '' || expired || c.attributes['max-age'] === '0') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      ...opts,
      headers: {
        'x-forwarded-proto': 'https',
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(opts.headers ?? {}),
      },
    })
    this.store(res)
    return res
  }

  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url, headers })
  }

  /** Gets a CSRF token the way a browser does: from a form on a page. */
  async csrfToken(fromUrl = '/sign-in'): Promise<string> {
    let res = await this.get(fromUrl)
    // A signed-in user is sent on from /sign-in: take the token from wherever the page lands.
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location; hops++) {
      res = await this.get(res.headers.location)
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (!match?.[1]) throw new Error(`No CSRF token on ${fromUrl} (status ${String(res.statusCode)})`)
    return match[1]
  }

  /** POSTs a form with a fresh CSRF token (unless `_csrf` is given, or `csrf: false`). */
  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams()
    const withToken = { ...form }
    if (opts.csrf !== false && !('_csrf' in withToken)) withToken._csrf = await this.csrfToken()
    for (const [k, v] of Object.entries(withToken)) {
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
    }
    return this.request({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
    })
  }

  async signIn(
    user: { email: string; totpSecret?: string },
    password = TEST_PASSWORD,
  ): Promise<LightMyRequestResponse> {
    const res = await this.post('/sign-in', { email: user.email, password })
    if (res.statusCode !== 303) throw new Error(`sign-in failed: ${String(res.statusCode)}`)
    if (res.headers.location === '/sign-in/second-factor' && user.totpSecret) {
      let code = await this.post('/sign-in/second-factor', { code: totpCode(user.totpSecret) })
      // The code of this 30-second step may already be used (codes work once): the app accepts
      // the next step's code too, as it would from a phone whose clock runs a little fast.
      if (code.statusCode === 400)
        code = await this.post('/sign-in/second-factor', {
          code: totpCode(user.totpSecret, Math.floor(Date.now() / 1000) + 30),
        })
      if (code.statusCode !== 303) throw new Error(`second factor failed: ${String(code.statusCode)}`)
      return code
    }
    return res
  }
}

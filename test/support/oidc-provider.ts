/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 with a random port, playing a
 * council's Microsoft Entra ID in the single sign-on tests: code flow with PKCE, ID tokens signed with
 * RS256, and a `tid` (tenant id) claim as Entra ID sends. Its built-in development login form stands
 * in for the council's sign-in page: any account id that the test has registered signs in.
 *
 * `signInThroughProvider` plays the browser: it follows every redirect between WTC (through the
 * TestClient, with its cookies) and the provider (over real HTTP, with the provider's cookies), and
 * fills in the provider's login and consent forms.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LightMyRequestResponse } from 'fastify'
import type { TestClient } from './app.js'

/** The person at the identity provider: their subject id, email and tenant. */
export interface TestIdentity {
  sub: string
  email: string
  tid: string
  name?: string
  emailVerified?: boolean
  /** Entra ID's user principal name; the email address unless given. */
  preferredUsername?: string
}

export interface TestIdentityProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** Identities that can sign in, by subject id (also the login typed into the provider's form). */
  identities: Map<string, TestIdentity>
  /** Errors the provider itself raised while handling requests; a test expects none. */
  serverErrors: unknown[]
  close(): Promise<void>
}

/** The parts of oidc-provider's (untyped) API that these tests use. */
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void
  on(event: string, listener: (ctx: unknown, err: unknown) => void): void
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance

// oidc-provider ships no type declarations; importing it by a computed name keeps the compiler from
// demanding them, and ProviderConstructor above states the little we rely on.
const providerModule = 'oidc-provider'

export async function startTestIdentityProvider(opts: { redirectUri: string }): Promise<TestIdentityProvider> {
  const { default: Provider } = (await import(providerModule)) as { default: ProviderConstructor }
  const identities = new Map<string, TestIdentity>()
  const serverErrors: unknown[] = []
  const clientId = 'wtc-test-client'
  const clientSecret = randomBytes(24).toString('base64url')

  // The issuer names the port, so the server listens first and gets its handler once the provider exists.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${String(port)}`

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Entra ID puts the claims in the ID token (its userinfo endpoint lives elsewhere), so do the same.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'tid'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    findAccount: (_ctx: unknown, id: string) => {
      const identity = identities.get(id)
      if (!identity) return undefined
      return {
        accountId: id,
        claims: () => ({
          sub: identity.sub,
          tid: identity.tid,
          email: identity.email,
          email_verified: identity.emailVerified ?? true,
          name: identity.name ?? 'Test Person',
          preferred_username: identity.preferredUsername ?? identity.email,
        }),
      }
    },
  })
  provider.on('server_error', (_ctx, err) => serverErrors.push(err))
  server.on('request', provider.callback())

  return {
    issuer,
    clientId,
    clientSecret,
    identities,
    serverErrors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => {
          if (err) reject(err)
          else resolve()
        })
      }),
  }
}

/** The provider's cookies, kept the way a browser keeps them: by name and path, dropped when expired. */
class ProviderCookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>()

  headerFor(url: URL): string {
    return [...this.cookies]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1)
      const path = attr('path') ?? '/'
      const expires = attr('expires')
      const expired = value === '' || (expires !== undefined && new Date(expires).getTime() < Date.now())
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, { value, path })
    }
  }
}

export interface ProviderJourney {
  /** Where the provider sent the browser back to WTC (before any tampering). */
  callbackUrl: URL
  /** WTC's answer to the callback. */
  callback: LightMyRequestResponse
}

/**
 * Starts single sign-on at WTC, signs in at the provider as `login`, consents, and returns WTC's
 * response to the callback. `tamper` may change the callback URL first, as an attacker would.
 */
export async function signInThroughProvider(
  client: TestClient,
  idp: TestIdentityProvider,
  login: string,
  opts: { wtcBaseUrl: string; tamper?: (callbackUrl: URL) => void },
): Promise<ProviderJourney> {
  const start = await client.get('/sign-in/sso')
  if (start.statusCode !== 303 || typeof start.headers.location !== 'string') {
    throw new Error(`WTC did not redirect to the provider (status ${String(start.statusCode)})`)
  }
  const jar = new ProviderCookieJar()
  const wtcOrigin = new URL(opts.wtcBaseUrl).origin
  let url = new URL(start.headers.location)
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === wtcOrigin) {
      const callbackUrl = new URL(url)
      opts.tamper?.(url)
      return { callbackUrl, callback: await client.get(`${url.pathname}${url.search}`) }
    }
    if (url.origin !== idp.issuer) throw new Error(`unexpected redirect to ${url.origin}`)
    let response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.headerFor(url) } })
    jar.store(response)
    if (response.status === 200 && url.pathname.startsWith('/interaction/')) {
      // The provider's own page: a login form, then a consent form. Submit it as a browser would.
      const html = await response.text()
      const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1]
      if (!prompt) throw new Error(`no form on the provider page ${url.pathname}`)
      const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt })
      response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        body: form,
        headers: { cookie: jar.headerFor(url), 'content-type': 'application/x-www-form-urlencoded' },
      })
      jar.store(response)
    }
    const location = response.headers.get('location')
    if (!location) {
      throw new Error(
        `the provider answered ${String(response.status)} at ${url.pathname}: ${(await response.text()).slice(0, 300)}`,
      )
    }
    url = new URL(location, url)
  }
  throw new Error('too many redirects')
}

/**
 * One server and one browser per test file; a fresh browser context per page opened; and a watch
 * on each page for JavaScript errors, Content Security Policy reports and assets that fail to load,
 * which fail the test that caused them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { launchBrowser, newContext } from './browser.js'
import { type NeutralSite, type RunningServer, startNeutralSite, startServer } from './server.js'

export interface Journey {
  readonly server: RunningServer
  readonly baseUrl: string
  /** Where "Exit this page" leads: a stand-in for the neutral site, on another origin. */
  readonly exitUrl: string
  readonly browser: Browser
  /** A page in a new context (its own cookies), watched for browser-side problems. */
  newPage(viewport?: { width: number; height: number }): Promise<{ page: Page; context: BrowserContext }>
}

// A form that fails validation answers 400 by design; the browser reports that as a console error.
const expectedConsoleNoise = 'Failed to load resource: the server responded with a status of 400'

export function setUpJourney(env: Record<string, string> = {}): Journey {
  let server: RunningServer | undefined
  let neutralSite: NeutralSite | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  let problems: string[] = []

  beforeAll(async () => {
    neutralSite = await startNeutralSite()
    ;[server, browser] = await Promise.all([startServer({ EXIT_URL: neutralSite.url, ...env }), launchBrowser()])
  })

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()))
    const seen = problems
    problems = []
    expect(seen, 'problems reported by the browser').toEqual([])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await neutralSite?.close()
  })

  const journey: Journey = {
    get server() {
      if (!server) throw new Error('server not started')
      return server
    },
    get baseUrl() {
      return journey.server.baseUrl
    },
    get exitUrl() {
      if (!neutralSite) throw new Error('neutral site not started')
      return neutralSite.url
    },
    get browser() {
      if (!browser) throw new Error('browser not started')
      return browser
    },
    async newPage(viewport) {
      const context = await newContext(journey.browser, journey.baseUrl, viewport)
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (err) => problems.push(`JavaScript error on ${page.url()}: ${err.message}`))
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().includes(expectedConsoleNoise))
          problems.push(`console error on ${page.url()}: ${msg.text()}`)
      })
      page.on('response', (response) => {
        if (response.request().resourceType() !== 'document' && response.status() >= 400)
          problems.push(`${String(response.status())} for ${response.url()} on ${page.url()}`)
      })
      return { page, context }
    },
  }
  return journey
}

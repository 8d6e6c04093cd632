/**
 * Issue 11, "Every role has a home": each demo role's home page lists only pages that role may open.
 * Signs in as each demo account and requests every link in the page's main content, expecting 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, demoAccounts, seedDemo } from '../../src/demo/seed.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'

function mainLinks(html: string): string[] {
  const main = /<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? ''
  return [...main.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
}

function navLinks(html: string): string[] {
  const nav = /<nav[^>]*service-navigation[\s\S]*?<\/nav>/.exec(html)?.[0] ?? ''
  return [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '')
}

describe('home page per role', () => {
  let ctx: TestContext
  const clients = new Map<string, TestClient>()
  const homes = new Map<string, string>()
  beforeAll(async () => {
    ctx = await createTestContext()
    await seedDemo(ctx.database.db)
    for (const account of demoAccounts) {
      const c = ctx.client()
      await c.signIn({ email: account.email }, DEMO_PASSWORD)
      const home = await c.get('/home')
      expect(home.statusCode).toBe(200)
      clients.set(account.email, c)
      homes.set(account.email, home.body)
    }
  }, 120_000)
  afterAll(async () => {
    await ctx.close()
  })

  it.each(demoAccounts.map((a) => [a.email] as const))(
    'every link on the home page of %s opens for them',
    async (email) => {
      const links = mainLinks(homes.get(email) ?? '')
      expect(links.length).toBeGreaterThan(0)
      const c = clients.get(email)
      if (!c) throw new Error('no client')
      for (const href of links) {
        const res = await c.get(href)
        expect({ href, status: res.statusCode }).toEqual({ href, status: 200 })
      }
    },
  )

  it('shows each role only its own pages and tasks', () => {
    const links = (email: string) => mainLinks(homes.get(email) ?? '')
    expect(links('commissioner@barnet.example')).toEqual(
      expect.arrayContaining(['/needs', '/directory', '/needs/priorities', '/partnerships', '/audit']),
    )
    expect(links('analyst@barnet.example')).toEqual(expect.arrayContaining(['/needs', '/needs/imports']))
    expect(links('analyst@barnet.example')).not.toContain('/partnerships')
    expect(links('admin@barnet.example')).toEqual(
      expect.arrayContaining(['/admin/users', '/admin/invitations/new', '/audit']),
    )
    expect(links('admin@barnet.example')).not.toContain('/needs')
    for (const email of ['provider@barnet.example', 'panel@barnet.example']) {
      expect(links(email)).not.toContain('/needs')
      expect(links(email)).not.toContain('/partnerships')
      expect(links(email)).not.toContain('/audit')
    }
    // Standards assessments (issue 12): providers answer, panel members observe, administrators do neither.
    expect(links('provider@barnet.example')).toEqual(expect.arrayContaining(['/standards/rounds', '/actions']))
    expect(links('panel@barnet.example')).toContain('/standards/rounds')
    expect(links('panel@barnet.example')).not.toContain('/actions')
    expect(links('admin@barnet.example')).not.toContain('/standards/rounds')
    expect(links('commissioner@barnet.example')).toEqual(expect.arrayContaining(['/standards/rounds', '/actions']))
  })

  it('lists what needs attention: the provider’s open return and actions, the commissioner’s overdue actions', () => {
    const provider = homes.get('provider@barnet.example') ?? ''
    // The demo's spring round is open and the Hendon return is a draft; its autumn actions are open.
    expect(provider).toContain('Needs your attention')
    expect(provider).toContain('Example: Hendon drug and alcohol service: Spring 2027 self-assessment (example)')
    expect(provider).toContain('Example: pilot a creche for the Monday women’s hub with the family hub')
    // The demo action due 30 November 2026 is overdue from 1 December 2026 on (the demo is built for that).
    const commissioner = homes.get('commissioner@barnet.example') ?? ''
    expect(commissioner).toContain('Example: train the women’s team in adjustments for neurodivergent women')
    expect(commissioner).toMatch(/neurodivergent women<\/a> <strong class="govuk-tag govuk-tag--red">Overdue/)
    // The Northgate return of the spring round is submitted: the commissioner is asked to verify it.
    expect(commissioner).toContain('Submitted: waiting for you to verify it')
    expect(homes.get('panel@barnet.example')).toContain('You are on the panel for this service')
  })

  it('lists the provider’s own services with links to change them', () => {
    const links = mainLinks(homes.get('provider@barnet.example') ?? '')
    const edits = links.filter((l) => /^\/directory\/services\/[0-9a-f-]{36}\/edit$/.test(l))
    // The demo provider owns two example organisations (src/features/directory/demo-seed.ts).
    expect(edits.length).toBeGreaterThan(0)
    expect(homes.get('provider@barnet.example')).toContain('Your organisation’s services')
  })

  it('gives the panel member the map and the public search, says plainly what is to come, and more than Home in the navigation', () => {
    const html = homes.get('panel@barnet.example') ?? ''
    expect(mainLinks(html)).toContain('/support')
    expect(mainLinks(html)).not.toContain('/directory')
    // The map of published services is read-only and open to the panel (ADR 21).
    expect(mainLinks(html)).toContain('/directory/map')
    expect(html).toContain('still to be built')
    const nav = navLinks(html)
    expect(nav).toContain('/home')
    expect(nav).toContain('/support')
  })
})

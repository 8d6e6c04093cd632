/** The standards pages (issue 12, first part): who reads them, what they show, the JSON download. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFrameworkJson } from '../../src/features/standards/framework.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'

let ctx: TestContext
let commissioner: TestClient

beforeAll(async () => {
  ctx = await createTestContext()
  commissioner = await ctx.signedIn(await ctx.user({ roles: ['commissioner'], totp: true }))
})
afterAll(async () => {
  await ctx.close()
})

describe('standards pages', () => {
  it('lists the three frameworks with their themes and standards counted', async () => {
    const res = await commissioner.get('/standards')
    expect(res.statusCode).toBe(200)
    const counts = [...res.body.matchAll(/<span class="govuk-body-s" data-counts>([^<]+)<\/span>/g)].map((m) => m[1])
    // Gender-responsive: 9 themes, 33 standards; trauma-informed practice: 1 theme of 6 principles;
    // psychologically informed environments: 1 theme of 5 elements.
    expect(counts).toEqual([
      'Version 1: 9 themes, 33 standards',
      'Version 1, optional: 1 theme, 6 standards',
      'Version 1, optional: 1 theme, 5 standards',
    ])
    // The training register is built: the page links it (and says nothing is missing).
    expect(res.body).toContain('href="/standards/workforce"')
    expect(res.body).not.toContain('Not yet built')
  })

  it('shows every standard of a framework under its theme, with what it asks and its evidence', async () => {
    const res = await commissioner.get('/standards/gender-responsive')
    expect(res.statusCode).toBe(200)
    expect(res.body.match(/<h2 class="govuk-heading-m" id="theme-/g)).toHaveLength(9)
    expect(res.body.match(/<h3 class="govuk-heading-s" id="standard-/g)).toHaveLength(33)
    expect(res.body).toContain('SS3: A woman key worker when she asks')
    expect(res.body).toContain('2. Basic standards of gender-responsive treatment')
    // SS3 links the directory feature "same-gender-key-worker", named as the service map names it.
    expect(res.body).toContain('Woman key worker on request')
  })

  it('downloads a framework as JSON that imports back as the same framework', async () => {
    const res = await commissioner.get('/standards/psychologically-informed-environment/export')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="psychologically-informed-environment-v1.json"',
    )
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    const parsed = parseFrameworkJson(res.body)
    expect(parsed.ok && parsed.framework.themes[0]?.standards.map((s) => s.id)).toEqual([
      'PIE1',
      'PIE2',
      'PIE3',
      'PIE4',
      'PIE5',
    ])
  })

  it('answers an unknown framework with a plain 404', async () => {
    for (const url of ['/standards/no-such-framework', '/standards/%3Cscript%3E/export']) {
      const res = await commissioner.get(url)
      expect(res.statusCode, url).toBe(404)
    }
  })

  it('is read by providers and panel members too, and not by an administrator', async () => {
    for (const roles of [['provider'], ['panel_member'], ['analyst']] as const) {
      const client = await ctx.signedIn(await ctx.user({ roles: [...roles], totp: true }))
      expect((await client.get('/standards/gender-responsive')).statusCode, roles[0]).toBe(200)
    }
    const admin = await ctx.signedIn(await ctx.user({ roles: ['admin'], totp: true }))
    expect((await admin.get('/standards')).statusCode).toBe(403)
  })
})

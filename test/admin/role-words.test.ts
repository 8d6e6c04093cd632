/**
 * Issue 11, "First run": roles in words, never the code `panel_member`, and the invitation form
 * says what each role can see, beside each choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../support/app.js'

describe('roles in words', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('the invitation form gives each role a hint saying what it can see', async () => {
    const admin = await ctx.user({ roles: ['admin'], totp: true })
    const page = await (await ctx.signedIn(admin)).get('/admin/invitations/new')
    expect(page.statusCode).toBe(200)
    const hintOf = (value: string): string => {
      const input = new RegExp(`<input[^>]*value="${value}"[^>]*aria-describedby="([^"]+)"`).exec(page.body)
      expect(input, `radio ${value} has a hint`).not.toBeNull()
      const id = input?.[1] ?? ''
      return new RegExp(`id="${id}"[^>]*>\\s*([^<]+)<`).exec(page.body)?.[1]?.trim() ?? ''
    }
    expect(hintOf('panel_member')).toContain('Sees no council data')
    expect(hintOf('provider')).toContain('only the directory entries of the services their own organisation runs')
    expect(hintOf('analyst')).toContain('Does not see partnerships or the audit trail')
    for (const role of ['commissioner', 'partner', 'admin']) expect(hintOf(role).length).toBeGreaterThan(20)
    expect(page.body).toContain('Lived-experience panel member')
  })

  it('a panel member is named as a lived-experience panel member, not panel_member', async () => {
    const admin = await ctx.user({ roles: ['admin'], totp: true })
    const panel = await ctx.user({ roles: ['panel_member'], email: 'panel.person@barnet.example' })
    const list = await (await ctx.signedIn(admin)).get('/admin/users')
    const row = new RegExp(`panel\\.person@barnet\\.example[\\s\\S]*?</tr>`).exec(list.body)?.[0] ?? ''
    expect(row).toContain('Lived-experience panel member')
    expect(row).not.toContain('panel_member')
    const home = await (await ctx.signedIn(panel)).get('/home')
    expect(home.body).toContain('Lived-experience panel member')
    expect(home.body).not.toMatch(/>[^<]*panel_member/)
  })
})

/**
 * Issue 11: the audit trail page shows words, not codes. Every action code the code base writes
 * (found by reading the source where audit events are recorded) has a wording, so a new code
 * without one fails here; the exports keep the codes and ids.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditInWords, auditWordings } from '../../src/features/audit/wording.js'
import { createTestContext, type TestContext } from '../support/app.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(full)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : []
  })
}

/** The action codes in every recordAudit call: the quoted strings of its `action:` expression. */
function writtenCodes(): Set<string> {
  const codes = new Set<string>()
  for (const file of sourceFiles(path.resolve('src'))) {
    const text = readFileSync(file, 'utf8')
    for (const call of text.matchAll(/recordAudit\(\w+(?:\.\w+)?, \{[\s\S]{0,300}/g)) {
      const action = /action:\s*([^\n]+)/.exec(call[0])?.[1] ?? ''
      for (const m of action.matchAll(/'([^']+)'/g)) codes.add(m[1] ?? '')
    }
  }
  return codes
}

describe('the audit trail in words', () => {
  it('finds the codes the code base writes (a check on the search itself)', () => {
    const codes = writtenCodes()
    // Known by reading the source: a ternary (users.ts) and codes in the CLI and in a feature.
    for (const known of ['sign-in.success', 'user.disable', 'user.enable', 'council.add', 'needs.import.start'])
      expect(codes).toContain(known)
    expect(codes.size).toBeGreaterThanOrEqual(30)
  })

  it('has a wording for every code written anywhere, which is not the code itself', () => {
    const missing = [...writtenCodes()].filter((c) => !(c in auditWordings))
    expect(missing).toEqual([])
    for (const code of writtenCodes())
      expect(auditInWords({ action: code, details: {}, subjectName: null })).not.toBe(code)
  })

  it('names the kind of file an import started with, and the person whose roles changed', () => {
    expect(
      auditInWords({
        action: 'needs.import.start',
        details: { kind: 'population', fileName: 'pop.csv' },
        subjectName: null,
      }),
    ).toBe('Started an import of local population estimates (pop.csv)')
    expect(
      auditInWords({
        action: 'user.roles.change',
        details: { from: ['analyst'], to: ['analyst', 'commissioner'] },
        subjectName: 'Jo Bloggs (jo@barnet.example)',
      }),
    ).toBe('Changed the roles of Jo Bloggs (jo@barnet.example) from Analyst to Analyst, Commissioner')
  })

  describe('the trail page', () => {
    let ctx: TestContext
    beforeAll(async () => {
      ctx = await createTestContext()
    })
    afterAll(async () => {
      await ctx.close()
    })

    it('shows words and names, while the CSV keeps codes and ids', async () => {
      const admin = await ctx.user({ roles: ['admin'], totp: true, email: 'boss@barnet.example' })
      const target = await ctx.user({ roles: ['analyst'], totp: true, email: 'sam@barnet.example' })
      const c = await ctx.signedIn(admin)
      const changed = await c.post(`/admin/users/${target.id}/roles`, {
        roles: ['analyst', 'commissioner'],
        organisationId: target.scope.tenantId,
      })
      expect(changed.statusCode).toBe(303)
      const page = await c.get('/audit')
      expect(page.statusCode).toBe(200)
      const table = /<table[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? ''
      expect(table).toContain('Signed in')
      expect(table).toMatch(/Changed the roles of [^<]*sam@barnet\.example[^<]* from Analyst to Analyst, Commissioner/)
      expect(table).not.toContain('user.roles.change')
      expect(table).not.toContain('sign-in.success')
      expect(table).not.toContain(target.id)
      const csv = await c.get('/audit?format=csv')
      expect(csv.body).toContain('"user.roles.change"')
      expect(csv.body).toContain(target.id)
    })
  })
})

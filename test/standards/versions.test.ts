/**
 * A council's own versions of a framework (issue 12, ADR 26): import a downloaded framework with a
 * local standard added as version 2; rounds already open keep version 1; another council still has
 * the shipped version; a file with mistakes is refused naming each one, and nothing is saved.
 */
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assessmentRounds, frameworkVersions } from '../../src/db/schema/index.js'
import { parseFrameworkJson } from '../../src/features/standards/framework.js'
import { createTestContext, type TestClient, type TestContext } from '../support/app.js'
import { makeDirectoryOrganisation, makeProviderOrganisation, makeService } from '../support/factories.js'
import { multipartBody } from '../support/multipart.js'

let ctx: TestContext
let commissioner: TestClient
let serviceId: string

async function importFile(client: TestClient, content: string, filename = 'framework.json') {
  const token = await client.csrfToken('/standards/import')
  const { payload, contentType } = multipartBody([['_csrf', token]], {
    name: 'file',
    filename,
    content,
    type: 'application/json',
  })
  return client.request({ method: 'POST', url: '/standards/import', payload, headers: { 'content-type': contentType } })
}

const versions = async () => (await ctx.database.db.select({ n: count() }).from(frameworkVersions))[0]?.n

function inDays(days: number): Record<string, string> {
  const d = new Date(Date.now() + days * 86_400_000)
  return {
    'dueOn-day': String(d.getUTCDate()),
    'dueOn-month': String(d.getUTCMonth() + 1),
    'dueOn-year': String(d.getUTCFullYear()),
  }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await ctx.user({ roles: ['commissioner'], totp: true })
  commissioner = await ctx.signedIn(user)
  const providerId = await makeProviderOrganisation(ctx.database.db, user.scope, 'Provider')
  const listing = await makeDirectoryOrganisation(ctx.database.db, user.scope, { name: 'Provider', owner: providerId })
  serviceId = await makeService(ctx.database.db, user.scope, { name: 'Women’s service', organisationId: listing })
})
afterAll(async () => {
  await ctx.close()
})

describe('framework versions', () => {
  it('refuses a file that is not JSON, or has mistakes, naming each, and saves nothing', async () => {
    const notJson = await importFile(commissioner, '{"key": ')
    expect(notJson.statusCode).toBe(400)
    expect(notJson.body).toContain('This is not JSON')
    const exported = JSON.parse((await commissioner.get('/standards/gender-responsive/export')).body) as {
      themes: { standards: { id: string }[] }[]
    }
    // Two standards with one id in a theme, and a reserved key in another file.
    const first = exported.themes[0]?.standards[0]
    exported.themes[0]?.standards.push({ ...first, id: first?.id ?? 'SS1' })
    const duplicate = await importFile(commissioner, JSON.stringify(exported))
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toMatch(/themes\[0\]\.standards\[3\]\.id: Standard id SS1 is already used/)
    const reserved = await importFile(
      commissioner,
      JSON.stringify({ ...exported, key: 'rounds', themes: exported.themes.slice(1) }),
    )
    expect(reserved.body).toContain('The key rounds is used by the standards pages')
    expect(await versions()).toBe(0)
  })

  it('imports an adapted framework as version 2; open rounds keep version 1, new rounds take 2', async () => {
    const open = await commissioner.post('/standards/rounds', {
      title: 'Before the change',
      framework: 'gender-responsive',
      services: [serviceId],
      ...inDays(20),
    })
    expect(open.statusCode).toBe(303)
    const doc = JSON.parse((await commissioner.get('/standards/gender-responsive/export')).body) as Record<
      string,
      unknown
    > & {
      themes: { standards: Record<string, unknown>[] }[]
    }
    doc.themes[0]?.standards.push({
      id: 'SS9',
      title: 'A quiet room for women waiting',
      asks: 'A room where women can wait away from men and from the main waiting area.',
      evidence: 'The room, and when it is open.',
      principle: 'standards',
      appliesTo: ['community-treatment'],
      directoryFeatures: [],
      local: true,
    })
    // Whatever version the file claims, the new one is the current one plus one.
    const res = await importFile(commissioner, JSON.stringify({ ...doc, version: 7, changeNote: 'Added SS9.' }))
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/standards/gender-responsive?done=imported')
    const page = await commissioner.get('/standards/gender-responsive')
    expect(page.body).toContain('Version 2, adapted by the council')
    expect(page.body).toContain(
      'SS9: A quiet room for women waiting <strong class="govuk-tag govuk-tag--blue">Local</strong>',
    )
    expect(page.body).toContain('Earlier versions: Version 1 (as WTC ships it)')
    const exported = parseFrameworkJson((await commissioner.get('/standards/gender-responsive/export')).body)
    expect(exported.ok && [exported.framework.version, exported.framework.basedOn]).toEqual([
      2,
      { key: 'gender-responsive', version: 1 },
    ])
    expect(exported.ok && exported.framework.themes.flatMap((t) => t.standards).length).toBe(34)

    const rounds = await ctx.database.db.select().from(assessmentRounds)
    expect(rounds.map((r) => r.frameworkVersion)).toEqual([1])
    await commissioner.post('/standards/rounds', {
      title: 'After the change',
      framework: 'gender-responsive',
      services: [serviceId],
      ...inDays(20),
    })
    const after = await ctx.database.db
      .select()
      .from(assessmentRounds)
      .where(eq(assessmentRounds.title, 'After the change'))
    expect(after[0]?.frameworkVersion).toBe(2)
  })

  it('is the council’s own: another council still reads the shipped version', async () => {
    const other = await ctx.signedIn(await ctx.user({ council: 'E08000025', roles: ['commissioner'], totp: true }))
    const page = await other.get('/standards/gender-responsive')
    expect(page.body).toContain('Version 1, as WTC ships it')
    expect(page.body).not.toContain('SS9')
  })

  it('is imported by commissioners only', async () => {
    const analyst = await ctx.signedIn(await ctx.user({ roles: ['analyst'], totp: true }))
    expect((await analyst.get('/standards/import')).statusCode).toBe(403)
  })
})

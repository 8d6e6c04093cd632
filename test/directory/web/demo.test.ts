/**
 * The whole demo directory through the pages: every service is listed with its example data tag,
 * its page opens, and its edit form, sent back unchanged, saves (one new version, nothing else
 * different). This checks the form reads back everything it shows, for every kind of service.
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoDirectory } from '../../../src/demo/directory-data.js'
import { importDirectory, loadServiceInput } from '../../../src/features/directory/repository.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import type { TestUser } from '../../support/factories.js'
import { listedNames } from './support.js'

let ctx: TestContext
let user: TestUser
let client: TestClient

beforeAll(async () => {
  ctx = await createTestContext()
  user = await ctx.user({ roles: ['commissioner'], totp: true })
  await importDirectory(
    ctx.database.db,
    user.scope,
    { userId: null, label: 'demo', role: 'commissioner' },
    demoDirectory(),
    { isExample: true },
  )
  client = await ctx.signedIn(user)
})
afterAll(async () => {
  await ctx.close()
})

/** The values of a GOV.UK form page's inputs, selects, textareas, checked boxes and radios. */
function formValues(html: string): Record<string, string | string[]> {
  const form = html.split('<form method="post" action="/directory/services/')[1]?.split('</form>')[0] ?? ''
  const decode = (t: string) =>
    t
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  const out: Record<string, string | string[]> = {}
  const add = (name: string, value: string) => {
    const current = out[name]
    if (name === 'features' || name === 'substances') out[name] = [...(Array.isArray(current) ? current : []), value]
    else out[name] = value
  }
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1] ?? ''
    const name = /name="([^"]*)"/.exec(attrs)?.[1]
    if (!name || name === '_csrf') continue
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text'
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(attrs)) continue
    add(name, decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? ''))
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected/.exec(m[2] ?? '')?.[1] ?? ''
    add(m[1] ?? '', decode(selected))
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    add(m[1] ?? '', decode((m[2] ?? '').replace(/^\n/, '')))
  }
  return out
}

describe('the demo directory on the pages', () => {
  it('lists every demo service, each tagged as example data', async () => {
    const res = await client.get('/directory')
    expect(res.statusCode).toBe(200)
    expect(listedNames(res.body)).toHaveLength(demoDirectory().services.length)
    const tags = res.body.split('<tbody')[1]?.match(/Example data/g) ?? []
    expect(tags).toHaveLength(demoDirectory().services.length)
  })

  it('opens every service, and saves each one unchanged from its edit form', async () => {
    const problems: string[] = []
    for (const s of demoDirectory().services) {
      const page = await client.get(`/directory/services/${s.id}`)
      if (page.statusCode !== 200) problems.push(`${s.name}: page ${String(page.statusCode)}`)
      const edit = await client.get(`/directory/services/${s.id}/edit`)
      const before = await loadServiceInput(ctx.database.db, user.scope, s.id)
      const saved = await client.post(`/directory/services/${s.id}`, formValues(edit.body))
      if (saved.statusCode !== 303) {
        const summary = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(saved.body)?.[1]?.replace(/\s+/g, ' ')
        problems.push(`${s.name}: save ${String(saved.statusCode)} ${summary ?? ''}`)
        continue
      }
      const after = await loadServiceInput(ctx.database.db, user.scope, s.id)
      // Nothing changed, so no new version (issue 11), and the page says so.
      expect(saved.headers.location).toBe(`/directory/services/${s.id}?done=unchanged`)
      expect(after?.service.version).toBe(before?.service.version)
      const strip = (x: typeof before) => x && { ...x, service: { ...x.service, version: 0, lastModified: undefined } }
      if (!isDeepStrictEqual(strip(after), strip(before)))
        problems.push(`${s.name}: changed on save ${JSON.stringify(strip(before))} ${JSON.stringify(strip(after))}`)
    }
    expect(problems).toEqual([])
  })
})

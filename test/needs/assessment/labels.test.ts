/**
 * Labels a board reader needs (issue 11): the tables for sexual orientation, disability and
 * religion are about women starting treatment; "Alcohol" and "Alcohol only" are different
 * groupings and the page says why; exits leave out transfers; and an imported Fingertips file
 * with no rows for the council is named on the page, not only in the import's warnings.
 * Barnet's real ViewIt rows for 2021/22; the Fingertips extract we hold has no Barnet row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/features/needs/importers/index.js'
import type { AssessmentView, SectionView, TableView } from '../../../src/features/needs/assessment/types.js'
import { createTestContext, type TestClient, type TestContext } from '../../support/app.js'
import { sharedDataPath } from '../../support/shared.js'
import { seedBarnetNdtms } from '../report/seed.js'

function section(view: AssessmentView, id: string): SectionView {
  const s = view.sections.find((x) => x.id === id)
  if (!s) throw new Error(`no section ${id}`)
  return s
}
function table(view: AssessmentView, id: string): TableView {
  const t = view.sections.flatMap((s) => s.tables).find((x) => x.id === id)
  if (!t) throw new Error(`no table ${id}`)
  return t
}

describe('needs assessment labels', () => {
  let ctx: TestContext
  let client: TestClient
  let view: AssessmentView

  beforeAll(async () => {
    ctx = await createTestContext()
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    await seedBarnetNdtms(ctx.database.db, user.scope.tenantId, ['2021/22'])
    await importFile(ctx.database.db, user.scope, {
      kind: 'fingertips',
      filePath: sharedDataPath('fingertips', 'fingertips-93532-unmet-need-alcohol.csv'),
      fileName: 'fingertips-93532-unmet-need-alcohol.csv',
      userId: user.id,
    })
    client = await ctx.signedIn(user)
    const res = await client.get('/needs?format=json')
    expect(res.statusCode).toBe(200)
    view = JSON.parse(res.body) as AssessmentView
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('names the tables for sexual orientation, disability and religion as women starting treatment', () => {
    for (const id of ['sexuality', 'disability', 'religion']) {
      const t = view.sections.flatMap((s) => s.tables).find((x) => x.id === `representation-${id}`)
      expect(t, id).toBeDefined()
      expect(t?.caption).toMatch(/^Women starting treatment by /)
    }
  })

  it('says why women’s share for “Alcohol” differs from “Alcohol only”, where both appear', () => {
    for (const id of ['access-need', 'access-by-substance']) {
      const notes = table(view, id).notes.join(' ')
      expect(notes).toContain('“alcohol only” and “non-opiates and alcohol”')
      expect(notes).toContain('leaves out people who use non-opiate drugs as well as alcohol')
    }
  })

  it('says that exits leave out transfers', () => {
    const t = table(view, 'exits')
    expect(t.caption).toContain('transfers left out')
    expect(t.notes.join(' ')).toContain('Transfers to another treatment provider (in custody or not) are left out')
  })

  it('says on the page when the Fingertips file has no rows for the council', async () => {
    const sentence =
      'The Fingertips file imported for dependent drinkers (indicator 93532) has no rows for Barnet, so OHID’s published figure is shown for England only.'
    expect(section(view, 'unmet-need').findings).toContain(sentence)
    const page = await client.get('/needs/unmet-need')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('has no rows for Barnet')
  })
})

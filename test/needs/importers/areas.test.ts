/** Area names as publishers write them, matched to GSS codes (or refused, never guessed). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AreaIndex, areaLevel, loadAreaIndex } from '../../../src/features/needs/importers/areas.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'

let database: TestDatabase
let areas: AreaIndex
beforeAll(async () => {
  database = await createTestDatabase()
  areas = await loadAreaIndex(database.db)
})
afterAll(async () => {
  await database.close()
})

describe('area names', () => {
  // Codes checked by hand against src/db/reference/utla-england-2023.csv.
  it.each([
    ['Barnet', 'E09000003'],
    ['BARNET', 'E09000003'],
    ['London Borough of Barnet', 'E09000003'],
    ['City of London', 'E09000001'],
    ['London', 'E12000007'],
    ['London Region', 'E12000007'],
    ['England', 'E92000001'],
    ['Bristol, City of', 'E06000023'],
    ['City of Bristol', 'E06000023'],
    ['Kingston upon Hull, City of', 'E06000010'],
    ['Hull', 'E06000010'],
    ['Herefordshire, County of', 'E06000019'],
    ['Durham', 'E06000047'],
    ['St Helens', 'E08000013'],
    ['St. Helens', 'E08000013'],
    ['Bournemouth, Christchurch and Poole', 'E06000058'],
    ['Bournemouth Christchurch & Poole', 'E06000058'],
    ['Hammersmith & Fulham', 'E09000013'],
    ['Buckinghamshire', 'E06000060'],
    ['North Yorkshire', 'E06000065'],
    ['Yorkshire and The Humber', 'E12000003'],
    ['Telford & Wrekin', 'E06000020'],
    ['Barnsley', 'E08000038'],
  ])('%s is %s', (name, code) => {
    expect(areas.byAreaName(name)?.code).toBe(code)
  })

  it.each(['Narnia', '', 'Barnet and Enfield', 'Greater London Authority'])('"%s" is not matched', (name) => {
    expect(areas.byAreaName(name)).toBeUndefined()
  })

  it('places areas relative to the council', () => {
    const barnet = areas.byAreaName('Barnet')!
    expect(areaLevel(barnet, 'E09000003')).toBe('council')
    expect(areaLevel(barnet, 'E06000001')).toBe('other')
    expect(areaLevel(areas.byAreaName('London')!, 'E09000003')).toBe('region')
    expect(areaLevel(areas.byAreaName('England')!, 'E09000003')).toBe('england')
    expect(areas.currentCode('e08000016')).toBe('E08000038')
  })
})

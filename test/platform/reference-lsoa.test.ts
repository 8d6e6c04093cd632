import { describe, expect, it } from 'vitest'
import { loadLsoaCentroids } from '../../src/platform/reference.js'

describe('LSOA centroids file', () => {
  it('loads the shipped file: 33,755 English LSOAs, 220 in Barnet with 200,806 female residents', () => {
    // Counted independently with the Python csv module over the same file.
    expect(loadLsoaCentroids()).toHaveLength(33755)
    const barnet = loadLsoaCentroids({ utlaCode: 'E09000003' })
    expect(barnet).toHaveLength(220)
    expect(barnet.reduce((sum, l) => sum + l.femaleResidents, 0)).toBe(200806)
    // Read once, then from memory: a second call gives the same (frozen) rows in a new array.
    const again = loadLsoaCentroids({ utlaCode: 'E09000003' })
    expect(again).not.toBe(barnet)
    expect(again[0]).toBe(barnet[0])
    expect(Object.isFrozen(again[0])).toBe(true)
  })
})

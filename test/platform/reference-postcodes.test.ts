/** The shipped postcode districts file, read by platform/reference.ts (src/lib/postcodes.ts stays pure). */
import { describe, expect, it } from 'vitest'
import { isValidPostcode } from '../../src/lib/postcodes.js'
import { loadPostcodeDistricts, shippedPostcodeDistricts } from '../../src/platform/reference.js'

describe('shipped postcode districts', () => {
  it('loads the shipped file: 2,947 usable districts', () => {
    // Counted independently (Python csv module): 3,115 rows, 2,954 with Active postcodes > 0, of
    // which 7 have no coordinates (BF1, BN91, EH77, EN77, GIR, PO24, S94); none fall outside the box.
    const lookup = loadPostcodeDistricts()
    expect(lookup.size).toBe(2947)
    // Read from the file by eye: NW9,51.5865,-0.25369,...,London
    expect(lookup.lookup('NW9 4EU')).toMatchObject({ outward: 'NW9', lat: 51.5865, lon: -0.25369, region: 'London' })
    expect(lookup.lookup('BT1 1AA')?.region).toBe('Northern Ireland')
    expect(lookup.lookup('GIR 0AA')).toBeUndefined()
    // Gibraltar's GX11 1AA has the UK shape (AA99 9AA), so the format check passes it, but it is
    // not a UK district and the lookup does not know it.
    expect(isValidPostcode('GX11 1AA')).toBe(true)
    expect(lookup.lookup('GX11 1AA')).toBeUndefined()
    expect(shippedPostcodeDistricts()).toBe(shippedPostcodeDistricts())
    expect(shippedPostcodeDistricts().size).toBe(2947)
  })
})

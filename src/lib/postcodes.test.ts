import { describe, expect, it } from 'vitest'
import {
  isValidPostcode,
  normaliseOutwardCode,
  normalisePostcode,
  outwardCode,
  parsePostcodeDistrictsCsv,
  parsePostcodeQuery,
  PostcodeDistricts,
} from './postcodes.js'

describe('normalisePostcode', () => {
  it.each([
    // [input, normal form] — one of each outward shape, then case and spacing variants
    ['M1 1AE', 'M1 1AE'], // A9
    ['B33 8TH', 'B33 8TH'], // A99
    ['CR2 6XH', 'CR2 6XH'], // AA9
    ['DN55 1PT', 'DN55 1PT'], // AA99
    ['W1A 0AX', 'W1A 0AX'], // A9A (A is allowed third)
    ['EC1A 1BB', 'EC1A 1BB'], // AA9A (A is allowed fourth)
    ['SW1A 1AA', 'SW1A 1AA'],
    ['BT1 1AA', 'BT1 1AA'], // Northern Ireland
    ['nw9 4eu', 'NW9 4EU'],
    ['NW94EU', 'NW9 4EU'],
    ['  Nw9   4eU  ', 'NW9 4EU'],
    ['nw9\u00a04eu', 'NW9 4EU'], // non-breaking space, as pasted from web pages
    ['N W 9 4 E U', 'NW9 4EU'], // spaces anywhere are tolerated
    ['GIR 0AA', 'GIR 0AA'], // the one exception to the format
    ['gir0aa', 'GIR 0AA'],
  ])('%j is valid: %s', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected)
    expect(isValidPostcode(input)).toBe(true)
  })

  it.each([
    ['', 'empty'],
    ['NW9', 'outward code only'],
    ['NW9 4E', 'inward code too short'],
    ['NW9 4EUX', 'too long'],
    ['NW9 EU4', 'inward code not digit letter letter'],
    ['QW9 4EU', 'Q never starts a postcode'],
    ['VA1 1AA', 'V never starts a postcode'],
    ['XA1 1AA', 'X never starts a postcode'],
    ['AJ1 1AA', 'J is never the second letter'],
    ['AZ1 1AA', 'Z is never the second letter'],
    ['NW9 4CU', 'C is never an inward letter'],
    ['NW9 4EK', 'K is never an inward letter'],
    ['W1L 0AX', 'L is not allowed third in A9A'],
    ['SW1C 1AA', 'C is not allowed fourth in AA9A'],
    ['NW9-4EU', 'hyphen'],
    ['12345', 'digits only'],
    ['BFPO 105', 'BFPO numbers are not supported'],
    ['BFPO105', 'BFPO numbers are not supported'],
    ['ASCN 1ZZ', 'overseas territories are not supported'],
    ['SAN TA1', 'not supported'],
    ['GIR 0AB', 'only GIR 0AA is the exception'],
  ])('%j is not valid (%s)', (input) => {
    expect(normalisePostcode(input)).toBeNull()
    expect(isValidPostcode(input)).toBe(false)
  })
})

describe('outward codes', () => {
  it('takes the district from a full postcode', () => {
    expect(outwardCode('nw9 4eu')).toBe('NW9')
    expect(outwardCode('SW1A1AA')).toBe('SW1A')
    expect(outwardCode('M1 1AE')).toBe('M1')
    expect(outwardCode('NW9')).toBeNull()
  })

  it('accepts a district typed on its own', () => {
    expect(normaliseOutwardCode(' nw9 ')).toBe('NW9')
    expect(normaliseOutwardCode('ec1a')).toBe('EC1A')
    expect(normaliseOutwardCode('NW')).toBeNull()
    expect(normaliseOutwardCode('NW9 4EU')).toBeNull()
  })

  it('tells a full postcode from a district', () => {
    expect(parsePostcodeQuery('nw94eu')).toEqual({ kind: 'postcode', postcode: 'NW9 4EU', outward: 'NW9' })
    expect(parsePostcodeQuery('En5')).toEqual({ kind: 'district', outward: 'EN5' })
    expect(parsePostcodeQuery('Barnet')).toBeNull()
  })
})

describe('postcode districts (offline lookup)', () => {
  // The real header; rows: a London district, one with no active postcodes, one without
  // coordinates, Guernsey (outside the UK box, active postcodes blank), a quoted area with commas.
  const csv = [
    '\uFEFFPostcode,Latitude,Longitude,Easting,Northing,Grid Reference,Town/Area,Region,Postcodes,Active postcodes,Population,Households,Nearby districts,UK region,Post Town',
    'NW9,51.5865,-0.25369,520000,188000,TQ200880,"The Hyde, Colindale",London,2000,1455,,,"NW4, NW7",London,LONDON',
    'AB1,57.1269,-2.13644,391838,804005,NJ918040,Aberdeen,Aberdeen,2655,0,,,"AB10",Scotland,',
    'GIR,,,,,,Girobank,,1,1,,,,,',
    'GY1,49.4669,-2.54798,,,,St Peter Port,Guernsey,900,,,,,,',
    'EN5,51.6482,-0.190229,,,,"High Barnet, Arkley",London,1500,1066,,,,London,BARNET',
  ].join('\n')

  it('keeps districts with active postcodes and UK coordinates', () => {
    const districts = parsePostcodeDistrictsCsv(csv)
    expect(districts.map((d) => d.outward)).toEqual(['NW9', 'EN5'])
    expect(districts[0]).toEqual({
      outward: 'NW9',
      lat: 51.5865,
      lon: -0.25369,
      area: 'The Hyde, Colindale',
      region: 'London',
      activePostcodes: 1455,
    })
  })

  it('looks up a full postcode or a district in any case', () => {
    const lookup = new PostcodeDistricts(parsePostcodeDistrictsCsv(csv))
    expect(lookup.size).toBe(2)
    expect(lookup.lookup('nw9 4eu')?.lat).toBe(51.5865)
    expect(lookup.lookup('en5')?.area).toBe('High Barnet, Arkley')
    expect(lookup.lookup('AB1 1AA')).toBeUndefined() // no active postcodes
    expect(lookup.lookup('not a postcode')).toBeUndefined()
  })
})

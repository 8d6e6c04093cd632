/**
 * UK postcodes: normalise and validate a full postcode, take its outward code (the district), and
 * look a district up offline in the postcode districts file the product ships
 * (src/db/reference/geo/postcode-districts.csv; see the README there).
 *
 * Format (Royal Mail Programmer's Guide to the PAF, as summarised in the Government Data
 * Standards Catalogue and BS 7666): an outward code of 2 to 4 characters, a space, and an inward
 * code of a digit and two letters. Outward codes take one of six shapes: A9, A99, AA9, AA99, A9A,
 * AA9A, where
 * - the first letter is never Q, V or X;
 * - the second letter (AA9, AA99, AA9A) is never I, J or Z;
 * - the third-position letter of A9A is one of A B C D E F G H J K P S T U W;
 * - the fourth-position letter of AA9A is one of A B E H M N P R V W X Y;
 * - the two inward letters are never C, I, K, M, O or V.
 * The one exception, GIR 0AA (formerly Girobank), is accepted. Not supported: BFPO numbers
 * (British Forces Post Office, e.g. "BFPO 105"), the British Overseas Territories' four-letter
 * postcodes (e.g. ASCN 1ZZ, STHL 1ZZ, TDCU 1ZZ, BIQQ 1ZZ, FIQQ 1ZZ), and the "SAN TA1" novelty.
 * The Crown Dependencies (GY, JE, IM) and Gibraltar (GX11 1AA) have the UK shape and pass the
 * format check; whether a postcode exists is for a lookup to say, not a pattern.
 */
import { parse } from 'csv-parse/sync'
import { isInUk } from './geo.js'

const OUTWARD =
  '(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])'
const INWARD = '[0-9][ABD-HJLNP-UW-Z]{2}'

/** A full postcode in normal form: capitals, one space. */
export const POSTCODE_PATTERN = new RegExp(`^(?:${OUTWARD} ${INWARD}|GIR 0AA)$`)
/** An outward code (postcode district) alone, in capitals. */
export const OUTWARD_CODE_PATTERN = new RegExp(`^(?:${OUTWARD}|GIR)$`)

/** Removes every kind of white space (spaces, tabs, non-breaking and other Unicode spaces). */
function compact(input: string): string {
  return input.replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/gu, '').toUpperCase()
}

/**
 * The postcode in normal form ('nw9 4eu', 'NW94EU', ' Nw9  4Eu ' -> 'NW9 4EU'), or null when it is
 * not a valid full UK postcode. Letters may be in any case and spaces anywhere.
 */
export function normalisePostcode(input: string): string | null {
  const text = compact(input)
  if (text.length < 5 || text.length > 7) return null
  const candidate = `${text.slice(0, -3)} ${text.slice(-3)}`
  return POSTCODE_PATTERN.test(candidate) ? candidate : null
}

export function isValidPostcode(input: string): boolean {
  return normalisePostcode(input) !== null
}

/** The outward code of a valid full postcode ('nw9 4eu' -> 'NW9'), or null when it is not one. */
export function outwardCode(postcode: string): string | null {
  const normal = normalisePostcode(postcode)
  return normal === null ? null : (normal.split(' ')[0] ?? null)
}

/** An outward code typed on its own ('nw9' -> 'NW9'), or null when it is not one. */
export function normaliseOutwardCode(input: string): string | null {
  const text = compact(input)
  return OUTWARD_CODE_PATTERN.test(text) ? text : null
}

/**
 * What someone typed in a postcode box: a full postcode, or just a district. Null when it is
 * neither.
 */
export function parsePostcodeQuery(
  input: string,
): { kind: 'postcode'; postcode: string; outward: string } | { kind: 'district'; outward: string } | null {
  const full = normalisePostcode(input)
  if (full !== null) return { kind: 'postcode', postcode: full, outward: full.split(' ')[0] ?? full }
  const outward = normaliseOutwardCode(input)
  return outward === null ? null : { kind: 'district', outward }
}

export interface PostcodeDistrict {
  /** The outward code, e.g. 'NW9'. */
  outward: string
  lat: number
  lon: number
  /** 'Town/Area' in the source, e.g. 'Colindale, Kingsbury, The Hyde'. */
  area: string
  /** e.g. 'London'; 'Scotland', 'Wales' and 'Northern Ireland' for the nations. */
  region: string
  activePostcodes: number
}

type DistrictCsvRow = Record<string, string>

/**
 * Districts from the doogal.co.uk "Postcode districts" CSV (header: Postcode, Latitude, Longitude,
 * ..., Town/Area, Region, Postcodes, Active postcodes, ..., UK region). Keeps a district when it
 * has active postcodes (the source also lists retired ones) and coordinates inside the UK.
 */
export function parsePostcodeDistrictsCsv(text: string): PostcodeDistrict[] {
  const rows = parse<DistrictCsvRow>(text, { columns: true, skip_empty_lines: true, trim: true, bom: true })
  const districts: PostcodeDistrict[] = []
  for (const row of rows) {
    const outward = normaliseOutwardCode(row.Postcode ?? '')
    const lat = Number.parseFloat(row.Latitude ?? '')
    const lon = Number.parseFloat(row.Longitude ?? '')
    const active = Number.parseInt(row['Active postcodes'] ?? '', 10)
    if (outward === null || !(active > 0) || !isInUk(lat, lon)) continue
    districts.push({
      outward,
      lat,
      lon,
      area: row['Town/Area'] ?? '',
      region: (row['UK region'] ?? '') || (row.Region ?? ''),
      activePostcodes: active,
    })
  }
  return districts
}

/** Offline lookup to postcode-district precision (a district centroid is typically a few km from any address in it). */
export class PostcodeDistricts {
  private readonly byOutward: Map<string, PostcodeDistrict>

  constructor(districts: readonly PostcodeDistrict[]) {
    this.byOutward = new Map(districts.map((d) => [d.outward, d]))
  }

  get size(): number {
    return this.byOutward.size
  }

  /** Every district, in the file's order. */
  all(): PostcodeDistrict[] {
    return [...this.byOutward.values()]
  }

  /**
   * The district of a full postcode or of an outward code on its own, in any case and spacing.
   * Undefined when the input is not a postcode or district, or the district is not in the file.
   */
  lookup(postcodeOrDistrict: string): PostcodeDistrict | undefined {
    const parsed = parsePostcodeQuery(postcodeOrDistrict)
    return parsed === null ? undefined : this.byOutward.get(parsed.outward)
  }
}

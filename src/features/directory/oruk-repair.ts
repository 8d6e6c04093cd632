/**
 * Repairs of the small ways real feeds bend Open Referral UK 3.0 (issue 8, ADR 0015), applied to a
 * copy of each record before it is checked against the schema. Each repair is one that can be made
 * without guessing what the publisher meant, and each is reported as a warning naming its JSON
 * path:
 *
 * - null values are read as absent;
 * - British `organisation` is `organization`; Outpost and ORUK 1.x/2.x names (`min_age`,
 *   `updated_at`, `locations`, `regular_schedules`, `service_taxonomys`, `taxonomies`,
 *   `physical_addresses`, `postal_addresses`, `accessibility_for_disabilities`, a contact's flat
 *   `phone`, an organisation's `url`) take their 3.0 places;
 * - ids that are not UUIDs become stable UUIDs made from them (the same id always gives the same
 *   UUID), and child objects without ids get stable ids from their parent and position;
 * - a date and time without a time zone is read as UTC;
 * - -1 (or any negative) age means no age limit; a number given as text is read as a number;
 * - HTML in descriptions and notes becomes plain text;
 * - a missing status is read as active, a missing location_type from what the location has, a
 *   taxonomy term without a description takes its name.
 */
import { stableId, isUuid } from '../../lib/ids.js'
import { rruleDays } from './model.js'

export interface RepairLog {
  warn: (path: string, message: string) => void
}

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Weekday names as feeds write them (monday, mon, mo) to RFC 5545 BYDAY codes. */
const days: Record<string, string> = Object.fromEntries(
  Object.entries(rruleDays).flatMap(([name, code]) => [
    [name, code],
    [name.slice(0, 3), code],
    [code.toLowerCase(), code],
  ]),
)
/** ORUK 1.x weekday numbers: 1 is Monday. */
const dayNumbers = Object.values(rruleDays)

/** Fields the schema checks the format of: empty text there means nothing was given. */
const FORMATTED = new Set([
  'email',
  'url',
  'website',
  'uri',
  'term_uri',
  'logo',
  'phone',
  'last_modified',
  'schedule_link',
])

/** Text of an id-like JSON value (a string or a number); '' for anything else. */
const idText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

/** Removes null values (and empty formatted fields) everywhere; returns how many there were. */
function dropNulls(value: unknown): number {
  let n = 0
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      if (value[i] === null) {
        value.splice(i, 1)
        n++
      } else n += dropNulls(value[i])
    }
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null || (value[key] === '' && FORMATTED.has(key))) {
        Reflect.deleteProperty(value, key)
        n++
      } else n += dropNulls(value[key])
    }
  }
  return n
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  pound: '£',
  ndash: '–',
  mdash: '—',
  rsquo: '’',
  lsquo: '‘',
  hellip: '…',
}

const HTML_PATTERN = /<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>|&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/i

/** HTML to plain text: block ends become line breaks, tags go, character references are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\/\s*(p|div|li|h[1-6]|tr)\s*>/gi, '\n')
    .replace(/<\s*li[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/gi, (whole, ref: string) => {
      if (ref.startsWith('#x') || ref.startsWith('#X')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole
      if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole
      return ENTITIES[ref.toLowerCase()] ?? whole
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
    ? String.fromCodePoint(n)
    : undefined
}

const TIMESTAMP_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

class Repairer {
  constructor(
    private readonly log: RepairLog,
    private readonly serviceKey: string,
  ) {}

  private rename(o: Obj, from: string, to: string, path: string): void {
    if (o[from] === undefined) return
    if (o[to] === undefined) {
      o[to] = o[from]
      this.log.warn(`${path}/${from}`, `read as ${to}`)
    } else {
      this.log.warn(`${path}/${from}`, `left out: ${to} is given too`)
    }
    Reflect.deleteProperty(o, from)
  }

  /** Makes o.id a UUID: a stable one from a foreign id, or from the parent and position when missing. */
  private id(o: Obj, path: string, kind: string, scope: string, position: string): string {
    const raw = o.id
    if (typeof raw === 'string' && isUuid(raw)) return raw.toLowerCase()
    if (raw === undefined || raw === '') {
      const made = stableId('oruk-child', this.serviceKey, scope, kind, position)
      o.id = made
      this.log.warn(`${path}/id`, `missing: given the stable id ${made}`)
      return made
    }
    if (typeof raw === 'string' || typeof raw === 'number') {
      const made = stableId('oruk-foreign-id', kind, scope, String(raw))
      o.id = made
      this.log.warn(`${path}/id`, `${JSON.stringify(raw)} is not a UUID: read as the stable id ${made}`)
      return made
    }
    return ''
  }

  private text(o: Obj, field: string, path: string): void {
    const v = o[field]
    if (typeof v !== 'string' || !HTML_PATTERN.test(v)) return
    o[field] = htmlToText(v)
    this.log.warn(`${path}/${field}`, 'HTML read as plain text')
  }

  private number(o: Obj, field: string, path: string): void {
    const v = o[field]
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) {
      o[field] = Number(v.trim())
      this.log.warn(`${path}/${field}`, `the text ${JSON.stringify(v)} read as a number`)
    }
  }

  private age(o: Obj, field: string, path: string): void {
    this.number(o, field, path)
    const v = o[field]
    if (typeof v === 'number' && v < 0) {
      Reflect.deleteProperty(o, field)
      this.log.warn(`${path}/${field}`, `${String(v)} read as no age limit`)
    }
  }

  private timestamp(o: Obj, field: string, path: string): void {
    const v = o[field]
    if (typeof v === 'string' && TIMESTAMP_NO_ZONE.test(v.trim())) {
      o[field] = `${v.trim().replace(' ', 'T')}Z`
      this.log.warn(`${path}/${field}`, 'a date and time without a time zone: read as UTC')
    }
  }

  private array(o: Obj, field: string): Obj[] {
    const v = o[field]
    if (v === undefined) return []
    if (!Array.isArray(v)) return []
    return v.filter(isObject).map((x) => x)
  }

  service(s: Obj, path: string): void {
    this.rename(s, 'organisation', 'organization', path)
    this.rename(s, 'min_age', 'minimum_age', path)
    this.rename(s, 'max_age', 'maximum_age', path)
    this.rename(s, 'updated_at', 'last_modified', path)
    if (s.status === undefined) {
      s.status = 'active'
      this.log.warn(`${path}/status`, 'missing: read as active')
    }
    const serviceId = this.id(s, path, 'service', '', '')
    this.text(s, 'description', path)
    this.age(s, 'minimum_age', path)
    this.age(s, 'maximum_age', path)
    this.timestamp(s, 'last_modified', path)
    if (isObject(s.organization)) this.organization(s.organization, `${path}/organization`)
    const orgId = s.organization_id
    if ((typeof orgId === 'string' && orgId !== '' && !isUuid(orgId)) || typeof orgId === 'number') {
      s.organization_id = stableId('oruk-foreign-id', 'organization', '', String(orgId))
      this.log.warn(`${path}/organization_id`, `${JSON.stringify(orgId)} is not a UUID: read as a stable id`)
    }

    // Outpost: locations on the service itself.
    if (Array.isArray(s.locations) && s.service_at_locations === undefined) {
      s.service_at_locations = this.array(s, 'locations').map((location, index) => ({
        id: stableId('oruk-child', serviceId, 'service_at_location', String(index)),
        location,
      }))
      this.log.warn(`${path}/locations`, 'read as service_at_locations')
      delete s.locations
    }
    this.array(s, 'service_at_locations').forEach((sal, index) => {
      const at = `${path}/service_at_locations/${String(index)}`
      const salId = this.id(sal, at, 'service_at_location', serviceId, String(index))
      if (sal.service_id !== undefined && sal.service_id !== serviceId) {
        if (typeof sal.service_id !== 'string' || !isUuid(sal.service_id)) sal.service_id = serviceId
      }
      if (isObject(sal.location)) {
        this.location(sal.location, `${at}/location`)
        if (sal.location_id !== undefined && sal.location_id !== sal.location.id) {
          if (typeof sal.location_id !== 'string' || !isUuid(sal.location_id)) sal.location_id = sal.location.id
        }
      }
      this.rename(sal, 'regular_schedules', 'schedules', at)
      this.array(sal, 'schedules').forEach((schedule, sIndex) => {
        this.schedule(schedule, `${at}/schedules/${String(sIndex)}`, serviceId, `${salId}/${String(sIndex)}`)
      })
      this.rename(sal, 'holiday_schedules', 'x_holiday_schedules', at)
      delete sal.x_holiday_schedules
    })

    // ORUK 1.x/2.x and Outpost weekly sessions.
    if (s.regular_schedules !== undefined) {
      const regular = this.array(s, 'regular_schedules')
      const schedules = Array.isArray(s.schedules) ? (s.schedules as unknown[]) : []
      s.schedules = [...schedules, ...regular]
      this.log.warn(`${path}/regular_schedules`, 'read as schedules')
      delete s.regular_schedules
    }
    if (s.holiday_schedules !== undefined) {
      this.log.warn(`${path}/holiday_schedules`, 'left out: the directory holds weekly sessions only')
      delete s.holiday_schedules
    }
    this.array(s, 'schedules').forEach((schedule, index) => {
      this.schedule(schedule, `${path}/schedules/${String(index)}`, serviceId, String(index))
    })

    this.array(s, 'contacts').forEach((contact, index) => {
      const at = `${path}/contacts/${String(index)}`
      const contactId = this.id(contact, at, 'contact', serviceId, String(index))
      if (typeof contact.phone === 'string' && contact.phones === undefined) {
        contact.phones = [{ number: contact.phone }]
        this.log.warn(`${at}/phone`, 'read as phones/0/number')
        delete contact.phone
      }
      this.array(contact, 'phones').forEach((phone, pIndex) => {
        this.id(phone, `${at}/phones/${String(pIndex)}`, 'phone', contactId, String(pIndex))
        this.number(phone, 'extension', `${at}/phones/${String(pIndex)}`)
      })
    })
    this.array(s, 'phones').forEach((phone, index) => {
      this.id(phone, `${path}/phones/${String(index)}`, 'phone', serviceId, String(index))
    })
    this.array(s, 'service_areas').forEach((area, index) => {
      this.id(area, `${path}/service_areas/${String(index)}`, 'service_area', serviceId, String(index))
    })
    this.array(s, 'languages').forEach((language, index) => {
      this.id(language, `${path}/languages/${String(index)}`, 'language', serviceId, String(index))
    })
    this.array(s, 'cost_options').forEach((cost, index) => {
      const at = `${path}/cost_options/${String(index)}`
      this.id(cost, at, 'cost_option', serviceId, String(index))
      this.number(cost, 'amount', at)
      if (typeof cost.amount === 'string') {
        this.log.warn(`${at}/amount`, `left out: ${JSON.stringify(cost.amount)} is not an amount`)
        delete cost.amount
      }
    })
    this.array(s, 'funding').forEach((f, index) => {
      this.id(f, `${path}/funding/${String(index)}`, 'funding', serviceId, String(index))
    })

    // Taxonomy terms: ORUK 1.x service_taxonomys and Outpost taxonomies become attributes.
    const legacyTerms: { term: Obj; at: string }[] = []
    for (const field of ['service_taxonomys', 'taxonomies']) {
      if (!Array.isArray(s[field])) continue
      this.array(s, field).forEach((item, index) => {
        const term = isObject(item.taxonomy) ? item.taxonomy : item
        legacyTerms.push({ term, at: `${path}/${field}/${String(index)}` })
      })
      this.log.warn(`${path}/${field}`, 'read as attributes')
      Reflect.deleteProperty(s, field)
    }
    if (legacyTerms.length > 0) {
      const attributes = Array.isArray(s.attributes) ? (s.attributes as unknown[]) : []
      for (const { term } of legacyTerms) {
        const copy: Obj = { ...term }
        if (copy.vocabulary !== undefined && copy.taxonomy === undefined) copy.taxonomy = copy.vocabulary
        delete copy.vocabulary
        attributes.push({ taxonomy_term: copy })
      }
      s.attributes = attributes
    }
    this.array(s, 'attributes').forEach((attribute, index) => {
      const at = `${path}/attributes/${String(index)}`
      this.id(attribute, at, 'attribute', serviceId, String(index))
      if (isObject(attribute.taxonomy_term)) {
        const term = attribute.taxonomy_term
        const termAt = `${at}/taxonomy_term`
        const termId = this.id(term, termAt, 'taxonomy_term', '', String(index))
        if (attribute.taxonomy_term_id !== undefined && !isUuid(idText(attribute.taxonomy_term_id))) {
          attribute.taxonomy_term_id = termId
        }
        if (term.description === undefined && typeof term.name === 'string') {
          term.description = term.name
          this.log.warn(`${termAt}/description`, 'missing: the term’s name is used')
        }
        if (term.parent_id !== undefined && !isUuid(idText(term.parent_id))) {
          term.parent_id = stableId('oruk-foreign-id', 'taxonomy_term', '', idText(term.parent_id))
          this.log.warn(`${termAt}/parent_id`, 'not a UUID: read as a stable id')
        }
        for (const extra of ['slug', 'level', 'children', 'label', 'created_at', 'updated_at'])
          Reflect.deleteProperty(term, extra)
      }
    })
  }

  private organization(o: Obj, path: string): void {
    this.id(o, path, 'organization', '', '')
    if (typeof o.name !== 'string' || o.name.trim() === '') {
      // The standard needs a name; without one the record still says which organisation it is.
      for (const key of Object.keys(o)) if (key !== 'id') Reflect.deleteProperty(o, key)
      o.name = ''
      o.description = ''
      this.log.warn(`${path}/name`, 'missing: the organisation is left for review')
      return
    }
    if (o.description === undefined) {
      o.description = ''
      this.log.warn(`${path}/description`, 'missing: left for review')
    }
    this.rename(o, 'url', 'website', path)
    this.text(o, 'description', path)
  }

  private location(l: Obj, path: string): void {
    this.id(l, path, 'location', '', '')
    this.text(l, 'description', path)
    // Outpost: a GeoJSON point; flat address fields.
    if (isObject(l.geometry) && Array.isArray(l.geometry.coordinates) && l.latitude === undefined) {
      const [lon, lat] = l.geometry.coordinates as unknown[]
      if (typeof lat === 'number' && typeof lon === 'number') {
        l.latitude = lat
        l.longitude = lon
        this.log.warn(`${path}/geometry`, 'GeoJSON point read as latitude and longitude')
      }
      delete l.geometry
    }
    this.number(l, 'latitude', path)
    this.number(l, 'longitude', path)
    if (typeof l.address_1 === 'string' && l.addresses === undefined) {
      l.addresses = [
        {
          address_1: l.address_1,
          city: l.city ?? '',
          state_province: l.state_province ?? '',
          postal_code: l.postal_code ?? '',
          country: l.country ?? 'GB',
          address_type: 'physical',
        },
      ]
      this.log.warn(`${path}/address_1`, 'the address fields of the location read as addresses/0')
      for (const f of ['address_1', 'city', 'state_province', 'postal_code', 'country']) Reflect.deleteProperty(l, f)
    }
    for (const [field, type] of [
      ['physical_addresses', 'physical'],
      ['postal_addresses', 'postal'],
    ] as const) {
      if (!Array.isArray(l[field])) continue
      const addresses = Array.isArray(l.addresses) ? (l.addresses as unknown[]) : []
      for (const a of this.array(l, field)) addresses.push({ ...a, address_type: a.address_type ?? type })
      l.addresses = addresses
      this.log.warn(`${path}/${field}`, `read as addresses of type ${type}`)
      Reflect.deleteProperty(l, field)
    }
    this.rename(l, 'accessibility_for_disabilities', 'accessibility', path)
    this.rename(l, 'accessibilities', 'accessibility', path)
    this.array(l, 'accessibility').forEach((a, index) => {
      const at = `${path}/accessibility/${String(index)}`
      this.id(a, at, 'accessibility', String(l.id), String(index))
      if (a.description === undefined && typeof a.name === 'string') a.description = a.name
      delete a.name
    })
    this.array(l, 'addresses').forEach((a, index) => {
      const at = `${path}/addresses/${String(index)}`
      this.id(a, at, 'address', String(l.id), String(index))
      for (const f of ['city', 'state_province', 'postal_code', 'country']) {
        if (a[f] === undefined) {
          a[f] = f === 'country' ? 'GB' : ''
          this.log.warn(`${at}/${f}`, f === 'country' ? 'missing: read as GB' : 'missing: read as empty')
        }
      }
      if (a.address_type === undefined) {
        a.address_type = 'physical'
        this.log.warn(`${at}/address_type`, 'missing: read as physical')
      }
    })
    if (l.location_type === undefined) {
      const physical = this.array(l, 'addresses').some((a) => a.address_type === 'physical') || l.latitude !== undefined
      l.location_type = physical ? 'physical' : 'virtual'
      this.log.warn(`${path}/location_type`, `missing: read as ${String(l.location_type)}`)
    }
  }

  private schedule(s: Obj, path: string, serviceId: string, position: string): void {
    this.id(s, path, 'schedule', serviceId, position)
    this.text(s, 'description', path)
    this.text(s, 'notes', path)
    if (s.weekday !== undefined && s.byday === undefined) {
      const raw = s.weekday
      const code =
        typeof raw === 'number'
          ? dayNumbers[raw - 1]
          : typeof raw === 'string'
            ? /^\d$/.test(raw.trim())
              ? dayNumbers[Number(raw.trim()) - 1]
              : days[raw.trim().toLowerCase()]
            : undefined
      if (code !== undefined) {
        s.byday = code
        s.freq ??= 'WEEKLY'
        s.interval ??= 1
        this.log.warn(`${path}/weekday`, `read as byday ${code}, every week`)
      } else {
        this.log.warn(`${path}/weekday`, `left out: ${JSON.stringify(raw)} is not a day of the week`)
      }
      delete s.weekday
    }
    if (typeof s.freq === 'string' && s.freq !== s.freq.toUpperCase()) s.freq = s.freq.toUpperCase()
    this.number(s, 'interval', path)
    if (s.service_at_location_id !== undefined && !isUuid(idText(s.service_at_location_id))) {
      delete s.service_at_location_id
      this.log.warn(`${path}/service_at_location_id`, 'not a UUID: left out')
    }
    if (s.service_id !== undefined && s.service_id !== serviceId) delete s.service_id
  }
}

/**
 * Repairs one service record in place (it must be a copy the caller owns). `key` scopes the ids
 * made for child objects, normally the record's path in the file.
 */
export function repairService(record: Obj, path: string, log: RepairLog): void {
  const nulls = dropNulls(record)
  if (nulls > 0) {
    log.warn(path || '/', `${String(nulls)} empty or null ${nulls === 1 ? 'value' : 'values'} read as absent`)
  }
  const rawId = record.id
  const key = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : path
  new Repairer(log, key).service(record, path)
}

/**
 * The public page of one service (issue 11): what it offers, who it is for, when, where and how to
 * get in touch, in plain words. It shows only what the search shows: a service is found in the
 * search index, which holds published services only, by its council's GSS code and its id; a
 * draft, an unpublished service, an id of another council or an id that is not a UUID is not
 * found (a plain 404). No contact person's name and no internal note is shown.
 */
import { dayLabels, type Schedule } from '../model.js'
import { featureDefinition, serviceTypeDefinition } from '../../../lib/taxonomy.js'
import { contactsOf, formatTime, type SearchableService, type SearchIndex } from './search.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const GSS_CODE = /^[EWSN]\d{8}$/

/** The published service of that council with that id, or undefined (also for malformed values). */
export function findPublicService(index: SearchIndex, areaCode: string, id: string): SearchableService | undefined {
  if (!GSS_CODE.test(areaCode) || !UUID.test(id)) return undefined
  const wanted = id.toLowerCase()
  return index.services.find(
    (s) => s.areaCode === areaCode && s.service.id.toLowerCase() === wanted && s.service.status === 'published',
  )
}

export interface ServicePageView {
  name: string
  organisation: string | undefined
  councilName: string
  serviceType: string
  description: string
  isExample: boolean
  /** Who it is for, each a short sentence: 'For women only.', 'You can bring your children. ...'. */
  whoFor: string[]
  offers: { name: string; description: string }[]
  places: {
    name: string
    address: string
    access: string[]
    sessions: string[]
  }[]
  /** 'Online or by phone' ways in, when it has them. */
  remote: string[]
  phones: { text: string; href: string }[]
  emails: string[]
  website: string | undefined
}

const modeWords: Record<Schedule['mode'], string> = {
  in_person: 'in person',
  online: 'online',
  both: 'in person or online',
}

/** 'Monday, 10am to midday, in person, women only', 'Saturday, 10am to 1pm, online, run by ...'. */
export function sessionInWords(s: Schedule, serviceWomenOnly: boolean): string {
  const parts = [dayLabels[s.dayOfWeek], `${formatTime(s.start)} to ${formatTime(s.end)}`, modeWords[s.mode]]
  if (s.womenOnly || serviceWomenOnly) parts.push('women only')
  if (s.runBy !== undefined && s.runBy !== '') parts.push(`run by ${s.runBy}`)
  return parts.join(', ')
}

/** Features about who may come (women only, children, pregnancy), shown under "Who it is for". */
const whoForFeatures = new Set([
  'women-only-service',
  'women-only-groups',
  'children-welcome',
  'space-without-children',
])

export function presentServicePage(entry: SearchableService): ServicePageView {
  const { service, organisation } = entry
  const womenOnly = service.eligibility.womenOnly
  const whoFor: string[] = []
  if (womenOnly) whoFor.push('For women only.')
  for (const code of service.features) {
    if (code === 'women-only-service' && womenOnly) continue
    if (whoForFeatures.has(code)) {
      const d = featureDefinition(code)
      whoFor.push(`${d.name}: ${d.description}`)
    }
  }
  if (service.byAndForCommunity !== undefined) whoFor.push(`Run by and for ${service.byAndForCommunity}.`)
  if (whoFor.length === 0) whoFor.push('Anyone who needs this support can ask.')

  const sessions = entry.places.flatMap((p) => p.sessions)
  const remote: string[] = []
  if (sessions.some((s) => s.mode !== 'in_person')) remote.push('Some sessions are online.')
  if (service.features.includes('online-or-phone')) remote.push(featureDefinition('online-or-phone').description)

  const { phones, emails } = contactsOf(service)
  return {
    name: service.name,
    organisation: organisation?.name,
    councilName: entry.councilName,
    serviceType: serviceTypeDefinition(service.serviceType).name,
    description: service.description,
    isExample: entry.isExample,
    whoFor,
    offers: service.features
      .filter((code) => !whoForFeatures.has(code))
      .map((code) => {
        const d = featureDefinition(code)
        return { name: d.name, description: d.description }
      }),
    places: entry.places.map(({ location, sessions: placeSessions }) => ({
      name: location.name,
      address: [location.addressLine1, location.addressLine2, location.town, location.postcode]
        .filter((x): x is string => x !== undefined && x !== '')
        .join(', '),
      access: location.accessibility,
      sessions: placeSessions.map((s) => sessionInWords(s, womenOnly)),
    })),
    remote,
    phones,
    emails,
    website: service.url ?? organisation?.url,
  }
}

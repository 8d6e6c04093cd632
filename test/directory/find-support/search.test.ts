/**
 * The public find-support page (/support), offline (no POSTCODES_API_URL): postcode search to
 * postcode-district precision, filters, drafts, other councils, messages, cookies and the plain
 * GET form. The directory is fixtures.ts: distances there are worked by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDirectory } from '../../../src/features/directory/repository.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import {
  inHelpOrder,
  KM_PER_CENTI_DEGREE,
  placeCoordinates,
  NW4,
  type Seeded,
  seedDirectories,
  type ServiceSpec,
  specDirectory,
  specs,
} from './fixtures.js'
import { errorSummary, fieldError, pageTitle, resultDistances, resultNames, resultsHeading } from './html.js'

let ctx: TestContext
let seeded: Seeded

beforeAll(async () => {
  ctx = await createTestContext()
  seeded = await seedDirectories(ctx.app.db)
})
afterAll(async () => {
  await ctx.close()
})

const search = async (query: string) => {
  const res = await ctx.client().get(`/support?${query}`)
  return { status: res.statusCode, html: res.body, res }
}

const names = (...keys: string[]) => keys.map((k) => specs.find((s) => s.key === k)?.name ?? `missing ${k}`)

describe('postcode search, offline', () => {
  it('finds the published services near a full postcode, nearest first, with distances from the district middle', async () => {
    const { status, html } = await search('q=NW4+4BG&distance=10')
    expect(status).toBe(200)
    // 10 miles = 16.09 km. Distances from NW4's middle (fixtures.ts: 1.111951 km per 0.01 degree):
    // hendon-women +0.01 -> 1.111951 km; camden-da -0.02 -> 2.223902 km; colindale-recovery
    // nearest place +0.03 -> 3.335853 km (its other place, -0.04, is 4.447804 km);
    // maternity +0.05 -> 5.559755 km; mill-hill +0.07 -> 7.783657 km. Sunderland is ~390 km away.
    // Shown as drug and alcohol help (hendon-women, colindale-recovery, mill-hill), then women's
    // services (camden-da), then other support (maternity), nearest first in each.
    expect(resultNames(html)).toEqual(
      names('hendon-women', 'colindale-recovery', 'mill-hill', 'camden-da', 'maternity'),
    )
    // Rounded: one decimal place under 10; miles = km / 1.609344.
    // 1.111951 km = 0.690936 mi; 2.223902 = 1.381872; 3.335853 = 2.072808; 5.559755 = 3.454680;
    // 7.783657 = 4.836552. 'About' because the district middle is not her address.
    expect(resultDistances(html)).toEqual([
      'About 1.1 km (0.7 miles)',
      'About 3.3 km (2.1 miles)',
      'About 7.8 km (4.8 miles)',
      'About 2.2 km (1.4 miles)',
      'About 5.6 km (3.5 miles)',
    ])
    expect(resultsHeading(html)).toBe('5 services found within 10 miles of the NW4 postcode district')
    expect(html).toContain('to postcode-district precision')
  })

  it('an outward code alone searches from the district middle too', async () => {
    const { html } = await search('q=nw4&distance=3')
    // 3 miles = 4.828032 km: hendon (1.11), camden (2.22), colindale (3.34); maternity 5.56 is beyond.
    expect(resultNames(html)).toEqual(inHelpOrder(names('hendon-women', 'camden-da', 'colindale-recovery')))
  })

  it('the distance choice narrows: 1 mile keeps only what is within 1.609344 km', async () => {
    const { html } = await search('q=NW4+4BG&distance=1')
    expect(resultNames(html)).toEqual(names('hendon-women'))
    expect(resultsHeading(html)).toBe('1 service found within 1 mile of the NW4 postcode district')
  })

  it('shows features in plain words, opening times with women-only marked, contact details and the example tag', async () => {
    const { html } = await search('q=NW4+4BG&distance=1')
    expect(html).toContain('You can ask for a woman key worker.')
    expect(html).toContain('The whole service is for women only. You will not meet men using the service.')
    expect(html).toMatch(
      /<strong>Monday<\/strong>, 10am to midday, in person\. <strong class="govuk-tag govuk-tag--purple">Women only<\/strong>/,
    )
    expect(html).toContain('href="tel:02079460001">020 7946 0001</a>')
    expect(html).toContain('href="mailto:hendon@example.org"')
    expect(html).toContain('href="https://hendon.example.org"')
    expect(html).toMatch(/govuk-tag--orange">\s*Example data\s*<\/strong>/)
    expect(html).not.toContain('INTERNAL-NOTE-NEVER-PUBLIC')
  })

  it('a service that is not example data carries no example tag', async () => {
    // Of the 5 results within 10 miles, only hendon-women was imported as example data.
    const { html } = await search('q=NW4+4BG&distance=10')
    expect(html.match(/Example data\s*<\/strong>/g)?.length).toBe(1)
  })
})

describe('drafts and councils', () => {
  it('drafts of any council never appear, however near; other councils’ published services do', async () => {
    const { html } = await search('q=NW4+4BG&distance=50')
    const shown = resultNames(html)
    expect(shown).not.toContain('Barnet Draft Service')
    expect(shown).not.toContain('Camden Draft Service')
    expect(shown).toContain('Camden Domestic Abuse Advice')
    // The drafts are in the database (control): they are nearer than everything shown.
    expect(seeded.ids['barnet-draft']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('the page is national: a search in Sunderland finds the Sunderland council’s service', async () => {
    const { status, html } = await search('q=Sunderland&distance=10')
    expect(status).toBe(200)
    expect(resultNames(html)).toEqual(['Sunderland Women’s Centre'])
    expect(html).toContain('Distances are measured from the middle of Sunderland')
  })

  it('a service published after a first search appears at once, and disappears at once when made a draft again', async () => {
    const spec: ServiceSpec = {
      key: 'new',
      name: 'Brand New Women’s Drop-in',
      council: 'barnet',
      status: 'published',
      type: 'womens-centre',
      substances: [],
      features: [],
      places: [{ dLat: 0.002 }],
      sessions: [],
    }
    const before = await search('q=NW4+4BG&distance=1')
    expect(resultNames(before.html)).not.toContain(spec.name)
    const directory = specDirectory(spec)
    const actor = { userId: null, label: 'test', role: 'system' }
    await importDirectory(ctx.app.db, seeded.scopes.barnet, actor, directory)
    const after = await search('q=NW4+4BG&distance=1')
    // 0.002 degree = 0.222390 km: nearer than hendon-women (1.111951 km).
    // Nearer, but a women's service: after the drug and alcohol help.
    expect(resultNames(after.html)).toEqual(inHelpOrder([spec.name, ...names('hendon-women')], [spec]))

    const service = directory.services[0]
    if (!service) throw new Error('no service')
    await importDirectory(ctx.app.db, seeded.scopes.barnet, actor, {
      ...directory,
      services: [{ ...service, status: 'draft', version: 2 }],
    })
    const unpublished = await search('q=NW4+4BG&distance=1')
    expect(resultNames(unpublished.html)).toEqual(names('hendon-women'))
  })
})

describe('filters', () => {
  // Hand-worked from fixtures.ts and the mapping documented in src/features/directory/find-support/search.ts,
  // within 10 miles of NW4's middle, nearest first.
  const handWorked: Record<string, string[]> = {
    // hendon: women-only service; mill-hill: women-only group sessions feature.
    'women-only': ['hendon-women', 'mill-hill'],
    children: ['colindale-recovery'],
    // camden: an online session; maternity: a session 'in person or online'.
    online: ['camden-da', 'maternity'],
    // colindale: Saturday; maternity: ends 19:30, after 17:00; mill-hill: the feature.
    'evenings-weekends': ['colindale-recovery', 'maternity', 'mill-hill'],
    alcohol: ['hendon-women', 'maternity', 'mill-hill'],
    drugs: ['hendon-women', 'colindale-recovery'],
    'domestic-abuse': ['camden-da'],
    pregnancy: ['maternity'],
  }

  for (const [filter, keys] of Object.entries(handWorked)) {
    it(`'${filter}' narrows the results to the services that have it`, async () => {
      const { html } = await search(`q=NW4+4BG&distance=10&filter=${filter}`)
      expect(resultNames(html)).toEqual(inHelpOrder(names(...keys)))
      expect(html).toMatch(new RegExp(`value="${filter}" checked`))
    })
  }

  /** An independent brute-force filter over the fixture specs (not the code's mapping tables). */
  function bruteForce(filters: string[], maxMiles: number): string[] {
    const maxKm = maxMiles * 1.609344
    const passes = (s: ServiceSpec, f: string): boolean => {
      const sessions = s.sessions
      switch (f) {
        case 'women-only':
          return (
            s.features.includes('women-only-service') ||
            s.features.includes('women-only-groups') ||
            sessions.some((x) => x.womenOnly)
          )
        case 'children':
          return s.features.includes('children-welcome')
        case 'online':
          return s.features.includes('online-or-phone') || sessions.some((x) => x.mode !== 'in_person')
        case 'evenings-weekends':
          return (
            s.features.includes('evening-or-weekend') ||
            sessions.some((x) => ['saturday', 'sunday'].includes(x.day) || x.end > '17:00')
          )
        case 'alcohol':
        case 'drugs':
          return s.substances.includes(f)
        case 'domestic-abuse':
          return s.type === 'domestic-abuse' || s.type === 'refuge' || s.features.includes('domestic-abuse-worker')
        case 'pregnancy':
          return (
            s.type === 'maternity' ||
            s.features.includes('specialist-midwife-link') ||
            s.features.includes('pregnancy-question')
          )
        default:
          throw new Error(f)
      }
    }
    // Distance to the nearest place: plain haversine written out here (R = 6371.0088 km).
    const R = 6371.0088
    const rad = Math.PI / 180
    const km = (lat: number, lon: number) => {
      const a =
        Math.sin(((lat - NW4.lat) * rad) / 2) ** 2 +
        Math.cos(lat * rad) * Math.cos(NW4.lat * rad) * Math.sin(((lon - NW4.lon) * rad) / 2) ** 2
      return 2 * R * Math.asin(Math.sqrt(a))
    }
    return specs
      .filter((s) => s.status === 'published' && filters.every((f) => passes(s, f)))
      .map((s) => ({ s, d: Math.min(...s.places.map((p) => km(placeCoordinates(p).lat, placeCoordinates(p).lon))) }))
      .filter((x) => x.d <= maxKm)
      .sort((a, b) => a.d - b.d)
      .map((x) => x.s.name)
  }

  it('the brute-force filter agrees with the hand-worked distance (control)', () => {
    // hendon-women is 0.01 degree north: 1.111951 km by hand.
    expect(bruteForce([], 1)).toEqual(names('hendon-women'))
    expect(KM_PER_CENTI_DEGREE).toBeCloseTo(6371.0088 * 0.01 * (Math.PI / 180), 6)
  })

  const combinations = [
    [],
    ['women-only', 'alcohol'],
    ['drugs', 'children'],
    ['online', 'evenings-weekends'],
    ['women-only', 'evenings-weekends', 'alcohol'],
    ['pregnancy', 'drugs'],
    ['domestic-abuse', 'online'],
    ['women-only', 'children', 'online', 'evenings-weekends', 'alcohol', 'drugs', 'domestic-abuse', 'pregnancy'],
  ]
  for (const combination of combinations) {
    for (const miles of [3, 10]) {
      it(`filters [${combination.join(', ')}] within ${String(miles)} miles match a brute-force filter`, async () => {
        const query = ['q=NW4+4BG', `distance=${String(miles)}`, ...combination.map((f) => `filter=${f}`)].join('&')
        const { html } = await search(query)
        const expected = bruteForce(combination, miles)
        expect(resultNames(html)).toEqual(inHelpOrder(expected))
        // Adding a filter never adds a result.
        if (combination.length > 0) {
          const all = bruteForce([], miles)
          expect(expected.every((n) => all.includes(n))).toBe(true)
        }
      })
    }
  }

  it('unknown filters and distances are ignored, not an error', async () => {
    const { status, html } = await search('q=NW4+4BG&filter=nonsense&filter=__proto__&distance=7')
    expect(status).toBe(200)
    // distance 7 is not offered: the default, 10 miles, is used.
    expect(resultsHeading(html)).toBe('5 services found within 10 miles of the NW4 postcode district')
  })
})

describe('messages', () => {
  it('no search yet: the form and the helplines, no error', async () => {
    const { status, html } = await search('')
    expect(status).toBe(200)
    expect(html).not.toContain('govuk-error-summary')
    expect(html).toContain('0808 2000 247')
    expect(html).not.toContain('not available yet')
  })

  it('an empty search asks for a postcode or place, with a GOV.UK error summary linking to the input', async () => {
    const { status, html } = await search('q=+')
    expect(status).toBe(400)
    expect(errorSummary(html)).toEqual(['Enter a postcode or the name of a place'])
    expect(fieldError(html)).toBe('Enter a postcode or the name of a place')
    expect(pageTitle(html)).toBe('Error: Get support – WTC')
  })

  it('an invalid postcode is named as such', async () => {
    for (const q of ['NW4+4B', '12345', 'QQ1+1AA']) {
      const { status, html } = await search(`q=${q}`)
      expect(status, q).toBe(400)
      expect(errorSummary(html), q).toEqual(['Enter a real postcode, like NW4 4BG, or the name of a town or area'])
    }
  })

  it('a postcode district that does not exist is named', async () => {
    // ZZ is not an area; but it is not a valid outward code either. W99 has the valid shape A99.
    const { status, html } = await search('q=W99+9AA')
    expect(status).toBe(400)
    expect(errorSummary(html)).toEqual([
      'We could not find the postcode district W99. Check the postcode and try again',
    ])
  })

  it('a postcode outside the UK (Jersey, Guernsey) is refused with a clear message', async () => {
    for (const q of ['JE2+3AB', 'GY1+1AA']) {
      const { status, html } = await search(`q=${q}`)
      expect(status, q).toBe(400)
      expect(errorSummary(html), q).toEqual([
        'That postcode is outside the UK. This service only lists support in the UK: enter a UK postcode, like NW4 4BG',
      ])
    }
  })

  it('a place not found says so and suggests a postcode; similar names are offered', async () => {
    const { status, html } = await search('q=Nowhereville')
    expect(status).toBe(400)
    expect(errorSummary(html)).toEqual([
      'We could not find a place called Nowhereville. Enter a postcode, like NW4 4BG, or the name of a nearby town',
    ])
    const similar = await search('q=Colinda')
    expect(similar.status).toBe(400)
    expect(similar.html).toContain('Places with a similar name')
    expect(similar.html).toContain('href="/support?q=Colindale&amp;distance=10">Colindale</a>')
  })

  it('a place name in two areas asks which one; the choice then searches there', async () => {
    const { status, html } = await search('q=Hendon&filter=women-only')
    expect(status).toBe(200)
    expect(html).toContain('There is more than one place called Hendon')
    // The choices keep the filters chosen.
    expect(html).toContain(
      'href="/support?q=Hendon%2C+Barnet&amp;filter=women-only&amp;distance=10">Hendon, Barnet</a>',
    )
    expect(html).toContain('href="/support?q=Hendon%2C+Sunderland&amp;filter=women-only&amp;distance=10"')
    // Hendon, Barnet is the NW4 district alone ("Brent Cross, Hendon"), so its middle is NW4's.
    const chosen = await search('q=Hendon%2C+Barnet&filter=women-only&distance=10')
    expect(resultNames(chosen.html)).toEqual(inHelpOrder(names('hendon-women', 'mill-hill')))
    expect(resultDistances(chosen.html)[0]).toBe('About 1.1 km (0.7 miles)')
  })

  it('a council or district name searches from its middle', async () => {
    const { status, html } = await search('q=barnet&distance=25')
    expect(status).toBe(200)
    expect(resultNames(html)).toEqual(expect.arrayContaining(names('hendon-women', 'camden-da')))
    expect(html).toContain('Distances are measured from the middle of Barnet')
  })

  it('nothing found says so and offers a wider search and one without filters', async () => {
    const { status, html } = await search('q=NW4+4BG&distance=1&filter=pregnancy')
    expect(status).toBe(200)
    expect(resultNames(html)).toEqual([])
    expect(resultsHeading(html)).toBe('No services found within 1 mile of the NW4 postcode district')
    expect(html).toContain(
      'href="/support?q=NW4+4BG&amp;filter=pregnancy&amp;distance=3">searching up to 3 miles away</a>',
    )
    expect(html).toContain('href="/support?q=NW4+4BG&amp;distance=1">searching without the filters you chose</a>')
  })

  it('what was typed is shown back escaped, never as markup', async () => {
    const { html } = await search(`q=${encodeURIComponent('<script>alert(1)</script>')}`)
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('a query longer than 100 characters is refused', async () => {
    const { status, html } = await search(`q=${'a'.repeat(101)}`)
    expect(status).toBe(400)
    expect(errorSummary(html)).toEqual(['Postcode or place must be 100 characters or fewer'])
  })
})

describe('safety and privacy', () => {
  it('a search response sets no cookie, and the page keeps a neutral title', async () => {
    const { res, html } = await search('q=NW4+4BG&filter=women-only&distance=10')
    expect(res.statusCode).toBe(200)
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.headers['cache-control']).toBe('no-store')
    expect(pageTitle(html)).toBe('Get support – WTC')
    // Control: a page with a form that posts (sign-in) does start the CSRF cookie.
    const other = await ctx.client().get('/sign-in')
    expect(other.headers['set-cookie']).toBeDefined()
  })

  it('the search is a plain GET form that works without JavaScript, with Exit this page on it', async () => {
    const { html } = await search('')
    const form = /<form method="get" action="\/support"[^>]*>([\s\S]*?)<\/form>/.exec(html)
    expect(form).not.toBeNull()
    const inside = form?.[1] ?? ''
    expect(inside).toContain('name="q"')
    expect(inside.match(/name="filter" type="checkbox"/g)?.length).toBe(8)
    expect(inside).toContain('name="distance" type="radio"')
    expect(inside).toMatch(/<button type="submit"/)
    expect(inside).not.toContain('_csrf')
    // What a browser without JavaScript sends from that form is exactly what the search reads.
    const submitted = new URLSearchParams({ q: 'NW4 4BG', distance: '1' }).toString()
    expect(resultNames((await search(submitted)).html)).toEqual(names('hendon-women'))
    expect(html).toContain('govuk-exit-this-page')
    expect(html).toMatch(/<a href="\/exit" class="govuk-skip-link app-skip-link--exit"/)
  })

  it('the page loads nothing from other sites (no map, no third-party scripts, fonts or images)', async () => {
    const { html } = await search('q=NW4+4BG')
    const sources = [...html.matchAll(/<(?:script|img|link|iframe)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(sources.length).toBeGreaterThan(0)
    expect(sources.filter((s) => s !== undefined && !s.startsWith('/'))).toEqual([])
  })
})

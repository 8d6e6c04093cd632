import { describe, expect, it } from 'vitest'
import {
  isHttpsUrl,
  parseAssumptionForm,
  parseDateInput,
  parseInsightForm,
  parsePercent,
} from '../../../src/features/needs/insight/forms.js'
import { formatDay } from '../../../src/lib/dates.js'
import { percentText } from '../../../src/features/needs/insight/presenter.js'
import { markdownToHtml } from '../../../src/features/needs/uploads/markdown.js'
import { coverageRows, importKindFor } from '../../../src/features/needs/uploads/presenter.js'

const today = new Date('2025-06-15T12:00:00Z')

describe('parseDateInput (GOV.UK date input)', () => {
  it('reads day, month and year as an ISO date', () => {
    expect(parseDateInput({ day: '4', month: '3', year: '2025' }, 'Date received', today)).toEqual({
      ok: true,
      iso: '2025-03-04',
    })
    expect(parseDateInput({ day: ' 29 ', month: '02', year: '2024' }, 'Date received', today)).toEqual({
      ok: true,
      iso: '2024-02-29', // 2024 is a leap year
    })
    expect(parseDateInput({ day: '15', month: '6', year: '2025' }, 'Date received', today)).toEqual({
      ok: true,
      iso: '2025-06-15', // today is allowed
    })
  })

  it('names the missing or wrong part with GOV.UK’s messages', () => {
    const p = (day: string, month: string, year: string) => parseDateInput({ day, month, year }, 'Date received', today)
    expect(p('', '', '')).toEqual({ ok: false, message: 'Enter the date received', part: 'day' })
    expect(p('4', '', '2025')).toEqual({ ok: false, message: 'Date received must include a month', part: 'month' })
    expect(p('', '', '2025')).toEqual({ ok: false, message: 'Date received must include a day and month', part: 'day' })
    expect(p('29', '2', '2023')).toEqual({ ok: false, message: 'Date received must be a real date', part: 'day' })
    expect(p('1', '13', '2023')).toEqual({ ok: false, message: 'Date received must be a real date', part: 'month' })
    expect(p('x', '1', '2023')).toEqual({ ok: false, message: 'Date received must be a real date', part: 'day' })
    expect(p('1', '1', '23')).toEqual({ ok: false, message: 'Year must include 4 numbers', part: 'year' })
    expect(p('16', '6', '2025')).toEqual({
      ok: false,
      message: 'Date received must be today or in the past',
      part: 'day',
    })
  })
})

describe('parsePercent', () => {
  it('turns a percentage into a proportion, exactly for tenths', () => {
    expect(parsePercent('29.5', 'x')).toEqual({ ok: true, share: 0.295 })
    expect(parsePercent(' 30 % ', 'x')).toEqual({ ok: true, share: 0.3 })
    expect(parsePercent('0.1', 'x')).toEqual({ ok: true, share: 0.001 })
    expect(parsePercent('99.9', 'x')).toEqual({ ok: true, share: 0.999 })
  })
  it('refuses 0, 100, more than one decimal place, and anything not a number', () => {
    for (const bad of ['0', '0.0', '100', '100.0', '150']) expect(parsePercent(bad, 'x').ok, bad).toBe(false)
    for (const bad of ['29.55', '1.25']) {
      expect(parsePercent(bad, 'x')).toEqual({
        ok: false,
        message: 'Female share of x must have no more than one decimal place',
      })
    }
    for (const bad of ['', 'abc', '-5', '1e1', '0x10', '30,5']) {
      expect(parsePercent(bad, 'x')).toEqual({
        ok: false,
        message: 'Enter the female share of x as a percentage, like 30 or 29.5',
      })
    }
  })
  it('percentText reads a stored share back in the form’s own format', () => {
    expect(percentText(0.295)).toBe('29.5')
    expect(percentText(0.3)).toBe('30')
    expect(percentText(0.001)).toBe('0.1')
  })
})

describe('form parsing', () => {
  it('an insight form with one cohort (a single value, not a list) is read as a list', () => {
    const form = parseInsightForm(
      {
        _csrf: 'ignored',
        organisation: ' Women’s Aid ',
        byAndFor: 'no',
        cohorts: 'domestic_abuse',
        'receivedOn-day': '1',
        'receivedOn-month': '6',
        'receivedOn-year': '2025',
        summary: 'Text',
        sourceUrl: '',
      },
      today,
    )
    expect(form).toEqual({
      ok: true,
      data: {
        organisation: 'Women’s Aid',
        byAndFor: false,
        cohorts: ['domestic_abuse'],
        receivedOn: '2025-06-01',
        summary: 'Text',
        sourceUrl: null,
      },
    })
  })

  it('isHttpsUrl accepts only https addresses with a real host and no credentials', () => {
    expect(isHttpsUrl('https://www.gov.uk/guidance')).toBe(true)
    expect(isHttpsUrl('http://www.gov.uk')).toBe(false)
    expect(isHttpsUrl('https://localhost/x')).toBe(false)
    expect(isHttpsUrl('https://user:pw@example.org/')).toBe(false)
    expect(isHttpsUrl('javascript:alert(1)')).toBe(false)
    expect(isHttpsUrl('www.example.org')).toBe(false)
  })

  it('an assumptions form with one kind filled in sets only that kind', () => {
    expect(parseAssumptionForm({ alcoholShare: '', alcoholSource: '', ocuShare: '25', ocuSource: 'Study' })).toEqual({
      ok: true,
      data: [{ kind: 'ocu', share: 0.25, source: 'Study' }],
    })
  })
})

describe('presenters', () => {
  it('formatDay writes dates the GOV.UK way', () => {
    expect(formatDay('2025-03-04')).toBe('4 March 2025')
    expect(formatDay('2024-12-31')).toBe('31 December 2024')
    expect(formatDay('not a date')).toBe('not a date')
  })

  it('importKindFor maps the prevalence choice to its import kind', () => {
    expect(importKindFor('prevalence', 'alcohol')).toBe('prevalence-alcohol')
    expect(importKindFor('prevalence', 'ocu')).toBe('prevalence-ocu')
    expect(importKindFor('ndtms-viewit', undefined)).toBe('ndtms-viewit')
  })

  it('coverageRows names each part of the coverage in words', () => {
    expect(
      coverageRows({
        periods: ['2020/21', '2021/22'],
        indicatorIds: [93517],
        councilOnly: false,
        areas: { council: 1, england: 1 },
      }),
    ).toEqual([
      { key: 'Periods', value: '2020/21, 2021/22' },
      { key: 'Indicator ids', value: '93,517' },
      { key: 'Council only', value: 'No' },
      { key: 'Areas', value: 'Council: 1; England: 1' },
    ])
    const many = coverageRows({ areas: Array.from({ length: 35 }, (_, i) => `A${String(i)}`) })
    expect(many[0]?.value.endsWith('A29 and 5 more')).toBe(true)
  })
})

describe('markdownToHtml (template documentation)', () => {
  it('renders headings, lists, tables with captions, code and bold with GOV.UK classes', () => {
    const html = markdownToHtml(
      '# Templates\n\nIntro **bold** and `code`.\n\n## Columns\n\n| column | meaning |\n|---|---|\n| `sex` | F or M |\n\n- one\n- two\n\n1. first\n2. second\n',
    )
    expect(html).toBe(
      [
        '<h2 class="govuk-heading-l">Templates</h2>',
        '<p class="govuk-body">Intro <strong>bold</strong> and <code>code</code>.</p>',
        '<h3 class="govuk-heading-m">Columns</h3>',
        '<div class="app-table-wrap"><table class="govuk-table"><caption class="govuk-visually-hidden">Columns</caption><thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">column</th><th scope="col" class="govuk-table__header">meaning</th></tr></thead><tbody class="govuk-table__body"><tr class="govuk-table__row"><td class="govuk-table__cell"><code>sex</code></td><td class="govuk-table__cell">F or M</td></tr></tbody></table></div>',
        '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>',
        '<ol class="govuk-list govuk-list--number"><li>first</li><li>second</li></ol>',
      ].join('\n'),
    )
  })

  it('escapes markup and keeps only https or same-site links', () => {
    const html = markdownToHtml(
      '<script>x</script> [ok](https://www.gov.uk) [bad](javascript:alert(1)) [local](/needs/imports) [proto](//evil.example)',
    )
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(html).toContain('<a class="govuk-link" href="https://www.gov.uk">ok</a>')
    expect(html).toContain('<a class="govuk-link" href="/needs/imports">local</a>')
    expect(html).not.toContain('href="javascript')
    expect(html).not.toContain('href="//evil.example"')
  })
})

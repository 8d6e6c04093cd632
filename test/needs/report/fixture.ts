/**
 * A hand-built AssessmentView for the report tests: two ready sections with cards, a chart, tables
 * with shown, primary-hidden, secondary-hidden, publisher-suppressed and modelled cells, a section
 * with no data, an insight section, and two sources. Every display string is what the page would
 * show; the hidden cells carry no number at all (value null), as the view-model contract says.
 */
import type { AssessmentView, Cell, ChartView } from '../../../src/features/needs/assessment/types.js'

const shown = (value: number, display: string): Cell => ({ value, display, status: 'shown' })
const textCell = (value: string): Cell => ({ value, display: value, status: 'shown' })
const hidden = (display: '<5' | '[c]', status: Cell['status']): Cell => ({ value: null, display, status })

export function chartSvg(id: string, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 240" width="100%" role="img" aria-labelledby="${id}-t ${id}-d">` +
    `<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>` +
    '<rect x="0" y="0" width="640" height="240" fill="#ffffff"/>' +
    '<rect x="160" y="40" width="300" height="30" fill="#1d70b8"/>' +
    '<text x="150" y="60" text-anchor="end" font-size="14" fill="#0b0c0c">Women</text>' +
    '<text x="470" y="60" font-size="14" fill="#0b0c0c">31.1%</text>' +
    '<rect x="160" y="100" width="200" height="30" fill="#801650"/>' +
    '<text x="150" y="120" text-anchor="end" font-size="14" fill="#0b0c0c">Men</text>' +
    '<text x="370" y="120" font-size="14" fill="#0b0c0c">20.4%</text>' +
    '</svg>'
  )
}

const accessChart: ChartView = {
  id: 'access-share-chart',
  tableId: 'access-by-substance',
  title: 'Share of people in treatment who are women',
  svg: chartSvg(
    'access-share-chart',
    'Share of people in treatment who are women',
    'Bar chart: women were 31.1% of people in treatment &amp; men 20.4% &lt;as a comparison&gt;.',
  ),
}

export function fixtureView(): AssessmentView {
  return {
    council: { code: 'E09000003', name: 'Barnet' },
    selection: { period: '2021/22', substanceGroup: 'all', ageGroup: 'all' },
    options: {
      periods: ['2019/20', '2020/21', '2021/22'],
      substanceGroups: [
        { value: 'all', label: 'All substances' },
        { value: 'alcohol_only', label: 'Alcohol only' },
      ],
      ageGroups: [
        { value: 'all', label: 'All ages (18 and over)' },
        { value: '18-29', label: '18 to 29' },
      ],
    },
    generatedAt: '2026-11-25T10:30:00.000Z',
    sections: [
      {
        id: 'access',
        title: 'Women in treatment',
        status: 'ready',
        findings: ['455 women were in treatment in 2021/22, 31.1% of everyone in treatment.'],
        cards: [
          { label: 'Women in treatment', value: '455', detail: '31.1% of all adults in treatment' },
          { label: 'Women new to treatment', value: '215', detail: 'Rounded to the nearest 5 by the publisher' },
        ],
        charts: [accessChart],
        tables: [
          {
            id: 'access-by-substance',
            caption: 'Women and men in treatment by substance, 2021/22',
            columns: [
              { key: 'substance', label: 'Substance', kind: 'text' },
              { key: 'women', label: 'Women', kind: 'count' },
              { key: 'men', label: 'Men', kind: 'count' },
              { key: 'share', label: 'Women as % of all', kind: 'percent' },
            ],
            rows: [
              {
                substance: textCell('Opiates'),
                women: shown(1465, '1,465'),
                men: shown(3240, '3,240'),
                share: shown(0.3114, '31.1%'),
              },
              {
                substance: textCell('Non-opiates only'),
                women: hidden('<5', 'primary'),
                men: shown(25, '25'),
                share: hidden('<5', 'primary'),
              },
              {
                substance: textCell('Alcohol & non-opiates'),
                women: hidden('[c]', 'secondary'),
                men: shown(60, '60'),
                share: hidden('[c]', 'secondary'),
              },
              {
                substance: textCell('Alcohol only'),
                women: hidden('[c]', 'publisher'),
                men: { value: null, display: 'n/a', status: 'not-available' },
                share: hidden('[c]', 'publisher'),
              },
            ],
            notes: ['Counts are rounded to the nearest 5 by the publisher, so parts may not add up to the total.'],
          },
        ],
        notes: ['Percentages have 95% confidence intervals by the Wilson score method.'],
        sourceIds: ['ndtms-1'],
        insights: [],
      },
      {
        id: 'unmet-need',
        title: 'Unmet need',
        status: 'ready',
        findings: ['An estimated 72.4% of dependent drinkers who are women are not in treatment.'],
        cards: [{ label: 'Women not in treatment', value: '1,020', detail: 'Range 880 to 1,190', modelled: true }],
        charts: [],
        tables: [
          {
            id: 'unmet-need-alcohol',
            caption: 'Unmet need for alcohol treatment among women, 2021/22',
            columns: [
              { key: 'measure', label: 'Measure', kind: 'text' },
              { key: 'estimate', label: 'Estimate', kind: 'number' },
            ],
            rows: [
              {
                measure: textCell('Estimated dependent drinkers (women)'),
                estimate: { value: 1409, display: '1,409', status: 'shown', modelled: true },
              },
              {
                measure: textCell('Unmet need'),
                estimate: { value: 0.724, display: '72.4%', status: 'shown', modelled: true },
              },
            ],
            notes: ['The female share of 30% is an assumption entered by the council.'],
          },
          {
            id: 'unmet-need-by-age',
            caption: 'Women in treatment and estimated need by age band, 2021/22',
            columns: [
              { key: 'age', label: 'Age band', kind: 'text' },
              ...['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((key, i) => ({
                key,
                label: `Measure ${String(i + 1)}`,
                kind: 'count' as const,
              })),
            ],
            rows: [
              {
                age: textCell('18 to 29'),
                c1: shown(100, '100'),
                c2: shown(65, '65'),
                c3: hidden('<5', 'primary'),
                c4: shown(15, '15'),
                c5: hidden('[c]', 'secondary'),
                c6: shown(0, '0'),
                c7: shown(2010, '2,010'),
              },
            ],
            notes: [],
          },
        ],
        notes: [],
        sourceIds: ['prev-1', 'ndtms-1'],
        insights: [],
      },
      {
        id: 'referrals',
        title: 'Referral routes',
        status: 'no-data',
        noDataMessage: 'Import an NDTMS ViewIt export to see how women were referred.',
        findings: [],
        cards: [],
        charts: [],
        tables: [],
        notes: [],
        sourceIds: [],
        insights: [],
      },
      {
        id: 'insight',
        title: 'Local insight',
        status: 'ready',
        findings: [],
        cards: [],
        charts: [],
        tables: [],
        notes: [],
        sourceIds: [],
        insights: [
          {
            id: 'i1',
            organisation: 'Women’s Aid North London',
            byAndFor: true,
            cohorts: ['women with children'],
            receivedOn: '2026-10-01',
            summary: 'Mothers fear losing their children if they ask for help.',
            sourceUrl: null,
          },
        ],
      },
    ],
    sources: [
      {
        id: 'ndtms-1',
        citation:
          'NDTMS ViewIt adult treatment export, Barnet, 2009/10 to 2021/22 (OHID, Open Government Licence v3.0)',
        importedAt: '2026-11-20T09:00:00.000Z',
      },
      {
        id: 'prev-1',
        citation: 'Alcohol dependence prevalence estimates for upper-tier local authorities (OHID)',
        importedAt: null,
      },
    ],
  }
}

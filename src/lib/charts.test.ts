import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import {
  BAR_LAYOUT,
  CHART_COLOURS,
  LINE_LAYOUT,
  barChart,
  escapeXml,
  lineChart,
  wrapLabel,
  type BarSeries,
} from './charts.js'

// ---------- a small strict XML reader, enough to check structure ----------
interface XNode {
  name: string
  attrs: Record<string, string>
  children: XNode[]
  text: string // decoded text directly inside this element
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
const decode = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITY[e] ?? '')

function parseXml(xml: string): XNode {
  const token = /<\/([A-Za-z][\w:-]*)\s*>|<([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y
  const root: XNode = { name: '#root', attrs: {}, children: [], text: '' }
  const stack: XNode[] = [root]
  let pos = 0
  while (pos < xml.length) {
    token.lastIndex = pos
    const m = token.exec(xml)
    if (!m) throw new Error(`Not well formed at ${pos}: ${xml.slice(pos, pos + 40)}`)
    pos = token.lastIndex
    const top = stack[stack.length - 1]!
    if (m[1] !== undefined) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`)
      stack.pop()
    } else if (m[2] !== undefined) {
      const attrs: Record<string, string> = {}
      for (const a of (m[3] ?? '').matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
        if (Object.hasOwn(attrs, a[1]!)) throw new Error(`Attribute ${a[1]} given twice`)
        if (/&(?!amp;|lt;|gt;|quot;|#39;)/.test(a[2]!)) throw new Error(`Unescaped & in ${a[2]}`)
        attrs[a[1]!] = decode(a[2]!)
      }
      const node: XNode = { name: m[2], attrs, children: [], text: '' }
      top.children.push(node)
      if (m[4] !== '/') stack.push(node)
    } else {
      const raw = m[5] ?? ''
      if (/&(?!amp;|lt;|gt;|quot;|#39;)/.test(raw) || raw.includes('>')) throw new Error(`Unescaped text: ${raw}`)
      top.text += decode(raw)
    }
  }
  if (stack.length !== 1) throw new Error(`Unclosed <${stack[stack.length - 1]?.name ?? ''}>`)
  if (root.children.length !== 1) throw new Error('Expected one root element')
  return root.children[0]!
}

function all(node: XNode, pred: (n: XNode) => boolean): XNode[] {
  const out: XNode[] = []
  const walk = (n: XNode): void => {
    if (pred(n)) out.push(n)
    n.children.forEach(walk)
  }
  walk(node)
  return out
}
const byClass = (node: XNode, cls: string): XNode[] => all(node, (n) => n.attrs.class === cls)
const texts = (node: XNode): string[] => all(node, (n) => n.name === 'text').map((n) => n.text)
const num = (n: XNode, attr: string): number => Number(n.attrs[attr])

function checkSafeAndAccessible(svg: string, id: string): XNode {
  expect(svg).not.toMatch(/<script/i)
  expect(svg).not.toMatch(/<style/i)
  expect(svg).not.toMatch(/\sstyle=/i)
  expect(svg).not.toMatch(/\son[a-z]+=/i) // no event handlers
  const root = parseXml(svg)
  expect(root.name).toBe('svg')
  expect(root.attrs.role).toBe('img')
  expect(root.attrs.width).toBe('100%')
  expect(root.attrs.viewBox).toMatch(/^0 0 \d+ [\d.]+$/)
  expect(root.attrs['aria-labelledby']).toBe(`${id}-title ${id}-desc`)
  expect(root.children[0]).toMatchObject({ name: 'title', attrs: { id: `${id}-title` } })
  expect(root.children[1]).toMatchObject({ name: 'desc', attrs: { id: `${id}-desc` } })
  // An independent SVG parser (the one the reports use) accepts it too.
  expect(new Resvg(svg, { fitTo: { mode: 'width', value: 320 } }).render().width).toBe(320)
  return root
}

const women: BarSeries = {
  name: 'Women',
  data: [
    { value: 0.25, lower: 0.2, upper: 0.3, display: '25.0%' },
    { value: null, display: '<5' },
    { value: 0.5, display: '50.0%' },
  ],
}

// Bar chart plot area, by hand from BAR_LAYOUT: left = marginLeft = 8,
// right = width - marginRight - labelSpace = 480 - 8 - 130 = 342, so 334 units wide.
describe('barChart', () => {
  it('is well formed, accessible and CSP-safe', () => {
    const svg = barChart({
      id: 'access',
      title: 'Women in treatment by substance',
      description: 'Bar chart of the share of women in treatment by substance.',
      categories: ['Opiate', 'Alcohol only', 'Non-opiate only'],
      series: [women],
      valueFormat: 'percent',
      maxValue: 1,
    })
    const root = checkSafeAndAccessible(svg, 'access')
    expect(root.children[0]?.text).toBe('Women in treatment by substance')
    expect(root.children[1]?.text).toBe('Bar chart of the share of women in treatment by substance.')
  })

  it('draws one bar per shown value and none for a hidden one, whose label is still shown', () => {
    const svg = barChart({
      id: 'c',
      title: 't',
      description: 'd',
      categories: ['Opiate', 'Alcohol only', 'Non-opiate only'],
      series: [women],
      valueFormat: 'percent',
      maxValue: 1,
    })
    const root = parseXml(svg)
    const groups = byClass(root, 'wtc-chart__category-group')
    expect(groups).toHaveLength(3)
    expect(byClass(groups[0]!, 'wtc-chart__bar')).toHaveLength(1)
    expect(byClass(groups[1]!, 'wtc-chart__bar')).toHaveLength(0)
    expect(byClass(groups[2]!, 'wtc-chart__bar')).toHaveLength(1)
    expect(byClass(groups[1]!, 'wtc-chart__value').map((n) => n.text)).toEqual(['<5'])
    expect(svg).toContain('&lt;5')
    expect(texts(groups[0]!)).toEqual(['Opiate', '25.0%'])
  })

  it('makes bar length proportional to the value (scale worked by hand)', () => {
    // maxValue 1: x(v) = 8 + 334 v, so 0.25 -> width 83.5 and 0.5 -> width 167, both starting at x = 8
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a', 'b', 'c'],
        series: [women],
        valueFormat: 'percent',
        maxValue: 1,
      }),
    )
    const bars = byClass(root, 'wtc-chart__bar')
    expect(bars.map((b) => num(b, 'x'))).toEqual([8, 8])
    expect(bars.map((b) => num(b, 'width'))).toEqual([83.5, 167])
    expect(bars.map((b) => num(b, 'height'))).toEqual([BAR_LAYOUT.barHeight, BAR_LAYOUT.barHeight])
  })

  it('rounds the scale up to a nice maximum when none is given', () => {
    // largest value or upper bound 0.55 -> d3 nice with 4 ticks: step 0.1 (0.55/4 = 0.1375 is
    // nearer 0.1 than 0.2), so the domain becomes 0 to 0.6 and x(v) = 8 + 334 v / 0.6.
    // 0.3 -> 334 * 0.5 = 167; ticks every 0.2: 0%, 20%, 40%, 60%.
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a'],
        series: [{ name: 'Women', data: [{ value: 0.3, lower: 0.25, upper: 0.55, display: '30.0%' }] }],
        valueFormat: 'percent',
      }),
    )
    expect(num(byClass(root, 'wtc-chart__bar')[0]!, 'width')).toBe(167)
    const axis = byClass(root, 'wtc-chart__axis')[0]!
    expect(texts(axis)).toEqual(['0%', '20%', '40%', '60%'])
  })

  it('draws a whisker from lower to upper when both are given (positions by hand)', () => {
    // maxValue 1: lower 0.2 -> 8 + 66.8 = 74.8; upper 0.3 -> 8 + 100.2 = 108.2
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a', 'b', 'c'],
        series: [women],
        valueFormat: 'percent',
        maxValue: 1,
      }),
    )
    const whiskers = byClass(root, 'wtc-chart__whisker')
    expect(whiskers).toHaveLength(1) // only the first datum has both bounds
    const [stem, capLow, capHigh] = whiskers[0]!.children
    expect([num(stem!, 'x1'), num(stem!, 'x2')]).toEqual([74.8, 108.2])
    expect(num(capLow!, 'x1')).toBe(74.8)
    expect(num(capHigh!, 'x1')).toBe(108.2)
    // the label starts right of the whisker end: 108.2 + 6
    expect(num(byClass(root, 'wtc-chart__value')[0]!, 'x')).toBeCloseTo(114.2, 6)
  })

  it('escapes all text, so a <script> in a category name stays text', () => {
    const evil = '<script>alert("x")</script> & \'more\''
    const svg = barChart({
      id: 'c',
      title: `Title ${evil}`,
      description: evil,
      categories: [evil],
      series: [{ name: evil, data: [{ value: 10, display: evil }] }],
      valueFormat: 'count',
    })
    expect(svg).not.toContain('<script')
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;')
    const root = checkSafeAndAccessible(svg, 'c')
    const group = byClass(root, 'wtc-chart__category-group')[0]!
    expect(group.children[0]?.name).toBe('title')
    expect(group.children[0]?.text).toBe(`${evil}: ${evil}`)
  })

  it('makes an id safe for the id attribute and aria-labelledby', () => {
    const svg = barChart({
      id: '1 bad "id"',
      title: 't',
      description: 'd',
      categories: ['a'],
      series: [women],
      valueFormat: 'percent',
    })
    checkSafeAndAccessible(svg, 'chart-1-bad--id-')
  })

  it('tells series apart by legend and by the name in each label, not colour alone', () => {
    const men: BarSeries = {
      name: 'Men',
      data: [
        { value: 0.4, display: '40.0%' },
        { value: 0.1, display: '10.0%' },
        { value: null, display: '[c]' },
      ],
    }
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a', 'b', 'c'],
        series: [women, men],
        valueFormat: 'percent',
        maxValue: 1,
      }),
    )
    const legend = byClass(root, 'wtc-chart__legend')[0]!
    expect(texts(legend)).toEqual(['Women', 'Men'])
    const swatches = byClass(legend, 'wtc-chart__swatch').map((n) => n.attrs.fill)
    expect(new Set(swatches).size).toBe(2)
    expect(byClass(root, 'wtc-chart__value').map((n) => n.text)).toEqual([
      'Women: 25.0%',
      'Men: 40.0%',
      'Women: <5',
      'Men: 10.0%',
      'Women: 50.0%',
      'Men: [c]',
    ])
    // bars: women 0.25, men 0.4, men 0.1, women 0.5 = 4 shown values
    const bars = byClass(root, 'wtc-chart__bar')
    expect(bars.map((b) => b.attrs.fill)).toEqual([swatches[0], swatches[1], swatches[1], swatches[0]])
    expect(byClass(root, 'wtc-chart__category-group')[1]!.children[0]!.text).toBe('b: Women: <5, Men: 10.0%')
  })

  it('wraps a long category name, ending with an ellipsis, and keeps the full name in the group title', () => {
    const long =
      'Self, family and friends referrals including those from friends, relatives, neighbours and anyone else at all'
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: [long],
        series: [{ name: 'Women', data: [{ value: 120, display: '120' }] }],
        valueFormat: 'count',
      }),
    )
    const lines = byClass(root, 'wtc-chart__category').map((n) => n.text)
    expect(lines).toHaveLength(BAR_LAYOUT.maxLabelLines)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(BAR_LAYOUT.maxCharsPerLine)
    expect(lines[0]).toBe('Self, family and friends referrals including')
    expect(lines[1]?.endsWith('…')).toBe(true)
    expect(byClass(root, 'wtc-chart__category-group')[0]!.children[0]!.text).toBe(`${long}: 120`)
  })

  it('puts a label that does not fit beside its bar on its own line, inside the view box', () => {
    const display = '1,234 (1,100 to 1,400) rounded to the nearest 5'
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a'],
        series: [{ name: 'Women', data: [{ value: 1234, display }] }],
        valueFormat: 'count',
        maxValue: 1234,
      }),
    )
    const bar = byClass(root, 'wtc-chart__bar')[0]!
    const label = byClass(root, 'wtc-chart__value')[0]!
    expect(label.text).toBe(display)
    expect(num(label, 'x')).toBe(BAR_LAYOUT.marginLeft)
    expect(num(label, 'y')).toBeGreaterThan(num(bar, 'y') + num(bar, 'height'))
  })

  it('labels a count axis with en-GB grouping', () => {
    // 0 to 2,000 in 4 ticks: step 500
    const root = parseXml(
      barChart({
        id: 'c',
        title: 't',
        description: 'd',
        categories: ['a'],
        series: [{ name: 'Women', data: [{ value: 1465, display: '1,465' }] }],
        valueFormat: 'count',
        maxValue: 2000,
      }),
    )
    expect(texts(byClass(root, 'wtc-chart__axis')[0]!)).toEqual(['0', '500', '1,000', '1,500', '2,000'])
  })

  it('gives the same output for the same input', () => {
    const opts = {
      id: 'c',
      title: 't',
      description: 'd',
      categories: ['a', 'b', 'c'],
      series: [women],
      valueFormat: 'percent' as const,
    }
    expect(barChart(opts)).toBe(barChart(opts))
  })
})

describe('colours', () => {
  // WCAG 2.2 relative luminance and contrast ratio, computed here independently.
  const channel = (c: number): number => {
    const s = c / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  const luminance = (hex: string): number => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
    return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!)
  }
  it.each(CHART_COLOURS.map((c) => [c]))('%s has at least 3:1 contrast with white', (colour) => {
    expect((1 + 0.05) / (luminance(colour) + 0.05)).toBeGreaterThanOrEqual(3)
  })
})

describe('wrapLabel and escapeXml', () => {
  it('keeps short labels whole and breaks long ones at spaces', () => {
    expect(wrapLabel('Alcohol only', 20, 2)).toEqual(['Alcohol only'])
    expect(wrapLabel('one two three four', 9, 2)).toEqual(['one two', 'three…'])
    expect(wrapLabel('one two three', 9, 2)).toEqual(['one two', 'three'])
    expect(wrapLabel('abcdefghijkl', 5, 3)).toEqual(['abcde', 'fghij', 'kl'])
    expect(wrapLabel('abcdefghijklmnop', 5, 2)).toEqual(['abcde', 'fghi…'])
    expect(wrapLabel('', 5, 2)).toEqual([''])
  })

  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;')
  })
})

describe('lineChart', () => {
  const series = [
    {
      name: 'Women',
      points: [
        { x: '2019/20', value: 0.1, lower: 0.08, upper: 0.12 },
        { x: '2020/21', value: 0.2, lower: 0.17, upper: 0.23 },
        { x: '2021/22', value: 0.4, lower: 0.35, upper: 0.45 },
      ],
    },
  ]

  it('is well formed, accessible and CSP-safe', () => {
    const svg = lineChart({
      id: 'trend',
      title: 'Trend <b>',
      description: 'Line chart',
      series,
      valueFormat: 'percent',
    })
    const root = checkSafeAndAccessible(svg, 'trend')
    expect(root.children[0]?.text).toBe('Trend <b>')
  })

  it('places points by hand-worked scales', () => {
    // y: values and upper bounds up to 0.45 -> nice(5) step 0.1 -> domain 0 to 0.5.
    // plot top = top 8 + no legend + 8 = 16; bottom = 300 - 32 = 268; so y(v) = 268 - 252 v / 0.5.
    // y(0.2) = 268 - 100.8 = 167.2; y(0.4) = 268 - 201.6 = 66.4; y(0.1) = 268 - 50.4 = 217.6
    // x: 3 points over 52..464 with outer padding 0.4: step = 412 / (3 - 1 + 0.8) = 147.142857,
    // first x = 52 + 0.4 * 147.142857 = 110.857143, then 258, 405.142857
    const root = parseXml(lineChart({ id: 'c', title: 't', description: 'd', series, valueFormat: 'percent' }))
    const points = byClass(root, 'wtc-chart__point')
    expect(points.map((p) => num(p, 'cx'))).toEqual([110.86, 258, 405.14])
    expect(points.map((p) => num(p, 'cy'))).toEqual([217.6, 167.2, 66.4])
    expect(points[1]!.children[0]!.text).toBe('Women, 2020/21: 20%')
    expect(LINE_LAYOUT.height).toBe(300)
    const axisTexts = texts(byClass(root, 'wtc-chart__axis')[0]!)
    expect(axisTexts).toEqual(['0%', '10%', '20%', '30%', '40%', '50%', '2019/20', '2020/21', '2021/22'])
  })

  it('draws a band for the interval and leaves a gap where a value is hidden', () => {
    const gappy = [
      {
        name: 'Women',
        points: [
          { x: '2018/19', value: 0.1, lower: 0.08, upper: 0.12 },
          { x: '2019/20', value: 0.2, lower: 0.17, upper: 0.23 },
          { x: '2020/21', value: null },
          { x: '2021/22', value: 0.3, lower: 0.25, upper: 0.35 },
          { x: '2022/23', value: 0.25, lower: 0.2, upper: 0.3 },
        ],
      },
    ]
    const root = parseXml(lineChart({ id: 'c', title: 't', description: 'd', series: gappy, valueFormat: 'percent' }))
    const line = byClass(root, 'wtc-chart__line')[0]!
    expect(line.attrs.d?.match(/M/g)).toHaveLength(2) // two separate runs
    expect(byClass(root, 'wtc-chart__band')[0]!.attrs.d?.match(/M/g)).toHaveLength(2)
    expect(byClass(root, 'wtc-chart__point')).toHaveLength(4)
    expect(texts(byClass(root, 'wtc-chart__axis')[0]!)).toContain('2020/21')
  })

  it('tells series apart by legend and dash pattern, and formats counts en-GB', () => {
    const two = [
      {
        name: 'Women',
        points: [
          { x: '2021/22', value: 1200 },
          { x: '2022/23', value: 1465 },
        ],
      },
      {
        name: 'Men',
        points: [
          { x: '2021/22', value: 2500 },
          { x: '2022/23', value: 2600 },
        ],
      },
    ]
    const root = parseXml(lineChart({ id: 'c', title: 't', description: 'd', series: two, valueFormat: 'count' }))
    expect(texts(byClass(root, 'wtc-chart__legend')[0]!)).toEqual(['Women', 'Men'])
    const lines = byClass(root, 'wtc-chart__line')
    expect(lines[0]!.attrs['stroke-dasharray']).toBeUndefined()
    expect(lines[1]!.attrs['stroke-dasharray']).toBe('8 4')
    expect(lines[0]!.attrs.stroke).not.toBe(lines[1]!.attrs.stroke)
    // 0 to 2,600 with 5 ticks: step 500, nice domain 0 to 3,000
    expect(texts(byClass(root, 'wtc-chart__axis')[0]!)).toContain('3,000')
    expect(byClass(root, 'wtc-chart__point')[1]!.children[0]!.text).toBe('Women, 2022/23: 1,465')
    expect(byClass(root, 'wtc-chart__band')).toHaveLength(0)
  })

  it('shows only some x labels on a long series, always the latest', () => {
    // 10 periods, at most 6 labels: every ceil(10/6) = 2nd, counted back from the last
    const points = Array.from({ length: 10 }, (_, i) => ({ x: `${2013 + i}`, value: 0.1 }))
    const root = parseXml(
      lineChart({ id: 'c', title: 't', description: 'd', series: [{ name: 'W', points }], valueFormat: 'percent' }),
    )
    const labels = texts(byClass(root, 'wtc-chart__axis')[0]!).filter((t) => /^\d{4}$/.test(t))
    expect(labels).toEqual(['2014', '2016', '2018', '2020', '2022'])
  })
})

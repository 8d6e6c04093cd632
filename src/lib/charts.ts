/**
 * Server-rendered SVG charts (pure: same input, same string). Accessible and CSP-safe:
 * - role="img" with a <title> and <desc> named by aria-labelledby; the data are also always in a
 *   table on the page, so the chart itself is a picture of that table.
 * - no <script>, no <style>, no style attributes: presentation attributes only.
 * - all text escaped.
 * - colours have at least 3:1 contrast with white, and series are also told apart by the legend,
 *   the text label on each bar (bar chart) and the dash pattern of each line (line chart).
 * - a viewBox with width="100%" so the chart scales to the column; the sizes are chosen to stay
 *   readable down to 320px wide (give the chart a max-width in CSS, class "wtc-chart").
 * Hidden values (display '<5', '[c]', '[x]') draw no bar and no point, but their label is shown.
 */
import { scaleLinear, scalePoint } from 'd3-scale'
import { area, line } from 'd3-shape'
import { percentFormatter } from './suppression.js'

export interface BarDatum {
  value: number | null
  lower?: number | null
  upper?: number | null
  display: string
}

export interface BarSeries {
  name: string
  data: BarDatum[]
} // data[i] belongs to categories[i]

export interface LinePoint {
  x: string
  value: number | null
  lower?: number | null
  upper?: number | null
}

/** Analysis Function palette colours with at least 3:1 contrast on white, in series order. */
export const CHART_COLOURS: readonly string[] = ['#12436d', '#801650', '#3d3d3d', '#6b4fa0', '#0f7a52']
/** Dash patterns for line series, in series order ('' is solid). */
export const LINE_DASHES: readonly string[] = ['', '8 4', '2 3', '12 4 2 4', '4 4']
export const TEXT_COLOUR = '#0b0c0c'
const GRID_COLOUR = '#b1b4b6'

/** Layout of the bar chart in viewBox units; exported so that tests can work positions out by hand. */
export const BAR_LAYOUT = {
  width: 480,
  marginLeft: 8,
  marginRight: 8,
  /** Room kept right of the longest bar for its text label. */
  labelSpace: 130,
  top: 8,
  legendLine: 24,
  categoryLine: 20,
  maxLabelLines: 2,
  maxCharsPerLine: 48,
  barHeight: 22,
  barGap: 4,
  categoryGap: 14,
  axisHeight: 28,
  fontSize: 16,
  axisFontSize: 13,
} as const

export const LINE_LAYOUT = {
  width: 480,
  height: 300,
  marginLeft: 52,
  marginRight: 16,
  top: 8,
  legendLine: 22,
  bottom: 32,
  fontSize: 16,
  maxXLabels: 6,
  axisFontSize: 13,
} as const

const FONT_FAMILY = 'arial, sans-serif'

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** An id safe in an id attribute and in the space-separated aria-labelledby list. */
function safeId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, '-')
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `chart-${cleaned}`
}

/** Rounds a coordinate to 2 decimals so that output is tidy and stable. */
function r2(value: number): string {
  const rounded = Math.round(value * 100) / 100
  return String(Object.is(rounded, -0) ? 0 : rounded)
}

const countFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 })
const percentUpTo1 = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 })

function formatTick(value: number, valueFormat: 'percent' | 'count', step: number): string {
  if (valueFormat === 'count') return countFormat.format(value)
  // Enough decimals to tell the ticks apart (step 0.05 -> 0 decimals, 0.005 -> 1).
  const decimals = Math.max(0, Math.min(2, Math.ceil(-Math.log10(step * 100) + 1e-9)))
  return percentFormatter(decimals).format(value)
}

/**
 * Splits a label into at most maxLines lines of at most maxChars characters, breaking at spaces
 * where possible; text that does not fit ends with an ellipsis.
 */
export function wrapLabel(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean)
  const lines: string[] = []
  let current = ''
  let truncated = false
  for (const original of words) {
    let word = original
    while (word.length > maxChars) {
      // A word longer than a line: break it.
      if (current) {
        lines.push(current)
        current = ''
      }
      lines.push(word.slice(0, maxChars))
      word = word.slice(maxChars)
    }
    const candidate = current ? `${current} ${word}` : word
    if (candidate.length <= maxChars) {
      current = candidate
    } else {
      lines.push(current)
      current = word
    }
    if (lines.length >= maxLines) {
      truncated = true
      break
    }
  }
  if (!truncated && current) lines.push(current)
  if (lines.length > maxLines || truncated) {
    const kept = lines.slice(0, maxLines)
    const last = kept[maxLines - 1] ?? ''
    kept[maxLines - 1] = `${last.length >= maxChars ? last.slice(0, maxChars - 1).trimEnd() : last}…`
    return kept
  }
  return lines.length > 0 ? lines : ['']
}

function svgOpen(
  id: string,
  width: number,
  height: number,
  title: string,
  description: string,
  fontSize: number,
): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="wtc-chart" id="${id}" viewBox="0 0 ${width} ${r2(height)}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `font-family="${FONT_FAMILY}" font-size="${fontSize}" fill="${TEXT_COLOUR}">` +
    `<title id="${id}-title">${escapeXml(title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`
  )
}

function legend(names: string[], top: number, left: number, kind: 'bar' | 'line'): { svg: string; height: number } {
  if (names.length < 2) return { svg: '', height: 0 }
  const parts = names.map((name, i) => {
    const y = top + i * BAR_LAYOUT.legendLine
    const colour = CHART_COLOURS[i % CHART_COLOURS.length] ?? TEXT_COLOUR
    const key =
      kind === 'bar'
        ? `<rect class="wtc-chart__swatch" x="${left}" y="${y + 4}" width="16" height="16" fill="${colour}"/>`
        : `<line x1="${left}" y1="${y + 12}" x2="${left + 28}" y2="${y + 12}" stroke="${colour}" stroke-width="3"` +
          `${dashAttr(i)}/>`
    const textX = left + (kind === 'bar' ? 22 : 34)
    return `${key}<text x="${textX}" y="${y + 18}">${escapeXml(name)}</text>`
  })
  return {
    svg: `<g class="wtc-chart__legend">${parts.join('')}</g>`,
    height: names.length * BAR_LAYOUT.legendLine + 6,
  }
}

function dashAttr(seriesIndex: number): string {
  const dash = LINE_DASHES[seriesIndex % LINE_DASHES.length] ?? ''
  return dash ? ` stroke-dasharray="${dash}"` : ''
}

/** A generous estimate of the width of text in Arial (average glyph about 0.55 em). */
function estimateTextWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.58
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * Horizontal grouped bars: each category's name on its own line(s) above its bars, one bar per
 * series, a whisker for the interval when lower and upper are given, and the display text beside
 * each bar. A hidden value (value null) has no bar, only its display text.
 */
export function barChart(opts: {
  id: string
  title: string
  description: string
  categories: string[]
  series: BarSeries[]
  valueFormat: 'percent' | 'count'
  maxValue?: number
}): string {
  const L = BAR_LAYOUT
  const id = safeId(opts.id)
  const multi = opts.series.length > 1
  const values: number[] = []
  for (const s of opts.series) {
    for (const d of s.data) {
      if (isNum(d.value)) values.push(d.value)
      if (isNum(d.value) && isNum(d.upper)) values.push(d.upper)
    }
  }
  const plotLeft = L.marginLeft
  const plotRight = L.width - L.marginRight - L.labelSpace
  let x = scaleLinear()
    .domain([0, isNum(opts.maxValue) && opts.maxValue > 0 ? opts.maxValue : Math.max(0, ...values) || 1])
    .range([plotLeft, plotRight])
    .clamp(true)
  if (!(isNum(opts.maxValue) && opts.maxValue > 0)) x = x.nice(4)

  const body: string[] = []
  const leg = legend(
    opts.series.map((s) => s.name),
    L.top,
    L.marginLeft,
    'bar',
  )
  body.push(leg.svg)
  let y = L.top + leg.height
  const chartTop = y

  opts.categories.forEach((category, ci) => {
    const lines = wrapLabel(category, L.maxCharsPerLine, L.maxLabelLines)
    const group: string[] = []
    const titleParts = opts.series.map((s) => {
      const d = s.data[ci]
      return multi ? `${s.name}: ${d?.display ?? ''}` : (d?.display ?? '')
    })
    group.push(`<title>${escapeXml(`${category}: ${titleParts.join(', ')}`)}</title>`)
    lines.forEach((text, li) => {
      group.push(
        `<text class="wtc-chart__category" x="${plotLeft}" y="${r2(y + (li + 1) * L.categoryLine - 4)}" ` +
          `font-weight="bold">${escapeXml(text)}</text>`,
      )
    })
    y += lines.length * L.categoryLine + 2
    opts.series.forEach((s, si) => {
      const d = s.data[ci] ?? { value: null, display: '[x]' }
      const colour = CHART_COLOURS[si % CHART_COLOURS.length] ?? TEXT_COLOUR
      const mid = y + L.barHeight / 2
      let labelX: number = plotLeft
      if (isNum(d.value)) {
        const end = x(d.value)
        group.push(
          `<rect class="wtc-chart__bar" x="${r2(plotLeft)}" y="${r2(y)}" width="${r2(end - plotLeft)}" ` +
            `height="${L.barHeight}" fill="${colour}"/>`,
        )
        labelX = end
        if (isNum(d.lower) && isNum(d.upper)) {
          const lo = x(Math.min(d.lower, d.upper))
          const hi = x(Math.max(d.lower, d.upper))
          const capTop = r2(y + 3)
          const capBottom = r2(y + L.barHeight - 3)
          group.push(
            `<g class="wtc-chart__whisker" stroke="${TEXT_COLOUR}" stroke-width="1.5">` +
              `<line x1="${r2(lo)}" y1="${r2(mid)}" x2="${r2(hi)}" y2="${r2(mid)}"/>` +
              `<line x1="${r2(lo)}" y1="${capTop}" x2="${r2(lo)}" y2="${capBottom}"/>` +
              `<line x1="${r2(hi)}" y1="${capTop}" x2="${r2(hi)}" y2="${capBottom}"/></g>`,
          )
          labelX = Math.max(labelX, hi)
        }
      }
      const label = multi ? `${s.name}: ${d.display}` : d.display
      const textWidth = estimateTextWidth(label, L.fontSize)
      const right = L.width - L.marginRight
      if (labelX + 6 + textWidth <= right) {
        group.push(`<text class="wtc-chart__value" x="${r2(labelX + 6)}" y="${r2(mid + 6)}">${escapeXml(label)}</text>`)
      } else {
        // Too long to fit beside the bar: put it on its own line under the bar.
        y += L.barHeight
        group.push(`<text class="wtc-chart__value" x="${r2(plotLeft)}" y="${r2(y + 16)}">${escapeXml(label)}</text>`)
        y += L.categoryLine - L.barHeight
      }
      y += L.barHeight + L.barGap
    })
    body.push(`<g class="wtc-chart__category-group">${group.join('')}</g>`)
    y += L.categoryGap
  })

  // Axis: gridlines and tick labels along the bottom, baseline at 0.
  const chartBottom = y - L.categoryGap + 2
  const ticks = x.ticks(4)
  const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : 1
  const axis: string[] = [`<g class="wtc-chart__axis" font-size="${BAR_LAYOUT.axisFontSize}">`]
  for (const t of ticks) {
    const tx = r2(x(t))
    axis.push(
      `<line x1="${tx}" y1="${r2(chartTop)}" x2="${tx}" y2="${r2(chartBottom)}" stroke="${GRID_COLOUR}" stroke-width="1"/>` +
        `<text x="${tx}" y="${r2(chartBottom + 16)}" text-anchor="${t === 0 ? 'start' : 'middle'}">${escapeXml(formatTick(t, opts.valueFormat, step))}</text>`,
    )
  }
  axis.push(
    `<line x1="${r2(plotLeft)}" y1="${r2(chartTop)}" x2="${r2(plotLeft)}" y2="${r2(chartBottom)}" stroke="${TEXT_COLOUR}" stroke-width="1"/>`,
  )
  axis.push('</g>')
  const height = chartBottom + L.axisHeight
  // Gridlines first so that bars draw over them.
  return `${svgOpen(id, L.width, height, opts.title, opts.description, L.fontSize)}${axis.join('')}${body.join('')}</svg>`
}

/**
 * A line per series across the x values (time periods, in order of first appearance), with a
 * shaded band for the interval where lower and upper are given. A null value leaves a gap.
 */
export function lineChart(opts: {
  id: string
  title: string
  description: string
  series: { name: string; points: LinePoint[] }[]
  valueFormat: 'percent' | 'count'
}): string {
  const L = LINE_LAYOUT
  const id = safeId(opts.id)
  const xs: string[] = []
  const values: number[] = []
  for (const s of opts.series) {
    for (const p of s.points) {
      if (!xs.includes(p.x)) xs.push(p.x)
      if (isNum(p.value)) values.push(p.value)
      if (isNum(p.upper) && isNum(p.lower)) values.push(p.upper)
    }
  }
  const leg = legend(
    opts.series.map((s) => s.name),
    L.top,
    L.marginLeft,
    'line',
  )
  const plotTop = L.top + leg.height + 8
  const plotBottom = L.height - L.bottom
  const x = scalePoint()
    .domain(xs)
    .range([L.marginLeft, L.width - L.marginRight])
    .padding(0.4)
  const y = scaleLinear()
    .domain([0, Math.max(0, ...values) || 1])
    .range([plotBottom, plotTop])
    .nice(5)
  const ticks = y.ticks(5)
  const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : 1
  const out: string[] = [svgOpen(id, L.width, L.height, opts.title, opts.description, L.fontSize), leg.svg]

  const axis: string[] = [`<g class="wtc-chart__axis" font-size="${LINE_LAYOUT.axisFontSize}">`]
  for (const t of ticks) {
    const ty = r2(y(t))
    axis.push(
      `<line x1="${L.marginLeft}" y1="${ty}" x2="${L.width - L.marginRight}" y2="${ty}" stroke="${GRID_COLOUR}" stroke-width="1"/>` +
        `<text x="${L.marginLeft - 6}" y="${r2(y(t) + 4)}" text-anchor="end">${escapeXml(formatTick(t, opts.valueFormat, step))}</text>`,
    )
  }
  const every = Math.max(1, Math.ceil(xs.length / L.maxXLabels))
  xs.forEach((label, i) => {
    // Thin the labels on long series, always keeping the latest.
    if ((xs.length - 1 - i) % every !== 0) return
    axis.push(`<text x="${r2(x(label) ?? 0)}" y="${plotBottom + 20}" text-anchor="middle">${escapeXml(label)}</text>`)
  })
  axis.push(
    `<line x1="${L.marginLeft}" y1="${plotBottom}" x2="${L.width - L.marginRight}" y2="${plotBottom}" stroke="${TEXT_COLOUR}" stroke-width="1"/>`,
  )
  axis.push('</g>')
  out.push(axis.join(''))

  opts.series.forEach((s, si) => {
    const colour = CHART_COLOURS[si % CHART_COLOURS.length] ?? TEXT_COLOUR
    const points = s.points.filter((p) => x(p.x) !== undefined)
    const px = (p: LinePoint): number => x(p.x) ?? 0
    const band = area<LinePoint>()
      .defined((p) => isNum(p.value) && isNum(p.lower) && isNum(p.upper))
      .x(px)
      .y0((p) => y(p.lower ?? 0))
      .y1((p) => y(p.upper ?? 0))
      .digits(2)(points)
    const path = line<LinePoint>()
      .defined((p) => isNum(p.value))
      .x(px)
      .y((p) => y(p.value ?? 0))
      .digits(2)(points)
    const parts: string[] = [`<g class="wtc-chart__series">`, `<title>${escapeXml(s.name)}</title>`]
    if (band)
      parts.push(`<path class="wtc-chart__band" d="${band}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`)
    if (path) {
      parts.push(
        `<path class="wtc-chart__line" d="${path}" fill="none" stroke="${colour}" stroke-width="2.5"${dashAttr(si)}/>`,
      )
    }
    for (const p of points) {
      if (!isNum(p.value)) continue
      const shown = opts.valueFormat === 'percent' ? percentUpTo1.format(p.value) : countFormat.format(p.value)
      parts.push(
        `<circle class="wtc-chart__point" cx="${r2(px(p))}" cy="${r2(y(p.value))}" r="4" fill="${colour}">` +
          `<title>${escapeXml(`${s.name}, ${p.x}: ${shown}`)}</title></circle>`,
      )
    }
    parts.push('</g>')
    out.push(parts.join(''))
  })
  out.push('</svg>')
  return out.join('')
}

/**
 * The needs assessment as a Word document, built from the same AssessmentView as the page, the CSV
 * and the JSON: every figure in it is a `display` string the view model already passed through the
 * small-number rules, so a hidden count reads '<5' or '[c]' here as it does on the page.
 *
 * Structure, as a board reads it (issue 11): a title page with the period and a table of contents
 * (a real TOC field that Word refreshes on opening); an executive summary; the key findings; the
 * recommendations (the priorities the council recorded, or a line saying none are recorded yet);
 * one chapter per section (findings, headline figures, charts as images with alt text, tables with
 * a repeating header row, the table's own notes); then the method, the notes on reading the
 * figures (once, not after every table) and every source. No instructions about the application's
 * pages or buttons: the text is for a reader of the document.
 */
import { Resvg } from '@resvg/resvg-js'
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  type IRunOptions,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type {
  AssessmentView,
  Cell,
  ChartView,
  Column,
  HeadlineCard,
  InsightRef,
  SectionView,
  TableView,
} from '../assessment/types.js'
import { cohortLabel } from '../../../platform/cohorts.js'
import { COMMON_NOTES, isOwnNote } from '../assessment/pages.js'

/** Width of a chart on the page, in pixels at 96 to the inch (A4 less 2.5 cm margins is about 6.3 in). */
const CHART_WIDTH_PX = 600
/** The PNG fallback is drawn at twice that width so it stays sharp when printed. */
const RASTER_WIDTH_PX = CHART_WIDTH_PX * 2
const FONT = 'Arial'
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '505A5F' } as const
const CELL_BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER }
const MODELLED_MARK = ' (modelled)'

type Block = Paragraph | Table | TableOfContents

/** Decodes the five XML entities (and numeric references) that an escaped SVG text node may hold. */
function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/** The text of the SVG's own <desc>, which the chart writes for screen readers. */
export function svgDescription(svg: string): string {
  const match = /<desc\b[^>]*>([\s\S]*?)<\/desc>/i.exec(svg)
  return match?.[1] ? unescapeXml(match[1]).replace(/\s+/g, ' ').trim() : ''
}

/** Alt text for a chart image: its title, then its description. */
export function chartAltText(chart: ChartView): string {
  const description = svgDescription(chart.svg)
  if (!description) return chart.title
  const title = chart.title.trim()
  return `${title}${/[.!?:]$/.test(title) ? '' : '.'} ${description}`
}

/** The size the SVG draws at: its viewBox, else its width and height, else a 4:3 default. */
function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? ''
  const viewBox = /\bviewBox\s*=\s*"([^"]+)"/i.exec(root)?.[1]
  if (viewBox) {
    const parts = viewBox
      .trim()
      .split(/[\s,]+/)
      .map(Number)
    const [, , width, height] = parts
    if (parts.length === 4 && width && height && width > 0 && height > 0) return { width, height }
  }
  const width = Number(/\bwidth\s*=\s*"([\d.]+)(px)?"/i.exec(root)?.[1])
  const height = Number(/\bheight\s*=\s*"([\d.]+)(px)?"/i.exec(root)?.[1])
  if (width > 0 && height > 0) return { width, height }
  return { width: 800, height: 600 }
}

/**
 * The chart's SVG with a fixed width and height in place of the page's `width="100%"`, so that Word
 * and the rasteriser both draw it at its own proportions.
 */
export function sizedSvg(svg: string): { svg: string; width: number; height: number } {
  const { width, height } = svgSize(svg)
  const sized = svg.replace(/<svg\b[^>]*>/i, (tag) => {
    const rest = tag
      .replace(/^<svg/i, '')
      .replace(/\s(width|height)\s*=\s*"[^"]*"/gi, '')
      .replace(/\/?>$/, '')
    const xmlns = /\sxmlns\s*=/.test(rest) ? '' : ' xmlns="http://www.w3.org/2000/svg"'
    return `<svg${xmlns}${rest} width="${String(width)}" height="${String(height)}">`
  })
  return { svg: sized, width, height }
}

/** Draws an SVG chart as a PNG, RASTER_WIDTH_PX wide. */
export function rasteriseSvg(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: RASTER_WIDTH_PX },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  })
  return resvg.render().asPng()
}

function formatDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  }).format(date)
}

function labelFor(options: { value: string; label: string }[], value: string): string {
  return options.find((o) => o.value === value)?.label ?? value
}

/** Ends a sentence with a full stop unless it already ends with one (or with ! ? or a closing quote after one). */
export function endSentence(value: string): string {
  const trimmed = value.trim()
  return /[.!?][’”)]?$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** The text without a final full stop, for a list joined with semicolons. */
function withoutStop(value: string): string {
  return value.trim().replace(/\.$/, '')
}

/**
 * Text from the view model as the report gives it: without the addresses of the application's
 * pages that the HTML links to ("(on the assumptions page, /needs/assumptions)").
 */
export function forReport(value: string): string {
  return value
    .replace(/\s*\([^()]*\/needs\/[a-z/-]+\)/g, '')
    .replace(/\s+([,.;:])/g, '$1')
    .trim()
}

/** 'LGBTQ+ women' stays as it is; 'Disabled women' becomes 'disabled women' inside a sentence. */
export function lowerFirst(value: string): string {
  return /^[A-Z][a-z]/.test(value) ? `${value.charAt(0).toLowerCase()}${value.slice(1)}` : value
}

/** The first sentence of a message (a no-data message's second sentence tells the council what to import). */
function firstSentence(value: string): string {
  const match = /^.*?[.!?](?=\s|$)/.exec(value.trim())
  return match ? match[0] : endSentence(value)
}

function text(value: string, opts: { bold?: boolean; italics?: boolean; small?: boolean } = {}): TextRun {
  const options: IRunOptions = {
    text: value,
    ...(opts.bold ? { bold: true } : {}),
    ...(opts.italics ? { italics: true } : {}),
    ...(opts.small ? { size: 18 } : {}),
  }
  return new TextRun(options)
}

function para(value: string, opts: { style?: string; bold?: boolean; spacingAfter?: number } = {}): Paragraph {
  return new Paragraph({
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.spacingAfter === undefined ? {} : { spacing: { after: opts.spacingAfter } }),
    children: [text(value, { bold: opts.bold === true })],
  })
}

function bullet(children: TextRun[]): Paragraph {
  return new Paragraph({ numbering: { reference: 'bullets', level: 0 }, children })
}

function heading(value: string, level: 1 | 2 | 3): Paragraph {
  const headingLevel =
    level === 1 ? HeadingLevel.HEADING_1 : level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3
  return new Paragraph({ heading: headingLevel, children: [text(value)] })
}

function caption(value: string): Paragraph {
  return new Paragraph({ style: 'Caption', keepNext: true, children: [text(value)] })
}

const numericKinds = new Set<Column['kind']>(['count', 'percent', 'ratio', 'number'])

/** Tables wider than this are set in smaller type; wider than LANDSCAPE_COLUMNS, on a landscape page. */
const SMALL_TYPE_COLUMNS = 6
const LANDSCAPE_COLUMNS = 7

/** A cell's text is its `display`, exactly; a modelled figure says so in words beside it. */
function cellRuns(cell: Cell | undefined, opts: { bold?: boolean; small?: boolean } = {}): TextRun[] {
  const runs = [text(cell?.display ?? '', opts)]
  if (cell?.modelled) runs.push(text(MODELLED_MARK, { italics: true, small: opts.small === true }))
  return runs
}

function wordCell(children: TextRun[], opts: { header: boolean; alignRight: boolean; widthPct: number }): TableCell {
  return new TableCell({
    borders: CELL_BORDERS,
    width: { size: opts.widthPct, type: WidthType.PERCENTAGE },
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...(opts.header ? { shading: { fill: 'F3F2F1', type: 'clear', color: 'auto' } } : {}),
    children: [
      new Paragraph({
        alignment: opts.alignRight ? AlignmentType.RIGHT : AlignmentType.LEFT,
        children,
      }),
    ],
  })
}

/** A view-model table as a Word table: header row repeated on every page, rows kept whole. */
function wordTable(table: TableView): Table {
  const widthPct = Math.floor(100 / Math.max(1, table.columns.length))
  const small = table.columns.length > SMALL_TYPE_COLUMNS
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: table.columns.map((column) =>
      wordCell([text(column.label, { bold: true, small })], {
        header: true,
        alignRight: numericKinds.has(column.kind),
        widthPct,
      }),
    ),
  })
  const rows = table.rows.map(
    (row) =>
      new TableRow({
        cantSplit: true,
        children: table.columns.map((column, i) =>
          wordCell(cellRuns(row[column.key], { bold: i === 0 && column.kind === 'text', small }), {
            header: false,
            alignRight: numericKinds.has(column.kind),
            widthPct,
          }),
        ),
      }),
  )
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] })
}

/** Headline figures as a three-column table: what it is, the figure, and what it means. */
function cardsTable(cards: HeadlineCard[]): Table {
  const columns = [
    { label: 'Measure', width: 35, right: false },
    { label: 'Figure', width: 20, right: true },
    { label: 'What it means', width: 45, right: false },
  ]
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: columns.map((c) =>
      wordCell([text(c.label, { bold: true })], { header: true, alignRight: c.right, widthPct: c.width }),
    ),
  })
  const rows = cards.map(
    (card) =>
      new TableRow({
        cantSplit: true,
        children: [
          wordCell([text(card.label)], { header: false, alignRight: false, widthPct: 35 }),
          wordCell(
            [text(card.value, { bold: true }), ...(card.modelled ? [text(MODELLED_MARK, { italics: true })] : [])],
            { header: false, alignRight: true, widthPct: 20 },
          ),
          wordCell([text(card.detail)], { header: false, alignRight: false, widthPct: 45 }),
        ],
      }),
  )
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] })
}

function chartImage(chart: ChartView): Paragraph {
  const { svg, width, height } = sizedSvg(chart.svg)
  const png = rasteriseSvg(svg)
  const alt = chartAltText(chart)
  return new Paragraph({
    keepNext: true,
    children: [
      new ImageRun({
        type: 'svg',
        data: Buffer.from(svg, 'utf8'),
        fallback: { type: 'png', data: png },
        transformation: { width: CHART_WIDTH_PX, height: Math.round((CHART_WIDTH_PX * height) / width) },
        altText: { name: chart.id, title: chart.title, description: alt },
      }),
    ],
  })
}

function insightParagraphs(insights: InsightRef[]): Paragraph[] {
  return insights.map((insight) => {
    const about =
      insight.cohorts.length > 0 ? `, about ${insight.cohorts.map((c) => lowerFirst(cohortLabel(c))).join(', ')}` : ''
    return bullet([
      text(
        `${insight.organisation}${insight.byAndFor ? ' (a by-and-for organisation)' : ''}, received ${formatDate(insight.receivedOn)}${about}: ` +
          endSentence(insight.summary) +
          (insight.sourceUrl ? ` Source: ${insight.sourceUrl}` : ''),
      ),
    ])
  })
}

interface Counters {
  table: number
  figure: number
}

/** Blocks to be set on landscape pages of their own (a table too wide for portrait). */
class Landscape {
  constructor(readonly blocks: Block[]) {}
}

function sectionBlocks(view: AssessmentView, section: SectionView, counters: Counters): (Block | Landscape)[] {
  const blocks: (Block | Landscape)[] = [heading(section.title, 1)]
  if (section.status === 'no-data') {
    blocks.push(para(firstSentence(forReport(section.noDataMessage ?? 'There is no data for this section yet.'))))
  }
  if (section.findings.length > 0) {
    blocks.push(heading('What the figures show', 2))
    for (const finding of section.findings) blocks.push(bullet([text(forReport(finding))]))
  }
  if (section.cards.length > 0) {
    blocks.push(heading('Headline figures', 2))
    counters.table += 1
    blocks.push(caption(`Table ${String(counters.table)}: headline figures for ${lowerFirst(section.title)}`))
    blocks.push(cardsTable(section.cards))
  }
  const tableNumbers = new Map<string, number>()
  let next = counters.table
  for (const table of section.tables) tableNumbers.set(table.id, (next += 1))
  if (section.charts.length > 0) blocks.push(heading('Charts', 2))
  for (const chart of section.charts) {
    counters.figure += 1
    blocks.push(chartImage(chart))
    const twin = tableNumbers.get(chart.tableId)
    blocks.push(
      caption(
        `Figure ${String(counters.figure)}: ${chart.title}${twin === undefined ? '' : ` (the figures are in table ${String(twin)})`}`,
      ),
    )
  }
  if (section.tables.length > 0) blocks.push(heading('Tables', 2))
  for (const table of section.tables) {
    counters.table += 1
    const tableBlocks: Block[] = [caption(`Table ${String(counters.table)}: ${table.caption}`), wordTable(table)]
    // The notes that apply to every table are said once, in "Notes on reading the figures".
    for (const note of table.notes.filter(isOwnNote)) tableBlocks.push(para(forReport(note), { style: 'Note' }))
    if (table.columns.length > LANDSCAPE_COLUMNS) blocks.push(new Landscape(tableBlocks))
    else blocks.push(...tableBlocks)
  }
  if (section.insights.length > 0) {
    blocks.push(heading('What local organisations told us', 2))
    blocks.push(...insightParagraphs(section.insights))
  }
  const notes = section.notes.filter(isOwnNote)
  if (notes.length > 0) {
    blocks.push(heading('Notes', 2))
    for (const note of notes) blocks.push(bullet([text(forReport(note))]))
  }
  const citations = section.sourceIds
    .map((id) => view.sources.find((s) => s.id === id)?.citation)
    .filter((c): c is string => c !== undefined)
  if (citations.length > 0) {
    blocks.push(
      para(`Source${citations.length === 1 ? '' : 's'}: ${citations.map(withoutStop).join('; ')}.`, { style: 'Note' }),
    )
  }
  return blocks
}

/** The sections whose first findings lead the report (the rest follow in the key findings). */
const READY = (s: SectionView) => s.status === 'ready' && s.id !== 'priorities'

function priorityRows(view: AssessmentView): Record<string, Cell>[] {
  const section = view.sections.find((s) => s.id === 'priorities')
  if (section?.status !== 'ready') return []
  const table = section.tables.find((t) => t.id === 'priorities')
  return (table?.rows ?? []).filter((r) => r.status?.display !== 'Retired')
}

function executiveSummary(view: AssessmentView): Block[] {
  const ready = view.sections.filter(READY)
  const lead = ready.flatMap((s) => s.findings.slice(0, 1)).slice(0, 3)
  const priorities = priorityRows(view).length
  const missing = view.sections.filter((s) => s.status === 'no-data' && s.id !== 'priorities')
  const sentences = [
    `This report sets out what is known about women who need drug and alcohol treatment in ${view.council.name} in ${view.selection.period}, from the data the council holds.`,
    ...lead.map((f) => endSentence(forReport(f))),
    priorities === 0
      ? 'No priorities have been recorded from this assessment yet, so the report makes no recommendations.'
      : `The council has recorded ${String(priorities)} ${priorities === 1 ? 'priority' : 'priorities'} from this assessment; ${priorities === 1 ? 'it is the recommendation' : 'they are the recommendations'} of this report.`,
    ...(missing.length > 0
      ? [
          `${String(missing.length)} ${missing.length === 1 ? 'section has' : 'sections have'} no data yet: ${missing.map((s) => lowerFirst(s.title)).join(', ')}.`,
        ]
      : []),
  ]
  return [heading('Executive summary', 1), ...sentences.map((s) => para(s))]
}

function keyFindings(view: AssessmentView): Block[] {
  const blocks: Block[] = [heading('Key findings', 1)]
  const ready = view.sections.filter(READY).filter((s) => s.findings.length > 0)
  if (ready.length === 0) {
    blocks.push(para('There are no findings yet: no section has data.'))
    return blocks
  }
  for (const section of ready) {
    blocks.push(heading(section.title, 2))
    for (const finding of section.findings.slice(0, 3)) blocks.push(bullet([text(endSentence(forReport(finding)))]))
  }
  return blocks
}

function recommendations(view: AssessmentView): Block[] {
  const blocks: Block[] = [heading('Recommendations', 1)]
  const rows = priorityRows(view)
  if (rows.length === 0) {
    blocks.push(
      para(
        'No recommendations have been recorded yet: the council has not recorded any priorities from this assessment.',
      ),
    )
    return blocks
  }
  blocks.push(para('These are the priorities the council recorded from the assessment.'))
  for (const row of rows) {
    const part = (key: string) => (row[key]?.display ?? '').trim()
    const sentences = [
      part('finding') ? endSentence(part('finding')) : '',
      part('evidence') ? `Evidence: ${endSentence(part('evidence'))}` : '',
      part('cohorts') ? `For: ${endSentence(part('cohorts').split('; ').map(lowerFirst).join('; '))}` : '',
      part('status') ? `Status: ${endSentence(lowerFirst(part('status')))}` : '',
    ].filter((x) => x !== '')
    blocks.push(
      new Paragraph({
        numbering: { reference: 'recommendations', level: 0 },
        children: [text(endSentence(part('title')), { bold: true }), text(` ${sentences.join(' ')}`)],
      }),
    )
  }
  return blocks
}

function method(view: AssessmentView): Block[] {
  return [
    heading('Method', 1),
    para(
      `This report brings together what is known about women who need drug and alcohol treatment in ${view.council.name}. ` +
        'It was produced by Women’s Treatment Commissioning from data the council imported, and it shows the same figures as the needs assessment pages.',
    ),
    bullet([
      text(
        'Counts of women in treatment, referrals, exits and safeguarding come from the National Drug Treatment Monitoring System (NDTMS).',
      ),
    ]),
    bullet([
      text(
        'Percentages have 95% confidence intervals worked out with the Wilson score method, the method the Office for Health Improvement and Disparities (OHID) uses.',
      ),
    ]),
    bullet([
      text(
        'A difference between women and men is called significant only when its 95% confidence interval does not include zero.',
      ),
    ]),
    bullet([
      text(
        'Unmet need is the share of people estimated to need treatment who are not in it. Prevalence estimates are often published for men and women together, so a figure for women may be modelled from a female share the council stated. No figure is built on a share that is only an example.',
      ),
    ]),
  ]
}

function readingNotes(): Block[] {
  const blocks: Block[] = [heading('Notes on reading the figures', 1)]
  for (const note of COMMON_NOTES) {
    blocks.push(heading(note.title, 2), para(note.text))
  }
  blocks.push(
    para(
      'A percentage built on a hidden count is hidden too. Hidden figures are never counted as zero, added up or drawn on a chart.',
    ),
    heading('Modelled figures', 2),
    para(
      'Figures marked (modelled) are estimates built on a stated assumption, such as the female share of an estimate published for all people.',
    ),
  )
  return blocks
}

function sourcesBlocks(view: AssessmentView): Block[] {
  const blocks: Block[] = [heading('Sources', 1)]
  if (view.sources.length === 0) {
    blocks.push(para('No data has been imported yet.'))
    return blocks
  }
  for (const source of view.sources) {
    blocks.push(
      new Paragraph({
        numbering: { reference: 'sources', level: 0 },
        children: [
          text(
            source.importedAt
              ? `${endSentence(source.citation)} Imported on ${formatDate(source.importedAt)}.`
              : source.citation,
          ),
        ],
      }),
    )
  }
  return blocks
}

function titlePage(view: AssessmentView): Block[] {
  const { selection, options } = view
  return [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      spacing: { before: 2400, after: 240 },
      children: [text('Women’s drug and alcohol treatment: needs assessment')],
    }),
    para(`${view.council.name} (${view.council.code})`, { style: 'Subtitle' }),
    para(`Period: ${selection.period}`, { spacingAfter: 80 }),
    para(`Substances: ${labelFor(options.substanceGroups, selection.substanceGroup)}`, { spacingAfter: 80 }),
    para(`Ages: ${labelFor(options.ageGroups, selection.ageGroup)}`, { spacingAfter: 80 }),
    para(`Produced on ${formatDate(view.generatedAt)}`, { spacingAfter: 80 }),
    new Paragraph({ children: [new PageBreak()] }),
    para('Contents', { style: 'ContentsHeading' }),
    new TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-1' }),
    new Paragraph({ children: [new PageBreak()] }),
  ]
}

/** The needs assessment as a .docx file. */
export async function renderAssessmentDocx(view: AssessmentView): Promise<Buffer> {
  const counters: Counters = { table: 0, figure: 0 }
  const body: (Block | Landscape)[] = [
    ...titlePage(view),
    ...executiveSummary(view),
    ...keyFindings(view),
    ...recommendations(view),
  ]
  // The recorded priorities are the recommendations above, so they are not repeated as a section.
  for (const section of view.sections.filter((s) => s.id !== 'priorities')) {
    body.push(...sectionBlocks(view, section, counters))
  }
  body.push(...method(view), ...readingNotes(), ...sourcesBlocks(view))

  // Word sections: portrait runs of blocks, with each wide table on landscape pages of its own.
  const parts: { landscape: boolean; blocks: Block[] }[] = [{ landscape: false, blocks: [] }]
  for (const block of body) {
    if (block instanceof Landscape) {
      // Wide tables one after another share landscape pages rather than start a page each.
      const last = parts[parts.length - 1]
      const before = parts[parts.length - 2]
      if (last?.blocks.length === 0 && before?.landscape) {
        before.blocks.push(...block.blocks)
      } else {
        parts.push({ landscape: true, blocks: block.blocks }, { landscape: false, blocks: [] })
      }
    } else {
      parts[parts.length - 1]?.blocks.push(block)
    }
  }
  const footer = () =>
    new Footer({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })],
        }),
      ],
    })

  const title = `Women’s drug and alcohol treatment needs assessment: ${view.council.name}, ${view.selection.period}`
  const doc = new Document({
    creator: 'Women’s Treatment Commissioning',
    title,
    description: `Needs assessment for ${view.council.name} (${view.council.code}), ${view.selection.period}`,
    features: { updateFields: true },
    styles: {
      default: {
        document: {
          run: { font: FONT, size: 22, language: { value: 'en-GB' } },
          paragraph: { spacing: { after: 120 } },
        },
        title: { run: { font: FONT, size: 56, bold: true, color: '0B0C0C' } },
        heading1: {
          run: { font: FONT, size: 36, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 360, after: 160 }, keepNext: true },
        },
        heading2: {
          run: { font: FONT, size: 28, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 240, after: 120 }, keepNext: true },
        },
        heading3: {
          run: { font: FONT, size: 24, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { before: 200, after: 100 }, keepNext: true },
        },
      },
      paragraphStyles: [
        {
          id: 'Subtitle',
          name: 'Subtitle',
          basedOn: 'Normal',
          next: 'Normal',
          run: { size: 32, color: '0B0C0C' },
          paragraph: { spacing: { after: 480 } },
        },
        {
          id: 'Caption',
          name: 'caption',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { bold: true, size: 22, color: '0B0C0C' },
          paragraph: { spacing: { before: 200, after: 100 } },
        },
        {
          id: 'Note',
          name: 'Note',
          basedOn: 'Normal',
          next: 'Normal',
          run: { size: 20, color: '505A5F' },
          paragraph: { spacing: { before: 60, after: 60 } },
        },
        {
          id: 'ContentsHeading',
          name: 'TOC Heading',
          basedOn: 'Normal',
          next: 'Normal',
          run: { size: 36, bold: true, color: '0B0C0C' },
          paragraph: { spacing: { after: 240 } },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: 'bullets',
          levels: [
            {
              level: 0,
              format: LevelFormat.BULLET,
              text: '•',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 360, hanging: 360 } } },
            },
          ],
        },
        {
          reference: 'recommendations',
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 480, hanging: 480 } } },
            },
          ],
        },
        {
          reference: 'sources',
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 480, hanging: 480 } } },
            },
          ],
        },
      ],
    },
    sections: parts
      .filter((part) => part.blocks.length > 0)
      .map((part) => ({
        properties: {
          page: {
            size: { orientation: part.landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
          },
        },
        footers: { default: footer() },
        children: part.blocks,
      })),
  })
  return Packer.toBuffer(doc)
}

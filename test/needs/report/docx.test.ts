/**
 * The Word report, read back as a zip: its text holds every section, caption and figure of the
 * view model exactly as the page shows them, hidden counts stay hidden, charts are images with
 * alt text, and the contents page is a real TOC field that Word refreshes on opening.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentView } from '../../../src/features/needs/assessment/types.js'
import {
  chartAltText,
  renderAssessmentDocx,
  sizedSvg,
  svgDescription,
} from '../../../src/features/needs/report/docx.js'
import { fixtureView } from './fixture.js'
import { paragraphs, readZip, runTexts, tables, xmlText } from '../../support/docx.js'

describe('renderAssessmentDocx', () => {
  let view: AssessmentView
  let files: Map<string, Buffer>
  let xml: string
  let paras: string[]
  beforeAll(async () => {
    view = fixtureView()
    const buffer = await renderAssessmentDocx(view)
    // A .docx is a zip: "PK\x03\x04" at the start.
    expect(buffer.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004')
    files = readZip(buffer)
    xml = files.get('word/document.xml')?.toString('utf8') ?? ''
    paras = paragraphs(xml)
  })

  it('is a valid package with a document, styles and content types', () => {
    for (const name of ['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/styles.xml']) {
      expect(files.has(name), name).toBe(true)
    }
    expect(xml).toMatch(/^<\?xml[^>]*\?><w:document /)
    expect(xml.endsWith('</w:document>')).toBe(true)
  })

  it('has a title page naming the council, period, selection and date', () => {
    expect(paras).toContain('Barnet (E09000003)')
    expect(paras).toContain('Period: 2021/22')
    // labels from the options, not the raw values 'all'
    expect(paras).toContain('Substances: All substances')
    expect(paras).toContain('Ages: All ages (18 and over)')
    // generatedAt 2026-11-25T10:30Z is 25 November 2026 in London
    expect(paras).toContain('Produced on 25 November 2026')
  })

  it('has a TOC field that Word updates on opening, listing the section headings', () => {
    const instructions = [...xml.matchAll(/<w:instrText[^>]*>([^<]*)<\/w:instrText>/g)].map((m) => xmlText(m[1] ?? ''))
    expect(instructions).toContain('TOC \\h \\o "1-1"')
    expect(xml).toContain('<w:docPartGallery w:val="Table of Contents"/>')
    expect(files.get('word/settings.xml')?.toString('utf8')).toContain('<w:updateFields/>')
    // every section title is a Heading 1 paragraph
    const headings = [
      ...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?<w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>).)*<\/w:p>/g),
    ].map((m) => runTexts(m[0]).join(''))
    for (const section of view.sections) expect(headings).toContain(section.title)
    expect(headings).toContain('Sources')
  })

  it('reads as a board paper: summary, key findings and recommendations, then the sections, then method, notes and sources', () => {
    const headings = [
      ...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?<w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>).)*<\/w:p>/g),
    ].map((m) => runTexts(m[0]).join(''))
    expect(headings).toEqual([
      'Executive summary',
      'Key findings',
      'Recommendations',
      'Women in treatment',
      'Unmet need',
      'Referral routes',
      'Local insight',
      'Method',
      'Notes on reading the figures',
      'Sources',
    ])
    const summary = paras.slice(paras.lastIndexOf('Executive summary') + 1, paras.lastIndexOf('Key findings'))
    expect(summary[0]).toBe(
      'This report sets out what is known about women who need drug and alcohol treatment in Barnet in 2021/22, from the data the council holds.',
    )
    // The first finding of each ready section with findings, in order.
    expect(summary).toContain('455 women were in treatment in 2021/22, 31.1% of everyone in treatment.')
    expect(summary).toContain(
      'No priorities have been recorded from this assessment yet, so the report makes no recommendations.',
    )
    expect(summary).toContain('1 section has no data yet: referral routes.')
    const recommendations = paras.slice(
      paras.lastIndexOf('Recommendations') + 1,
      paras.lastIndexOf('Women in treatment'),
    )
    expect(recommendations[0]).toBe(
      'No recommendations have been recorded yet: the council has not recorded any priorities from this assessment.',
    )
  })

  it('says the notes on reading the figures once, not after each table, and gives no instructions about the application', () => {
    const suppression = paras.filter((p) => p.includes('<5 means a count from 1 to 4'))
    expect(suppression).toHaveLength(1)
    expect(paras.filter((p) => p.startsWith('Figures marked (modelled)'))).toHaveLength(1)
    expect(paras.join('\n')).not.toMatch(/Record this as a priority|\/needs\/|\bUse “/)
  })

  it('includes every section title, finding, note and the no-data message', () => {
    for (const section of view.sections) {
      expect(paras).toContain(section.title)
      for (const finding of section.findings) expect(paras).toContain(finding)
      for (const note of section.notes) expect(paras).toContain(note)
    }
    expect(paras).toContain('Import an NDTMS ViewIt export to see how women were referred.')
    expect(paras.some((p) => p.startsWith('Women’s Aid North London (a by-and-for organisation)'))).toBe(true)
  })

  it('captions every table, numbered in order (headline figures first in each section)', () => {
    // access: headline figures = table 1, access-by-substance = table 2;
    // unmet-need: headline figures = table 3, unmet-need-alcohol = table 4.
    expect(paras).toContain('Table 1: headline figures for women in treatment')
    expect(paras).toContain('Table 2: Women and men in treatment by substance, 2021/22')
    expect(paras).toContain('Table 3: headline figures for unmet need')
    expect(paras).toContain('Table 4: Unmet need for alcohol treatment among women, 2021/22')
    expect(paras).toContain('Table 5: Women in treatment and estimated need by age band, 2021/22')
    expect(paras).toContain('Figure 1: Share of people in treatment who are women (the figures are in table 2)')
    for (const table of view.sections.flatMap((s) => s.tables)) {
      expect(paras.some((p) => p.endsWith(`: ${table.caption}`))).toBe(true)
    }
  })

  it('writes each table cell as its display text, hidden counts as <5 or [c]', () => {
    const grids = tables(xml)
    // Written out by hand from the fixture's display strings.
    expect(grids).toContainEqual([
      ['Substance', 'Women', 'Men', 'Women as % of all'],
      ['Opiates', '1,465', '3,240', '31.1%'],
      ['Non-opiates only', '<5', '25', '<5'],
      ['Alcohol & non-opiates', '[c]', '60', '[c]'],
      ['Alcohol only', '[c]', 'n/a', '[c]'],
    ])
    expect(grids).toContainEqual([
      ['Measure', 'Estimate'],
      ['Estimated dependent drinkers (women)', '1,409 (modelled)'],
      ['Unmet need', '72.4% (modelled)'],
    ])
    expect(grids).toContainEqual([
      ['Measure', 'Figure', 'What it means'],
      ['Women not in treatment', '1,020 (modelled)', 'Range 880 to 1,190'],
    ])
    // the escaped form is in the XML itself
    expect(xml).toContain('<w:t xml:space="preserve">&lt;5</w:t>')
  })

  it('never shows a count of 1 to 4 on its own: no text run is just 1, 2, 3 or 4', () => {
    const runs = runTexts(xml)
    expect(runs.filter((r) => /^\s*[1-4]\s*$/.test(r))).toEqual([])
    // and the rows that hold hidden cells in the view hold the same symbol in the document
    const grid = tables(xml).find((t) => t[0]?.[0] === 'Substance')!
    const table = view.sections[0]!.tables[0]!
    const statuses = table.rows.flatMap((row) => table.columns.map((column) => row[column.key]!.status))
    // The branches below are reached: the table has primary and publisher-suppressed cells.
    expect(statuses).toContain('primary')
    expect(statuses).toContain('publisher')
    table.rows.forEach((row, r) => {
      table.columns.forEach((column, c) => {
        const cell = row[column.key]!
        if (cell.status === 'primary') expect(grid[r + 1]![c]).toBe('<5')
        if (cell.status === 'secondary' || cell.status === 'publisher') expect(grid[r + 1]![c]).toBe('[c]')
      })
    })
  })

  it('sets a table of more than 7 columns on a landscape page of its own, the rest portrait', () => {
    // Word ends each section with <w:sectPr>; the wide table is the only thing in its section.
    const sections = xml.split(/<w:sectPr\b/).slice(0, -1)
    const orientations = [...xml.matchAll(/<w:pgSz [^>]*\/>/g)].map((m) => (m[0].includes('landscape') ? 'L' : 'P'))
    expect(orientations).toEqual(['P', 'L', 'P'])
    // the landscape section (the second) holds the 8-column table and its caption, nothing else
    expect(sections[1]).toContain('Table 5: Women in treatment and estimated need by age band, 2021/22')
    expect(tables(sections[1]!)).toEqual([
      [
        ['Age band', 'Measure 1', 'Measure 2', 'Measure 3', 'Measure 4', 'Measure 5', 'Measure 6', 'Measure 7'],
        ['18 to 29', '100', '65', '<5', '15', '[c]', '0', '2,010'],
      ],
    ])
    // landscape A4: 297 mm wide = 16838 twips
    expect(/<w:pgSz [^>]*\/>/.exec(xml.split(/<w:sectPr\b/)[2]!)?.[0]).toContain('w:w="16838"')
  })

  it('puts wide tables that follow one another on the same landscape pages', async () => {
    const twoWide = fixtureView()
    const wide = twoWide.sections[1]!.tables[1]!
    twoWide.sections[1]!.tables.push({ ...wide, id: 'second-wide', caption: 'A second wide table' })
    const doc = readZip(await renderAssessmentDocx(twoWide))
      .get('word/document.xml')!
      .toString('utf8')
    const orientations = [...doc.matchAll(/<w:pgSz [^>]*\/>/g)].map((m) => (m[0].includes('landscape') ? 'L' : 'P'))
    expect(orientations).toEqual(['P', 'L', 'P'])
    const landscape = doc.split(/<w:sectPr\b/)[1]!
    expect(paragraphs(landscape)).toEqual(
      expect.arrayContaining([
        'Table 5: Women in treatment and estimated need by age band, 2021/22',
        'Table 6: A second wide table',
      ]),
    )
  })

  it('marks every table header row to repeat on each page', () => {
    const wordTables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0])
    // 5 tables: two of headline figures and three from the view
    expect(wordTables).toHaveLength(5)
    for (const t of wordTables) {
      const firstRow = /<w:tr[\s>][\s\S]*?<\/w:tr>/.exec(t)![0]
      expect(firstRow).toContain('<w:tblHeader/>')
      expect(t.match(/<w:tblHeader\/>/g)).toHaveLength(1)
    }
  })

  it('embeds each chart as an SVG with a PNG fallback and alt text of title and description', () => {
    const drawings = [...xml.matchAll(/<wp:docPr ([^>]*)\/>/g)].map((m) => m[1] ?? '')
    expect(drawings).toHaveLength(1)
    const descr = xmlText(/descr="([^"]*)"/.exec(drawings[0]!)![1]!)
    // title + '. ' + the <desc> with its entities decoded
    expect(descr).toBe(
      'Share of people in treatment who are women. Bar chart: women were 31.1% of people in treatment & men 20.4% <as a comparison>.',
    )
    expect(xmlText(/title="([^"]*)"/.exec(drawings[0]!)![1]!)).toBe('Share of people in treatment who are women')
    expect(xml).toContain('<asvg:svgBlip')
    const png = files.get('word/media/image1.png')!
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    // IHDR: 1200 wide (twice the 600 px on the page); 240/640 of that = 450 high
    expect(png.readUInt32BE(16)).toBe(1200)
    expect(png.readUInt32BE(20)).toBe(450)
    // On the page: 600 x 225 px at 9525 EMU per pixel
    expect(xml).toContain('<wp:extent cx="5715000" cy="2143125"/>')
    const svg = files.get('word/media/image1.svg')!.toString('utf8')
    expect(svg).toContain('width="640" height="240"')
    expect(svg).not.toContain('100%')
  })

  it('lists every source with its import date, and names each section’s sources', () => {
    const sourcesAt = paras.lastIndexOf('Sources')
    const after = paras.slice(sourcesAt + 1)
    expect(after).toContain(
      'NDTMS ViewIt adult treatment export, Barnet, 2009/10 to 2021/22 (OHID, Open Government Licence v3.0). Imported on 20 November 2026.',
    )
    expect(after).toContain('Alcohol dependence prevalence estimates for upper-tier local authorities (OHID)')
    expect(paras).toContain(
      'Sources: Alcohol dependence prevalence estimates for upper-tier local authorities (OHID); NDTMS ViewIt adult treatment export, Barnet, 2009/10 to 2021/22 (OHID, Open Government Licence v3.0).',
    )
  })

  it('explains method, rounding and small numbers after the sections, before the sources', () => {
    // lastIndexOf: the first mention of each heading is its contents entry
    const intro = paras.slice(paras.lastIndexOf('Method'), paras.lastIndexOf('Sources')).join('\n')
    expect(intro).toContain('Wilson score')
    expect(intro).toContain('nearest 5')
    expect(intro).toContain('<5 means a count from 1 to 4')
    expect(intro).toContain('[c]')
  })
})

describe('chart helpers', () => {
  it('reads the description out of the SVG and decodes its entities', () => {
    expect(svgDescription('<svg><title>T</title><desc id="d">A &amp; B &lt;5\n  more</desc></svg>')).toBe(
      'A & B <5 more',
    )
    expect(svgDescription('<svg><title>T</title></svg>')).toBe('')
  })

  it('builds alt text from title and description without doubling the full stop', () => {
    const svg = '<svg><desc>Bars for two groups.</desc></svg>'
    expect(chartAltText({ id: 'a', tableId: 't', title: 'Exits', svg })).toBe('Exits. Bars for two groups.')
    expect(chartAltText({ id: 'a', tableId: 't', title: 'Exits.', svg })).toBe('Exits. Bars for two groups.')
    expect(chartAltText({ id: 'a', tableId: 't', title: 'Exits', svg: '<svg></svg>' })).toBe('Exits')
  })

  it('gives the SVG a fixed size from its viewBox in place of width="100%"', () => {
    const out = sizedSvg('<svg viewBox="0 0 300 120" width="100%" role="img"><rect/></svg>')
    expect(out).toEqual({
      svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 120" role="img" width="300" height="120"><rect/></svg>',
      width: 300,
      height: 120,
    })
  })
})

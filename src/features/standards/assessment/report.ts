/**
 * A round as a Word document (issue 12): for the commissioner, every service in the round; for a
 * provider, only its own services (what the route passes in). It carries the same figures as the
 * pages: each service's summary by theme, its gaps, its improvement actions and the panel's
 * observations, then the comparison table (the page's heatmap, in words). Pure apart from the
 * docx library.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  type IRunOptions,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import { formatDay } from '../../../lib/dates.js'
import type { TableView } from '../../../lib/table.js'
import type { ActionRow } from '../../../platform/actions.js'
import { actionStatusLabel } from '../../../platform/actions.js'
import type { Framework } from '../framework.js'
import { returnStatusTag, sourceLabel } from './presenter.js'
import type { ObservationRow, ReturnRow } from './repository.js'
import { type Gap, ragLabel, ragOf, ratingLabel, type ThemeSummary } from './scoring.js'

const FONT = 'Arial'
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '505A5F' } as const
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER }
/** The comparison is printed for up to this many services; wider rounds are in the CSV. */
export const MAX_COMPARED_IN_REPORT = 8

export interface ReportService {
  ret: ReturnRow
  summary: ThemeSummary[]
  gaps: Gap[]
  actions: ActionRow[]
  observations: ObservationRow[]
}

export interface RoundReport {
  councilName: string
  roundTitle: string
  dueOn: string
  framework: Framework
  /** "all services" for the council, or the provider's name for its own report. */
  audience: { kind: 'council' } | { kind: 'provider'; name: string }
  services: ReportService[]
  comparison: TableView
  madeOn: string
}

/** A run of text in the report's font (typed as the library's options, as the needs report does). */
function run(text: string, opts: { strong?: boolean; size: number }): TextRun {
  const options: IRunOptions = { text, font: FONT, size: opts.size, ...(opts.strong ? { bold: true } : {}) }
  return new TextRun(options)
}

const p = (text: string, opts: { bold?: boolean; size?: number } = {}) =>
  new Paragraph({
    spacing: { after: 120 },
    children: [run(text, { strong: opts.bold === true, size: opts.size ?? 22 })],
  })

const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ heading: level, spacing: { before: 240, after: 120 }, children: [new TextRun({ text, font: FONT })] })

function table(header: string[], rows: string[][], widths?: number[]): Table {
  const cell = (text: string, strong = false, i = 0) =>
    new TableCell({
      borders: BORDERS,
      ...(widths?.[i] ? { width: { size: widths[i], type: WidthType.PERCENTAGE } } : {}),
      children: [new Paragraph({ children: [run(text, { strong, size: 20 })] })],
    })
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, true, i)) }),
      ...rows.map((r) => new TableRow({ children: r.map((t, i) => cell(t, false, i)) })),
    ],
  })
}

/** The whole return as one score: half-points earned over half-points possible, across themes. */
export function overall(summary: readonly ThemeSummary[]): { percent: number | null; rag: string } {
  let earned = 0
  let possible = 0
  for (const s of summary) {
    earned += s.met * 2 + s.partlyMet
    possible += (s.met + s.partlyMet + s.notMet) * 2
  }
  return {
    percent: possible === 0 ? null : Math.floor((earned * 100) / possible + 0.5),
    rag: ragLabel[ragOf(earned, possible)],
  }
}

const percent = (n: number | null): string => (n === null ? 'None rated' : `${String(n)}%`)

function serviceSection(s: ReportService): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [
    heading(s.ret.serviceName, HeadingLevel.HEADING_2),
    p(`Provider: ${s.ret.providerName}. Status: ${returnStatusTag[s.ret.status].text}.`),
  ]
  if (s.ret.status !== 'verified')
    out.push(p('The commissioning team has not verified this return yet, so its ratings are the provider’s own.'))
  out.push(
    table(
      ['Theme', 'Met', 'Partly met', 'Not met', 'Not applicable', 'Score', 'RAG'],
      s.summary.map((t) => [
        t.title,
        String(t.met),
        String(t.partlyMet),
        String(t.notMet),
        String(t.notApplicable),
        percent(t.percent),
        ragLabel[t.rag],
      ]),
      [34, 9, 11, 10, 13, 11, 12],
    ),
  )
  out.push(heading('Gaps', HeadingLevel.HEADING_3))
  if (s.gaps.length === 0)
    out.push(
      p('No gaps recorded: every standard that applies is met or does not apply, or the return is not verified yet.'),
    )
  for (const g of s.gaps) out.push(p(`${g.standardId}: ${g.title} (${ratingLabel[g.rating].toLowerCase()})`))
  out.push(heading('Improvement actions', HeadingLevel.HEADING_3))
  if (s.actions.length === 0) out.push(p('No actions agreed yet.'))
  else
    out.push(
      table(
        ['Action', 'Owner', 'Due', 'Status'],
        s.actions.map((a) => [a.title, a.ownerName, formatDay(a.dueOn), actionStatusLabel[a.status]]),
        [46, 24, 15, 15],
      ),
    )
  out.push(heading('Lived-experience panel observations', HeadingLevel.HEADING_3))
  if (s.observations.length === 0) out.push(p('No observations recorded.'))
  for (const o of s.observations)
    out.push(
      p(
        `${o.standardId}, ${sourceLabel[o.source].toLowerCase()} on ${formatDay(o.observedOn)}${o.view ? ` (found: ${ratingLabel[o.view].toLowerCase()})` : ''}: ${o.text}`,
      ),
    )
  return out
}

function comparisonSection(report: RoundReport): (Paragraph | Table)[] {
  const services = report.comparison.columns.filter((c) => c.key !== 'theme' && c.key !== 'standard')
  if (services.length > MAX_COMPARED_IN_REPORT)
    return [
      heading('Comparison of services', HeadingLevel.HEADING_1),
      p(
        `The round has ${String(services.length)} services, too many to compare on a printed page: the comparison is in the CSV download of the round’s comparison page.`,
      ),
    ]
  return [
    heading('Comparison of services', HeadingLevel.HEADING_1),
    p(report.comparison.caption),
    table(
      ['Standard', ...services.map((c) => c.label)],
      report.comparison.rows.map((row) => [
        row.standard?.display ?? '',
        ...services.map((c) => row[c.key]?.display ?? ''),
      ]),
    ),
    ...report.comparison.notes.map((n) => p(n, { size: 18 })),
  ]
}

export async function roundReportDocx(report: RoundReport): Promise<Buffer> {
  const f = report.framework
  const intro: Paragraph[] = [
    new Paragraph({
      heading: HeadingLevel.TITLE,
      alignment: AlignmentType.LEFT,
      children: [new TextRun({ text: `${report.roundTitle}: standards assessment`, font: FONT })],
    }),
    p(
      report.audience.kind === 'council'
        ? `${report.councilName}. Every service in the round.`
        : `${report.councilName}. The services of ${report.audience.name}.`,
    ),
    p(
      `Framework: ${f.name}, version ${String(f.version)}. Returns were due ${formatDay(report.dueOn)}. Report made ${formatDay(report.madeOn)}.`,
    ),
    heading('How the ratings are scored', HeadingLevel.HEADING_1),
    p(
      'Each standard that applies to a service is rated met, partly met, not met, or not applicable with a reason. A theme’s score counts met as 1, partly met as a half and not met as 0, over the standards that apply and are rated; not applicable ones are left out. Green is 80% or more, amber 50% to 79%, red below 50%. Where the commissioning team changed a rating when verifying it, their rating counts.',
    ),
    heading('Summary', HeadingLevel.HEADING_1),
  ]
  const summary = table(
    ['Service', 'Provider', 'Status', 'Score', 'RAG'],
    report.services.map((s) => {
      const o = overall(s.summary)
      return [s.ret.serviceName, s.ret.providerName, returnStatusTag[s.ret.status].text, percent(o.percent), o.rag]
    }),
    [30, 30, 14, 12, 14],
  )
  const doc = new Document({
    creator: 'Women’s Treatment Commissioning',
    title: `${report.roundTitle}: standards assessment`,
    styles: { default: { document: { run: { font: FONT, size: 22 } } } },
    sections: [
      { children: [...intro, summary, ...report.services.flatMap(serviceSection)] },
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: comparisonSection(report),
      },
    ],
  })
  return Packer.toBuffer(doc)
}

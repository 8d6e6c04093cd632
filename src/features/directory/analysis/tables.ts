/**
 * View models of the analysis pages: each page's figures as tables that the page shows, that
 * `?format=csv&table=<id>` downloads and that `?format=json` returns, so the three always carry
 * the same numbers. Distances are rounded to 0.1 km and shares to 0.1 percentage points here, once.
 * Pure.
 */
import type { DistanceSummary } from '../../../lib/lsoa.js'
import { type Cell, MAX_PAGE_COLUMNS, type TableView, tableToCsv as writeTable } from '../../../lib/table.js'
import { dayLabels, sessionModeLabels } from '../model.js'
import { serviceTypeLabel } from '../../../lib/taxonomy.js'
import {
  type ColocationResult,
  type CohortsResult,
  dayPartLabels,
  dayParts,
  type DirectoryCounts,
  type DistanceResult,
  type FeatureResult,
  inMode,
  type Share,
  type TimeResult,
} from './analysis.js'

export type ColumnKind = 'text' | 'count' | 'km' | 'percent' | 'count-share'

export interface TableColumn {
  key: string
  label: string
  kind: ColumnKind
  /** Wide data: in the CSV and JSON, not on the page (src/lib/table.ts). */
  downloadOnly?: boolean
}

/** A count with its share rounded for display, e.g. 2 of 3 services (66.7%). */
export interface CountShare {
  count: number
  of: number
  /** Percent to 1 decimal place, or null when `of` is 0. */
  percent: number | null
}

export type TableCell = string | number | null | CountShare

export interface AnalysisTable {
  id: string
  caption: string
  columns: TableColumn[]
  rows: Record<string, TableCell>[]
  notes: string[]
}

export const roundKm = (km: number): number => Math.round(km * 10) / 10
export const toPercent = (proportion: number): number => Math.round(proportion * 1000) / 10
export const countShare = (s: Share): CountShare => ({
  count: s.count,
  of: s.of,
  percent: s.share === null ? null : toPercent(s.share),
})

const countFormat = new Intl.NumberFormat('en-GB')

/** The text a cell shows on the page. */
export function displayCell(kind: ColumnKind, value: TableCell | undefined): string {
  if (value === null || value === undefined) return kind === 'km' ? 'No service' : kind === 'text' ? '' : 'None'
  if (typeof value === 'object') {
    return value.percent === null
      ? `${countFormat.format(value.count)} of ${countFormat.format(value.of)}`
      : `${countFormat.format(value.count)} of ${countFormat.format(value.of)} (${value.percent.toFixed(1)}%)`
  }
  if (typeof value === 'string') return value
  if (kind === 'km') return value.toFixed(1)
  if (kind === 'percent') return `${value.toFixed(1)}%`
  return countFormat.format(value)
}

/** One cell of the shared table model: its machine value, what the page shows, and its status. */
export function toCell(kind: ColumnKind, value: TableCell | undefined): Cell {
  const display = displayCell(kind, value)
  if (value === null || value === undefined) return { value: null, display, status: 'not-available' }
  if (typeof value === 'object') return { value: value.count, display, status: 'shown', share: value.percent }
  return { value, display, status: 'shown' }
}

/**
 * The analysis table in the shared table model (src/lib/table.ts), which the page's partial and the
 * CSV writer read. The page tables keep their typed values (`AnalysisTable`) for the JSON download.
 */
export function toTableView(table: AnalysisTable): TableView {
  return {
    id: table.id,
    caption: table.caption,
    columns: table.columns.map((c) => (c.downloadOnly ? { ...c } : { key: c.key, label: c.label, kind: c.kind })),
    rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c) => [c.key, toCell(c.kind, row[c.key])]))),
    notes: table.notes,
  }
}

/** Every column's display strings (the CSV's columns, including the download-only ones). */
export function displayTable(table: AnalysisTable): {
  id: string
  caption: string
  columns: { label: string; numeric: boolean }[]
  rows: string[][]
  notes: string[]
} {
  const view = toTableView(table)
  return {
    id: view.id,
    caption: view.caption,
    columns: view.columns.map((c) => ({ label: c.label, numeric: c.kind !== 'text' })),
    rows: view.rows.map((row) => view.columns.map((c) => row[c.key]?.display ?? '')),
    notes: view.notes,
  }
}

/**
 * One table as CSV through the shared writer: machine values (numbers stay numbers); a
 * count-and-share column becomes two, '<label>: services' and '<label>: share (%)'.
 */
export const tableToCsv = (table: AnalysisTable): string => writeTable(toTableView(table), 'values')

const yesNo = (value: boolean): string => (value ? 'Yes' : 'No')

export interface PageBase {
  council: { name: string; areaCode: string }
  generatedAt: string
  directory: DirectoryCounts
  tables: AnalysisTable[]
}

// ---------------------------------------------------------------------------------------------
// Distance

export interface DistanceSummaryView {
  measure: string
  label: string
  phrase: string
  places: number
  lsoas: number
  lsoasBeyond: number
  femaleResidents: number
  femaleResidentsBeyond: number
  /** Percent to 1 decimal place. */
  femaleSharePercentBeyond: number | null
  femaleWeightedMeanKm: number | null
}

export function summaryView(result: DistanceResult): DistanceSummaryView {
  const s: DistanceSummary = result.summary
  return {
    measure: result.measure,
    label: result.label,
    phrase: result.phrase,
    places: result.points.length,
    lsoas: s.lsoas,
    lsoasBeyond: s.lsoasBeyond,
    femaleResidents: s.femaleResidents,
    femaleResidentsBeyond: s.femaleResidentsBeyond,
    femaleSharePercentBeyond: s.femaleShareBeyond === null ? null : toPercent(s.femaleShareBeyond),
    femaleWeightedMeanKm: s.femaleWeightedMeanKm === null ? null : roundKm(s.femaleWeightedMeanKm),
  }
}

export interface DistancePage extends PageBase {
  withinKm: number
  measure: string
  measureLabel: string
  withinKmDisplay: string
  summary: DistanceSummaryView
  overview: DistanceSummaryView[]
  /** The headline in words, e.g. '31.1% of women (12,345 of 39,700) live more than 2 km from ...'. */
  headline: { lead: string; detail: string }
}

export function distanceHeadline(summary: DistanceSummaryView, withinKm: number): { lead: string; detail: string } {
  const km = formatKm(withinKm)
  const who =
    summary.femaleSharePercentBeyond === null
      ? 'No women'
      : `${displayCell('percent', summary.femaleSharePercentBeyond)} of women (${displayCell('count', summary.femaleResidentsBeyond)} of ${displayCell('count', summary.femaleResidents)})`
  const verb = summary.femaleResidentsBeyond === 1 ? 'lives' : 'live'
  const lead = `${who} ${summary.femaleSharePercentBeyond === null ? 'live' : verb} more than ${km} km from the nearest ${summary.phrase}.`
  const mean =
    summary.femaleWeightedMeanKm === null
      ? ''
      : ` On average a woman lives ${displayCell('km', summary.femaleWeightedMeanKm)} km from the nearest one.`
  return {
    lead,
    detail: `That is ${displayCell('count', summary.lsoasBeyond)} of ${displayCell('count', summary.lsoas)} LSOAs.${mean}`,
  }
}

/** A distance for sentences: 2 -> '2', 1.5 -> '1.5', 0.25 -> '0.25'. */
export const formatKm = (km: number): string => String(Math.round(km * 1000) / 1000)

export function distancePage(
  base: Omit<PageBase, 'tables'>,
  chosen: DistanceResult,
  overview: readonly DistanceResult[],
): DistancePage {
  const km = formatKm(chosen.withinKm)
  const overviewViews = overview.map(summaryView)
  const summaryTable: AnalysisTable = {
    id: 'summary',
    caption: `Women living more than ${km} km from the nearest place, by what the distance is measured to`,
    columns: [
      { key: 'label', label: 'Distance to', kind: 'text' },
      { key: 'places', label: 'Places', kind: 'count' },
      { key: 'lsoasBeyond', label: `LSOAs more than ${km} km away`, kind: 'count' },
      { key: 'femaleResidentsBeyond', label: `Women living more than ${km} km away`, kind: 'count' },
      { key: 'femaleSharePercentBeyond', label: 'Share of women (%)', kind: 'percent' },
      { key: 'femaleWeightedMeanKm', label: 'Average distance for women (km)', kind: 'km' },
    ],
    rows: overviewViews.map((v) => ({
      label: v.label,
      places: v.places,
      lsoasBeyond: v.lsoasBeyond,
      femaleResidentsBeyond: v.femaleResidentsBeyond,
      femaleSharePercentBeyond: v.femaleSharePercentBeyond,
      femaleWeightedMeanKm: v.femaleWeightedMeanKm,
    })),
    notes: [
      'Women here means female residents of all ages (Census 2021 usual residents); the LSOA counts used have no split by age, so girls are counted too. The average distance is weighted by them.',
      'An LSOA with no place of that kind in the directory counts as beyond any distance.',
    ],
  }
  const lsoaTable: AnalysisTable = {
    id: 'lsoas',
    caption: `Distance from each LSOA to the nearest ${chosen.phrase}, farthest first`,
    columns: [
      { key: 'code', label: 'LSOA code', kind: 'text' },
      { key: 'name', label: 'LSOA name', kind: 'text' },
      { key: 'femaleResidents', label: 'Female residents', kind: 'count' },
      { key: 'distanceKm', label: 'Distance (km)', kind: 'km' },
      { key: 'beyond', label: `More than ${km} km`, kind: 'text' },
      { key: 'nearestService', label: 'Nearest service', kind: 'text' },
      { key: 'nearestPlace', label: 'Place', kind: 'text', downloadOnly: true },
    ],
    rows: chosen.rows.map((r) => ({
      code: r.code,
      name: r.name,
      femaleResidents: r.femaleResidents,
      distanceKm: r.distanceKm === null ? null : roundKm(r.distanceKm),
      beyond: yesNo(r.beyond),
      nearestService: r.nearest?.serviceName ?? null,
      nearestPlace: r.nearest === null ? null : `${r.nearest.locationName}, ${r.nearest.postcode}`,
    })),
    notes: [
      'Distances are in a straight line from the LSOA’s population-weighted centroid to the service’s address, rounded to 0.1 km. Whether an LSOA is beyond the distance is decided before rounding.',
    ],
  }
  const placesTable: AnalysisTable = {
    id: 'places',
    caption: `Places counted: ${chosen.label}`,
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'organisation', label: 'Organisation', kind: 'text' },
      { key: 'place', label: 'Place', kind: 'text' },
      { key: 'postcode', label: 'Postcode', kind: 'text' },
    ],
    rows: chosen.points.map((p) => ({
      service: p.serviceName,
      organisation: p.organisationName,
      place: p.locationName,
      postcode: p.postcode,
    })),
    notes: [],
  }
  const byCode = overview.map((r) => new Map(r.rows.map((row) => [row.code, row.distanceKm])))
  const allMeasures: AnalysisTable = {
    id: 'lsoas-all',
    caption: 'Distance from each LSOA to the nearest place of each kind, in LSOA code order',
    columns: [
      { key: 'code', label: 'LSOA code', kind: 'text', downloadOnly: true },
      { key: 'name', label: 'LSOA name', kind: 'text' },
      { key: 'femaleResidents', label: 'Female residents', kind: 'count', downloadOnly: overview.length > 4 },
      ...overview.map((r) => ({ key: r.measure, label: `${r.label} (km)`, kind: 'km' as const })),
    ],
    rows: [...chosen.rows]
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map((row) => {
        const out: Record<string, TableCell> = { code: row.code, name: row.name, femaleResidents: row.femaleResidents }
        overview.forEach((r, i) => {
          const d = byCode[i]?.get(row.code) ?? null
          out[r.measure] = d === null ? null : roundKm(d)
        })
        return out
      }),
    notes: ['“No service” means there is no published place of that kind in the directory.'],
  }
  return {
    ...base,
    withinKm: chosen.withinKm,
    withinKmDisplay: km,
    measure: chosen.measure,
    measureLabel: chosen.label,
    summary: summaryView(chosen),
    headline: distanceHeadline(summaryView(chosen), chosen.withinKm),
    overview: overviewViews,
    tables: [summaryTable, lsoaTable, placesTable, allMeasures],
  }
}

// ---------------------------------------------------------------------------------------------
// Time

/** What a part of the week is, in the words every page and headline use. */
export const PARTS_OF_THE_WEEK =
  'A part of the week is the morning (before 12:00), afternoon (12:00 to 17:00) or evening (after 17:00) of one day: 7 days of 3 parts make 21.'

/**
 * The sentence under a week grid that says what its cells count, so that they add up to a figure
 * on the page: a session counts in every part of the day it runs in, so a session from 10:00 to
 * 13:00 is in the morning and the afternoon, and the cells add up to more than the sessions.
 */
export function gridTotalSentence(sessions: number, cellTotal: number, spanning: number): string {
  const plural = (n: number, one: string, many: string) => `${countFormat.format(n)} ${n === 1 ? one : many}`
  const lead = `${plural(sessions, 'session', 'sessions')} a week.`
  if (sessions === 0) return lead
  if (spanning === 0)
    return `${lead} Each runs in one part of the day, so the grid’s cells add up to ${countFormat.format(cellTotal)}.`
  return `${lead} Each cell counts the sessions running in that part of the day, and ${plural(spanning, 'session runs', 'sessions run')} into more than one part, so the grid’s cells add up to ${countFormat.format(cellTotal)}.`
}

/** The overview's sentence for the week grid, with no double negative. */
export function timeHeadline(sessions: number, emptyParts: number): string {
  const lead = `${countFormat.format(sessions)} women-only session${sessions === 1 ? '' : 's'} a week.`
  if (emptyParts === 0)
    return `${lead} Every one of the 21 parts of the week (each day’s morning, afternoon and evening) has at least one.`
  if (emptyParts === 21)
    return `${lead} None of the 21 parts of the week (each day’s morning, afternoon and evening) has one.`
  return `${lead} ${String(emptyParts)} of the 21 parts of the week (each day’s morning, afternoon and evening) have no session.`
}

/** The features page's sentence and headline: '3 of the 45 published services have none of the features'. */
export function featuresHeadline(services: number, withNone: number): string {
  const n = countFormat.format(services)
  if (services === 0) return 'There are no published services yet.'
  if (withNone === 0)
    return services === 1
      ? 'The published service has at least one of the gender-responsive features.'
      : `All ${n} published services have at least one of the gender-responsive features.`
  if (withNone === services)
    return services === 1
      ? 'The published service has none of the gender-responsive features.'
      : `None of the ${n} published services has any of the gender-responsive features.`
  return `${countFormat.format(withNone)} of the ${n} published services ${withNone === 1 ? 'has' : 'have'} none of the gender-responsive features.`
}

/** The overview's sentence for the groups of women. */
export function cohortsHeadline(groups: number, withNone: number): string {
  if (withNone === 0)
    return `Every one of the ${String(groups)} groups of women has at least one service that serves them.`
  if (withNone === groups) return `None of the ${String(groups)} groups of women has a service that serves them.`
  return `${String(withNone)} of the ${String(groups)} groups of women ${withNone === 1 ? 'has' : 'have'} no service that serves them.`
}

export interface TimePage extends PageBase {
  grids: {
    mode: string
    label: string
    sessions: number
    /** The cells' sessions added up: a session counts once in each part of the day it runs in. */
    cellTotal: number
    /** Sessions that run in more than one part of the day. */
    spanning: number
    /** What the cells count and what they add up to, in a sentence. */
    totalSentence: string
    /** Each part of the day added up over the week (the grid's last row). */
    partTotals: number[]
    gaps: string[]
    rows: { day: string; cells: { part: string; sessions: number; services: number; serviceNames: string[] }[] }[]
  }[]
}

const gridTableIds: Record<string, string> = { all: 'grid-all', in_person: 'grid-in-person', online: 'grid-online' }

export function timePage(base: Omit<PageBase, 'tables'>, result: TimeResult): TimePage {
  const gridTables = result.grids.map((grid): AnalysisTable => ({
    id: gridTableIds[grid.mode] ?? `grid-${grid.mode}`,
    caption: `${grid.label}: sessions and services by day and part of the day`,
    columns: [
      { key: 'day', label: 'Day', kind: 'text' },
      ...dayParts.flatMap((part) => [
        { key: `${part}Sessions`, label: `${dayPartLabels[part]}: sessions`, kind: 'count' as const },
        { key: `${part}Services`, label: `${dayPartLabels[part]}: services`, kind: 'count' as const },
      ]),
    ],
    rows: grid.rows.map((row) => {
      const out: Record<string, TableCell> = { day: row.label }
      for (const cell of row.cells) {
        out[`${cell.part}Sessions`] = cell.sessions
        out[`${cell.part}Services`] = cell.services
      }
      return out
    }),
    notes: [
      'A session counts in every part of the day it runs in, so a session from 10:00 to 13:00 counts in the morning and the afternoon.',
      ...grid.gaps,
    ],
  }))
  const sessionsTable: AnalysisTable = {
    id: 'sessions',
    caption: 'Women-only sessions of published services',
    columns: [
      { key: 'day', label: 'Day', kind: 'text' },
      { key: 'start', label: 'Starts', kind: 'text' },
      { key: 'end', label: 'Ends', kind: 'text' },
      { key: 'parts', label: 'Part of the day', kind: 'text', downloadOnly: true },
      { key: 'mode', label: 'How', kind: 'text' },
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'place', label: 'Place', kind: 'text' },
    ],
    rows: result.sessions.map((s) => ({
      day: dayLabels[s.day],
      start: s.start,
      end: s.end,
      parts: s.parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(', '),
      mode: sessionModeLabels[s.mode],
      service: s.serviceName,
      place: s.locationName,
    })),
    notes: [],
  }
  return {
    ...base,
    grids: result.grids.map((g) => {
      const cellTotal = g.rows.reduce((sum, r) => sum + r.cells.reduce((n, c) => n + c.sessions, 0), 0)
      const spanning = result.sessions.filter((s) => inMode(g.mode, s.mode) && s.parts.length > 1).length
      return {
        mode: g.mode,
        label: g.label,
        sessions: g.sessions,
        cellTotal,
        spanning,
        totalSentence: gridTotalSentence(g.sessions, cellTotal, spanning),
        partTotals: dayParts.map((_, i) => g.rows.reduce((sum, r) => sum + (r.cells[i]?.sessions ?? 0), 0)),
        gaps: g.gaps,
        rows: g.rows.map((r) => ({
          day: r.label,
          cells: r.cells.map((c) => ({
            part: c.part,
            sessions: c.sessions,
            services: c.services,
            serviceNames: c.serviceNames,
          })),
        })),
      }
    }),
    tables: [...gridTables, sessionsTable],
  }
}

// ---------------------------------------------------------------------------------------------
// Features

export interface FeaturesPage extends PageBase {
  services: number
  servicesWithNone: number
  /** e.g. 'None of the 45 published services has any of the gender-responsive features.' */
  headline: string
}

export function featuresPage(base: Omit<PageBase, 'tables'>, result: FeatureResult): FeaturesPage {
  const coverage: AnalysisTable = {
    id: 'coverage',
    caption: 'Published services with each gender-responsive feature',
    columns: [
      { key: 'feature', label: 'Feature', kind: 'text' },
      { key: 'services', label: 'Services', kind: 'count-share' },
    ],
    rows: result.features.map((f) => ({ feature: f.label, services: countShare(f.total) })),
    notes: [],
  }
  const byType: AnalysisTable = {
    id: 'by-type',
    caption: 'Services with each feature, by service type',
    columns: [
      { key: 'feature', label: 'Feature', kind: 'text' },
      ...result.types.map((t, i) => ({
        key: t.code,
        label: t.label,
        kind: 'count-share' as const,
        downloadOnly: i >= MAX_PAGE_COLUMNS - 1,
      })),
    ],
    rows: result.features.map((f) => {
      const row: Record<string, TableCell> = { feature: f.label }
      result.types.forEach((t, i) => {
        const s = f.byType[i]
        row[t.code] = s === undefined ? null : countShare(s)
      })
      return row
    }),
    notes: [
      'Each cell is the number of services of that type with the feature, out of all services of the type.',
      ...(result.types.length > MAX_PAGE_COLUMNS - 1
        ? [
            `The page shows the first ${String(MAX_PAGE_COLUMNS - 1)} service types; the CSV and JSON downloads have all ${String(result.types.length)}.`,
          ]
        : []),
    ],
  }
  const none: AnalysisTable = {
    id: 'services-with-none',
    caption: 'Published services with none of the features',
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'organisation', label: 'Organisation', kind: 'text' },
      { key: 'type', label: 'Service type', kind: 'text' },
    ],
    rows: result.servicesWithNone.map((s) => ({
      service: s.name,
      organisation: s.organisationName,
      type: s.typeLabel,
    })),
    notes: [],
  }
  return {
    ...base,
    services: result.services,
    servicesWithNone: result.servicesWithNone.length,
    headline: featuresHeadline(result.services, result.servicesWithNone.length),
    tables: [coverage, byType, none],
  }
}

// ---------------------------------------------------------------------------------------------
// Cohorts

export interface CohortsPage extends PageBase {
  cohorts: {
    cohort: string
    label: string
    rule: string
    services: { name: string; organisation: string; type: string; reasons: string; byAndFor: boolean }[]
    byAndForOrganisations: string[]
  }[]
  cohortsWithNone: string[]
}

export function cohortsPage(base: Omit<PageBase, 'tables'>, result: CohortsResult): CohortsPage {
  const summary: AnalysisTable = {
    id: 'cohorts',
    caption: 'Published services and by-and-for organisations for each group of women',
    columns: [
      { key: 'cohort', label: 'Group of women', kind: 'text' },
      { key: 'services', label: 'Services', kind: 'count' },
      { key: 'byAndFor', label: 'By-and-for organisations', kind: 'count' },
    ],
    rows: result.cohorts.map((c) => ({
      cohort: c.label,
      services: c.services.length,
      byAndFor: c.byAndForOrganisations.length,
    })),
    notes: [],
  }
  const services: AnalysisTable = {
    id: 'cohort-services',
    caption: 'Services for each group of women, and why they count',
    columns: [
      { key: 'cohort', label: 'Group of women', kind: 'text' },
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'organisation', label: 'Organisation', kind: 'text' },
      { key: 'type', label: 'Service type', kind: 'text' },
      { key: 'reasons', label: 'Why it counts', kind: 'text' },
      { key: 'byAndFor', label: 'By-and-for', kind: 'text' },
    ],
    rows: result.cohorts.flatMap((c) =>
      c.services.map((s) => ({
        cohort: c.label,
        service: s.name,
        organisation: s.organisationName,
        type: s.typeLabel,
        reasons: s.reasons.join('; '),
        byAndFor: yesNo(s.byAndFor),
      })),
    ),
    notes: [],
  }
  const rules: AnalysisTable = {
    id: 'rules',
    caption: 'How a service is matched to each group of women',
    columns: [
      { key: 'cohort', label: 'Group of women', kind: 'text' },
      { key: 'rule', label: 'Counts when', kind: 'text' },
    ],
    rows: result.cohorts.map((c) => ({ cohort: c.label, rule: c.rule })),
    notes: [],
  }
  return {
    ...base,
    cohorts: result.cohorts.map((c) => ({
      cohort: c.cohort,
      label: c.label,
      rule: c.rule,
      services: c.services.map((s) => ({
        name: s.name,
        organisation: s.organisationName,
        type: s.typeLabel,
        reasons: s.reasons.join('; '),
        byAndFor: s.byAndFor,
      })),
      byAndForOrganisations: c.byAndForOrganisations,
    })),
    cohortsWithNone: result.cohortsWithNone.map((c) => c.label),
    tables: [summary, services, rules],
  }
}

// ---------------------------------------------------------------------------------------------
// Co-location

export interface ColocationPage extends PageBase {
  withinKm: number
  treatmentServices: number
  placeServices: number
  pairs: number
  alreadyTogether: number
}

const pairColumns: TableColumn[] = [
  { key: 'rank', label: 'Rank', kind: 'count' },
  { key: 'treatment', label: 'Treatment service', kind: 'text' },
  { key: 'treatmentPlace', label: 'Treatment place', kind: 'text', downloadOnly: true },
  { key: 'place', label: 'Place women use', kind: 'text' },
  { key: 'placeType', label: 'Type of place', kind: 'text' },
  { key: 'placeLocation', label: 'Its address', kind: 'text', downloadOnly: true },
  { key: 'distanceKm', label: 'Distance (km)', kind: 'km' },
  { key: 'womenOnlyFeatures', label: 'Women-only features', kind: 'count', downloadOnly: true },
  { key: 'offer', label: 'What each could offer', kind: 'text' },
]

function pairRows(pairs: ColocationResult['pairs']): Record<string, TableCell>[] {
  return pairs.map((p, i) => ({
    rank: i + 1,
    treatment: p.treatment.serviceName,
    treatmentPlace: `${p.treatment.locationName}, ${p.treatment.postcode}`,
    place: p.place.serviceName,
    placeType: serviceTypeLabel(p.place.serviceType),
    placeLocation: `${p.place.locationName}, ${p.place.postcode}`,
    distanceKm: roundKm(p.distanceKm),
    womenOnlyFeatures: p.womenOnlyFeatures,
    offer: p.offer,
  }))
}

export function colocationPage(base: Omit<PageBase, 'tables'>, result: ColocationResult): ColocationPage {
  const km = formatKm(result.withinKm)
  const pairs: AnalysisTable = {
    id: 'pairs',
    caption: `Treatment services within ${km} km of a place women already use, closest first`,
    columns: pairColumns,
    rows: pairRows(result.pairs),
    notes: [
      'Distances are in a straight line between the two addresses, rounded to 0.1 km. Pairs at the same distance are ranked by how many women-only features the two services have between them.',
    ],
  }
  const together: AnalysisTable = {
    id: 'together',
    caption: 'Treatment services already in the same building as a place women use',
    columns: pairColumns.filter((c) => c.key !== 'distanceKm' && c.key !== 'placeLocation'),
    rows: pairRows(result.alreadyTogether),
    notes: ['Ranked by how many women-only features the two services have between them.'],
  }
  return {
    ...base,
    withinKm: result.withinKm,
    treatmentServices: result.treatmentServices,
    placeServices: result.placeServices,
    pairs: result.pairs.length,
    alreadyTogether: result.alreadyTogether.length,
    tables: [pairs, together],
  }
}

export function findTable(page: PageBase, id: string): AnalysisTable | undefined {
  return page.tables.find((t) => t.id === id)
}

/**
 * Sections comparing women with men within treatment: referral routes, how treatment ends (with
 * waits and time in treatment) and parental status.
 */
import { barChart } from '../../../../lib/charts.js'
import type { CountInput } from '../../../../lib/suppression.js'
import {
  type Category,
  comparisonChart,
  comparisonTable,
  countCell,
  differenceFindings,
  disclose,
  textCell,
} from '../cells.js'
import { type AssessmentData, measureInput, selectionPhrase } from '../model.js'
import { countNotes, DIFFERENCE_NOTE, NDTMS_MISSING, ndtmsMissingForPeriod, WILSON_NOTE } from '../notes.js'
import type { SectionView, TableView } from '../types.js'
import { emptySection, noData, relatedInsight, type SectionId } from './common.js'

function start(data: AssessmentData, id: SectionId): { section: SectionView; ready: boolean; forWhom: string } {
  const section = emptySection(id)
  section.insights = relatedInsight(data, id)
  const cube = data.ndtms
  const { period, ageGroup, substanceGroup } = data.selection
  const phrase = selectionPhrase(data.selection)
  const forWhom = phrase ? ` ${phrase}` : ''
  if (!cube.hasData) return { section: noData(section, NDTMS_MISSING), ready: false, forWhom }
  if (!cube.row(period, 'F', ageGroup, substanceGroup) && !cube.row(period, 'M', ageGroup, substanceGroup)) {
    return { section: noData(section, ndtmsMissingForPeriod(period)), ready: false, forWhom }
  }
  section.sourceIds = [...cube.importIds()]
  return { section, ready: true, forWhom }
}

function rows(data: AssessmentData) {
  const { period, ageGroup, substanceGroup } = data.selection
  return {
    women: data.ndtms.row(period, 'F', ageGroup, substanceGroup),
    men: data.ndtms.row(period, 'M', ageGroup, substanceGroup),
  }
}

const referralSources: (Category & { phrase: string })[] = [
  {
    key: 'self',
    label: 'Self, family or friends',
    measure: 'referralsource_self_family_friends_newtx',
    phrase: 'refer themselves or be referred by family or friends',
  },
  {
    key: 'health',
    label: 'Health services and social care',
    measure: 'referralsource_health_services_social_care_newtx',
    phrase: 'be referred by health services or social care',
  },
  {
    key: 'justice',
    label: 'Criminal justice',
    measure: 'referralsource_criminal_justice_newtx',
    phrase: 'be referred through the criminal justice system',
  },
  {
    key: 'service',
    label: 'Substance misuse services',
    measure: 'referralsource_substance_misuse_service_newtx',
    phrase: 'be referred by another substance misuse service',
  },
  {
    key: 'other',
    label: 'Other sources',
    measure: 'referralsource_other_newtx',
    phrase: 'be referred from other sources',
  },
  {
    key: 'missing',
    label: 'Not recorded',
    measure: 'referralsource_missing_newtx',
    phrase: 'have no referral source recorded',
  },
]

export function buildReferrals(data: AssessmentData): SectionView {
  const { section, ready, forWhom } = start(data, 'referrals')
  if (!ready) return section
  const { period } = data.selection
  const { table, results } = comparisonTable({
    id: 'referrals',
    caption: `Where new presentations were referred from, women and men${forWhom}, ${period}`,
    categoryHeading: 'Referral source',
    categories: referralSources,
    totalMeasure: 'newpresentation_newtx',
    totalLabel: 'All new presentations (published total)',
    ...rows(data),
    partition: true,
    notes: countNotes(data.ndtms, 'Shares are of all new presentations of each sex.', WILSON_NOTE, DIFFERENCE_NOTE),
  })
  section.tables.push(table)
  section.charts.push(
    comparisonChart({
      id: 'referrals-chart',
      table,
      title: 'Referral sources, women and men',
      description: `Horizontal bars for each referral source: the share of women's and of men's new presentations in ${period}, with 95% confidence intervals. The same figures are in the table below.`,
      results,
    }),
  )
  const found = differenceFindings(
    results,
    (c) => referralSources.find((s) => s.key === c.key)?.phrase ?? c.label.toLowerCase(),
    { women: 'women’s new presentations', men: 'men’s' },
  )
  section.findings.push(
    ...(found.length > 0
      ? found
      : [
          'There was no significant difference between women and men in where their new presentations were referred from.',
        ]),
  )
  const top = [...results]
    .filter((r) => r.women.interval)
    .sort((a, b) => (b.women.interval?.estimate ?? 0) - (a.women.interval?.estimate ?? 0))[0]
  if (top) {
    section.cards.push({
      label: 'Most common referral route for women',
      value: top.category.label,
      detail: `${top.women.share.display} of women’s new presentations in ${period}`,
    })
  }
  const health = results.find((r) => r.category.key === 'health')
  if (health) {
    section.cards.push({
      label: 'Women referred by health and social care',
      value: health.women.share.display,
      detail: `Men: ${health.men.share.display}`,
    })
  }
  section.notes.push(
    'The guide suggests looking at referral routes where women are more likely to be in contact with services, such as GP surgeries and domestic abuse services.',
  )
  return section
}

const exitReasons: (Category & { phrase: string })[] = [
  {
    key: 'completed',
    label: 'Completed treatment successfully',
    measure: 'exits_successfulcompletion_allintx',
    phrase: 'complete treatment successfully',
  },
  { key: 'dropped', label: 'Dropped out', measure: 'exits_droppedout_allintx', phrase: 'drop out of treatment' },
  {
    key: 'withdrawn',
    label: 'Treatment withdrawn by the provider',
    measure: 'exits_treatmentwithdrawn_allintx',
    phrase: 'have treatment withdrawn by the provider',
  },
  { key: 'prison', label: 'Went to prison', measure: 'exits_prison_allintx', phrase: 'leave treatment for prison' },
  { key: 'died', label: 'Died', measure: 'exits_died_allintx', phrase: 'die while in treatment' },
  { key: 'other', label: 'Other reasons', measure: 'exits_other_allintx', phrase: 'leave treatment for other reasons' },
]

const lengthBands: Category[] = [
  { key: 'under1', label: 'Under 1 year', measure: 'lengthintreatment_under1year_allintx' },
  { key: '1to2', label: '1 to 2 years', measure: 'lengthintreatment_1to2years_allintx' },
  { key: '2to4', label: '2 to 4 years', measure: 'lengthintreatment_2to4years_allintx' },
  { key: '4to6', label: '4 to 6 years', measure: 'lengthintreatment_4to6years_allintx' },
  { key: 'over6', label: 'Over 6 years', measure: 'lengthintreatment_over6years_allintx' },
]

const waitBands: Category[] = [
  { key: 'under3', label: '3 weeks or less', measure: 'waitsfirst_3weeksandunder_newtx' },
  { key: '3to6', label: 'Over 3 weeks, up to 6 weeks', measure: 'waitsfirst_3to6weeks_newtx' },
  { key: 'over6', label: 'Over 6 weeks', measure: 'waitsfirst_over6weeks_newtx' },
]

export function buildExits(data: AssessmentData): SectionView {
  const { section, ready, forWhom } = start(data, 'exits')
  if (!ready) return section
  const { period } = data.selection
  const both = rows(data)
  const exits = comparisonTable({
    id: 'exits',
    caption: `How treatment ended (transfers left out), as a share of everyone in treatment, women and men${forWhom}, ${period}`,
    categoryHeading: 'How treatment ended',
    categories: exitReasons,
    totalMeasure: 'intreatment_allintx',
    totalLabel: 'All people in treatment (published total)',
    ...both,
    partition: false,
    notes: countNotes(
      data.ndtms,
      'ViewIt publishes no total of people leaving treatment, and adding up its 14 rounded exit reasons could be out by dozens. So each reason is a share of everyone in treatment in the year, the measure OHID uses for successful completion.',
      'Transfers to another treatment provider (in custody or not) are left out: a transfer carries treatment on rather than ending it. The rows shown are 6 of the 14 reasons ViewIt publishes; moved away, referred on, treatment declined, no appropriate treatment, not known and inconsistent are not shown.',
      WILSON_NOTE,
      DIFFERENCE_NOTE,
    ),
  })
  section.tables.push(exits.table)
  section.charts.push(
    comparisonChart({
      id: 'exits-chart',
      table: exits.table,
      title: 'How treatment ended, women and men',
      description: `Horizontal bars for each way of leaving treatment: the share of women and of men in treatment in ${period}, with 95% confidence intervals. The same figures are in the table below.`,
      results: exits.results,
    }),
  )
  const found = differenceFindings(
    exits.results,
    (c) => exitReasons.find((r) => r.key === c.key)?.phrase ?? c.label.toLowerCase(),
    { women: 'women in treatment', men: 'men' },
  )
  section.findings.push(
    ...(found.length > 0
      ? found
      : ['There was no significant difference between women and men in how treatment ended.']),
  )
  const completed = exits.results.find((r) => r.category.key === 'completed')
  const dropped = exits.results.find((r) => r.category.key === 'dropped')
  if (completed) {
    section.cards.push({
      label: 'Women who completed treatment successfully',
      value: completed.women.share.display,
      detail: `of women in treatment in ${period}; men: ${completed.men.share.display}`,
    })
  }
  if (dropped) {
    section.cards.push({
      label: 'Women who dropped out',
      value: dropped.women.share.display,
      detail: `of women in treatment in ${period}; men: ${dropped.men.share.display}`,
    })
  }

  // Waits to first intervention: counts only, as there is no published total to divide by.
  const inputs: CountInput[] = []
  for (const b of waitBands) {
    inputs.push(measureInput(`F:${b.key}`, both.women, b.measure))
    inputs.push(measureInput(`M:${b.key}`, both.men, b.measure))
  }
  const get = disclose(inputs)
  const waits: TableView = {
    id: 'exits-waits',
    caption: `Waits from referral to first intervention, women and men${forWhom}, ${period}`,
    columns: [
      { key: 'band', label: 'Wait', kind: 'text' },
      { key: 'women', label: 'Women', kind: 'count' },
      { key: 'men', label: 'Men', kind: 'count' },
    ],
    rows: waitBands.map((b) => ({
      band: textCell(b.label),
      women: countCell(get(`F:${b.key}`)),
      men: countCell(get(`M:${b.key}`)),
    })),
    notes: countNotes(
      data.ndtms,
      'ViewIt counts waits for each intervention started, not people, and publishes no total, so we show the counts without shares.',
    ),
  }
  section.tables.push(waits)
  const under3 = get('F:under3')
  const longer = [get('F:3to6'), get('F:over6')]
  if (under3.status === 'shown' && longer.every((c) => c.status === 'shown' && c.count === 0)) {
    section.findings.push(`Every recorded wait for women in ${period} was 3 weeks or less (${under3.display} waits).`)
  } else {
    section.findings.push(
      `Recorded waits for women in ${period}: ${under3.display} of 3 weeks or less, ${longer[0]?.display ?? '[x]'} of over 3 up to 6 weeks, ${longer[1]?.display ?? '[x]'} of over 6 weeks.`,
    )
  }
  section.charts.push({
    id: 'exits-waits-chart',
    tableId: waits.id,
    title: 'Waits to first intervention, women and men',
    svg: barChart({
      id: 'exits-waits-chart',
      title: `Waits from referral to first intervention, ${period}`,
      description:
        'Horizontal bars for each length of wait: the number of waits for women and for men. The same figures are in the table below.',
      categories: waitBands.map((b) => b.label),
      series: (['F', 'M'] as const).map((sex) => ({
        name: sex === 'F' ? 'Women' : 'Men',
        data: waitBands.map((b) => {
          const d = get(`${sex}:${b.key}`)
          return { value: d.count, display: d.display }
        }),
      })),
      valueFormat: 'count',
    }),
  })

  const length = comparisonTable({
    id: 'exits-length',
    caption: `How long people had been in treatment, women and men${forWhom}, ${period}`,
    categoryHeading: 'Time in treatment',
    categories: lengthBands,
    totalMeasure: 'intreatment_allintx',
    totalLabel: 'All people in treatment (published total)',
    ...both,
    partition: true,
    notes: countNotes(data.ndtms, WILSON_NOTE, DIFFERENCE_NOTE),
  })
  section.tables.push(length.table)
  section.findings.push(
    ...differenceFindings(length.results, (c) => `have been in treatment ${c.label.toLowerCase()}`, {
      women: 'women in treatment',
      men: 'men',
    }),
  )
  return section
}

const parentalStatus = (cohort: 'allintx' | 'newtx'): Category[] => [
  {
    key: 'parentWith',
    label: 'Parent living with their children',
    measure: `safeguarding_parentlivingwithchildren_${cohort}`,
  },
  {
    key: 'otherWith',
    label: 'Not a parent, living with children',
    measure: `safeguarding_othercontactlivingwithchildren_${cohort}`,
  },
  {
    key: 'parentNotWith',
    label: 'Parent not living with their children',
    measure: `safeguarding_parentsnotwithchildren_${cohort}`,
  },
  {
    key: 'notParent',
    label: 'Not a parent and not living with children',
    measure: `safeguarding_notparentnocontactwithchildren_${cohort}`,
  },
  { key: 'incomplete', label: 'Incomplete information', measure: `safeguarding_livingwithincompletedata_${cohort}` },
]

const parentalPhrase: Record<string, string> = {
  parentWith: 'be parents living with their children',
  otherWith: 'live with children who are not their own',
  parentNotWith: 'be parents not living with their children',
  notParent: 'be neither parents nor living with children',
  incomplete: 'have incomplete information recorded',
}

export function buildSafeguarding(data: AssessmentData): SectionView {
  const { section, ready, forWhom } = start(data, 'safeguarding')
  if (!ready) return section
  const { period } = data.selection
  const both = rows(data)
  const inTreatment = comparisonTable({
    id: 'safeguarding',
    caption: `Parental status of people in treatment, women and men${forWhom}, ${period}`,
    categoryHeading: 'Parental status',
    categories: parentalStatus('allintx'),
    totalMeasure: 'intreatment_allintx',
    totalLabel: 'All people in treatment (published total)',
    ...both,
    partition: true,
    notes: countNotes(data.ndtms, WILSON_NOTE, DIFFERENCE_NOTE),
  })
  const fresh = comparisonTable({
    id: 'safeguarding-new',
    caption: `Parental status of new presentations, women and men${forWhom}, ${period}`,
    categoryHeading: 'Parental status',
    categories: parentalStatus('newtx'),
    totalMeasure: 'newpresentation_newtx',
    totalLabel: 'All new presentations (published total)',
    ...both,
    partition: true,
    notes: countNotes(data.ndtms, WILSON_NOTE, DIFFERENCE_NOTE),
  })
  section.tables.push(inTreatment.table, fresh.table)
  section.charts.push(
    comparisonChart({
      id: 'safeguarding-chart',
      table: inTreatment.table,
      title: 'Parental status, women and men in treatment',
      description: `Horizontal bars for each parental status: the share of women and of men in treatment in ${period}, with 95% confidence intervals. The same figures are in the table below.`,
      results: inTreatment.results,
    }),
  )
  const parents = inTreatment.results.find((r) => r.category.key === 'parentWith')
  if (parents) {
    section.cards.push({
      label: 'Women in treatment living with their children',
      value: parents.women.share.display,
      detail: `Men: ${parents.men.share.display}`,
    })
  }
  const found = differenceFindings(inTreatment.results, (c) => parentalPhrase[c.key] ?? c.label.toLowerCase(), {
    women: 'women in treatment',
    men: 'men',
  })
  section.findings.push(
    ...(found.length > 0
      ? found
      : ['There was no significant difference between women and men in treatment in their parental status.']),
  )
  section.notes.push(
    'Parents living with their children may need childcare to attend, and may fear that asking for help puts their children at risk of removal. The guide describes family-focused support that helps.',
  )
  return section
}

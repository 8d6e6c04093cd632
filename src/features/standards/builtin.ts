/**
 * The frameworks WTC ships: the basic standards of gender-responsive treatment, written in our own
 * words from the guide (its five principles, the challenges-and-solutions table, "Fostering
 * gender-sensitive treatment within mixed-gendered services", "Equipping the treatment workforce"
 * and the Annex), and two optional frameworks from shared/domain/trauma-informed-checklists.json:
 * the working definition of trauma-informed practice and the five elements of a psychologically
 * informed environment. Built and checked on first use.
 */
import type { ServiceTypeCode } from '../../lib/taxonomy.js'
import { checkFramework, type Framework } from './framework.js'

const TREATMENT: ServiceTypeCode[] = ['community-treatment', 'residential-rehab', 'inpatient-detox']
const COMMUNITY: ServiceTypeCode[] = ['community-treatment']
const TREATMENT_AND_RECOVERY: ServiceTypeCode[] = [...TREATMENT, 'peer-recovery']

const GUIDE =
  'Centre for Justice Innovation, commissioning drug and alcohol treatment for women (the briefing WTC is built from): ' +
  'its five principles and its table of challenges and solutions. The standards are our own wording of what the guide asks of services.'

const genderResponsive = {
  key: 'gender-responsive',
  name: 'Basic standards of gender-responsive treatment',
  version: 1,
  basedOn: null,
  source: GUIDE,
  changeNote: 'The framework as WTC ships it.',
  themes: [
    {
      id: 'safe-spaces',
      title: 'Safe spaces',
      summary:
        'Women can get help without having to share space with men they do not choose to be with, and can ask for a woman worker.',
      standards: [
        {
          id: 'SS1',
          title: 'Women-only groups on different days and times, and online',
          asks: 'Women-only group sessions run on more than one day of the week and at different times of day, and at least one of them can be joined online or by phone.',
          evidence:
            'The weekly timetable of women-only groups with days, times and how to join; how many women came to them last quarter.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['women-only-groups', 'online-or-phone'],
        },
        {
          id: 'SS2',
          title: 'A safe way in',
          asks: 'Women can reach and use the service without passing through mixed spaces: a women-only floor, room or entrance, or, where the building allows none of these, a woman worker meets her at the door or a key worker she trusts walks in with her.',
          evidence:
            'A plan or description of the women-only space or entrance, or the escort arrangement in the service’s procedures; what women say about feeling safe there.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: ['women-only-space', 'escort-from-entrance'],
        },
        {
          id: 'SS3',
          title: 'A woman key worker when she asks',
          asks: 'Every woman is told at first contact that she can have a woman key worker, and gets one when she asks.',
          evidence:
            'The first-contact script or leaflet that says so; how many women asked last quarter and how many were given a woman key worker.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: ['same-gender-key-worker'],
        },
      ],
    },
    {
      id: 'choice-flexibility',
      title: 'Choice and flexibility',
      summary:
        'The service fits around women’s lives (children, work, travel) and does not shut the door on a woman who misses appointments.',
      standards: [
        {
          id: 'CF1',
          title: 'Appointments that fit around childcare and work',
          asks: 'Appointments and groups are offered on several days, including early evening or weekend times, so that women can fit them around school runs, childcare and work.',
          evidence:
            'Opening hours and the timetable; the share of appointments offered outside 9am to 5pm on weekdays.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['evening-or-weekend'],
        },
        {
          id: 'CF2',
          title: 'Outreach to places women already use',
          asks: 'Workers see women in places they already feel comfortable (women’s centres, GP practices, community buildings, and her home where that is safe), not only at the treatment base.',
          evidence: 'Outreach sessions by venue last quarter; the agreements with the venues that host them.',
          principle: 'partnership',
          appliesTo: COMMUNITY,
          directoryFeatures: ['outreach-home-visits'],
        },
        {
          id: 'CF3',
          title: 'Help to get there, or help without travelling',
          asks: 'The service helps with getting to appointments (fares, a lift, or a worker going with her) and offers appointments online or by phone for women who cannot travel, including in rural areas.',
          evidence:
            'The travel support policy; how many women it helped last quarter; how many appointments were online or by phone.',
          principle: 'standards',
          appliesTo: COMMUNITY,
          directoryFeatures: ['transport-help', 'online-or-phone'],
        },
        {
          id: 'CF4',
          title: 'No discharge for missed appointments',
          asks: 'A missed appointment leads to contact and a different offer, not to discharge, and the service never records a woman as “refusing to engage” when community treatment does not suit her.',
          evidence:
            'The missed-appointment and discharge policy; a check of recent discharge letters and records for the words used.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: [],
        },
      ],
    },
    {
      id: 'domestic-sexual-abuse',
      title: 'Domestic and sexual abuse',
      summary: 'Abuse is asked about safely, specialist help is close at hand, and the service is safe from abusers.',
      standards: [
        {
          id: 'DA1',
          title: 'Asking every woman about abuse',
          asks: 'Every woman is asked about domestic and sexual abuse as part of assessment, in private, and again as trust grows; what she says leads to a safety plan and, if she wants, a referral.',
          evidence:
            'The assessment form with the questions; the share of women asked last quarter; the referral route to domestic abuse services.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: ['domestic-abuse-enquiry'],
        },
        {
          id: 'DA2',
          title: 'A domestic abuse specialist in or with the service',
          asks: 'An independent domestic violence adviser (IDVA) or domestic abuse worker is based in the service, or a written partnership with a local domestic abuse service gives women direct referral and joint work; treatment workers also hold sessions at the domestic abuse service.',
          evidence:
            'The IDVA post or the partnership agreement; the number of joint cases; outreach sessions held there.',
          principle: 'partnership',
          appliesTo: TREATMENT,
          directoryFeatures: ['domestic-abuse-worker'],
        },
        {
          id: 'DA3',
          title: 'A policy for when an abuser uses the same service',
          asks: 'A written policy says how the service keeps a woman safe when a man who has abused her also uses it: separate times or sites, records kept apart, and who decides.',
          evidence: 'The policy and the date it was last reviewed; how staff were told about it.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['perpetrator-policy'],
        },
      ],
    },
    {
      id: 'workforce',
      title: 'Workforce',
      summary:
        'Staff are trained to respond to trauma and abuse, work without stigma, and use words that do not blame.',
      standards: [
        {
          id: 'WF1',
          title: 'Accredited trauma-informed training',
          asks: 'Every practitioner has completed accredited training in trauma-informed, gender-responsive practice and renews it on a set cycle.',
          evidence:
            'The training register: staff in post and staff trained, by course, with dates (numbers only, no names).',
          principle: 'workforce',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['trauma-informed-training'],
        },
        {
          id: 'WF2',
          title: 'Accredited domestic abuse training',
          asks: 'Every practitioner has completed accredited domestic abuse training and renews it on a set cycle.',
          evidence: 'The training register: staff in post and staff trained, with dates (numbers only, no names).',
          principle: 'workforce',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
        {
          id: 'WF3',
          title: 'Anti-stigma, strength-based practice',
          asks: 'Staff are trained in non-judgemental, strength-based and relational ways of working, including the stigma that mothers who use drugs or alcohol meet, and supervision looks at practice against it.',
          evidence: 'Training records; the supervision framework; what women say about how staff treat them.',
          principle: 'workforce',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
        {
          id: 'WF4',
          title: 'Words that do not blame',
          asks: 'Records, letters and conversations avoid blaming words such as “refusing to engage”, “non-compliant” or “chaotic”; the service has a short guide to the language it uses and checks that it is followed.',
          evidence: 'The language guide; a check of a sample of records and letters.',
          principle: 'workforce',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
        {
          id: 'WF5',
          title: 'A psychologically informed environment',
          asks: 'The service has looked at its spaces and its practice against the five elements of a psychologically informed environment and acts on what it found.',
          evidence: 'The review and its action plan; changes made since.',
          principle: 'workforce',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['psychologically-informed-environment'],
        },
      ],
    },
    {
      id: 'mothers-families',
      title: 'Mothers and families',
      summary:
        'Mothers can come with their children or without them, pregnancy is asked about and acted on, and the approach supports rather than punishes.',
      standards: [
        {
          id: 'MF1',
          title: 'A creche or childcare',
          asks: 'Women can bring their children, with a creche or supervised space on site, or the service arranges childcare so that she can attend.',
          evidence: 'The creche or childcare arrangement and its hours; how many women used it last quarter.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['children-welcome'],
        },
        {
          id: 'MF2',
          title: 'A women-only space without children',
          asks: 'There is also a women-only space or time with no children present, for women whose children have been removed and for anyone who needs it.',
          evidence: 'The timetable or the room set aside; how women are told about it.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['space-without-children'],
        },
        {
          id: 'MF3',
          title: 'Pregnancy asked about, with a route to a specialist midwife',
          asks: 'Every woman is asked, with care, whether she is or may be pregnant, and a pregnant woman is offered a quick route to a specialist midwife and a joined-up plan with maternity services.',
          evidence: 'The assessment question; the agreed pathway with midwifery; referrals made last quarter.',
          principle: 'partnership',
          appliesTo: TREATMENT,
          directoryFeatures: ['pregnancy-question', 'specialist-midwife-link'],
        },
        {
          id: 'MF4',
          title: 'Links with family courts and Pause',
          asks: 'The service has working links with the local Family Drug and Alcohol Court where there is one, with the mental health services that support women at risk of having children removed, and with Pause or a similar programme for women who have had children removed.',
          evidence: 'Named contacts and any written agreements; joint cases or referrals last year.',
          principle: 'partnership',
          appliesTo: COMMUNITY,
          directoryFeatures: [],
        },
        {
          id: 'MF5',
          title: 'Working with mothers, not against them',
          asks: 'Staff explain safeguarding openly, talk with women about the fear of losing their children, and keep supporting a woman whose children are removed, with a focus on her wellbeing.',
          evidence:
            'The service’s approach written down; training in strength-based work with mothers; what women say about it.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
      ],
    },
    {
      id: 'integrated-pathways',
      title: 'Integrated pathways',
      summary:
        'Women with other needs get joined-up help from mental health, housing, sexual and women’s health, and criminal justice services.',
      standards: [
        {
          id: 'IP1',
          title: 'Mental health',
          asks: 'A named pathway with mental health services gives women with co-occurring needs a joint assessment, without either service waiting for the other to finish first.',
          evidence: 'The pathway agreement; joint assessments last quarter.',
          principle: 'partnership',
          appliesTo: TREATMENT,
          directoryFeatures: [],
        },
        {
          id: 'IP2',
          title: 'Housing',
          asks: 'Women who are homeless or at risk of it are referred to housing support through a named contact, and staff know the safe and women-only housing options locally.',
          evidence: 'The named contact or agreement; referrals last quarter.',
          principle: 'partnership',
          appliesTo: TREATMENT,
          directoryFeatures: [],
        },
        {
          id: 'IP3',
          title: 'Sexual health and women’s health',
          asks: 'Pathways with sexual health services and the NHS women’s health hub cover contraception, periods, menopause, miscarriage and blood-borne viruses, on site or by direct referral.',
          evidence: 'The pathways or clinics on site; referrals last quarter.',
          principle: 'partnership',
          appliesTo: TREATMENT,
          directoryFeatures: [],
        },
        {
          id: 'IP4',
          title: 'Continuity of care on leaving custody',
          asks: 'A woman leaving prison has an appointment booked before release and gets her prescription on the day she is released, with a named worker who works with probation.',
          evidence:
            'The release pathway; for women released last quarter, how many were seen and had their script on the day.',
          principle: 'partnership',
          appliesTo: COMMUNITY,
          directoryFeatures: ['rapid-scripts-on-release'],
        },
      ],
    },
    {
      id: 'intersecting-identities',
      title: 'Intersecting identities',
      summary:
        'Women from minoritised and religious communities, LGBTQ+ women and neurodivergent and disabled women find provision that fits them.',
      standards: [
        {
          id: 'II1',
          title: 'Partnerships with by-and-for organisations',
          asks: 'The service works in written partnership with “by and for” organisations led by and for minoritised ethnic, religious and LGBTQ+ women, and shapes its provision with them.',
          evidence: 'The partnership agreements; what changed in the service because of them.',
          principle: 'needs',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['by-and-for', 'lgbtq-affirming'],
        },
        {
          id: 'II2',
          title: 'Culturally appropriate provision',
          asks: 'Interpreters are offered free of charge, information comes in the main local languages, and staff have accredited anti-discrimination training.',
          evidence: 'Interpreter use last quarter; the languages materials are in; the training register.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['interpreters'],
        },
        {
          id: 'II3',
          title: 'Adjustments for neurodivergent women',
          asks: 'The service asks about and makes adjustments for neurodivergent women, such as quieter times, written summaries and sessions of a different length, and records them.',
          evidence: 'The adjustments offered; how many women had one last quarter.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['neurodiversity-adjustments'],
        },
        {
          id: 'II4',
          title: 'Access for disabled women',
          asks: 'Premises and information are accessible, and the service asks disabled women what adjustments they need and makes them.',
          evidence: 'An access check of the premises; the adjustments made last quarter.',
          principle: 'standards',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: ['accessible-premises'],
        },
      ],
    },
    {
      id: 'lived-experience',
      title: 'Lived experience',
      summary:
        'Women who use the service shape it: they have their own forum, sit on panels, and see what changed because they spoke.',
      standards: [
        {
          id: 'LE1',
          title: 'A women-only feedback forum',
          asks: 'Women who use the service have a women-only forum or group for feedback that meets regularly, with topics chosen with them.',
          evidence: 'Dates and topics of the last four meetings and how many came (numbers only).',
          principle: 'lived-experience',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
        {
          id: 'LE2',
          title: 'Women with lived experience on panels',
          asks: 'Women with lived experience sit on recruitment and service design panels and are paid or rewarded for their time.',
          evidence: 'Panels held last year with lived experience members; the payment or reward policy.',
          principle: 'lived-experience',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
        {
          id: 'LE3',
          title: '“You said, we did”',
          asks: 'At least every quarter the service shows, where women using it can see it, what women raised and what changed because of it.',
          evidence: 'The last two “you said, we did” updates and where they were shown.',
          principle: 'lived-experience',
          appliesTo: TREATMENT_AND_RECOVERY,
          directoryFeatures: [],
        },
      ],
    },
    {
      id: 'residential-access',
      title: 'Residential access',
      summary:
        'A woman who needs residential rehabilitation or detox gets a place on her assessed need, with a choice of women-only provision.',
      standards: [
        {
          id: 'RA1',
          title: 'No pleading before a panel',
          asks: 'No woman has to make her case for a residential place in front of a panel; the decision rests on her assessed need, and cost alone does not decide it.',
          evidence: 'The residential referral procedure; decisions made last year and the reasons recorded.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: [],
        },
        {
          id: 'RA2',
          title: 'A choice of women-only rehab and detox',
          asks: 'A woman who needs residential rehabilitation or inpatient detox is offered a women-only placement if she wants one, and community treatment not suiting her counts as a reason to consider a residential place.',
          evidence: 'The providers women can be placed with, including women-only ones; placements last year by type.',
          principle: 'standards',
          appliesTo: TREATMENT,
          directoryFeatures: ['women-only-service'],
        },
      ],
    },
  ],
}

const CHECKLISTS = 'shared/domain/trauma-informed-checklists.json'

const traumaInformed = {
  key: 'trauma-informed-practice',
  name: 'Trauma-informed practice principles',
  version: 1,
  basedOn: null,
  source: `The six principles of the working definition of trauma-informed practice (Office for Health Improvement and Disparities, November 2022), as summarised in ${CHECKLISTS}; the prompts are our own wording.`,
  changeNote: 'The framework as WTC ships it.',
  themes: [
    {
      id: 'principles',
      title: 'The six principles',
      summary:
        'Services realise the impact of trauma, recognise its signs and avoid causing it again, through six principles.',
      standards: [
        [
          'TIP1',
          'Safety',
          'Women and staff are physically, psychologically and emotionally safe, for example through women-only spaces and times and safe waiting areas.',
          'standards',
        ],
        [
          'TIP2',
          'Trust',
          'Decisions are open and consistent, and women are told clearly what will happen and why.',
          'standards',
        ],
        [
          'TIP3',
          'Choice',
          'Women are offered real choices: the gender of their worker, the place, the time and the way they are seen.',
          'standards',
        ],
        [
          'TIP4',
          'Collaboration',
          'Power is shared: women plan their care with staff and help design changes to the service.',
          'lived-experience',
        ],
        [
          'TIP5',
          'Empowerment',
          'The service builds on strengths, skills and confidence, and peer support is on offer.',
          'workforce',
        ],
        [
          'TIP6',
          'Cultural consideration',
          'The service recognises cultural, historical and gender contexts and responds to racism, homophobia, transphobia and other discrimination.',
          'needs',
        ],
      ].map(([sid, title, asks, principle]) => ({
        id: sid,
        title,
        asks,
        evidence: 'What the service does that shows this, and what women using it say about it.',
        principle,
        appliesTo: TREATMENT_AND_RECOVERY,
        directoryFeatures: [],
      })),
    },
  ],
}

const pie = {
  key: 'psychologically-informed-environment',
  name: 'Psychologically informed environments: the five elements',
  version: 1,
  basedOn: null,
  source: `The five key elements of a psychologically informed environment (Homeless Link), as listed in ${CHECKLISTS}; the prompts are our own wording.`,
  changeNote: 'The framework as WTC ships it.',
  themes: [
    {
      id: 'elements',
      title: 'The five elements',
      summary: 'Spaces and practice are built around an understanding of the people the service supports.',
      standards: [
        [
          'PIE1',
          'Developing a psychological framework',
          'Staff share an understanding of the women they support and a common way of responding to them.',
        ],
        [
          'PIE2',
          'The physical environment and social spaces',
          'The building and its social spaces are arranged to help women feel safe and take part.',
        ],
        [
          'PIE3',
          'Staff training and support',
          'Training, supervision and reflective practice help staff move from managing crises to planned, therapeutic work.',
        ],
        [
          'PIE4',
          'Managing relationships',
          'Staff and women are helped to handle reactions to triggering events; relationships are the main tool for change.',
        ],
        [
          'PIE5',
          'Evaluation of outcomes',
          'Staff and women look together at what works, to improve the service and show its effect.',
        ],
      ].map(([sid, title, asks]) => ({
        id: sid,
        title,
        asks,
        evidence: 'What the service does that shows this, and what women using it say about it.',
        principle: 'workforce',
        appliesTo: TREATMENT_AND_RECOVERY,
        directoryFeatures: sid === 'PIE2' ? ['psychologically-informed-environment'] : [],
      })),
    },
  ],
}

let built: readonly Framework[] | undefined

/** The shipped frameworks, checked by the same rules as an import; the first is the main one. */
export function builtinFrameworks(): readonly Framework[] {
  if (built) return built
  built = [genderResponsive, traumaInformed, pie].map((doc) => {
    const checked = checkFramework(doc)
    if (!checked.ok) {
      throw new Error(
        `The shipped framework ${doc.key} is not valid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      )
    }
    return checked.framework
  })
  return built
}

export function builtinFramework(key: string): Framework | undefined {
  return builtinFrameworks().find((f) => f.key === key)
}

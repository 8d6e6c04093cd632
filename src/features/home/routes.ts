/**
 * The signed-in home page (issue 11, "Every role has a home"): one section for each role the user
 * holds, listing only pages that role may open, with the tasks it does there. A route test signs
 * in as each demo role and opens every link on its home page.
 */
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { directoryOrganisations, directoryServices, type Role } from '../../db/schema/index.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { paths } from '../../platform/paths.js'
import type { TenantScope } from '../../platform/tenancy.js'

// The pages home links to, from the typed paths (a feature imports only its own folder and platform).
const directoryPaths = paths.directory
const insightPaths = { priorities: paths.needs.priorities } as const
const uploadPaths = { imports: paths.needs.imports } as const

import { listUsers, providerOrganisationIds } from '../../platform/users.js'
import { londonDay } from '../../platform/forms.js'

/** Something that needs a person's attention, listed on their home page under their role. */
export interface AttentionItem {
  text: string
  href: string
  note: string
  overdue: boolean
}

/** What other capabilities have for a person's attention, by role (src/app.ts wires the standards in). */
export type AttentionSource = (
  db: DbOrTx,
  scope: TenantScope,
  user: { id: string; roles: readonly Role[] },
  today: string,
) => Promise<Partial<Record<Role, AttentionItem[]>>>

export interface HomeTask {
  text: string
  href: string
  description: string
}

export interface HomeSection {
  role: Role
  heading: string
  intro: string
  tasks: HomeTask[]
  /** Said plainly where a role has little yet: what is not here. */
  notYet?: string
  /** Returns and actions that need the person's attention (issue 12), most pressing first. */
  attention?: AttentionItem[]
  /** Provider section: the services of the user's organisations. */
  services?: { name: string; status: string; href: string; editHref: string }[]
}

const publicSupport: HomeTask[] = [
  {
    text: 'Get support (the public search)',
    href: '/support',
    description: 'The search a woman uses to find drug and alcohol help near her, as she sees it.',
  },
  {
    text: 'Staying safe online',
    href: '/safety',
    description: 'The safety advice shown beside the public search, including leaving the site quickly.',
  },
]

/** The sections of the home page, in the order of `roles` (src/db/schema). */
export function homeSections(roles: readonly Role[], extra: { activePeople: number }): HomeSection[] {
  const sections: HomeSection[] = []
  const has = (r: Role) => roles.includes(r)
  if (has('commissioner'))
    sections.push({
      role: 'commissioner',
      heading: 'Commissioning',
      intro: 'Understand local need, map services, and record what the council will act on.',
      tasks: [
        {
          text: 'Needs assessment',
          href: paths.needs.overview,
          description: 'Where women are missing from treatment, how they are referred and how treatment ends.',
        },
        {
          text: 'Service map',
          href: directoryPaths.list,
          description: 'The directory of treatment and women’s services, and where women-only provision is missing.',
        },
        {
          text: 'Priorities',
          href: insightPaths.priorities,
          description: 'What the council has decided to act on, with the evidence behind each.',
        },
        {
          text: 'Standards assessments',
          href: paths.standards.rounds,
          description: 'Rounds in which providers rate their services against the standards, and you verify them.',
        },
        {
          text: 'Actions',
          href: paths.actions.list,
          description: 'Improvement actions agreed with providers, with their owners and due dates.',
        },
        {
          text: 'Partnerships',
          href: paths.partnerships.list,
          description: 'Boards that span councils, such as a female justice support board.',
        },
        {
          text: 'Audit trail',
          href: paths.audit.list,
          description: 'Who signed in, changed or exported what; download it for the council’s records.',
        },
      ],
    })
  if (has('analyst'))
    sections.push({
      role: 'analyst',
      heading: 'Analysis',
      intro: 'Bring in the council’s data and check the figures the needs assessment is built on.',
      tasks: [
        {
          text: 'Needs assessment',
          href: paths.needs.overview,
          description: 'The figures, findings and Word report built from the imported data.',
        },
        {
          text: 'Data imports',
          href: uploadPaths.imports,
          description: 'Upload treatment, population and survey files, and see what each import took and refused.',
        },
        {
          text: 'Service map',
          href: directoryPaths.list,
          description: 'The directory of services the analysis of gaps is drawn from.',
        },
      ],
    })
  if (has('provider'))
    sections.push({
      role: 'provider',
      heading: 'Your organisation',
      intro: 'Keep your services’ entries in the council’s directory right: what you offer, where and when.',
      tasks: [
        {
          text: 'Your services in the directory',
          href: directoryPaths.list,
          description: 'The services your organisation runs, as the council and the public search see them.',
        },
        {
          text: 'Standards self-assessments',
          href: paths.standards.rounds,
          description: 'Rate your services against the basic standards for women, with your evidence, and submit.',
        },
        {
          text: 'Your actions',
          href: paths.actions.list,
          description: 'The improvement actions agreed with the council, and your progress on each.',
        },
      ],
    })
  if (has('admin'))
    sections.push({
      role: 'admin',
      heading: 'Administration',
      intro: 'Decide who uses WTC for the council and what each person can see.',
      tasks: [
        {
          text: 'Users',
          href: paths.admin.users,
          description: `People with an account and their roles (${String(extra.activePeople)} active ${extra.activePeople === 1 ? 'account' : 'accounts'}).`,
        },
        {
          text: 'Invite someone',
          href: paths.admin.newInvitation,
          description: 'Invite a colleague, provider, partner or panel member, with the role they need.',
        },
        {
          text: 'Audit trail',
          href: paths.audit.list,
          description: 'Who signed in, changed or exported what.',
        },
      ],
    })
  if (has('panel_member'))
    sections.push({
      role: 'panel_member',
      heading: 'Lived-experience panel',
      intro: 'See what the council offers women as they would meet it.',
      tasks: [
        {
          text: 'Map of services',
          href: paths.serviceMap,
          description:
            'Where the council’s published services are, which are for women only, and the same places in a table.',
        },
        {
          text: 'Standards assessments',
          href: paths.standards.rounds,
          description: 'The services you are on the panel for: record what you saw or heard against each standard.',
        },
        ...publicSupport,
      ],
      notYet:
        'Pages for the panel to review the council’s plans and services, and to give its view on them, are still to be built. Until then you see the services as the public does, through the map and the search above. The council will tell you when there is more to review here.',
    })
  if (has('partner'))
    sections.push({
      role: 'partner',
      heading: 'Partner organisation',
      intro: 'See the support the council’s services offer women, as the public does.',
      tasks: publicSupport,
      notYet:
        'Pages for partner organisations are still to be built. The council will tell you when there is more here for you.',
    })
  return sections
}

/** The provider's services: those of directory organisations their provider organisations own. */
async function providerServices(db: DbOrTx, scope: TenantScope, userId: string): Promise<HomeSection['services']> {
  const owners = await providerOrganisationIds(db, scope, userId)
  if (owners.length === 0) return []
  const rows = await db
    .select({ id: directoryServices.id, name: directoryServices.name, status: directoryServices.status })
    .from(directoryServices)
    .innerJoin(
      directoryOrganisations,
      and(
        eq(directoryOrganisations.tenantId, directoryServices.tenantId),
        eq(directoryOrganisations.id, directoryServices.organisationId),
      ),
    )
    .where(
      and(eq(directoryServices.tenantId, scope.tenantId), inArray(directoryOrganisations.ownerOrganisationId, owners)),
    )
    .orderBy(asc(directoryServices.name))
  return rows.map((r) => ({
    name: r.name,
    status: r.status === 'published' ? 'Published' : 'Draft',
    href: directoryPaths.service(r.id),
    editHref: directoryPaths.edit(r.id),
  }))
}

export function registerHomeRoutes(app: FastifyInstance, deps: { attention: AttentionSource }): void {
  app.get(paths.home, { config: { access: { signedIn: true } } }, async (request, reply) => {
    const user = request.currentUser
    if (!user) return reply.redirect(paths.signIn, 303)
    const activePeople = user.roles.includes('admin')
      ? (await listUsers(app.db, user.scope)).filter((p) => !p.disabledAt).length
      : 0
    const sections = homeSections(user.roles, { activePeople })
    const provider = sections.find((s) => s.role === 'provider')
    if (provider) provider.services = await providerServices(app.db, user.scope, user.id)
    const attention = await deps.attention(app.db, user.scope, user, londonDay(new Date()))
    for (const section of sections) {
      const items = attention[section.role]
      if (items) section.attention = [...items].sort((a, b) => Number(b.overdue) - Number(a.overdue))
    }
    return reply.view('features/home/views/home.njk', { pageTitle: 'Home', sections })
  })
}

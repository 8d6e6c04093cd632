/**
 * Typed URL builders, used by routes, redirects, templates and tests alike. A route registers with
 * the same builder given its parameters (`paths.standards.round(':roundId')`).
 */
const seg = (s: string): string => (s.startsWith(':') ? s : encodeURIComponent(s))

export const paths = {
  start: '/',
  home: '/home',
  signIn: '/sign-in',
  secondFactor: '/sign-in/second-factor',
  recoveryCode: '/sign-in/recovery-code',
  enrol: '/account/second-factor/set-up',
  signOut: '/sign-out',
  signedOut: '/signed-out',
  extendSession: '/session/extend',
  invitation: (token: string) => `/invitations/${encodeURIComponent(token)}`,
  sso: { start: '/sign-in/sso', callback: '/sign-in/sso/callback' },
  admin: {
    users: '/admin/users',
    user: (id: string) => `/admin/users/${id}`,
    userRoles: (id: string) => `/admin/users/${id}/roles`,
    userDisable: (id: string) => `/admin/users/${id}/disable`,
    userEnable: (id: string) => `/admin/users/${id}/enable`,
    userResetSecondFactor: (id: string) => `/admin/users/${id}/reset-second-factor`,
    newInvitation: '/admin/invitations/new',
    invitations: '/admin/invitations',
    invitation: (id: string) => `/admin/invitations/${id}`,
    revokeInvitation: (id: string) => `/admin/invitations/${id}/revoke`,
    organisations: '/admin/organisations',
  },
  standards: {
    list: '/standards',
    framework: (key: string) => `/standards/${seg(key)}`,
    exportJson: (key: string) => `/standards/${seg(key)}/export`,
    importFramework: '/standards/import',
    rounds: '/standards/rounds',
    newRound: '/standards/rounds/new',
    round: (id: string) => `/standards/rounds/${id}`,
    comparison: (id: string) => `/standards/rounds/${id}/comparison`,
    closeRound: (id: string) => `/standards/rounds/${id}/close`,
    report: (id: string) => `/standards/rounds/${id}/report`,
    return: (id: string) => `/standards/returns/${id}`,
    returnReport: (id: string) => `/standards/returns/${id}/report`,
    submit: (id: string) => `/standards/returns/${id}/submit`,
    verification: (id: string) => `/standards/returns/${id}/verification`,
    panel: (id: string) => `/standards/returns/${id}/panel`,
    actions: (id: string) => `/standards/returns/${id}/actions`,
    standard: (id: string, standard: string) => `/standards/returns/${id}/standards/${seg(standard)}`,
    rating: (id: string, standard: string) => `/standards/returns/${id}/standards/${seg(standard)}/rating`,
    decision: (id: string, standard: string) => `/standards/returns/${id}/standards/${seg(standard)}/decision`,
    observations: (id: string, standard: string) => `/standards/returns/${id}/standards/${seg(standard)}/observations`,
    evidence: (id: string, standard: string) => `/standards/returns/${id}/standards/${seg(standard)}/evidence`,
    evidenceFile: (id: string) => `/standards/evidence/${id}`,
    removeEvidence: (id: string) => `/standards/evidence/${id}/remove`,
    /** The workforce training register: every provider, one provider, one course of one provider. */
    workforce: '/standards/workforce',
    register: (organisationId: string) => `/standards/workforce/${organisationId}`,
    course: (organisationId: string, course: string) => `/standards/workforce/${organisationId}/courses/${seg(course)}`,
    training: (organisationId: string, course: string) =>
      `/standards/workforce/${organisationId}/courses/${seg(course)}/training`,
    trainingGroup: (id: string) => `/standards/training/${id}`,
  },
  /** The shared actions (src/platform/actions.ts): every kind, one list. */
  actions: {
    list: '/actions',
    show: (id: string) => `/actions/${id}`,
    update: (id: string) => `/actions/${id}/update`,
  },
  partnerships: {
    list: '/partnerships',
    show: (id: string) => `/partnerships/${id}`,
    join: (id: string) => `/partnerships/${id}/join`,
    invite: (id: string) => `/partnerships/${id}/invite`,
  },
  audit: { list: '/audit', verify: '/audit/verify' },
  needs: {
    overview: '/needs',
    /** A section of the assessment by its page slug (src/features/needs/assessment/pages.ts). */
    section: (slug: string) => `/needs/${slug}`,
    howToRead: '/needs/how-to-read',
    priorities: '/needs/priorities',
    imports: '/needs/imports',
  },
  directory: {
    list: '/directory',
    service: (id: string) => `/directory/services/${id}`,
    edit: (id: string) => `/directory/services/${id}/edit`,
  },
  /** The map of the council's published services (src/features/directory/map). */
  serviceMap: '/directory/map',
  job: (id: string) => `/jobs/${id}`,
  exit: '/exit',
  support: {
    search: '/support',
    /** One published service of a council (its GSS code) in the public search. */
    service: (council: string, id: string) => `/support/services/${council}/${id}`,
  },
} as const

/** A `next` target is followed only if it is a path on this site. */
export function safeNext(next: unknown, fallback: string = paths.home): string {
  if (typeof next !== 'string') return fallback
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.length > 500) return fallback
  if (/[\r\n]/.test(next)) return fallback
  // Browsers drop tabs and newlines from a URL and read "\\" as "/", so "/\t/evil.example" leaves the site
  // (ASVS 3.7.2): judge the target as a browser would, and send it in its encoded, ASCII-only form, which a
  // Location header can always carry (a raw non-Latin-1 character there was a server error).
  const base = 'https://next.invalid'
  let url: URL
  try {
    url = new URL(next, base)
  } catch {
    return fallback
  }
  if (url.origin !== base) return fallback
  // Dot segments collapse: "/..//evil.example" resolves to the path "//evil.example", which a browser
  // reads as another host. Judge the path as it will be sent, not as it was written.
  if (url.pathname.startsWith('//')) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}

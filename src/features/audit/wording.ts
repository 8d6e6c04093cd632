/**
 * The audit trail in words (issue 11): each action code written anywhere in the code base has a
 * sentence here (test/admin/audit-wording.test.ts fails on a code without one). The codes and ids
 * stay in the CSV and JSON exports.
 */
import { roleNames } from '../../platform/views.js'

export interface AuditEntryForWords {
  action: string
  details: unknown
  /** The subject's name where the trail page could look it up (a user's name or email), else null. */
  subjectName: string | null
}

type Details = Record<string, unknown>
type Wording = (d: Details, subject: string) => string

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null)

/** The needs import kinds in words (as importKindInfo in src/features/needs/importers, which this feature may not import). */
const importKindWords: Record<string, string> = {
  'ndtms-viewit': 'an NDTMS ViewIt adult treatment export',
  fingertips: 'Fingertips indicator data',
  'prevalence-alcohol': 'alcohol dependence prevalence estimates',
  'prevalence-ocu': 'opiate and crack cocaine use (OCU) prevalence estimates',
  population: 'local population estimates',
  indicator: 'a local indicator file',
}

const importKind = (v: unknown): string => {
  const kind = str(v)
  return (kind ? importKindWords[kind] : undefined) ?? 'a data file'
}

const roleWords = (v: unknown): string => {
  const list = Array.isArray(v) ? v.filter((r): r is string => typeof r === 'string') : []
  return list.length === 0 ? 'no role' : list.map((r) => roleNames[r] ?? r).join(', ')
}

const failureReasons: Record<string, string> = {
  locked: 'the account was locked after repeated failures',
  'unknown-account': 'no account has that email address',
  disabled: 'the account is disabled',
  'wrong-password': 'wrong password',
}

const of = (subject: string): string => (subject ? ` of ${subject}` : '')
const named = (subject: string): string => (subject ? ` ${subject}` : '')
const quoted = (v: unknown): string => (str(v) ? ` “${String(v)}”` : '')

const ratingNames: Record<string, string> = {
  met: 'met',
  partly_met: 'partly met',
  not_met: 'not met',
  not_applicable: 'not applicable',
}
const ratingWords = (v: unknown): string => ratingNames[str(v) ?? ''] ?? ''
const actionStatusWords: Record<string, string> = {
  open: 'not started',
  in_progress: 'in progress',
  done: 'done',
  cancelled: 'cancelled',
}

export const auditWordings: Record<string, Wording> = {
  'sign-in.success': (d) =>
    d.method === 'sso'
      ? 'Signed in with the council account'
      : d.demo === true
        ? 'Signed in (demo account)'
        : 'Signed in',
  'sign-in.password-accepted': () => 'Entered the right password; second factor still to come',
  'sign-in.failure': (d) => {
    const reason = str(d.reason)
    const why = reason ? (failureReasons[reason] ?? reason.replaceAll('-', ' ')) : null
    const how = d.method === 'sso' ? 'Sign-in with the council account failed' : 'Sign-in failed'
    return why ? `${how}: ${why}` : how
  },
  'sign-in.second-factor.failure': (d) =>
    d.method === 'recovery-code' ? 'Entered a wrong recovery code' : 'Entered a wrong second-factor code',
  'sign-out': () => 'Signed out',
  'user.create': (d, s) => `Created the account${named(s || (str(d.email) ?? ''))} as ${roleWords(d.roles)}`,
  'user.roles.change': (d, s) => `Changed the roles${of(s)} from ${roleWords(d.from)} to ${roleWords(d.to)}`,
  'user.disable': (_d, s) => `Disabled the account${of(s)}`,
  'user.enable': (_d, s) => `Enabled the account${of(s)} again`,
  'user.second-factor.reset': (_d, s) => `Reset the second factor${of(s)}`,
  'user.second-factor.enrol': () => 'Set up a second factor',
  'user.sso.link': (_d, s) => `Linked the council sign-in account to the WTC account${of(s)}`,
  'invitation.create': (d) =>
    `Invited ${str(d.email) ?? 'someone'} as ${roleWords(str(d.role) ? [d.role] : []).toLowerCase()}`,
  'invitation.revoke': () => 'Withdrew an invitation',
  'invitation.accept': () => 'Accepted an invitation and set up an account',
  'organisation.create': (d) => `Added the organisation${quoted(d.name)}`,
  'council.add': (d) => `Added the council${quoted(d.name)}`,
  'partnership.create': (d) => `Created the partnership${quoted(d.name)}`,
  'partnership.invite': () => 'Invited another council to a partnership',
  'partnership.join': () => 'Joined a partnership',
  'audit.export': (d) => `Downloaded the audit trail${str(d.format) ? ` as ${String(d.format).toUpperCase()}` : ''}`,
  'needs.import.start': (d) =>
    `Started an import of ${importKind(d.kind)}${str(d.fileName) ? ` (${String(d.fileName)})` : ''}`,
  'needs.import': (d) => {
    const stored = num(d.rowsStored)
    return `Imported ${importKind(d.kind)}${stored === null ? '' : `: ${stored.toLocaleString('en-GB')} ${stored === 1 ? 'row' : 'rows'} stored`}`
  },
  'needs.assessment.export': (d) =>
    `Downloaded needs assessment figures${str(d.format) ? ` as ${String(d.format).toUpperCase()}` : ''}`,
  'needs.report.download': () => 'Downloaded the needs assessment report (Word)',
  'needs.insight.create': (d) =>
    `Recorded what a local organisation said${str(d.organisation) ? ` (${String(d.organisation)})` : ''}`,
  'needs.insight.update': (d) =>
    `Changed what a local organisation said${str(d.organisation) ? ` (${String(d.organisation)})` : ''}`,
  'needs.insight.delete': (d) =>
    `Removed what a local organisation said${str(d.organisation) ? ` (${String(d.organisation)})` : ''}`,
  'needs.priority.create': (d) => `Recorded a priority${quoted(d.title)}`,
  'needs.priority.update': (d) => `Changed a priority${quoted(d.title)}`,
  'needs.assumption.update': () => 'Changed the female share of need the estimates use',
  'directory.service.create': (d) => `Added the service${quoted(d.name)} to the directory`,
  'directory.service.update': (d) => `Changed the service${quoted(d.name)} in the directory`,
  'directory.organisation.save': (d) => `Saved the organisation${quoted(d.name)} in the directory`,
  'directory.term-mapping.save': (d) => `Set what the term${quoted(d.term)} means in the directory`,
  'directory.import.start': (d) =>
    str(d.url)
      ? `Started an import of Open Referral UK data from ${String(d.url)}`
      : `Started an import of an Open Referral UK file${str(d.fileName) ? ` (${String(d.fileName)})` : ''}`,
  'directory.import': (d) => {
    const parts = [
      ['added', num(d.created)],
      ['changed', num(d.updated)],
      ['unchanged', num(d.unchanged)],
    ].filter((p): p is [string, number] => p[1] !== null)
    return `Imported Open Referral UK data${parts.length ? `: services ${parts.map(([w, n]) => `${String(n)} ${w}`).join(', ')}` : ''}`
  },
  'standards.round.open': (d) =>
    `Opened the standards round${quoted(d.title)}${num(d.services) === null ? '' : ` for ${String(d.services)} ${d.services === 1 ? 'service' : 'services'}`}`,
  'standards.round.close': () => 'Closed a standards round',
  'standards.framework.version': (d) =>
    `Saved version ${num(d.version) === null ? '' : String(d.version)} of the framework${quoted(d.name)}`,
  'standards.rating.save': (d) => `Rated standard ${str(d.standard) ?? ''} ${ratingWords(d.rating)}`.trimEnd(),
  'standards.evidence.add': (d) =>
    `Added ${d.kind === 'file' ? 'a file' : 'a link'} as evidence for standard ${str(d.standard) ?? ''}`,
  'standards.evidence.remove': (d) => `Removed evidence for standard ${str(d.standard) ?? ''}`,
  'standards.return.submit': () => 'Submitted a standards return',
  'standards.rating.verify': (d) =>
    d.decision === 'changed'
      ? `Changed the rating of standard ${str(d.standard) ?? ''} to ${ratingWords(d.rating)}`
      : d.decision === 'returned'
        ? `Sent standard ${str(d.standard) ?? ''} back for more evidence`
        : `Agreed the rating of standard ${str(d.standard) ?? ''}`,
  'standards.return.verify': () => 'Verified a standards return',
  'standards.return.send-back': () => 'Sent a standards return back to the provider for more evidence',
  'standards.panel.assign': () => 'Assigned a panel member to a service in a standards round',
  'standards.observation.add': (d) => `Added a panel observation on standard ${str(d.standard) ?? ''}`,
  'action.create': (d) => `Agreed the action${quoted(d.title)}${str(d.owner) ? ` with ${String(d.owner)}` : ''}`,
  'action.update': (d) =>
    `Updated an action${str(d.status) ? `: ${actionStatusWords[String(d.status)] ?? String(d.status)}` : ''}`,
}

/** The action in words; a code with no wording (which the test prevents) shows as itself. */
export function auditInWords(entry: AuditEntryForWords): string {
  const wording = auditWordings[entry.action]
  if (!wording) return entry.action
  const details = entry.details && typeof entry.details === 'object' ? (entry.details as Details) : {}
  return wording(details, entry.subjectName ?? '')
}

/**
 * Where the standards assessment and the service map disagree (issue 12): a verified "not met"
 * for a standard whose matching feature the service's directory entry lists. Both sides are told:
 * the return's page (`directoryFlags`) and the service map's page of the service
 * (`serviceStandardsFlags`, wired into the directory by src/app.ts).
 */
import type { DbOrTx } from '../../../platform/db/index.js'
import { paths } from '../../../platform/paths.js'
import type { TenantScope } from '../../../platform/tenancy.js'
import type { Framework } from '../framework.js'
import * as repo from './repository.js'
import { effectiveRating } from './scoring.js'
import type { StandardsViewer } from './service.js'

export interface DirectoryFlag {
  standardId: string
  title: string
  features: string[]
}

/**
 * Where a verified "not met" disagrees with the service map: the standard matches features the
 * service's directory entry lists today (a creche, say). Shown to the provider and the council on
 * the return, so one of the two is put right.
 */
export async function directoryFlags(
  db: DbOrTx,
  v: StandardsViewer,
  ret: repo.ReturnRow,
  framework: Framework,
  ratings: readonly repo.RatingRow[],
  source: repo.ServiceSource,
): Promise<DirectoryFlag[]> {
  if (ret.status !== 'verified' || v.role === 'panel_member') return []
  const listed = new Set((await source(db, v.scope, [ret.serviceId]))[0]?.features ?? [])
  if (listed.size === 0) return []
  const byId = new Map(ratings.map((r) => [r.standardId, r]))
  const out: DirectoryFlag[] = []
  for (const standard of framework.themes.flatMap((t) => t.standards)) {
    const r = byId.get(standard.id)
    if (!r || effectiveRating(r) !== 'not_met') continue
    const clash = standard.directoryFeatures.filter((f) => listed.has(f))
    if (clash.length) out.push({ standardId: standard.id, title: standard.title, features: clash })
  }
  return out
}

/** What the service map's page of one service says about its standards (src/app.ts wires it in). */
export interface ServiceStandardsFlag {
  standardId: string
  title: string
  /** The directory feature codes the service lists although the standard was found not met. */
  features: string[]
  roundTitle: string
  returnHref: string
}

/**
 * The other side of `directoryFlags`: for the service map's page of a service, the standards its
 * latest verified return found not met although the service's entry, as it is now, lists the
 * matching feature. Read with the council's scope only: the directory decides who sees the page.
 */
export async function serviceStandardsFlags(
  db: DbOrTx,
  scope: TenantScope,
  serviceId: string,
  listedFeatures: readonly string[],
): Promise<ServiceStandardsFlag[]> {
  if (listedFeatures.length === 0) return []
  const verified = (await repo.listReturns(db, scope, { serviceId })).filter((r) => r.status === 'verified')
  const latest = verified.sort((a, b) => (b.verifiedAt?.getTime() ?? 0) - (a.verifiedAt?.getTime() ?? 0))[0]
  if (!latest) return []
  const round = await repo.getRound(db, scope, latest.roundId)
  if (!round) return []
  const listed = new Set(listedFeatures)
  const byId = new Map((await repo.ratingsOf(db, scope, [latest.id])).map((r) => [r.standardId, r]))
  const out: ServiceStandardsFlag[] = []
  for (const standard of repo.roundFramework(round).themes.flatMap((t) => t.standards)) {
    const r = byId.get(standard.id)
    if (!r || effectiveRating(r) !== 'not_met') continue
    const clash = standard.directoryFeatures.filter((f) => listed.has(f))
    if (clash.length)
      out.push({
        standardId: standard.id,
        title: standard.title,
        features: clash,
        roundTitle: round.title,
        returnHref: paths.standards.return(latest.id),
      })
  }
  return out
}

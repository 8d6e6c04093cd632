/**
 * What the standards capability puts on a person's home page: the assessment's returns and actions
 * (assessment/service.ts) and the training register's lapses and renewals (workforce/service.ts).
 */
import type { DbOrTx } from '../../platform/db/index.js'
import type { TenantScope } from '../../platform/tenancy.js'
import { providerOrganisationIds } from '../../platform/users.js'
import { attentionFor } from './assessment/service.js'
import { trainingAttention } from './workforce/service.js'

export async function standardsAttention(
  db: DbOrTx,
  scope: TenantScope,
  user: { id: string; roles: readonly string[] },
  today: string,
): ReturnType<typeof attentionFor> {
  const out = await attentionFor(db, scope, user, today)
  if (user.roles.includes('commissioner'))
    out.commissioner = [...(out.commissioner ?? []), ...(await trainingAttention(db, scope, { all: true }, today))]
  if (user.roles.includes('provider')) {
    const providerIds = await providerOrganisationIds(db, scope, user.id)
    out.provider = [...(out.provider ?? []), ...(await trainingAttention(db, scope, { providerIds }, today))]
  }
  return out
}

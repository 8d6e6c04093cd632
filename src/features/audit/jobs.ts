/** The audit chain check, run as a job so a long trail shows progress. */
import { verifyAuditChain } from '../../platform/audit.js'
import type { JobRunner } from '../../platform/jobs.js'

export function registerAuditJobs(jobs: JobRunner): void {
  jobs.define('audit-verify', {
    title: 'Check the audit trail has not been altered',
    // As the audit page that starts it (routes.ts).
    roles: ['commissioner', 'admin'],
    run: async ({ db, progress }) => {
      await progress(0, 'Reading the audit trail')
      const result = await verifyAuditChain(db, (checked, total) =>
        progress(total ? (checked / total) * 100 : 100, `Checked ${String(checked)} of ${String(total)} entries`),
      )
      if (!result.ok) {
        throw new Error(
          `The audit trail has been altered: entry ${String(result.brokenId)} fails the check because ${result.reason}.`,
        )
      }
      return { checked: result.checked, summary: `All ${String(result.checked)} entries are intact.` }
    },
  })
}

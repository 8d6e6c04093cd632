import type { JobRunner } from '../../../platform/jobs.js'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerNeedsJobs(jobs: JobRunner): void {
  // filled in by the importers work
}

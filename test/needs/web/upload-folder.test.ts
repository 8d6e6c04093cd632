/**
 * Issue 10 point 10: upload files waiting for their import lived in /tmp/wtc-upload-* and outlived
 * a crash. They are kept in the upload folder (UPLOAD_DIR, by default under DATA_DIR), and what a
 * stopped process left there is swept at start, except files a queued or running job still needs
 * and files still being written.
 */
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../../src/db/schema/index.js'
import { sweepUploads } from '../../../src/platform/uploads/upload.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { postUpload } from './support.js'

let ctx: TestContext
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wtc-upload-folder-test-'))
  ctx = await createTestContext({ env: { UPLOAD_DIR: dir } })
})
afterAll(async () => {
  await ctx.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the upload folder', () => {
  it('an upload handed to its import job waits in the upload folder, not in the system temporary folder', async () => {
    const analyst = await ctx.user({ roles: ['analyst'], totp: true })
    const client = await ctx.signedIn(analyst)
    ctx.app.jobs.stopWorker()
    const res = await postUpload(
      client,
      { kind: 'indicator' },
      { name: 'file', filename: 'local.csv', content: 'indicator,area_code,period,sex,age_group,count\n' },
    )
    expect(res.statusCode).toBe(303)
    const rows = await ctx.app.db.select().from(jobs)
    const filePath = String((rows.at(-1)?.params as { filePath?: string }).filePath)
    expect(path.dirname(filePath)).toBe(dir)
  })

  it('at start, leftovers are removed; files a waiting job needs and files being written stay', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const old = new Date(Date.now() - 60 * 60 * 1000)
    const names = ['wtc-upload-left-by-crash.csv', 'wtc-upload-queued-job.csv', 'wtc-upload-being-written.csv']
    for (const n of names) await writeFile(path.join(dir, n), 'a,b\n')
    await utimes(path.join(dir, names[0] ?? ''), old, old)
    await utimes(path.join(dir, names[1] ?? ''), old, old)
    await writeFile(path.join(dir, 'someone-elses.txt'), 'not ours')
    await utimes(path.join(dir, 'someone-elses.txt'), old, old)
    await ctx.app.db.insert(jobs).values({
      tenantId: user.scope.tenantId,
      kind: 'needs-import',
      title: 'Waiting',
      params: { kind: 'indicator', filePath: path.join(dir, names[1] ?? ''), fileName: 'x.csv' },
      createdBy: user.id,
    })
    const removed = await sweepUploads(ctx.app.db, dir)
    expect(removed).toContain('wtc-upload-left-by-crash.csv')
    const after = await readdir(dir)
    expect(after).not.toContain('wtc-upload-left-by-crash.csv')
    expect(after).toContain('wtc-upload-queued-job.csv')
    expect(after).toContain('wtc-upload-being-written.csv')
    expect(after).toContain('someone-elses.txt')
  })
})

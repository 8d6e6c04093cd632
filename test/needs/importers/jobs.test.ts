/**
 * The needs-import job: a good file succeeds with { importId, summary }; a refused file fails the
 * job with the refusal message and keeps the summary in the job's result; the uploaded file is
 * deleted afterwards when asked.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NEEDS_IMPORT_JOB } from '../../../src/features/needs/importers/jobs.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { REFERENCE } from './helpers.js'

let ctx: TestContext
const dir = mkdtempSync(path.join(os.tmpdir(), 'wtc-import-job-'))
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the needs-import job', () => {
  it('imports a file, reports progress, stores the summary and deletes the upload', async () => {
    const user = await ctx.user({ roles: ['analyst'], totp: true })
    const upload = path.join(dir, 'upload-1.csv')
    copyFileSync(REFERENCE.alcohol, upload)
    const seen: number[] = []
    const row = await ctx.app.jobs.runNow(
      user.scope,
      NEEDS_IMPORT_JOB,
      { kind: 'fingertips', filePath: upload, fileName: 'unmet-need-alcohol.csv', deleteAfter: true },
      user.id,
      (p) => seen.push(p),
    )
    expect(row.status).toBe('succeeded')
    const result = row.result as { importId: string; summary: { rowsStored: number; fileName: string } }
    // Python: 17 data rows in the 93532 download.
    expect(result.summary.rowsStored).toBe(17)
    expect(result.summary.fileName).toBe('unmet-need-alcohol.csv')
    expect(result.importId).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen).toContain(100)
    expect(existsSync(upload)).toBe(false)
  })

  it('fails a refused file with its message and keeps every refusal in the result', async () => {
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const upload = path.join(dir, 'upload-2.csv')
    writeFileSync(
      upload,
      'ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2021/22,Narnia,F,Total,Total,5\n',
    )
    const row = await ctx.app.jobs.runNow(
      user.scope,
      NEEDS_IMPORT_JOB,
      { kind: 'ndtms-viewit', filePath: upload, fileName: 'viewit.csv', deleteAfter: false },
      user.id,
    )
    expect(row.status).toBe('failed')
    expect(row.error).toBe('The file was not imported because 1 row has problems. Nothing was changed.')
    const result = row.result as {
      importId: null
      summary: { refusals: { row: number; column: string; value: string }[] }
    }
    expect(result.importId).toBeNull()
    expect(result.summary.refusals[0]).toMatchObject({ row: 2, column: 'Area', value: 'Narnia' })
    // Kept when the caller did not ask for it to be deleted.
    expect(existsSync(upload)).toBe(true)
  })
})

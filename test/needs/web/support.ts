/** Helpers for the needs web tests: multipart bodies built by hand, as a browser sends them. */
import { readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { desc, eq } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { auditEvents } from '../../../src/db/schema/index.js'
import type { Db } from '../../../src/platform/db/index.js'
import { type TestClient, testConfig } from '../../support/app.js'

export { type FilePart, multipartBody } from '../../support/multipart.js'
import { type FilePart, multipartBody } from '../../support/multipart.js'

/** Posts the upload form as multipart, with a CSRF token taken from the imports page unless one is given. */
export async function postUpload(
  client: TestClient,
  fields: Record<string, string>,
  file?: FilePart,
  opts: { csrf?: string | false; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const all: [string, string][] = []
  if (opts.csrf !== false) all.push(['_csrf', opts.csrf ?? (await client.csrfToken('/needs/imports'))])
  all.push(...Object.entries(fields))
  const { payload, contentType } = multipartBody(all, file)
  return client.request({
    method: 'POST',
    url: '/needs/imports',
    payload,
    headers: { 'content-type': contentType, ...(opts.headers ?? {}) },
  })
}

/** The service's upload files now on disk: in the test apps' upload folder and the plugin's own default. */
export async function uploadTempFiles(): Promise<string[]> {
  const folders = [testConfig().uploadDir, path.join(os.tmpdir(), 'wtc-uploads')]
  const lists = await Promise.all(folders.map((f) => readdir(f).catch(() => [] as string[])))
  return lists.flat().filter((f) => f.startsWith('wtc-upload-'))
}

/**
 * Runs `action` and returns the upload files it left behind (other test files running at the same
 * time may have their own uploads in flight, so only new names count).
 */
export async function leftBehind(action: () => Promise<unknown>): Promise<string[]> {
  const before = new Set(await uploadTempFiles())
  await action()
  return (await uploadTempFiles()).filter((f) => !before.has(f))
}

export async function auditFor(db: Db, subjectId: string) {
  return db.select().from(auditEvents).where(eq(auditEvents.subjectId, subjectId)).orderBy(desc(auditEvents.id))
}

/** The text of the GOV.UK error summary's links, in order. */
export function errorSummary(html: string): string[] {
  const box = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? ''
  return [...box.matchAll(/<a href="(#[^"]*)">([^<]*)<\/a>/g)].map((m) => `${m[1] ?? ''} ${decode(m[2] ?? '')}`)
}

export function decode(s: string): string {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

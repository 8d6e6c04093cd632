/**
 * Kept documents (evidence for a standards return now; bids and signed contracts later): an
 * uploaded file whose content passed checkDocument is moved out of the upload folder into the
 * document folder (EVIDENCE_DIR), one folder per council, under a generated name that nothing a
 * user sends can influence. It is read back only by a route that has checked the reader may see
 * it, and sent as an attachment (src/platform/downloads.ts).
 */
import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { checkDocument, documentTypes, EVIDENCE_MAX_BYTES } from './documents.js'
import type { ReceivedFile } from './upload.js'

export interface StoredDocument {
  fileName: string
  storedName: string
  contentType: string
  bytes: number
}

const storedNamePattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const tenantPattern = storedNamePattern

function folderOf(dir: string, tenantId: string): string {
  if (!tenantPattern.test(tenantId)) throw new Error('Not a council id')
  return path.join(dir, tenantId)
}

/** What is wrong with an uploaded file, or null: the same words for the form whichever check failed. */
export async function documentProblem(
  file: ReceivedFile | null,
  maxBytes = EVIDENCE_MAX_BYTES,
): Promise<string | null> {
  if (!file) return null
  if (file.tooLarge) return `The selected file must be smaller than ${String(maxBytes / 1024 / 1024)} MB`
  const content = await readFile(file.path)
  const check = checkDocument(content, file.fileName, maxBytes)
  return check.ok ? null : check.problem
}

/**
 * Checks and keeps an uploaded file. The caller has already had `documentProblem` say null; the
 * content is checked again here (the file is read once more), so nothing unchecked is ever kept.
 */
export async function storeDocument(
  dir: string,
  tenantId: string,
  file: ReceivedFile,
  maxBytes = EVIDENCE_MAX_BYTES,
): Promise<StoredDocument> {
  const content = await readFile(file.path)
  const check = checkDocument(content, file.fileName, maxBytes)
  if (!check.ok) throw new Error(check.problem)
  const folder = folderOf(dir, tenantId)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const storedName = randomUUID()
  const target = path.join(folder, storedName)
  try {
    await rename(file.path, target)
  } catch {
    // The upload folder may be on another file system.
    await copyFile(file.path, target)
    await rm(file.path, { force: true })
  }
  return {
    fileName: file.fileName,
    storedName,
    contentType: documentTypes[check.type].contentType,
    bytes: content.length,
  }
}

/** The bytes of a kept document, or null if the file is gone. */
export async function readStoredDocument(dir: string, tenantId: string, storedName: string): Promise<Buffer | null> {
  if (!storedNamePattern.test(storedName)) return null
  try {
    return await readFile(path.join(folderOf(dir, tenantId), storedName))
  } catch {
    return null
  }
}

export async function removeStoredDocument(dir: string, tenantId: string, storedName: string): Promise<void> {
  if (!storedNamePattern.test(storedName)) return
  await rm(path.join(folderOf(dir, tenantId), storedName), { force: true })
}

/** A file name safe in a Content-Disposition header: ASCII letters, digits, dot, dash and underscore. */
export function attachmentName(fileName: string, fallback: string): string {
  const cleaned = fileName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
  return cleaned && !cleaned.startsWith('.') ? cleaned : fallback
}

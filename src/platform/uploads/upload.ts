/**
 * Receiving a CSV upload from a plain (no-JavaScript) multipart form. The file is streamed to a
 * file in the upload folder (UPLOAD_DIR, by default under DATA_DIR: not the system's temporary
 * folder, issue 10), never held in memory, and cut off at the size limit. Fields are
 * attached to `request.body` as plain values (so the app's CSRF check finds `_csrf` there, as it
 * does for any other form) and the file as a ReceivedFile, which a text field cannot forge.
 *
 * A temporary file belongs to its request until the handler claims it (hands it to a job);
 * unclaimed files are removed before the response is sent, whatever the outcome. A process that
 * stops (or crashes) leaves its files behind: `sweepUploads` removes them at the next start.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart'
import { inArray } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { jobs } from '../../db/schema/index.js'
import type { DbOrTx } from '../db/index.js'

export const MAX_UPLOAD_BYTES = 250 * 1024 * 1024
/** How much of the start of a file is kept to judge whether it is a CSV. */
const SNIFF_BYTES = 64 * 1024

/** A file the browser sent: where it is on disk, how big it is, and its first bytes. */
export class ReceivedFile {
  constructor(
    readonly fieldName: string,
    /** The name the browser gave, without any folder, control characters cut out. */
    readonly fileName: string,
    /** '' when the file was over the limit (nothing is kept). */
    readonly path: string,
    readonly bytes: number,
    readonly tooLarge: boolean,
    readonly head: Buffer,
  ) {}
}

const pending = new WeakMap<FastifyRequest, Set<string>>()

/** The handler takes over the file (a job will read and delete it): it is no longer removed with the response. */
export function claimUpload(request: FastifyRequest, file: ReceivedFile): void {
  pending.get(request)?.delete(file.path)
}

async function removeUnclaimed(request: FastifyRequest): Promise<void> {
  const paths = pending.get(request)
  if (!paths) return
  pending.delete(request)
  await Promise.all([...paths].map((p) => rm(p, { force: true })))
}

/** A browser may send "C:\fakepath\name.csv" or a name with control characters: keep a plain file name. */
export function cleanFileName(raw: string): string {
  const base = raw.replace(/\\/g, '/').split('/').pop() ?? ''
  return base.replace(/\p{Cc}/gu, '').slice(0, 200)
}

const drain = (part: MultipartFile): Promise<void> =>
  pipeline(
    part.file,
    new Writable({
      write(_chunk, _enc, cb) {
        cb()
      },
    }),
  )

/**
 * Registers @fastify/multipart on an encapsulated instance (so only its routes accept multipart),
 * with one file of at most `maxBytes`. A file over the limit is cut off, deleted, and reported as
 * `tooLarge` so the form can say so.
 */
export async function registerCsvUpload(
  instance: FastifyInstance,
  opts: { maxBytes: number; dir?: string },
): Promise<void> {
  await registerUpload(instance, { ...opts, suffix: '.csv' })
}

/**
 * The same for any one file (evidence documents, say): written under a generated name with this
 * suffix ('' for none), judged by its content afterwards, never by the name the browser gave.
 */
export async function registerUpload(
  instance: FastifyInstance,
  opts: { maxBytes: number; dir?: string; suffix: string },
): Promise<void> {
  // An app has its configured folder; the plugin on its own (tests) a folder of the system's.
  const folder =
    opts.dir ??
    (instance.config as { uploadDir?: string } | undefined)?.uploadDir ??
    path.join(os.tmpdir(), 'wtc-uploads')
  await mkdir(folder, { recursive: true, mode: 0o700 })
  async function onFile(this: FastifyRequest, part: MultipartFile): Promise<void> {
    if (part.fieldname !== 'file') {
      await drain(part)
      return
    }
    const target = path.join(folder, `${UPLOAD_PREFIX}${randomUUID()}${opts.suffix}`)
    let paths = pending.get(this)
    if (!paths) {
      paths = new Set()
      pending.set(this, paths)
    }
    paths.add(target)
    let bytes = 0
    const headChunks: Buffer[] = []
    let headLength = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length
        if (headLength < SNIFF_BYTES) {
          const piece = chunk.subarray(0, SNIFF_BYTES - headLength)
          headChunks.push(piece)
          headLength += piece.length
        }
        cb(null, chunk)
      },
    })
    try {
      await pipeline(part.file, counter, createWriteStream(target, { flags: 'wx', mode: 0o600 }))
    } catch (err) {
      await rm(target, { force: true })
      throw err
    }
    const tooLarge = part.file.truncated
    if (tooLarge) {
      await rm(target, { force: true })
      paths.delete(target)
    }
    part.value = new ReceivedFile(
      part.fieldname,
      cleanFileName(part.filename),
      tooLarge ? '' : target,
      bytes,
      tooLarge,
      Buffer.concat(headChunks),
    )
  }

  // Removed before the response goes out (onSend runs for error responses too, such as a refused
  // CSRF token), so a refused upload leaves nothing behind once the answer arrives.
  instance.addHook('onSend', async (request) => {
    await removeUnclaimed(request)
  })
  instance.addHook('onResponse', async (request) => {
    await removeUnclaimed(request)
  })
  // A client that goes away mid-upload gets no response, so onResponse never runs for it.
  instance.addHook('onRequest', async (request, reply) => {
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) void removeUnclaimed(request)
    })
  })
  await instance.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    throwFileSizeLimit: false,
    limits: { fileSize: opts.maxBytes, files: 1, fields: 20, parts: 25, fieldSize: 64 * 1024 },
  })
}

const UPLOAD_PREFIX = 'wtc-upload-'
/** A file written to within this long may belong to an upload still arriving (at another process). */
const IN_FLIGHT_MS = 10 * 60 * 1000

/**
 * Removes upload files a stopped process left in the folder: every `wtc-upload-*` file that no
 * queued or running job names as its file and that nothing has written to for ten minutes (another
 * process sharing the folder may be receiving it). Returns the names removed.
 */
export async function sweepUploads(db: DbOrTx, dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(UPLOAD_PREFIX))
  } catch {
    return []
  }
  if (names.length === 0) return []
  const waiting = await db
    .select({ params: jobs.params })
    .from(jobs)
    .where(inArray(jobs.status, ['queued', 'running']))
  const needed = new Set(
    waiting.map((j) => (j.params as { filePath?: unknown }).filePath).filter((p): p is string => typeof p === 'string'),
  )
  const removed: string[] = []
  for (const name of names) {
    const file = path.join(dir, name)
    if (needed.has(file)) continue
    const info = await stat(file).catch(() => null)
    if (!info?.isFile() || Date.now() - info.mtimeMs < IN_FLIGHT_MS) continue
    await rm(file, { force: true })
    removed.push(name)
  }
  return removed
}

/** The body as a record, with the uploaded file (if any) taken out of it. */
export function takeFile(body: unknown, field: string): { file: ReceivedFile | null; rest: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { file: null, rest: body }
  const { [field]: value, ...rest } = body as Record<string, unknown>
  return { file: value instanceof ReceivedFile ? value : null, rest }
}

const startsWith = (head: Buffer, magic: number[]): boolean => magic.every((b, i) => head[i] === b)

/**
 * Whether the first bytes of a file look like comma-separated text: no control characters other
 * than tab, line feed and carriage return (so not a spreadsheet, PDF or zip, which are binary),
 * and a comma on the first line.
 */
export function looksLikeCsv(head: Buffer): boolean {
  // UTF-16 with a byte order mark (Excel's "Unicode text"): the same checks on the decoded text,
  // with a tab or a comma on the first line (the importer reads both, ADR 16).
  const le = startsWith(head, [0xff, 0xfe])
  if (le || startsWith(head, [0xfe, 0xff])) {
    const units = head.subarray(2, 2 + ((head.length - 2) & ~1))
    const decoded = (le ? Buffer.from(units) : Buffer.from(units).swap16()).toString('utf16le')
    if (decoded.length === 0) return false
    for (let i = 0; i < decoded.length; i++) {
      const c = decoded.charCodeAt(i)
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false
    }
    const first = decoded.split('\n', 1)[0] ?? ''
    return first.includes(',') || first.includes('\t')
  }
  let text = head
  if (startsWith(text, [0xef, 0xbb, 0xbf])) text = text.subarray(3)
  if (text.length === 0) return false
  // Excel (xlsx is a zip: PK..), old Excel (OLE2), PDF
  if (startsWith(text, [0x50, 0x4b, 0x03, 0x04]) || startsWith(text, [0xd0, 0xcf, 0x11, 0xe0])) return false
  if (startsWith(text, [0x25, 0x50, 0x44, 0x46])) return false
  for (const byte of text) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false
    if (byte === 0x7f) return false
  }
  const newline = text.indexOf(0x0a)
  const firstLine = newline === -1 ? text : text.subarray(0, newline)
  return firstLine.includes(0x2c)
}

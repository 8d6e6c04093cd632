/**
 * The audit trail's newest entry, anchored outside the database (issue 10, ADR 0020). The hash
 * chain shows any change to an entry or any entry taken out of the middle, but not the newest
 * entries removed from the end: what is left is still a sound chain. So each `wtc audit verify`
 * and each `wtc backup` writes a checkpoint file in DATA_DIR naming the newest entry and its hash,
 * signed (HMAC-SHA256) with a key derived from the secret key; the next check finds that entry
 * still there with the same hash, or says the end of the trail was removed. Someone who can
 * change the database but not the file (or the secret key) cannot hide a removal.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { desc, eq } from 'drizzle-orm'
import { auditEvents } from '../db/schema/index.js'
import { type ChainResult, GENESIS_HASH, walkAuditChain } from './audit.js'
import type { DbOrTx } from './db/index.js'

export interface AuditCheckpoint {
  lastId: number
  lastHash: string
  at: string
}

/**
 * One checkpoint per database: the embedded database is its data folder; a PostgreSQL database is
 * named by host, port and database (never the password), so several databases used from one data
 * folder (tests, staging beside production) never check each other's trail.
 */
export function checkpointFile(dataDir: string, databaseUrl?: string): string {
  if (databaseUrl === undefined || databaseUrl === '') return path.join(dataDir, 'audit-checkpoint.json')
  const url = new URL(databaseUrl)
  const where = `${url.hostname}:${url.port || '5432'}${url.pathname}`
  const id = createHash('sha256').update(where).digest('hex').slice(0, 16)
  return path.join(dataDir, `audit-checkpoint-pg-${id}.json`)
}

function mac(secret: string, checkpoint: AuditCheckpoint): Buffer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'wtc-audit-checkpoint', 'audit-checkpoint', 32))
  const body = `${String(checkpoint.lastId)}\n${checkpoint.lastHash}\n${checkpoint.at}`
  return createHmac('sha256', key).update(body).digest()
}

type Read = { state: 'none' } | { state: 'forged' } | { state: 'valid'; checkpoint: AuditCheckpoint }

export async function readCheckpoint(file: string, secret: string): Promise<Read> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return { state: 'none' }
  }
  try {
    const parsed = JSON.parse(text) as Partial<AuditCheckpoint> & { mac?: unknown }
    const checkpoint = { lastId: Number(parsed.lastId), lastHash: String(parsed.lastHash), at: String(parsed.at) }
    const given = Buffer.from(typeof parsed.mac === 'string' ? parsed.mac : '', 'hex')
    const expected = mac(secret, checkpoint)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { state: 'forged' }
    return { state: 'valid', checkpoint }
  } catch {
    return { state: 'forged' }
  }
}

export async function writeCheckpoint(file: string, secret: string, checkpoint: AuditCheckpoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const partial = `${file}.partial-${String(process.pid)}`
  await writeFile(partial, `${JSON.stringify({ ...checkpoint, mac: mac(secret, checkpoint).toString('hex') })}\n`, {
    mode: 0o600,
  })
  await rename(partial, file)
}

/** Anchors the newest entry as it stands (a backup does this; it does not walk the chain). */
export async function anchorNewestEntry(db: DbOrTx, file: string, secret: string): Promise<void> {
  const last = await db
    .select({ id: auditEvents.id, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.id))
    .limit(1)
  const previous = await readCheckpoint(file, secret)
  // Never move the anchor back: if entries were removed, the next check must still find out.
  if (previous.state === 'valid' && previous.checkpoint.lastId > (last[0]?.id ?? 0)) return
  await writeCheckpoint(file, secret, {
    lastId: last[0]?.id ?? 0,
    lastHash: last[0]?.hash ?? GENESIS_HASH,
    at: new Date().toISOString(),
  })
}

/**
 * The chain check, then the checkpoint's entry: it must still be there with the same hash. When
 * all is well the checkpoint moves on to the newest entry checked.
 */
export async function verifyAuditTrail(
  db: DbOrTx,
  file: string,
  secret: string,
  onProgress?: (checked: number, total: number) => void | Promise<void>,
): Promise<ChainResult> {
  const walk = await walkAuditChain(db, onProgress)
  if (!walk.result.ok) return walk.result
  const { checked } = walk.result
  const previous = await readCheckpoint(file, secret)
  if (previous.state === 'forged') {
    return {
      ok: false,
      checked,
      brokenId: walk.lastId,
      reason: `the checkpoint ${file} does not carry a valid signature (it was edited, or the secret key changed)`,
    }
  }
  if (previous.state === 'valid' && previous.checkpoint.lastId > 0) {
    const { lastId, lastHash, at } = previous.checkpoint
    const row = await db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.id, lastId))
    if (row[0]?.hash !== lastHash) {
      return {
        ok: false,
        checked,
        brokenId: lastId,
        reason: `entry ${String(lastId)}, the newest when the trail was anchored at ${at}, is ${row[0] ? 'changed' : 'missing'}: the newest entries were removed`,
      }
    }
  }
  await writeCheckpoint(file, secret, { lastId: walk.lastId, lastHash: walk.lastHash, at: new Date().toISOString() })
  return walk.result
}

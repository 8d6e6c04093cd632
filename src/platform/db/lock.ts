/**
 * One process per embedded database folder. PGlite has no server to arbitrate between processes:
 * a second process on the same folder would silently lose writes, so we refuse to start it.
 * The lock file records the holder's pid; a lock left by a dead process (kill -9) is taken over.
 * (proper-lockfile was not used: it records no pid, so it cannot name the holder.)
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: { pid: number; host: string; startedAt: string; command: string },
  ) {
    super(
      `The data folder ${dir} is in use by another WTC process (pid ${String(holder.pid)} on ${holder.host}, ` +
        `started ${holder.startedAt}: ${holder.command}). Stop that process first, or set DATA_DIR to another folder, ` +
        `or use DATABASE_URL for a PostgreSQL server that several processes can share.`,
    )
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface DataDirLock {
  file: string
  release(): void
}

export function lockDataDir(dir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'wtc.lock')
  const me = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, JSON.stringify(me))
      closeSync(fd)
      let released = false
      return {
        file,
        release() {
          if (released) return
          released = true
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as { pid: number }
            if (current.pid === process.pid) rmSync(file, { force: true })
          } catch {
            /* already gone */
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let holder: typeof me | undefined
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as typeof me
      } catch {
        holder = undefined // half-written or unreadable: treat as stale
      }
      if (holder?.host === me.host && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirLockedError(dir, holder)
      }
      if (holder && holder.host !== me.host) throw new DataDirLockedError(dir, holder)
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new Error(`Could not lock the data folder ${dir}`)
}

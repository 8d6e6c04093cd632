import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirLockedError, lockDataDir } from '../../src/platform/db/lock.js'

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'wtc-lock-'))

describe('data folder lock', () => {
  it('refuses a folder held by another live process, naming the folder and the holder', () => {
    const dir = tmp()
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'])
    try {
      writeFileSync(
        path.join(dir, 'wtc.lock'),
        JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'server' }),
      )
      let error: unknown
      try {
        lockDataDir(dir)
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(DataDirLockedError)
      expect((error as Error).message).toContain(dir)
      expect((error as Error).message).toContain(`pid ${String(child.pid)}`)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('takes over a lock left by a process that no longer exists (after kill -9)', async () => {
    const dir = tmp()
    const child = spawn(process.execPath, ['-e', '0'])
    await new Promise((resolve) => child.on('exit', resolve))
    writeFileSync(
      path.join(dir, 'wtc.lock'),
      JSON.stringify({ pid: child.pid, host: os.hostname(), startedAt: 'x', command: 'x' }),
    )
    const lock = lockDataDir(dir)
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid)
    lock.release()
    expect(existsSync(lock.file)).toBe(false)
  })

  it('can be taken again once released', () => {
    const dir = tmp()
    lockDataDir(dir).release()
    const again = lockDataDir(dir)
    expect(existsSync(again.file)).toBe(true)
    again.release()
  })
})

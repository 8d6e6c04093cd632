/**
 * Starts the built server (`node dist/src/server.js`) as a child process for the benchmarks, times
 * how long it takes from spawn to the first 200 from /health/ready, and reads its resident memory.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project folder: dist/bench/ is two levels below it. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export type DatabaseTarget = { engine: 'pglite'; dataDir: string } | { engine: 'postgresql'; databaseUrl: string }

export interface RunningServer {
  pid: number
  port: number
  baseUrl: string
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  startupMs: number
  /** Resident memory in MiB when /health/ready first answered 200. */
  rssMiB: number
  /** Resident memory now, in MiB (null when the process has gone). */
  currentRssMiB(): number | null
  /** Peak resident memory so far, in MiB (null when the process has gone). */
  peakRssMiB(): number | null
  /** The last lines the server printed, for diagnosing a failure. */
  output(): string
  stop(): Promise<void>
}

/** A TCP port nothing listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => {
        resolve(port)
      })
    })
  })
}

/** A field of /proc/<pid>/status in MiB (Linux only; null elsewhere or when the process has gone). */
export function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)
    return match?.[1] ? Number(match[1]) / 1024 : null
  } catch {
    return null
  }
}

/** One GET to /health/ready; resolves to the status code, or 0 when nothing answers yet. */
function probeReady(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/health/ready', agent: false, timeout: 2000 },
      (response) => {
        response.resume()
        response.on('end', () => {
          resolve(response.statusCode ?? 0)
        })
      },
    )
    request.on('timeout', () => request.destroy())
    request.on('error', () => {
      resolve(0)
    })
  })
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false)
    }, ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export const BENCH_SECRET_KEY = 'bench-only-secret-key-0123456789abcdef-not-for-use'

/**
 * Spawns the server on a free loopback port and waits (up to `timeoutMs`) for /health/ready to answer 200.
 * The child gets a minimal environment, so no DATABASE_URL or DATA_DIR leaks in from the caller.
 */
export async function startServer(target: DatabaseTarget, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${String(port)}`
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    SECRET_KEY: BENCH_SECRET_KEY,
    LOAD_DEMO: 'true',
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
    ...(target.engine === 'pglite' ? { DATA_DIR: target.dataDir } : { DATABASE_URL: target.databaseUrl }),
  }
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (lines.length > 40) lines.splice(0, lines.length - 40)
  }

  const spawnedAt = performance.now()
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'src', 'server.js')], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const pid = child.pid
  const output = () => lines.join('\n')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    if (!(await waitForExit(child, 15_000))) {
      child.kill('SIGKILL')
      await waitForExit(child, 5_000)
    }
  }
  if (pid === undefined) throw new Error('could not spawn the server')

  let startupMs = -1
  while (performance.now() - spawnedAt < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) break
    const status = await probeReady(port)
    if (status === 200) {
      startupMs = performance.now() - spawnedAt
      break
    }
    await sleep(20)
  }
  if (startupMs < 0) {
    const exited = child.exitCode !== null || child.signalCode !== null
    await stop()
    throw new Error(
      `the server ${exited ? `exited (code ${String(child.exitCode)})` : `was not ready within ${String(timeoutMs / 1000)} s`}:\n${output()}`,
    )
  }
  const rssMiB = procStatusMiB(pid, 'VmRSS') ?? Number.NaN
  return {
    pid,
    port,
    baseUrl,
    startupMs,
    rssMiB,
    currentRssMiB: () => procStatusMiB(pid, 'VmRSS'),
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    output,
    stop,
  }
}

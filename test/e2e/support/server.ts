/**
 * Starts the real WTC server (`node --import tsx src/server.ts`) as a child process on a free port,
 * with a fresh embedded database (PGlite) in a temporary folder and the demo council loaded, and
 * stops it again. One server per test file, so journeys cannot see each other's data.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fromRoot } from '../../../src/platform/root.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../../support/ports.js'

export interface RunningServer {
  /** http://localhost:<port>: localhost is a secure context in Chromium, so `__Host-` cookies work. */
  baseUrl: string
  port: number
  dataDir: string
  /** What the server printed so far (stdout and stderr), for failure messages. */
  output(): string
  stop(): Promise<void>
}

async function waitForReady(baseUrl: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`WTC exited with code ${String(child.exitCode)} before it was ready:\n${output()}`)
    try {
      const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(250)
  }
  throw new Error(`WTC was not ready within ${String(timeoutMs / 1000)} s:\n${output()}`)
}

export interface NeutralSite {
  /** The page "Exit this page" should land on. */
  url: string
  close(): Promise<void>
}

/**
 * Stands in for the neutral site (BBC Weather by default) that "Exit this page" sends people to:
 * the test network has no way out. It is on 127.0.0.1, another origin (and cookie jar) than WTC's
 * localhost, as the real site would be, and it sets no cookies.
 */
export async function startNeutralSite(): Promise<NeutralSite> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(
      '<!DOCTYPE html><html lang="en"><head><title>Weather</title><link rel="icon" href="data:,"></head><body><h1>Weather</h1></body></html>',
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('neutral site did not start')
  return {
    url: `http://127.0.0.1:${String(address.port)}/weather`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** Starts WTC. `env` overrides the defaults, for example short session timeouts or EXIT_URL. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort()
  const baseUrl = `http://localhost:${String(port)}`
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wtc-e2e-'))
  // The e2e suite always runs on the embedded database: drop settings that would point elsewhere.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['DATABASE_URL', 'TEST_DATABASE_URL', 'SECRET_KEY'].includes(name)),
  )
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: fromRoot(),
    env: {
      ...inherited,
      // development rather than test: test silences the log, which a failure message needs.
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: baseUrl,
      DATA_DIR: dataDir,
      LOAD_DEMO: 'true',
      RATE_LIMIT_PER_MINUTE: '100000',
      EXIT_URL: `${baseUrl}/health/live`,
      SMTP_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const output = () => log
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve()
    })
  })

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitForReady(baseUrl, child, output, 90_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { baseUrl, port, dataDir, output, stop }
}

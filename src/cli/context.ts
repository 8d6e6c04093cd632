/**
 * What every `wtc` command shares: where it writes, the environment it reads its settings from,
 * errors that carry an exit code, the database opened the way the server opens it (so the data
 * folder lock keeps the CLI and a running server apart), and progress bars.
 *
 * Exit codes: 0 done; 1 the command failed or its input was wrong; 2 the configuration is not
 * valid or the data folder is in use by another process (the same codes the server uses).
 */
import cliProgress from 'cli-progress'
import { type Config, loadConfig } from '../config.js'
import { type Database, openDatabase } from '../platform/db/index.js'
import { prepareDatabase } from '../platform/startup.js'

export interface CliOutput {
  write(chunk: string): unknown
  isTTY?: boolean
}

export interface CliIo {
  stdout: CliOutput
  stderr: CliOutput
  /** Read by `--password-stdin`; process.stdin by default. */
  stdin?: AsyncIterable<string | Buffer>
}

export const EXIT_FAILED = 1
export const EXIT_CONFIG = 2

/** An error the user can act on: its message is printed as it is, with no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message)
  }
}

/** Who the audit trail names for changes made from the command line. */
export const CLI_ACTOR = { userId: null, label: 'wtc cli' } as const

export class CliContext {
  /** Set by a command that finished but must report failure (e.g. a broken audit trail). */
  exitCode = 0
  private config: Config | undefined

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  out(line = ''): void {
    this.io.stdout.write(`${line}\n`)
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`)
  }

  /** The validated configuration (throws ConfigError, which exits with code 2). */
  settings(): Config {
    this.config ??= loadConfig(this.env)
    return this.config
  }

  /**
   * Runs `work` with the database, closing it afterwards. `prepare` (the default) migrates and loads
   * reference data as the server does; `open` only opens it (restore decides about the schema itself).
   */
  async withDatabase<T>(work: (database: Database) => Promise<T>, mode: 'prepare' | 'open' = 'prepare'): Promise<T> {
    const config = this.settings()
    const database =
      mode === 'prepare'
        ? await prepareDatabase(config)
        : await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize })
    try {
      return await work(database)
    } finally {
      await database.close()
    }
  }

  /** A progress bar on stderr when it is a terminal; otherwise a line at every tenth of the way. */
  progress(label: string): Progress {
    const stream = this.io.stderr
    if (stream.isTTY) {
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total}`,
          stream: stream as NodeJS.WritableStream,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
      let started = false
      return {
        update(done, total) {
          if (!started) {
            bar.start(total, 0)
            started = true
          }
          bar.setTotal(total)
          bar.update(done)
        },
        stop() {
          if (started) bar.stop()
        },
      }
    }
    let lastTenth = -1
    return {
      update(done, total) {
        const tenth = total === 0 ? 10 : Math.floor((done / total) * 10)
        if (tenth === lastTenth) return
        lastTenth = tenth
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100)
        stream.write(`${label}: ${String(done)} of ${String(total)} (${String(percent)}%)\n`)
      },
      stop() {
        /* plain lines need no tidying */
      },
    }
  }
}

export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

/** The database location for messages, without any password. */
export function describeDatabase(database: Pick<Database, 'engine' | 'where'>): string {
  return database.engine === 'pglite' ? `embedded database in ${database.where}` : `PostgreSQL at ${database.where}`
}

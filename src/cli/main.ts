/**
 * The `wtc` command line. `runCli` takes the arguments, the streams and the environment, and returns
 * the exit code, so tests run it in-process; `main` is what bin/wtc.js calls.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Command, CommanderError } from 'commander'
import { ConfigError, loadDotEnv } from '../config.js'
import { DataDirLockedError } from '../platform/db/lock.js'
import { fromRoot } from '../platform/root.js'
import { registerAuditCommands } from './commands/audit.js'
import { registerBackupCommands } from './commands/backup.js'
import { registerConfigCommands } from './commands/config.js'
import { registerCouncilCommands } from './commands/councils.js'
import { registerDbCommands } from './commands/db.js'
import { registerDirectoryCommands } from './commands/directory.js'
import { registerImportCommands } from './commands/import.js'
import { registerNeedsCommands } from './commands/needs.js'
import { registerSeedCommands } from './commands/seed.js'
import { registerUserCommands } from './commands/users.js'
import { CliContext, CliError, type CliIo, EXIT_CONFIG, EXIT_FAILED } from './context.js'

function version(): string {
  try {
    return (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('wtc')
    .description("Women's Treatment Commissioning: run and look after a WTC installation")
    .version(version(), '-V, --version', 'print the version of WTC')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nSettings come from environment variables (and a .env file in the working folder): see "wtc config --help".\n' +
        'Exit codes: 0 done, 1 failed or wrong input, 2 configuration not valid or data folder in use.\n',
    )
  registerConfigCommands(program, ctx)
  registerDbCommands(program, ctx)
  registerSeedCommands(program, ctx)
  registerCouncilCommands(program, ctx)
  registerUserCommands(program, ctx)
  registerAuditCommands(program, ctx)
  registerBackupCommands(program, ctx)
  registerImportCommands(program, ctx)
  registerNeedsCommands(program, ctx)
  registerDirectoryCommands(program, ctx)
  return program
}

/** Runs one `wtc` command; resolves to its exit code. `argv` holds the arguments after `wtc`. */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const ctx = new CliContext(io, env)
  const program = buildProgram(ctx)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return ctx.exitCode
  } catch (err) {
    // Commander has already printed its own message (unknown command, missing option, help).
    if (err instanceof CommanderError) return err.exitCode
    if (err instanceof CliError) {
      ctx.err(err.message)
      return err.exitCode
    }
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      ctx.err(err.message)
      return EXIT_CONFIG
    }
    const message = err instanceof Error ? err.message : String(err)
    ctx.err(`wtc: ${message}`)
    if (env.WTC_DEBUG === 'true' && err instanceof Error && err.stack) ctx.err(err.stack)
    return EXIT_FAILED
  }
}

export async function main(): Promise<void> {
  // `wtc ... | head` closes the pipe early: finish the work (and close the database) without output
  // rather than crash with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err
    })
  }
  loadDotEnv()
  process.exitCode = await runCli(process.argv.slice(2))
}

function isEntryPoint(): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href
  } catch {
    return false
  }
}

// Also runnable directly: `node dist/src/cli/main.js` or `node --import tsx src/cli/main.ts`.
if (isEntryPoint()) await main()

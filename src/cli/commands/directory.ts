import type { Command } from 'commander'
import type { CliContext } from '../context.js'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerDirectoryCommands(program: Command, ctx: CliContext): void {
  // filled in by the directory storage work: wtc import oruk, wtc export oruk
}

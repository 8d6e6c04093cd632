import type { Command } from 'commander'
import type { CliContext } from '../context.js'

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function registerNeedsCommands(program: Command, ctx: CliContext): void {
  // filled in by the needs work
}

/** `wtc config`: every setting WTC reads, and a check of the ones in the environment. */
import type { Command } from 'commander'
import { settingsHelp } from '../../config.js'
import type { CliContext } from '../context.js'

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program
    .command('config')
    .description('list the settings WTC reads from the environment, or check them')
    .addHelpText(
      'after',
      `\nSettings (environment variables; a .env file in the working folder is read too):\n${settingsHelp()}\n`,
    )

  config
    .command('check')
    .description('check the settings in the environment; exit code 2 names every one that is wrong')
    .action(() => {
      const settings = ctx.settings()
      const where = settings.databaseUrl
        ? `PostgreSQL (${redactedUrl(settings.databaseUrl)})`
        : `embedded database in ${settings.dataDir}`
      ctx.out('The configuration is valid.')
      ctx.out(`  environment: ${settings.env}`)
      ctx.out(`  database:    ${where}`)
      ctx.out(`  address:     ${settings.baseUrl}`)
      ctx.out(`  single sign-on: ${settings.oidc ? settings.oidc.issuer : 'off'}`)
      ctx.out(`  email:       ${settings.smtpUrl ? 'on' : 'off (invitation links are shown on screen)'}`)
    })
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = ''
    return parsed.toString()
  } catch {
    return '(not a valid URL)'
  }
}

/**
 * `wtc users`: accounts created by an operator (a council's first administrator, usually; everyone
 * else is invited from the web pages), and the two things an operator may need to do to one:
 * reset a lost second factor, disable or enable it. Every change is audited as "wtc cli".
 */
import { randomInt } from 'node:crypto'
import type { Command } from 'commander'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { organisations, type Role, roles } from '../../db/schema/index.js'
import { hashPassword } from '../../features/auth/credentials.js'
import {
  createUser,
  DuplicateEmailError,
  findUserByEmailForSignIn,
  normaliseEmail,
  resetSecondFactor,
  setDisabled,
  type UserRow,
} from '../../platform/users.js'
import { passwordProblem } from '../../lib/passwords.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { scopeForCouncilCode, type TenantScope, UnknownCouncilError } from '../../platform/tenancy.js'
import { CLI_ACTOR, CliError, type CliContext } from '../context.js'

const emailSchema = z.email()

// No 0/O, 1/l/I: the password may be read out or copied by hand once.
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** 20 characters from 56 (about 116 bits), in groups of five for reading aloud. */
export function generatePassword(): string {
  const groups: string[] = []
  for (let g = 0; g < 4; g++) {
    let group = ''
    for (let i = 0; i < 5; i++) group += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)] ?? ''
    groups.push(group)
  }
  return groups.join('-')
}

function parseRoles(values: string[]): Role[] {
  const wanted = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase().replace(/-/g, '_'))
  const unknown = wanted.filter((r) => !(roles as readonly string[]).includes(r))
  if (unknown.length > 0) {
    throw new CliError(
      `Unknown role${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}. Valid roles: ${roles.join(', ')}.`,
    )
  }
  return [...new Set(wanted as Role[])]
}

async function readAll(input: AsyncIterable<string | Buffer>): Promise<string> {
  let text = ''
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
  return text
}

/** Finds an account by email and the scope of its council (operators act across councils). */
async function accountByEmail(db: DbOrTx, email: string): Promise<{ user: UserRow; scope: TenantScope }> {
  const user = await findUserByEmailForSignIn(db, email)
  if (!user) throw new CliError(`No account has the email address ${normaliseEmail(email)}.`)
  const council = (await db.select().from(organisations).where(eq(organisations.id, user.tenantId)).limit(1))[0]
  if (!council?.areaCode) throw new CliError(`The account ${user.email} does not belong to a council.`)
  return { user, scope: await scopeForCouncilCode(db, council.areaCode) }
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('create accounts and help people who are locked out')

  users
    .command('create')
    .description(
      'create an account in a council; prints a strong one-time password unless one is given with --password-stdin',
    )
    .requiredOption('--council <gss>', 'the council’s GSS code, e.g. E09000003')
    .requiredOption('--email <email>', 'the person’s email address (they sign in with it)')
    .requiredOption('--name <name>', 'the person’s name as others will see it')
    .requiredOption('--role <role...>', `one or more of: ${roles.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .addHelpText(
      'after',
      '\nThe person sets up a second factor (an authenticator app) the first time they sign in.\n' +
        'Example: wtc users create --council E09000003 --email sam@barnet.gov.uk --name "Sam Patel" --role admin\n',
    )
    .action(async (opts: { council: string; email: string; name: string; role: string[]; passwordStdin?: boolean }) => {
      const email = normaliseEmail(opts.email)
      if (!emailSchema.safeParse(email).success) {
        throw new CliError(`"${opts.email}" is not an email address. Enter one like name@example.gov.uk.`)
      }
      const name = opts.name.trim()
      if (name.length === 0 || name.length > 200) throw new CliError('Enter a name of 1 to 200 characters.')
      const wantedRoles = parseRoles(opts.role)
      let password: string
      if (opts.passwordStdin) {
        password = (await readAll(ctx.io.stdin ?? process.stdin)).replace(/\r?\n$/, '')
        const problem = passwordProblem(password, { email, name })
        if (problem) throw new CliError(`${problem}.`)
      } else {
        password = generatePassword()
      }
      await ctx.withDatabase(async (database) => {
        let scope: TenantScope
        try {
          scope = await scopeForCouncilCode(database.db, opts.council)
        } catch (err) {
          if (err instanceof UnknownCouncilError) throw new CliError(err.message)
          throw err
        }
        try {
          await createUser(database.db, scope, CLI_ACTOR, {
            email,
            displayName: name,
            passwordHash: await hashPassword(password),
            roles: wantedRoles,
          })
        } catch (err) {
          if (err instanceof DuplicateEmailError) {
            throw new CliError(`An account with the email address ${email} already exists.`)
          }
          throw err
        }
        ctx.out(
          `Created an account for ${name} <${email}> in ${scope.councilName} (${scope.areaCode}), roles: ${wantedRoles.join(', ')}.`,
        )
        if (!opts.passwordStdin) {
          ctx.out(`Password (shown this once; pass it on securely): ${password}`)
        }
        ctx.out('They will set up a second factor the first time they sign in.')
      })
    })

  users
    .command('reset-2fa')
    .description('remove someone’s second factor and recovery codes; they set up a new one at their next sign-in')
    .requiredOption('--email <email>', 'the email address of the account')
    .action(async (opts: { email: string }) => {
      await ctx.withDatabase(async (database) => {
        const { user, scope } = await accountByEmail(database.db, opts.email)
        await resetSecondFactor(database.db, scope, CLI_ACTOR, user.id)
        ctx.out(
          `Removed the second factor of ${user.email} (${scope.councilName}); their sessions have ended and they will set up a new one at their next sign-in.`,
        )
      })
    })

  for (const [command, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(command)
      .description(
        disabled ? 'stop an account signing in (its sessions end at once)' : 'let a disabled account sign in again',
      )
      .requiredOption('--email <email>', 'the email address of the account')
      .action(async (opts: { email: string }) => {
        await ctx.withDatabase(async (database) => {
          const { user, scope } = await accountByEmail(database.db, opts.email)
          await setDisabled(database.db, scope, CLI_ACTOR, user.id, disabled)
          ctx.out(
            disabled
              ? `Disabled ${user.email} (${scope.councilName}); their sessions have ended.`
              : `Enabled ${user.email} (${scope.councilName}); they can sign in again.`,
          )
        })
      })
  }
}

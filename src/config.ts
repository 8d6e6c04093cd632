/**
 * Every setting WTC reads from the environment, documented and validated in one place.
 * `wtc config --help` and the README table are generated from `settingsDocs` so they cannot drift.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')

const positiveInt = z.coerce.number().int().positive()

interface SettingDoc {
  name: string
  description: string
  default: string
  secret?: boolean
  requiredInProduction?: boolean
}

export const settingsDocs: SettingDoc[] = [
  { name: 'NODE_ENV', description: 'development, test or production', default: 'development' },
  { name: 'PORT', description: 'TCP port the web server listens on', default: '3000' },
  { name: 'HOST', description: 'address the web server binds to', default: '127.0.0.1' },
  {
    name: 'BASE_URL',
    description: 'public address of the service, used in invitation links and single sign-on redirects',
    default: 'http://localhost:PORT',
    requiredInProduction: true,
  },
  {
    name: 'DATA_DIR',
    description: 'folder of the embedded database (PGlite) and its lock file; unused with DATABASE_URL',
    default: './data',
  },
  {
    name: 'UPLOAD_DIR',
    description:
      'folder where uploaded files wait for their import (only the service should read it); what a stopped process left there is removed at start',
    default: 'DATA_DIR/uploads',
  },
  {
    name: 'EVIDENCE_DIR',
    description:
      'folder where evidence files attached to standards returns are kept under generated names (outside the web root; back it up with the database)',
    default: 'DATA_DIR/evidence',
  },
  {
    name: 'DATABASE_URL',
    description: 'postgres://user:password@host:port/db to use PostgreSQL 15+ instead of the embedded database',
    default: '(embedded PGlite)',
    secret: true,
  },
  { name: 'DB_POOL_SIZE', description: 'PostgreSQL connections per process', default: '10' },
  {
    name: 'DB_LOCK_TIMEOUT_SECONDS',
    description:
      'PostgreSQL lock_timeout: a statement that waits this long for a lock another transaction holds stops with an error instead of waiting for ever (an import waiting for another import of the same data says so on its job page and waits longer)',
    default: '30',
  },
  {
    name: 'DB_IDLE_TRANSACTION_SECONDS',
    description:
      'PostgreSQL idle_in_transaction_session_timeout: a transaction left open and idle this long (a process that hung or lost its network) is ended by the server, releasing its locks',
    default: '60',
  },
  {
    name: 'JOB_STALE_SECONDS',
    description:
      'a running job whose process has not written its heartbeat for this long is taken as stopped and settled by another process (marked failed with the reason, or succeeded when its work was stored)',
    default: '60',
  },
  {
    name: 'JOB_CONCURRENCY',
    description: 'jobs (imports, checks) one process runs at the same time; more wait queued',
    default: '2',
  },
  {
    name: 'SECRET_KEY',
    description:
      'at least 32 random characters; keys CSRF tokens and encrypts second-factor secrets. Outside production one is generated and kept in the database',
    default: '(generated)',
    secret: true,
    requiredInProduction: true,
  },
  {
    name: 'LOAD_DEMO',
    description: 'load the demo council (Barnet) into an empty database at start',
    default: 'true (false in production)',
  },
  { name: 'SESSION_IDLE_SECONDS', description: 'a session ends after this long without a request', default: '1800' },
  {
    name: 'SESSION_ABSOLUTE_SECONDS',
    description: 'a session ends this long after sign-in, whatever happens',
    default: '43200',
  },
  {
    name: 'SESSION_WARNING_SECONDS',
    description: 'how long before the idle timeout the page warns and offers to extend the session',
    default: '300',
  },
  { name: 'SIGN_IN_MAX_FAILURES', description: 'failed sign-ins on one account before it is locked', default: '5' },
  {
    name: 'SIGN_IN_LOCK_SECONDS',
    description: 'how long an account stays locked after too many failures',
    default: '900',
  },
  { name: 'RATE_LIMIT_PER_MINUTE', description: 'requests a minute from one address before 429', default: '600' },
  {
    name: 'TRUST_PROXY',
    description: 'true when behind a TLS-terminating proxy that sets X-Forwarded-For and X-Forwarded-Proto',
    default: 'false',
  },
  {
    name: 'EXIT_URL',
    description: 'neutral site that "Exit this page" sends people to',
    default: 'https://www.bbc.co.uk/weather',
  },
  { name: 'INVITATION_DAYS', description: 'days an invitation link stays valid', default: '7' },
  {
    name: 'POSTCODES_API_URL',
    description:
      'postcodes.io-compatible service for exact postcode search on the public find support page (only the postcode is sent, with a 3 second timeout); when empty, search works offline to postcode-district precision',
    default: '',
  },
  {
    name: 'ORUK_IMPORT_ALLOW_HOSTS',
    description:
      'comma-separated host names or IP addresses that an Open Referral UK import from a web address may reach even though they are private, loopback or link-local (tests, a directory on the council network); every other such address is refused',
    default: '',
  },
  {
    name: 'OIDC_ISSUER',
    description: 'council single sign-on: OpenID Connect issuer URL (e.g. Microsoft Entra ID)',
    default: '(off)',
  },
  { name: 'OIDC_CLIENT_ID', description: 'single sign-on client id', default: '' },
  { name: 'OIDC_CLIENT_SECRET', description: 'single sign-on client secret', default: '', secret: true },
  {
    name: 'OIDC_ALLOWED_TENANTS',
    description: 'comma-separated identity-provider tenant ids (claim OIDC_TENANT_CLAIM) allowed to sign in',
    default: '',
  },
  { name: 'OIDC_TENANT_CLAIM', description: 'ID token claim that names the identity-provider tenant', default: 'tid' },
  { name: 'OIDC_COUNCIL', description: 'GSS code of the council whose staff use this single sign-on', default: '' },
  {
    name: 'OIDC_ALLOW_HTTP',
    description: 'allow an http:// issuer (tests and local identity providers only; refused in production)',
    default: 'false',
  },
  {
    name: 'SMTP_URL',
    description: 'smtp(s)://user:pass@host:port to email invitations; off when empty',
    default: '',
    secret: true,
  },
  { name: 'MAIL_FROM', description: 'sender address for invitation emails', default: 'wtc@localhost' },
  { name: 'IMPORT_MAX_ROWS', description: 'data rows one imported file may hold', default: '1000000' },
  {
    name: 'IMPORT_MAX_INDICATORS',
    description: 'different indicators one Fingertips or local indicator file may hold',
    default: '5000',
  },
  {
    name: 'COUNCIL_MAX_INDICATOR_ROWS',
    description: 'Fingertips and local indicator rows one council may hold in all',
    default: '2000000',
  },
  {
    name: 'COUNCIL_MAX_INDICATORS',
    description: 'different Fingertips and local indicators one council may hold in all',
    default: '10000',
  },
  { name: 'LOG_LEVEL', description: 'fatal, error, warn, info, debug, trace or silent', default: 'info' },
  { name: 'GIT_REF', description: 'version control reference shown at /info (read from .git when unset)', default: '' },
]

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    BASE_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    UPLOAD_DIR: z.string().min(1).optional(),
    EVIDENCE_DIR: z.string().min(1).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DB_POOL_SIZE: positiveInt.default(10),
    DB_LOCK_TIMEOUT_SECONDS: positiveInt.default(30),
    DB_IDLE_TRANSACTION_SECONDS: positiveInt.default(60),
    JOB_STALE_SECONDS: z.coerce.number().int().min(2).default(60),
    JOB_CONCURRENCY: positiveInt.default(2),
    SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    LOAD_DEMO: bool.optional(),
    SESSION_IDLE_SECONDS: positiveInt.default(1800),
    SESSION_ABSOLUTE_SECONDS: positiveInt.default(43200),
    SESSION_WARNING_SECONDS: positiveInt.default(300),
    SIGN_IN_MAX_FAILURES: positiveInt.default(5),
    SIGN_IN_LOCK_SECONDS: positiveInt.default(900),
    RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
    TRUST_PROXY: bool.default(false),
    EXIT_URL: z.url().default('https://www.bbc.co.uk/weather'),
    INVITATION_DAYS: positiveInt.default(7),
    POSTCODES_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
    ORUK_IMPORT_ALLOW_HOSTS: z.string().default(''),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    OIDC_ALLOWED_TENANTS: z.string().default(''),
    OIDC_TENANT_CLAIM: z.string().default('tid'),
    OIDC_COUNCIL: z.string().optional(),
    OIDC_ALLOW_HTTP: bool.default(false),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('wtc@localhost'),
    IMPORT_MAX_ROWS: positiveInt.default(1_000_000),
    IMPORT_MAX_INDICATORS: positiveInt.default(5_000),
    COUNCIL_MAX_INDICATOR_ROWS: positiveInt.default(2_000_000),
    COUNCIL_MAX_INDICATORS: positiveInt.default(10_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GIT_REF: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      for (const name of ['SECRET_KEY', 'BASE_URL'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production' })
      }
      if (env.OIDC_ALLOW_HTTP)
        ctx.addIssue({ code: 'custom', path: ['OIDC_ALLOW_HTTP'], message: 'is not allowed in production' })
    }
    if (env.OIDC_ISSUER) {
      for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_COUNCIL'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when OIDC_ISSUER is set' })
      }
      if (!env.OIDC_ALLOWED_TENANTS.trim())
        ctx.addIssue({ code: 'custom', path: ['OIDC_ALLOWED_TENANTS'], message: 'is required when OIDC_ISSUER is set' })
    }
    if (env.SESSION_WARNING_SECONDS >= env.SESSION_IDLE_SECONDS)
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_WARNING_SECONDS'],
        message: 'must be shorter than SESSION_IDLE_SECONDS',
      })
  })

export interface OidcConfig {
  issuer: string
  clientId: string
  clientSecret: string
  allowedTenants: string[]
  tenantClaim: string
  councilCode: string
  allowHttp: boolean
}

export interface Config {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  baseUrl: string
  dataDir: string
  /** Uploaded files waiting for their import (issue 10: not the system's temporary folder). */
  uploadDir: string
  evidenceDir: string
  databaseUrl: string | undefined
  dbPoolSize: number
  /** PostgreSQL lock_timeout and idle_in_transaction_session_timeout, in seconds. */
  dbTimeouts: { lockSeconds: number; idleInTransactionSeconds: number }
  jobs: { staleSeconds: number; concurrency: number }
  secretKey: string | undefined
  loadDemo: boolean
  session: { idleSeconds: number; absoluteSeconds: number; warningSeconds: number }
  signIn: { maxFailures: number; lockSeconds: number }
  rateLimitPerMinute: number
  trustProxy: boolean
  exitUrl: string
  invitationDays: number
  /** postcodes.io-compatible base URL without a trailing slash; undefined: offline postcode search. */
  postcodesApiUrl: string | undefined
  /** Hosts (names or addresses, lower case) an ORUK URL import may reach although private or loopback. */
  orukImportAllowHosts: string[]
  oidc: OidcConfig | undefined
  smtpUrl: string | undefined
  mailFrom: string
  /** Rows and indicators one import and one council may hold (issue 10; needs/importers/limits.ts). */
  importLimits: {
    rowsPerImport: number
    indicatorsPerImport: number
    indicatorRowsPerCouncil: number
    indicatorsPerCouncil: number
  }
  logLevel: string
  gitRef: string | undefined
}

export class ConfigError extends Error {}

/** Reads `.env` from the working folder when there is one (values already set win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file)
}

/** Reads and validates the environment; throws ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = schema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`)
    throw new ConfigError(
      `WTC cannot start: the configuration is not valid.\n${lines.join('\n')}\nSee README.md or run "wtc config --help".`,
    )
  }
  const e = parsed.data
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${String(e.PORT)}`).replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(e.DATA_DIR, 'uploads')),
    evidenceDir: path.resolve(e.EVIDENCE_DIR ?? path.join(e.DATA_DIR, 'evidence')),
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.DB_POOL_SIZE,
    dbTimeouts: { lockSeconds: e.DB_LOCK_TIMEOUT_SECONDS, idleInTransactionSeconds: e.DB_IDLE_TRANSACTION_SECONDS },
    jobs: { staleSeconds: e.JOB_STALE_SECONDS, concurrency: e.JOB_CONCURRENCY },
    secretKey: e.SECRET_KEY,
    loadDemo: e.LOAD_DEMO ?? e.NODE_ENV !== 'production',
    session: {
      idleSeconds: e.SESSION_IDLE_SECONDS,
      absoluteSeconds: e.SESSION_ABSOLUTE_SECONDS,
      warningSeconds: e.SESSION_WARNING_SECONDS,
    },
    signIn: { maxFailures: e.SIGN_IN_MAX_FAILURES, lockSeconds: e.SIGN_IN_LOCK_SECONDS },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    exitUrl: e.EXIT_URL,
    invitationDays: e.INVITATION_DAYS,
    postcodesApiUrl: e.POSTCODES_API_URL?.replace(/\/+$/, ''),
    orukImportAllowHosts: e.ORUK_IMPORT_ALLOW_HOSTS.split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET && e.OIDC_COUNCIL
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            allowedTenants: e.OIDC_ALLOWED_TENANTS.split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            tenantClaim: e.OIDC_TENANT_CLAIM,
            councilCode: e.OIDC_COUNCIL,
            allowHttp: e.OIDC_ALLOW_HTTP,
          }
        : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    importLimits: {
      rowsPerImport: e.IMPORT_MAX_ROWS,
      indicatorsPerImport: e.IMPORT_MAX_INDICATORS,
      indicatorRowsPerCouncil: e.COUNCIL_MAX_INDICATOR_ROWS,
      indicatorsPerCouncil: e.COUNCIL_MAX_INDICATORS,
    },
    logLevel: e.LOG_LEVEL,
    gitRef: e.GIT_REF,
  }
}

/** The help text for `wtc config --help`, from the same list the README table uses. */
export function settingsHelp(): string {
  const width = Math.max(...settingsDocs.map((s) => s.name.length))
  return settingsDocs
    .map((s) => {
      const flags = [s.requiredInProduction ? 'required in production' : '', s.secret ? 'secret' : '']
        .filter(Boolean)
        .join(', ')
      return `  ${s.name.padEnd(width)}  ${s.description}${flags ? ` [${flags}]` : ''}\n  ${' '.repeat(width)}  default: ${s.default || '(empty)'}`
    })
    .join('\n')
}

/**
 * pino options: request ids on every line, and redaction so that passwords, codes, tokens,
 * session ids and feedback text never reach a log (ASVS 16.2.5).
 */
import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'

export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.confirmPassword',
  '*.code',
  '*.token',
  '*.secret',
  '*.totpSecret',
  '*.passwordHash',
  '*._csrf',
  '*.feedback',
  '*.answer',
  '*.answers',
  '*.comment',
]

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'route': the log names this route's pattern (e.g. /invitations/:token) instead of the URL,
     * and no query. For routes whose path or query carries what a person searched for or a secret.
     */
    logUrlAs?: 'route'
  }
}

/**
 * Removes secrets carried in URLs that no route marks (a backstop): invitation tokens, single
 * sign-on codes, and the query of /support.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^(\/support\/?)\?.*$/s, '$1?[redacted]')
    .replace(/\/invitations\/[^/?#]+/g, '/invitations/[redacted]')
    .replace(/([?&](?:code|state|token|session_state|id_token)=)[^&#]*/gi, '$1[redacted]')
}

interface LoggedRequest {
  method: string
  url: string
  id: string
  routeOptions?: { url?: string; config?: { logUrlAs?: 'route' } }
}

/**
 * The URL as logged. Decided by the route that answered (issue 10: `/%73upport?q=...` reached the
 * search, which a pattern on the raw URL did not recognise): a route marked `logUrlAs: 'route'` is
 * logged as its pattern, with `?[redacted]` for any query (security-privacy.md: searches are not
 * logged). Other URLs pass through redactUrl.
 */
export function loggedUrl(request: LoggedRequest): string {
  const route = request.routeOptions
  if (route?.config?.logUrlAs === 'route' && route.url !== undefined) {
    return request.url.includes('?') ? `${route.url}?[redacted]` : route.url
  }
  return redactUrl(request.url)
}

/** Fields of a database error that hold the values of the query (drizzle, node-postgres, PGlite). */
const VALUE_FIELDS = new Set(['params', 'parameters', 'values', 'bindings'])
/** Fields kept from an error: what helps to find the fault without the data. */
const KEPT_FIELDS = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'routine', 'statusCode', 'query']

/** 'Key (email)=(jane@example.org) already exists.' -> 'Key (email)=([redacted]) already exists.' */
function withoutValues(text: string): string {
  return text.replace(/\)=\((.*?)\)( already exists| is not present| conflicts)/g, ')=([redacted])$2')
}

/** drizzle's 'Failed query: <sql>\nparams: <values>': the values go. */
function withoutParams(message: string): string {
  return withoutValues(message.replace(/\nparams: [\s\S]*$/, '\nparams: [redacted]'))
}

/**
 * The `err` serializer: type, message, stack, code and cause, with the values of any query taken
 * out (issue 10: a typed email reached the log inside a failed query's parameters). Only the
 * statement text (with $1 placeholders) is kept.
 */
export function errorSerializer(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 4) return typeof err === 'object' ? '[not an Error]' : err
  const fields = err as unknown as Record<string, unknown>
  let message = withoutParams(err.message)
  // A data exception (SQLSTATE class 22) quotes the value it could not take: 'invalid input syntax
  // for type integer: "jane@example.org"'.
  if (typeof fields.code === 'string' && fields.code.startsWith('22'))
    message = message.replace(/"[^"]*"/g, '"[redacted]"')
  const out: Record<string, unknown> = {
    type: err.name,
    message,
    stack: err.stack === undefined ? undefined : withoutParams(err.stack.replace(err.message, message)),
  }
  for (const key of KEPT_FIELDS) {
    const value = fields[key]
    if (typeof value === 'string' || typeof value === 'number') out[key] = value
  }
  if (typeof fields.detail === 'string') out.detail = withoutValues(fields.detail)
  for (const key of Object.keys(fields)) if (VALUE_FIELDS.has(key)) out[key] = '[redacted]'
  if (err.cause !== undefined) out.cause = errorSerializer(err.cause, depth + 1)
  return out
}

/**
 * JSON lines in production (for the log platform) and under tests; in development, readable lines
 * on standard output (developmentLogStream). Redaction is the same in both: it runs before the stream.
 */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  return {
    level: config.env === 'test' ? 'silent' : config.logLevel,
    ...(config.env === 'development' ? { stream: developmentLogStream() } : {}),
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req(request: LoggedRequest) {
        return { method: request.method, url: loggedUrl(request), id: request.id }
      },
      // pino's type wants an Error's shape back; what is logged is whatever the serializer returns.
      err: (e: Error) => errorSerializer(e) as { type: string; message: string; stack: string },
      error: (e: Error) => errorSerializer(e) as { type: string; message: string; stack: string },
    },
  }
}

/** Where log lines go: pino calls `write` once per record, with one JSON line. */
export interface LogStream {
  write(line: string): void
}

interface LogRecord {
  level?: number
  msg?: string
  reqId?: string
  req?: { method?: string; url?: string }
  res?: { statusCode?: number }
  responseTime?: number
  err?: { type?: string; message?: string; stack?: string }
  [key: string]: unknown
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}
/** Requests seen but not yet answered; a bound, so requests that never complete cannot pile up. */
const MAX_OPEN_REQUESTS = 1000

/**
 * Development logs for a person at a terminal: one line per request ("GET /needs 200 34 ms") and
 * other messages as "WARN message", with an error's stack under it. It reads pino's JSON records,
 * so the request serializer (and with it loggedUrl's redaction) has already run.
 */
export class DevelopmentLogFormatter {
  private readonly open = new Map<string, string>()

  /** The text to print for one record (no trailing newline), or null for nothing. */
  format(record: LogRecord): string | null {
    const level = record.level ?? 30
    if (record.msg === 'incoming request' && record.reqId && record.req) {
      if (this.open.size >= MAX_OPEN_REQUESTS) this.open.clear()
      this.open.set(record.reqId, `${record.req.method ?? '?'} ${record.req.url ?? '?'}`)
      return null
    }
    if (record.msg === 'request completed' && record.res) {
      const request = (record.reqId ? this.open.get(record.reqId) : undefined) ?? `request ${record.reqId ?? '?'}`
      if (record.reqId) this.open.delete(record.reqId)
      const ms = typeof record.responseTime === 'number' ? ` ${String(Math.round(record.responseTime))} ms` : ''
      return `${request} ${String(record.res.statusCode ?? '?')}${ms}`
    }
    const name = LEVEL_NAMES[level] ?? `LEVEL ${String(level)}`
    const lines = [level === 30 ? (record.msg ?? '') : `${name} ${record.msg ?? ''}`.trimEnd()]
    if (record.err) lines.push(`  ${record.err.stack ?? `${record.err.type ?? 'Error'}: ${record.err.message ?? ''}`}`)
    return lines.join('\n')
  }
}

/** A pino stream that prints DevelopmentLogFormatter's lines to `out` (standard output by default). */
export function developmentLogStream(out: LogStream = process.stdout): LogStream {
  const formatter = new DevelopmentLogFormatter()
  return {
    write(line: string) {
      let record: LogRecord
      try {
        record = JSON.parse(line) as LogRecord
      } catch {
        out.write(line)
        return
      }
      const text = formatter.format(record)
      if (text !== null) out.write(`${text}\n`)
    },
  }
}

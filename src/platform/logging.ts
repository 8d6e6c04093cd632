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

/**
 * Removes secrets carried in URLs: invitation tokens and single sign-on codes, and the whole query
 * of the public find-support search (/support?q=...), so a woman's postcode, place or filters never
 * reach a log (security-privacy.md: searches are not logged).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^(\/support\/?)\?.*$/s, '$1?[redacted]')
    .replace(/\/invitations\/[^/?#]+/g, '/invitations/[redacted]')
    .replace(/([?&](?:code|state|token|session_state|id_token)=)[^&#]*/gi, '$1[redacted]')
}

export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  return {
    level: config.env === 'test' ? 'silent' : config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req(request: { method: string; url: string; id: string; ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), id: request.id }
      },
    },
  }
}

/**
 * Errors users can act on, never a stack trace (ASVS 16.5.1). HttpError carries a status and a
 * plain-English message; anything else is logged with its request id and shown as a generic 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import { isLockTimeout } from './db/index.js'

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message)
  }
}

export const notFound = (what = 'page'): HttpError => new HttpError(404, `We could not find that ${what}.`)

const titles: Record<number, string> = {
  400: 'There is a problem with the request',
  401: 'Sign in to continue',
  403: 'You do not have access',
  404: 'Page not found',
  413: 'The file is too large',
  415: 'That type of file is not accepted',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
  503: 'The service is busy',
}

function prefersJson(request: FastifyRequest): boolean {
  const url = request.url
  return (
    url.startsWith('/health') ||
    url.startsWith('/info') ||
    /[?&]format=json/.test(url) ||
    ((request.headers.accept ?? '').includes('application/json') &&
      !(request.headers.accept ?? '').includes('text/html'))
  )
}

async function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  reply.code(status)
  if (status >= 500) reply.header('cache-control', 'no-store')
  if (prefersJson(request) || typeof reply.view !== 'function') {
    return reply
      .type('application/json; charset=utf-8')
      .send({ error: titles[status] ?? 'Error', message, requestId: request.id })
  }
  return reply.view('platform/views/error.njk', {
    pageTitle: titles[status] ?? 'Error',
    status,
    message,
    requestId: request.id,
  })
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    // Not-found requests skip the route hooks; load the session so a signed-in user keeps their layout.
    if (!request.url.startsWith('/assets/')) await app.sessions.load(request, reply).catch(() => undefined)
    return sendError(
      request,
      reply,
      404,
      'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.',
    )
  })
  app.setErrorHandler(async (error: FastifyError | HttpError | ZodError, request, reply) => {
    if (error instanceof HttpError) return sendError(request, reply, error.statusCode, error.message)
    if (error instanceof ZodError) {
      const first = error.issues[0]
      const field = first?.path.join('.') ?? ''
      return sendError(
        request,
        reply,
        400,
        `${field ? `${field}: ` : ''}${first?.message ?? 'The request is not valid.'}`,
      )
    }
    if (isLockTimeout(error)) {
      // lock_timeout (PostgreSQL): another transaction held what this request needed for too long.
      request.log.warn({ err: error }, 'gave up waiting for a lock')
      return sendError(
        request,
        reply,
        503,
        'Another change to the same information (an import, perhaps) is still being saved, so nothing was changed. Wait a minute and try again.',
      )
    }
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error')
      return sendError(
        request,
        reply,
        500,
        'Try again later. If the problem continues, quote this reference to your administrator.',
      )
    }
    if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
      return sendError(
        request,
        reply,
        403,
        'This form has expired or was sent from another site. Go back, reload the page and try again.',
      )
    }
    const message =
      status === 413
        ? 'The request is larger than the service accepts.'
        : status === 429
          ? 'You have made too many requests. Wait a minute and try again.'
          : status === 415
            ? 'That kind of request is not accepted here.'
            : 'The request could not be understood. Check what you entered and try again.'
    return sendError(request, reply, status, message)
  })
}

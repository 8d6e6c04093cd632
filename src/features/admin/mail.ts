/** Invitation emails, sent only when SMTP_URL is configured; otherwise the admin passes the link on. */
import type { FastifyBaseLogger } from 'fastify'
import nodemailer from 'nodemailer'
import type { Config } from '../../config.js'

export async function sendInvitationEmail(
  config: Pick<Config, 'smtpUrl' | 'mailFrom'>,
  log: FastifyBaseLogger,
  message: { to: string; name: string; link: string; council: string; expiresAt: Date },
): Promise<boolean> {
  if (!config.smtpUrl) return false
  try {
    const transport = nodemailer.createTransport(config.smtpUrl)
    const until = message.expiresAt.toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' })
    await transport.sendMail({
      from: config.mailFrom,
      to: message.to,
      subject: "Your invitation to Women's Treatment Commissioning",
      text: `Hello ${message.name},\n\n${message.council} has invited you to Women's Treatment Commissioning.\n\nCreate your account using this link, which works once and until ${until}:\n${message.link}\n\nIf you were not expecting this, you can ignore this email.\n`,
    })
    return true
  } catch (err) {
    log.warn({ err: { message: (err as Error).message } }, 'invitation email not sent')
    return false
  }
}

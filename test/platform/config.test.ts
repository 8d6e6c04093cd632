import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, settingsDocs, settingsHelp } from '../../src/config.js'

describe('configuration', () => {
  it('starts with defaults outside production: port 3000, ./data, demo loaded', () => {
    const c = loadConfig({})
    expect(c.port).toBe(3000)
    expect(c.dataDir.endsWith('/data')).toBe(true)
    expect(c.loadDemo).toBe(true)
    expect(c.session.idleSeconds).toBe(1800)
    expect(c.session.absoluteSeconds).toBe(12 * 3600)
    expect(c.exitUrl).toBe('https://www.bbc.co.uk/weather')
  })

  it('in production, missing secrets stop the start with a message naming each one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError)
    try {
      loadConfig({ NODE_ENV: 'production' })
    } catch (err) {
      expect((err as Error).message).toContain('SECRET_KEY: is required in production')
      expect((err as Error).message).toContain('BASE_URL: is required in production')
    }
    const ok = loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(32), BASE_URL: 'https://wtc.example' })
    expect(ok.loadDemo).toBe(false)
  })

  it('names a bad value and the rule it breaks', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must start with postgres/)
    expect(() => loadConfig({ SECRET_KEY: 'short' })).toThrow(/SECRET_KEY: must be at least 32 characters/)
    expect(() => loadConfig({ SESSION_IDLE_SECONDS: '60', SESSION_WARNING_SECONDS: '60' })).toThrow(
      /SESSION_WARNING_SECONDS/,
    )
  })

  it('single sign-on needs its client, council and allowed tenants once an issuer is set', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://login.example/tenant/v2.0' })).toThrow(
      /OIDC_CLIENT_ID.*\n.*OIDC_CLIENT_SECRET/s,
    )
  })

  it('the README table lists every setting', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    for (const s of settingsDocs) expect(readme).toContain(`| \`${s.name}\` |`)
  })

  it('documents every setting it reads in the help text', () => {
    const help = settingsHelp()
    for (const s of settingsDocs) expect(help).toContain(s.name)
    // Every key the schema accepts is documented: an undocumented one would be silently ignored here.
    const documented = new Set(settingsDocs.map((s) => s.name))
    for (const name of [
      'PORT',
      'DATA_DIR',
      'DATABASE_URL',
      'SECRET_KEY',
      'EXIT_URL',
      'OIDC_ALLOWED_TENANTS',
      'SMTP_URL',
    ]) {
      expect(documented.has(name)).toBe(true)
    }
  })
})

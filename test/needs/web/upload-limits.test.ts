import { readFile, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '../../../src/db/schema/index.js'
import {
  claimUpload,
  cleanFileName,
  looksLikeCsv,
  MAX_UPLOAD_BYTES,
  type ReceivedFile,
  registerCsvUpload,
  takeFile,
} from '../../../src/platform/uploads/upload.js'
import { createTestContext, type TestContext } from '../../support/app.js'
import { errorSummary, leftBehind, multipartBody } from './support.js'

describe('the upload plugin on its own (small limit, so the boundary can be tested exactly)', () => {
  let app: FastifyInstance
  let seen: { file: ReceivedFile | null; rest: unknown; onDisk: string | null }[] = []
  beforeAll(async () => {
    app = Fastify()
    await app.register(async (scoped) => {
      await registerCsvUpload(scoped, { maxBytes: 100 })
      scoped.post('/up', async (request) => {
        const { file, rest } = takeFile(request.body, 'file')
        const keep = (request.query as { keep?: string }).keep === '1'
        const onDisk = file?.path ? await readFile(file.path, 'utf8') : null
        if (file && keep) claimUpload(request, file)
        seen.push({ file, rest, onDisk })
        return { ok: true }
      })
    })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
  })

  const send = async (content: Buffer | string, fields: [string, string][] = [['_csrf', 't']], keep = false) => {
    seen = []
    const { payload, contentType } = multipartBody(fields, { name: 'file', filename: 'x.csv', content })
    const res = await app.inject({
      method: 'POST',
      url: keep ? '/up?keep=1' : '/up',
      payload,
      headers: { 'content-type': contentType },
    })
    expect(res.statusCode).toBe(200)
    const entry = seen[0]
    if (!entry) throw new Error('handler not reached')
    return entry
  }

  it('a file of exactly the limit (100 bytes) is kept whole; fields are plain values', async () => {
    const content = 'a,b\n'.repeat(25) // 4 x 25 = 100 bytes
    let entry: Awaited<ReturnType<typeof send>> | undefined
    const left = await leftBehind(async () => {
      entry = await send(content, [
        ['_csrf', 'token-value'],
        ['kind', 'fingertips'],
      ])
    })
    expect(entry?.file?.bytes).toBe(100)
    expect(entry?.file?.tooLarge).toBe(false)
    expect(entry?.onDisk).toBe(content)
    expect(entry?.rest).toEqual({ _csrf: 'token-value', kind: 'fingertips' })
    // Not claimed by the handler: removed with the response.
    expect(left).toEqual([])
  })

  it('a file one byte over the limit is cut off, marked too large and not kept', async () => {
    const entry = await send(`${'a,b\n'.repeat(25)}x`) // 101 bytes
    expect(entry.file?.tooLarge).toBe(true)
    expect(entry.file?.path).toBe('')
    expect(entry.onDisk).toBeNull()
  })

  it('a claimed file stays on disk for the job, with only its owner able to read it', async () => {
    const left = await leftBehind(async () => {
      await send('a,b\n1,2\n', [['_csrf', 't']], true)
    })
    expect(left).toHaveLength(1)
    const path = seen[0]?.file?.path ?? ''
    expect(path.endsWith(left[0] ?? 'missing')).toBe(true)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    await import('node:fs/promises').then((fs) => fs.rm(path))
  })

  it('a text field called "file" is not taken for an uploaded file', async () => {
    seen = []
    const { payload, contentType } = multipartBody([['file', '/etc/passwd']])
    await app.inject({ method: 'POST', url: '/up', payload, headers: { 'content-type': contentType } })
    expect(seen[0]?.file).toBeNull()
  })
})

describe('file checks', () => {
  it('looksLikeCsv: comma-separated text is a CSV; binary files and text without commas are not', () => {
    expect(looksLikeCsv(Buffer.from('a,b\r\n1,2\r\n'))).toBe(true)
    expect(looksLikeCsv(Buffer.from('\uFEFFReportingPeriod,Area\n2009/10,Barnet\n'))).toBe(true)
    expect(looksLikeCsv(Buffer.from('"Area, name",Value\n'))).toBe(true)
    expect(looksLikeCsv(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x2c]))).toBe(false) // xlsx (zip)
    expect(looksLikeCsv(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0x2c]))).toBe(false) // xls (OLE2)
    expect(looksLikeCsv(Buffer.from('%PDF-1.7,'))).toBe(false)
    expect(looksLikeCsv(Buffer.from('a,b\n\u0000\u0001'))).toBe(false)
    expect(looksLikeCsv(Buffer.from('just a sentence\nwith, a comma on line two'))).toBe(false)
    expect(looksLikeCsv(Buffer.from(''))).toBe(false)
    expect(looksLikeCsv(Buffer.from('\uFEFF'))).toBe(false)
  })

  it('cleanFileName keeps only the name, without folders or control characters', () => {
    expect(cleanFileName('C:\\fakepath\\viewit.csv')).toBe('viewit.csv')
    expect(cleanFileName('../../etc/passwd.csv')).toBe('passwd.csv')
    expect(cleanFileName('bad\r\nname.csv')).toBe('badname.csv')
    expect(cleanFileName('x'.repeat(300))).toHaveLength(200)
  })
})

describe('the 250 MB limit on the real upload route', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx.close()
  })

  it('a file of 250 MB and one byte is refused with a clear message, starts no job and leaves nothing on disk', async () => {
    expect(MAX_UPLOAD_BYTES).toBe(250 * 1024 * 1024)
    const user = await ctx.user({ roles: ['commissioner'], totp: true })
    const client = await ctx.signedIn(user)
    const token = await client.csrfToken('/needs/imports')
    const boundary = '----wtcBigUpload'
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfingertips\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const chunk = Buffer.from('1,2,3,4\n'.repeat(128 * 1024)) // 1 MiB
    const total = MAX_UPLOAD_BYTES + 1
    function* body() {
      yield head
      let sent = 0
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent)
        yield n === chunk.length ? chunk : chunk.subarray(0, n)
        sent += n
      }
      yield tail
    }
    let res: Awaited<ReturnType<typeof client.request>> | undefined
    const left = await leftBehind(async () => {
      res = await client.request({
        method: 'POST',
        url: '/needs/imports',
        payload: Readable.from(body()),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
    })
    expect(res?.statusCode).toBe(400)
    expect(errorSummary(res?.body ?? '')).toEqual(['#file The selected file must be smaller than 250 MB'])
    expect(await ctx.database.db.select().from(jobs)).toEqual([])
    expect(left).toEqual([])
  }, 120_000)
})

/** Multipart bodies built by hand, as a browser sends them (uploads of CSV files and evidence documents). */
import { randomBytes } from 'node:crypto'

export interface FilePart {
  name: string
  filename: string
  content: Buffer | string
  type?: string
}

/** A multipart/form-data body: fields in the order given, then the file (as a browser does for a form whose file input comes last). */
export function multipartBody(fields: [string, string][], file?: FilePart): { payload: Buffer; contentType: string } {
  const boundary = `----wtcTestBoundary${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const [name, value] of fields) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'),
    )
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
        'utf8',
      ),
      typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
      Buffer.from('\r\n', 'utf8'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'))
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/**
 * What kind of document a file is, judged by its content (ASVS 5.2.2): a PDF, a Word or Excel file
 * (a zip holding word/document.xml or xl/workbook.xml, read from the zip's own directory), a PNG or
 * a JPEG. The name the browser sent only has to agree with the content; an executable renamed
 * ".pdf" is refused because it does not start as a PDF does. Pure.
 */

export const documentTypes = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word document',
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel workbook',
  },
  png: { contentType: 'image/png', extensions: ['png'], label: 'PNG image' },
  jpeg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG image' },
} as const

export type DocumentType = keyof typeof documentTypes

export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

const startsWith = (b: Buffer, magic: readonly number[], at = 0): boolean => magic.every((x, i) => b[at + i] === x)

/** The names of the entries in a zip file's central directory, or null if it is not a readable zip. */
export function zipEntryNames(file: Buffer): string[] | null {
  if (!startsWith(file, [0x50, 0x4b, 0x03, 0x04])) return null
  // The end-of-central-directory record is in the last 22 + 65,535 bytes (its comment is at most that long).
  const from = Math.max(0, file.length - 22 - 0xffff)
  let eocd = -1
  for (let i = file.length - 22; i >= from; i--) {
    if (file.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return null
  const count = file.readUInt16LE(eocd + 10)
  let at = file.readUInt32LE(eocd + 16)
  const names: string[] = []
  for (let n = 0; n < count; n++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== 0x02014b50) return null
    const nameLength = file.readUInt16LE(at + 28)
    const extraLength = file.readUInt16LE(at + 30)
    const commentLength = file.readUInt16LE(at + 32)
    if (at + 46 + nameLength > file.length) return null
    names.push(file.subarray(at + 46, at + 46 + nameLength).toString('utf8'))
    at += 46 + nameLength + extraLength + commentLength
  }
  return names
}

/** The document type of a file's content, or null if it is none of the accepted kinds. */
export function detectDocumentType(file: Buffer): DocumentType | null {
  // A PDF's header may follow a little junk: readers look in the first kilobyte.
  if (file.subarray(0, 1024).includes('%PDF-')) return 'pdf'
  if (startsWith(file, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(file, [0xff, 0xd8, 0xff])) return 'jpeg'
  const names = zipEntryNames(file)
  if (names?.includes('[Content_Types].xml')) {
    if (names.includes('word/document.xml')) return 'docx'
    if (names.includes('xl/workbook.xml')) return 'xlsx'
  }
  return null
}

export type DocumentCheck = { ok: true; type: DocumentType } | { ok: false; problem: string }

const accepted = 'a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file'

/** Whether a file may be kept as evidence: its content is an accepted kind and its name agrees. */
export function checkDocument(file: Buffer, fileName: string, maxBytes = EVIDENCE_MAX_BYTES): DocumentCheck {
  if (file.length === 0) return { ok: false, problem: 'The selected file is empty' }
  if (file.length > maxBytes)
    return { ok: false, problem: `The selected file must be smaller than ${String(maxBytes / 1024 / 1024)} MB` }
  const type = detectDocumentType(file)
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? ''
  if (!type) {
    return {
      ok: false,
      problem: extension
        ? `The selected file is named .${extension} but its content is not ${accepted}: attach ${accepted}`
        : `The selected file must be ${accepted}`,
    }
  }
  const expected = documentTypes[type]
  if (!(expected.extensions as readonly string[]).includes(extension)) {
    return {
      ok: false,
      problem: `The selected file is a ${expected.label} but is named ${extension ? `.${extension}` : 'without an extension'}: rename it to end .${expected.extensions[0]}`,
    }
  }
  return { ok: true, type }
}

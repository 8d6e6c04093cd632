/**
 * Evidence files are judged by their content (issue 12, ASVS 5.2.2): the magic bytes of PDF, PNG
 * and JPEG, and for Word and Excel the zip's own directory. The zips here are written by hand
 * (stored entries, real CRCs) or by the docx library, not by the code under test.
 */
import { crc32 } from 'node:zlib'
import { Document, Packer, Paragraph } from 'docx'
import { describe, expect, it } from 'vitest'
import { checkDocument, detectDocumentType, zipEntryNames } from '../../src/platform/uploads/documents.js'

/** A zip of stored (uncompressed) entries: local headers, then the central directory, then its end record. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text)
    const nameBytes = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += 30 + nameBytes.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(entries).length, 8)
  end.writeUInt16LE(Object.keys(entries).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const pdf = Buffer.from('%PDF-1.7\n%%EOF\n')
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)])
const xlsx = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' })

describe('document types by content', () => {
  it('knows PDF (also after a little junk), PNG and JPEG by their first bytes', () => {
    expect(detectDocumentType(pdf)).toBe('pdf')
    expect(detectDocumentType(Buffer.concat([Buffer.from('\r\n\r\n'), pdf]))).toBe('pdf')
    expect(detectDocumentType(png)).toBe('png')
    expect(detectDocumentType(jpeg)).toBe('jpeg')
  })

  it('reads the names in a zip’s central directory', () => {
    expect(zipEntryNames(zip({ 'a.txt': 'x', 'b/c.xml': 'yy' }))).toEqual(['a.txt', 'b/c.xml'])
    expect(zipEntryNames(pdf)).toBeNull()
    // A zip cut short has no end record: not readable.
    expect(zipEntryNames(xlsx.subarray(0, xlsx.length - 30))).toBeNull()
  })

  it('knows a Word document written by the docx library and an Excel workbook by their parts', async () => {
    const word = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Policy')] }] }))
    expect(detectDocumentType(word)).toBe('docx')
    expect(detectDocumentType(xlsx)).toBe('xlsx')
    // A zip that is neither (no content types, or no document part) is refused.
    expect(detectDocumentType(zip({ 'xl/workbook.xml': '<workbook/>' }))).toBeNull()
    expect(detectDocumentType(zip({ '[Content_Types].xml': '<Types/>', 'readme.txt': 'hi' }))).toBeNull()
  })

  it('refuses an executable renamed .pdf, naming what was wrong', () => {
    expect(detectDocumentType(exe)).toBeNull()
    expect(checkDocument(exe, 'minutes.pdf')).toEqual({
      ok: false,
      problem:
        'The selected file is named .pdf but its content is not a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file: attach a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file',
    })
  })

  it('needs the name to agree with the content, and the file to be neither empty nor too big', () => {
    expect(checkDocument(png, 'photo.pdf')).toEqual({
      ok: false,
      problem: 'The selected file is a PNG image but is named .pdf: rename it to end .png',
    })
    expect(checkDocument(jpeg, 'photo.JPG')).toEqual({ ok: true, type: 'jpeg' })
    expect(checkDocument(jpeg, 'photo.jpeg')).toEqual({ ok: true, type: 'jpeg' })
    expect(checkDocument(xlsx, 'staff.xlsx')).toEqual({ ok: true, type: 'xlsx' })
    expect(checkDocument(Buffer.alloc(0), 'a.pdf')).toEqual({ ok: false, problem: 'The selected file is empty' })
    expect(checkDocument(Buffer.concat([pdf, Buffer.alloc(2048)]), 'a.pdf', 1024)).toEqual({
      ok: false,
      problem: 'The selected file must be smaller than 0.0009765625 MB',
    })
  })
})

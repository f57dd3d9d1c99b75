/**
 * Small real files for the evidence tests, built in the test rather than checked in: a PDF a reader opens (its xref
 * offsets computed), a PNG with real CRCs and deflated pixels, Office packages written by the zip and spreadsheet
 * libraries the project already depends on, and OLE compound files laid out by [MS-CFB] with the streams that Word,
 * Excel, PowerPoint, installers and encrypted documents hold.
 */
import { deflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/** A one-page PDF 1.4 with a line of text, its cross-reference table pointing at each object. */
export function pdf(text = 'duban evidence'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 12 Tf 10 50 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 10 50 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A 2×2 RGB PNG: signature, IHDR, IDAT (deflated scanlines), IEND, each chunk with its CRC. */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of a JFIF photograph (SOI, APP0); the sniffer reads no further. */
export function jpeg(): Buffer {
  return Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00, 0xff, 0xd9,
  ]);
}

const OOXML_PREFIX = 'application/vnd.openxmlformats-officedocument.';

async function zip(files: Record<string, string>): Promise<Buffer> {
  const archive = new JSZip();
  for (const [name, content] of Object.entries(files)) archive.file(name, content);
  return archive.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

function contentTypes(part: string, contentType: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/${part}" ContentType="${contentType}"/>` +
    '</Types>'
  );
}

const rels = (target: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${target}"/>` +
  '</Relationships>';

/** A Word document with one paragraph, as Word lays out the package. */
export function docx(text = '整改工作已完成'): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': contentTypes('word/document.xml', `${OOXML_PREFIX}wordprocessingml.document.main+xml`),
    '_rels/.rels': rels('word/document.xml'),
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
  });
}

/** The same document saved as .docm: a macro-enabled main part and a VBA project. */
export function docm(): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': contentTypes('word/document.xml', 'application/vnd.ms-word.document.macroEnabled.main+xml'),
    '_rels/.rels': rels('word/document.xml'),
    'word/document.xml': '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    'word/vbaProject.bin': 'Attribute VB_Name = "Module1"',
  });
}

export function pptx(): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': contentTypes('ppt/presentation.xml', `${OOXML_PREFIX}presentationml.presentation.main+xml`),
    '_rels/.rels': rels('ppt/presentation.xml'),
    'ppt/presentation.xml': '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
  });
}

/** A workbook written by exceljs, as the project's own exports are. */
export async function xlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('进度').addRows([
    ['任务', '完成率'],
    ['二.(三).一是', 0.3],
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An OFD (GB/T 33190) package: the entry file OFD.xml at the root and one document. */
export function ofd(): Promise<Buffer> {
  return zip({
    'OFD.xml':
      '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">' +
      '<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
    'Doc_0/Document.xml': '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
  });
}

/** A plain archive of documents — one even holding a folder named word/ — which is not a Word document. */
export function archiveOfDocuments(): Promise<Buffer> {
  return zip({ 'word/document.xml': '<w:document/>', '说明.txt': '见附件' });
}

/**
 * An OLE compound file (version 3, 512-byte sectors): the header, one FAT sector, one directory sector whose root
 * lists `names` as empty streams (a right-leaning sibling chain), and the root's class id.
 */
export function compound(names: string[], rootClassId = new Uint8Array(16)): Buffer {
  if (names.length > 3) throw new Error('one directory sector holds the root and three entries');
  const file = Buffer.alloc(512 * 3);
  file.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  file.writeUInt16LE(0x3e, 0x18); // minor version
  file.writeUInt16LE(3, 0x1a); // major version 3
  file.writeUInt16LE(0xfffe, 0x1c); // little-endian
  file.writeUInt16LE(9, 0x1e); // 512-byte sectors
  file.writeUInt16LE(6, 0x20); // 64-byte mini sectors
  file.writeUInt32LE(1, 0x2c); // one FAT sector
  file.writeUInt32LE(1, 0x30); // directory starts at sector 1
  file.writeUInt32LE(0x1000, 0x38); // mini stream cutoff
  file.writeUInt32LE(0xfffffffe, 0x3c); // no mini FAT
  file.writeUInt32LE(0xfffffffe, 0x44); // no DIFAT sectors
  for (let i = 0; i < 109; i++) file.writeUInt32LE(0xffffffff, 0x4c + 4 * i);
  file.writeUInt32LE(0, 0x4c); // the FAT is sector 0
  const fat = 512;
  for (let i = 0; i < 128; i++) file.writeUInt32LE(0xffffffff, fat + 4 * i);
  file.writeUInt32LE(0xfffffffd, fat); // sector 0: FAT
  file.writeUInt32LE(0xfffffffe, fat + 4); // sector 1: the directory, one sector long
  const entry = (index: number, name: string, type: number, child: number, right: number) => {
    const at = 1024 + 128 * index;
    const utf16 = Buffer.from(`${name}\0`, 'utf16le');
    file.set(utf16, at);
    file.writeUInt16LE(utf16.length, at + 0x40);
    file[at + 0x42] = type;
    file[at + 0x43] = 1; // black
    file.writeUInt32LE(0xffffffff, at + 0x44); // left sibling
    file.writeUInt32LE(right, at + 0x48);
    file.writeUInt32LE(child, at + 0x4c);
    file.writeUInt32LE(0xfffffffe, at + 0x74); // no data
  };
  entry(0, 'Root Entry', 5, names.length > 0 ? 1 : 0xffffffff, 0xffffffff);
  file.set(rootClassId, 1024 + 0x50);
  names.forEach((name, i) => entry(i + 1, name, 2, 0xffffffff, i + 2 <= names.length ? i + 2 : 0xffffffff));
  return file;
}

/** The class id of a Windows Installer package, {000C1084-0000-0000-C000-000000000046}, as stored (mixed-endian). */
export const MSI_CLASS_ID = Uint8Array.from([
  0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
]);

/** The start of a Windows program: the MZ header and the PE offset, then the DOS stub's message. */
export function exe(): Buffer {
  const file = Buffer.alloc(256);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  file.write('PE\0\0', 0x80, 'latin1');
  return file;
}

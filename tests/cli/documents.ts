/**
 * Small documents the tests build themselves, in the formats offices publish plans in. A document is a list of
 * paragraphs and tables; a table row is a list of cells, a cell's paragraphs separated by "\n"; a row of one cell is a
 * merged row spanning the table (a category row such as "一、质量安全").
 *
 * - .docx: Office Open XML written with JSZip, the way Word stores paragraphs and tables (w:p, w:tbl, w:gridSpan).
 * - .doc: Word 97-2003 binary (MS-DOC) in a compound file (MS-CFB): the FIB, the text as one Unicode piece in the
 *   piece table (CLX), and paragraph properties (PAPX FKPs) marking table paragraphs and row ends (sprmPFInTable,
 *   sprmPFTtp), which is what a reader needs to find the text and the table rows. Word itself would also want a
 *   stylesheet, section and document properties; there is no Word here to save one, and a .doc checked in would not
 *   be a document the test made, so the test writes the format's text-bearing structures itself.
 * - .pdf: PDF 1.4 with a Type0 font, Identity-H encoding and a ToUnicode CMap, as Word and WPS export Chinese text
 *   (they also embed a font subset for the glyphs, which text extraction does not use; this file names STSong-Light
 *   without embedding it, so a viewer substitutes a font). A scanned page is an image and no text.
 */
import JSZip from 'jszip';

export type Block = string | { table: string[][] };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/* ---------- .docx ---------- */

function wParagraph(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
}

function wTable(rows: string[][]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const grid = Array.from({ length: width }, () => '<w:gridCol w:w="1800"/>').join('');
  const trs = rows.map((cells) => {
    const tcs = cells.map((cell) => {
      const span = cells.length === 1 && width > 1 ? `<w:tcPr><w:gridSpan w:val="${width}"/></w:tcPr>` : '';
      return `<w:tc>${span}${cell.split('\n').map(wParagraph).join('')}</w:tc>`;
    });
    return `<w:tr>${tcs.join('')}</w:tr>`;
  });
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>${grid}</w:tblGrid>${trs.join('')}</w:tbl>`;
}

/** A .docx of these blocks. */
export async function makeDocx(blocks: Block[]): Promise<Buffer> {
  const body = blocks.map((b) => (typeof b === 'string' ? wParagraph(b) : wTable(b.table))).join('');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" ' +
      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
      'Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${body}<w:sectPr/></w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

/* ---------- .doc (MS-DOC in MS-CFB) ---------- */

const SECTOR = 512;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;

/**
 * A version-3 compound file holding the given streams. Each is padded with zeros to at least 4096 bytes, the mini
 * stream cutoff, so every stream lives in regular sectors and no mini stream is needed.
 */
function compoundFile(streams: { name: string; data: Buffer }[]): Buffer {
  const padded = streams.map((s) => {
    const size = Math.max(4096, Math.ceil(s.data.length / SECTOR) * SECTOR);
    return { name: s.name, data: Buffer.concat([s.data, Buffer.alloc(size - s.data.length)]), size };
  });
  const streamSectors = padded.reduce((n, s) => n + s.data.length / SECTOR, 0);
  const fatSectors = Math.ceil((streamSectors + 2) / (SECTOR / 4 - 1)) || 1;
  const fat = new Array<number>(fatSectors * (SECTOR / 4)).fill(FREESECT);
  let next = 0;
  for (let i = 0; i < fatSectors; i++) fat[next++] = FATSECT;
  const dirSector = next;
  fat[next++] = ENDOFCHAIN;
  const starts: number[] = [];
  for (const s of padded) {
    starts.push(next);
    const n = s.data.length / SECTOR;
    for (let k = 0; k < n; k++) fat[next + k] = k === n - 1 ? ENDOFCHAIN : next + k + 1;
    next += n;
  }
  const header = Buffer.alloc(SECTOR);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(dirSector, 48);
  header.writeUInt32LE(0x1000, 56);
  header.writeUInt32LE(ENDOFCHAIN, 60);
  header.writeUInt32LE(ENDOFCHAIN, 68);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatSectors ? i : FREESECT, 76 + i * 4);
  const fatBytes = Buffer.alloc(fatSectors * SECTOR);
  fat.forEach((v, i) => fatBytes.writeUInt32LE(v >>> 0, i * 4));
  const dir = Buffer.alloc(SECTOR);
  const entry = (i: number, name: string, type: number, child: number, left: number, start: number, size: number) => {
    const o = i * 128;
    dir.write(`${name}\0`, o, 'utf16le');
    dir.writeUInt16LE((name.length + 1) * 2, o + 64);
    dir.writeUInt8(type, o + 66);
    dir.writeUInt8(1, o + 67); // black
    dir.writeUInt32LE(left, o + 68);
    dir.writeUInt32LE(NOSTREAM, o + 72);
    dir.writeUInt32LE(child, o + 76);
    dir.writeUInt32LE(start, o + 116);
    dir.writeUInt32LE(size, o + 120);
  };
  // the root's child is the first stream; the others hang off its left (names sort shorter first)
  entry(0, 'Root Entry', 5, 1, NOSTREAM, ENDOFCHAIN, 0);
  padded.forEach((s, k) =>
    entry(k + 1, s.name, 2, NOSTREAM, k + 1 < padded.length ? k + 2 : NOSTREAM, starts[k]!, s.size),
  );
  for (let i = padded.length + 1; i < 4; i++) {
    dir.writeUInt32LE(NOSTREAM, i * 128 + 68);
    dir.writeUInt32LE(NOSTREAM, i * 128 + 72);
    dir.writeUInt32LE(NOSTREAM, i * 128 + 76);
  }
  return Buffer.concat([header, fatBytes, dir, ...padded.map((s) => s.data)]);
}

type ParagraphKind = 'body' | 'cell' | 'row';

/** The document's characters and its paragraphs (each ending with its mark: \r, or \x07 for a cell or a row end). */
function docText(blocks: Block[]): { text: string; paragraphs: { end: number; kind: ParagraphKind }[] } {
  let text = '';
  const paragraphs: { end: number; kind: ParagraphKind }[] = [];
  const para = (s: string, mark: string, kind: ParagraphKind) => {
    text += s + mark;
    paragraphs.push({ end: text.length, kind });
  };
  for (const b of blocks) {
    if (typeof b === 'string') {
      para(b, '\r', 'body');
      continue;
    }
    for (const cells of b.table) {
      for (const cell of cells) {
        const lines = cell.split('\n');
        lines.forEach((l, i) => para(l, i === lines.length - 1 ? '\x07' : '\r', 'cell'));
      }
      para('', '\x07', 'row');
    }
  }
  para('', '\r', 'body');
  return { text, paragraphs };
}

/** A Word 97-2003 .doc of these blocks. */
export function makeDoc(blocks: Block[]): Buffer {
  const { text, paragraphs } = docText(blocks);
  const fcText = 0x400;
  const textBytes = Buffer.from(text, 'utf16le');
  // paragraph properties, at most 24 paragraphs to a 512-byte FKP page
  const firstPage = Math.ceil((fcText + textBytes.length) / SECTOR);
  const grpprl: Record<ParagraphKind, number[]> = {
    body: [0, 1, 0, 0], // cb 0, cb' 1 → istd 0, no sprm
    cell: [0, 3, 0, 0, 0x16, 0x24, 1, 0], // istd 0, sprmPFInTable 1
    row: [0, 4, 0, 0, 0x16, 0x24, 1, 0x17, 0x24, 1], // istd 0, sprmPFInTable 1, sprmPFTtp 1
  };
  const pages: Buffer[] = [];
  const firstFcs: number[] = [];
  for (let from = 0; from < paragraphs.length; from += 24) {
    const chunk = paragraphs.slice(from, from + 24);
    const page = Buffer.alloc(SECTOR);
    const start = from === 0 ? 0 : paragraphs[from - 1]!.end;
    firstFcs.push(fcText + start * 2);
    page.writeUInt32LE(fcText + start * 2, 0);
    chunk.forEach((p, i) => page.writeUInt32LE(fcText + p.end * 2, (i + 1) * 4));
    // the three property sets at the page's end, each at an even offset
    const at: Partial<Record<ParagraphKind, number>> = {};
    let top = 510;
    for (const kind of ['body', 'cell', 'row'] as const) {
      const bytes = grpprl[kind];
      top -= bytes.length + (bytes.length % 2);
      Buffer.from(bytes).copy(page, top);
      at[kind] = top / 2;
    }
    const bx = (chunk.length + 1) * 4;
    chunk.forEach((p, i) => page.writeUInt8(at[p.kind]!, bx + i * 13));
    page.writeUInt8(chunk.length, 511);
    pages.push(page);
  }
  const fcEnd = fcText + textBytes.length;
  const beforePages = Buffer.alloc(firstPage * SECTOR - fcText - textBytes.length);
  const word = Buffer.concat([Buffer.alloc(fcText), textBytes, beforePages, ...pages]);
  // the FIB
  word.writeUInt16LE(0xa5ec, 0);
  word.writeUInt16LE(0x00c1, 2);
  word.writeUInt16LE(0x0804, 6); // zh-CN
  word.writeUInt16LE(0x1200, 10); // fWhichTblStm (1Table), fExtChar
  word.writeUInt16LE(0x00bf, 12);
  word.writeUInt16LE(14, 0x20); // csw
  word.writeUInt16LE(22, 0x3e); // cslw
  word.writeUInt32LE(word.length, 0x40); // cbMac
  word.writeUInt32LE(text.length, 0x4c); // ccpText
  word.writeUInt16LE(0x5d, 0x98); // cbRgFcLcb: FibRgFcLcb97
  // the table stream: the piece table (CLX) and the bin table of paragraph properties (PlcBtePapx)
  const plcPcd = Buffer.alloc(4 * 2 + 8);
  plcPcd.writeUInt32LE(0, 0);
  plcPcd.writeUInt32LE(text.length, 4);
  plcPcd.writeUInt32LE(fcText, 8 + 2); // Pcd: fc of a Unicode piece (fCompressed 0), prm 0
  const clx = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(4), plcPcd]);
  clx.writeUInt32LE(plcPcd.length, 1);
  const plcBte = Buffer.alloc((pages.length + 1) * 4 + pages.length * 4);
  firstFcs.forEach((fc, i) => plcBte.writeUInt32LE(fc, i * 4));
  plcBte.writeUInt32LE(fcEnd, pages.length * 4);
  pages.forEach((_, i) => plcBte.writeUInt32LE(firstPage + i, (pages.length + 1) * 4 + i * 4));
  const table = Buffer.concat([clx, plcBte]);
  const fibLcb = (index: number, fc: number, lcb: number) => {
    word.writeUInt32LE(fc, 0x9a + index * 8);
    word.writeUInt32LE(lcb, 0x9a + index * 8 + 4);
  };
  fibLcb(13, clx.length, plcBte.length); // fcPlcfBtePapx
  fibLcb(33, 0, clx.length); // fcClx
  return compoundFile([
    { name: 'WordDocument', data: word },
    { name: '1Table', data: table },
  ]);
}

/* ---------- .pdf ---------- */

/** A run of text placed on a page: x, y in points from the bottom left, 12-point type. */
export type PdfText = [x: number, y: number, text: string];

function pdfFile(objects: string[], root: number): Buffer {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root ${root} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** ToUnicode: every two-byte code is the UTF-16 code unit it writes (the codes are the characters' own). */
function identityToUnicode(): string {
  const ranges: string[] = [];
  for (let hi = 0; hi < 256; hi++) {
    const h = hi.toString(16).padStart(2, '0');
    ranges.push(`<${h}00> <${h}ff> <${h}00>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const b = ranges.slice(i, i + 100);
    blocks.push(`${b.length} beginbfrange\n${b.join('\n')}\nendbfrange`);
  }
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
    `${blocks.join('\n')}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend`
  );
}

const stream = (body: string) => `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;

/**
 * A PDF with a text layer: one page per list of runs. `predefined` writes the text as iText does with a font it does
 * not embed: STSong-Light in the predefined encoding UniGB-UCS2-H, with no ToUnicode map.
 */
export function makePdf(pages: PdfText[][], predefined = false): Buffer {
  const objects: string[] = [];
  const add = (o: string) => objects.push(o);
  const pageIds = pages.map((_, i) => 7 + i * 2);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  add(
    predefined
      ? '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>'
      : '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>',
  );
  add(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light ' +
      `/CIDSystemInfo << /Registry (Adobe) /Ordering (${predefined ? 'GB1' : 'Identity'}) /Supplement ${predefined ? 4 : 0} >> ` +
      '/FontDescriptor 6 0 R /DW 1000 >>',
  );
  add(stream(identityToUnicode()));
  add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] ' +
      '/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  const hex = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex');
  for (const runs of pages) {
    const id = objects.length + 1;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`,
    );
    add(stream(runs.map(([x, y, s]) => `BT /F1 12 Tf ${x} ${y} Td <${hex(s)}> Tj ET`).join('\n')));
  }
  return pdfFile(objects, 1);
}

/** A page laid out as a plan is: paragraphs wrapped at `perLine` characters, each first line indented two. */
export function layoutParagraphs(paragraphs: string[], top = 780, perLine = 36): PdfText[] {
  const runs: PdfText[] = [];
  let y = top;
  for (const p of paragraphs) {
    let rest = p;
    let first = true;
    while (rest.length > 0) {
      const room = first ? perLine - 2 : perLine;
      runs.push([first ? 96 : 72, y, rest.slice(0, room)]);
      rest = rest.slice(room);
      first = false;
      y -= 18;
    }
  }
  return runs;
}

/** A scanned page: a grey image over the page and no text at all. */
export function makeScannedPdf(pageCount = 2): Buffer {
  const objects: string[] = [];
  const pageIds = Array.from({ length: pageCount }, (_, i) => 4 + i * 2);
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageCount} >>`);
  const pixels = Buffer.alloc(64, 0xc0).toString('latin1');
  objects.push(
    `<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 64 >>\nstream\n${pixels}\nendstream`,
  );
  for (let i = 0; i < pageCount; i++) {
    const id = objects.length + 1;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> /Contents ${id + 1} 0 R >>`,
    );
    objects.push(stream('q 595 0 0 842 0 0 cm /Im1 Do Q'));
  }
  return pdfFile(objects, 1);
}

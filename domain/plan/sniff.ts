/**
 * What a file is, from its bytes (never its name): plans arrive as web-page text, Word (.docx, legacy .doc, WPS) and
 * PDF files, and now and then as something else entirely — a spreadsheet, an image, an archive. The reader says which,
 * in Chinese, with what to do, so nobody is left with "binary input".
 */

export type DocumentKind =
  | 'text'
  | 'html'
  | 'docx'
  | 'doc'
  | 'pdf'
  | 'rtf'
  | 'xlsx'
  | 'xls'
  | 'pptx'
  | 'ppt'
  | 'odf'
  | 'ofd'
  | 'ole'
  | 'zip'
  | 'archive'
  | 'image'
  | 'executable'
  | 'binary';

const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/** Does `needle` occur in the first `limit` bytes? ZIP entry names and OLE stream names are plain bytes there. */
function contains(bytes: Uint8Array, needle: string, limit = bytes.length, utf16 = false): boolean {
  const code = [...needle].flatMap((ch) => (utf16 ? [ch.charCodeAt(0), 0] : [ch.charCodeAt(0)]));
  const end = Math.min(bytes.length, limit) - code.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let k = 0; k < code.length; k++) if (bytes[i + k] !== code[k]) continue outer;
    return true;
  }
  return false;
}

/** The kind of document these bytes are. Text (any encoding) is 'text'; the decoder decides the rest. */
export function sniffDocument(bytes: Uint8Array): DocumentKind {
  const head = ascii(bytes, 0, 16);
  if (head.startsWith('%PDF-')) return 'pdf';
  if (head.startsWith('{\\rtf')) return 'rtf';
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06')) {
    if (contains(bytes, 'word/')) return 'docx';
    if (contains(bytes, 'xl/')) return 'xlsx';
    if (contains(bytes, 'ppt/')) return 'pptx';
    if (contains(bytes, 'OFD.xml')) return 'ofd';
    if (contains(bytes, 'application/vnd.oasis.opendocument', 200)) return 'odf';
    return 'zip';
  }
  if (head.startsWith('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1')) {
    if (contains(bytes, 'WordDocument', bytes.length, true)) return 'doc';
    if (contains(bytes, 'Workbook', bytes.length, true) || contains(bytes, 'Book', bytes.length, true)) return 'xls';
    if (contains(bytes, 'PowerPoint Document', bytes.length, true)) return 'ppt';
    return 'ole';
  }
  if (
    head.startsWith('\x89PNG') ||
    head.startsWith('\xff\xd8\xff') ||
    head.startsWith('GIF8') ||
    head.startsWith('BM') ||
    head.startsWith('II*\x00') ||
    head.startsWith('MM\x00*') ||
    (head.startsWith('RIFF') && ascii(bytes, 8, 4) === 'WEBP')
  ) {
    return 'image';
  }
  if (head.startsWith('\x1f\x8b') || head.startsWith('Rar!') || head.startsWith("7z\xbc\xaf'\x1c")) return 'archive';
  if (head.startsWith('\x7fELF') || head.startsWith('MZ')) return 'executable';
  const start = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).replace(/^\ufeff|^\xef\xbb\xbf/, '');
  if (/^\s*<(!doctype\s+html|html[\s>]|head[\s>]|meta\s)/i.test(start)) return 'html';
  return 'text';
}

/** How a coordinator would name each kind. */
export const DOCUMENT_KIND_LABEL: Record<DocumentKind, string> = {
  text: '纯文本',
  html: '网页（HTML）',
  docx: 'Word 文档（.docx）',
  doc: 'Word 97-2003 文档（.doc）',
  pdf: 'PDF 文件',
  rtf: 'RTF 文档',
  xlsx: 'Excel 工作簿（.xlsx）',
  xls: 'Excel 97-2003 工作簿（.xls）',
  pptx: 'PowerPoint 演示文稿（.pptx）',
  ppt: 'PowerPoint 97-2003 演示文稿（.ppt）',
  odf: 'OpenDocument 文档（.odt/.ods）',
  ofd: 'OFD 版式文件',
  ole: 'Office 97-2003 文件（不是 Word 文档）',
  zip: 'ZIP 压缩包',
  archive: '压缩包',
  image: '图片',
  executable: '程序文件',
  binary: '二进制文件',
};

/** What to do with a file of a kind `plan parse` does not read. */
export function adviceFor(kind: DocumentKind): string {
  switch (kind) {
    case 'image':
      return '图片里的文字需要先做文字识别（OCR），再把识别出的文字存为 .txt（UTF-8）后重试';
    case 'xlsx':
    case 'xls':
      return '计划正文请给 .docx、.pdf 或 .txt；已审核的任务分解表请用 duban plan import 导入';
    case 'zip':
    case 'archive':
      return '请先解压，再给出其中的计划文件（.docx、.doc、.pdf 或 .txt）';
    case 'ofd':
      return '请用 OFD 阅读器（如数科阅读器）另存为 PDF 或文字后重试';
    case 'rtf':
    case 'odf':
    case 'pptx':
    case 'ppt':
    case 'ole':
      return '请用 Word 或 WPS 打开后另存为 .docx 或 .txt（UTF-8）后重试';
    case 'text':
    case 'html':
    case 'docx':
    case 'doc':
    case 'pdf':
    case 'executable':
    case 'binary':
      return '请给出计划本身：.docx、.doc、有文字层的 .pdf，或 .txt（UTF-8）';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

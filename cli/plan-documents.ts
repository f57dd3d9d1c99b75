/**
 * The files offices publish, read into the plan's text: Word (.docx through mammoth, tables included; legacy .doc and
 * WPS through word-extractor) and PDF with a text layer (through unpdf, PDF.js's serverless build). The kind is told by
 * the bytes, not the file name. Each library is loaded only for the file that needs it, so reading a .txt plan loads
 * none, and none of them is part of the workflow bundle (workflows/ imports nothing from cli/).
 */
import { DOCUMENT_KIND_LABEL, PlanError, sniffDocument, type DocumentKind } from '../domain/plan';
import { htmlToText } from '../domain/plan/html';
import { pdfPagesToText, type PdfPage } from '../domain/plan/pdf-layout';

export interface DocumentSource {
  kind: DocumentKind;
  /** The document's text, or null when the bytes are to be read as text (any encoding) by the plan reader. */
  text: string | null;
}

/* A PDF page with fewer characters than this is a scan: a page of a plan holds hundreds. */
const MIN_CHARS_PER_PAGE = 20;

function unreadable(kind: DocumentKind, why: string): PlanError {
  return new PlanError(
    'UNREADABLE_DOCUMENT',
    `文件看起来是${DOCUMENT_KIND_LABEL[kind]}，但读不出其中的文字（${why}）：` +
      '请用 Word、WPS 或 PDF 阅读器打开，另存为 .docx 或 .txt（UTF-8）后重试',
  );
}

function noText(kind: DocumentKind): PlanError {
  return new PlanError('EMPTY_INPUT', `${DOCUMENT_KIND_LABEL[kind]}里没有文字：请确认这是计划正文，而不是空白模板`);
}

async function docxText(bytes: Buffer): Promise<string> {
  const mammoth = await import('mammoth');
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (e) {
    throw unreadable('docx', `文件可能已损坏或加密：${(e as Error).message.slice(0, 80)}`);
  }
  return htmlToText(html);
}

async function docText(bytes: Buffer): Promise<string> {
  const { default: WordExtractor } = await import('word-extractor');
  try {
    const doc = await new WordExtractor().extract(bytes);
    return doc.getBody().replace(/\r\n?/g, '\n');
  } catch (e) {
    throw unreadable('doc', `文件可能已损坏、加密或不完整：${(e as Error).message.slice(0, 80)}`);
  }
}

async function pdfText(bytes: Buffer): Promise<string> {
  const { getDocumentProxy } = await import('unpdf');
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // verbosity 0: PDF.js's warnings (a font it cannot translate) are not for the user; the outcome is
    doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (e) {
    const message = (e as Error).message;
    if (/password/i.test(message) || (e as { name?: string }).name === 'PasswordException') {
      throw unreadable('pdf', '文件有密码保护；请先去掉密码');
    }
    throw unreadable('pdf', `文件可能已损坏：${message.slice(0, 80)}`);
  }
  const pages: PdfPage[] = [];
  let chars = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const runs = [];
    for (const item of content.items) {
      if (!('str' in item)) continue;
      const [, , c, d, x, y] = item.transform as number[];
      runs.push({ str: item.str, x: x!, y: y!, width: item.width, height: Math.hypot(c!, d!) || item.height });
      chars += item.str.replace(/\s+/g, '').length;
    }
    pages.push({ runs });
  }
  await doc.cleanup();
  if (chars < MIN_CHARS_PER_PAGE * Math.max(1, doc.numPages)) {
    const raw = bytes.toString('latin1');
    // text drawn with fonts but nothing to read: a predefined CJK encoding without ToUnicode, no embedded font
    if (/\/Font\b/.test(raw) && !/\/Subtype\s*\/Image/.test(raw)) {
      throw new PlanError(
        'UNREADABLE_DOCUMENT',
        '文件看起来是PDF 文件，但文字用了读不出的字体编码（字体未嵌入，也没有 ToUnicode 对照表，' +
          '如 STSong-Light/UniGB-UCS2-H）：请向发文单位要 .docx，或用 PDF 阅读器把文字另存为 .txt（UTF-8）后重试',
      );
    }
    throw new PlanError(
      'NO_TEXT_LAYER',
      `文件看起来是扫描成的 PDF（${doc.numPages} 页，没有文字层）：` +
        '请先用文字识别（OCR）转成可复制的文字，或向发文单位要 .docx / 有文字层的 PDF，再重试',
    );
  }
  return pdfPagesToText(pages);
}

const READERS: Partial<Record<DocumentKind, (bytes: Buffer) => Promise<string>>> = {
  docx: docxText,
  doc: docText,
  pdf: pdfText,
};

/**
 * Read a plan file's text by what the bytes are. Word and PDF files are converted here; text and web pages (any
 * encoding) are left to the plan reader, which also refuses, naming them, every other kind of file.
 */
export async function readPlanDocument(bytes: Buffer): Promise<DocumentSource> {
  const kind = sniffDocument(bytes);
  const read = READERS[kind];
  if (read === undefined) return { kind, text: null };
  const text = await read(bytes);
  if (text.trim() === '') throw noText(kind);
  return { kind, text };
}

/**
 * `duban plan parse` on PDFs, run as a process as a user runs it (PDF.js, which reads them, is an ES module that
 * jest's CommonJS runtime cannot load): a PDF with a text layer gives the same tasks as the Word and text forms of the
 * same plan; one whose text is in an unreadable font encoding, and a scan, are refused with what to do instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePdf, makeScannedPdf } from './documents';
import { EXPECTED, facts, pdfPages, type PlanJson } from './plan-sample';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-pdf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, bytes: Buffer | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

function dubanProcess(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/duban.js'), ...argv], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('PDF files', () => {
  it('reads a PDF with a text layer into the same tasks', () => {
    const r = dubanProcess('plan', 'parse', file('plan.pdf', makePdf(pdfPages())), '--format', 'json');
    expect(r.stderr).toContain('，读自 PDF 文件\n');
    expect(r.code).toBe(0);
    expect(facts(JSON.parse(r.stdout) as PlanJson)).toEqual(EXPECTED);
  });

  it('says so when a PDF’s text is in a font encoding it cannot read, rather than calling it a scan', () => {
    const r = dubanProcess('plan', 'parse', file('itext.pdf', makePdf(pdfPages(), true)));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'duban：文件看起来是PDF 文件，但文字用了读不出的字体编码（字体未嵌入，也没有 ToUnicode 对照表，' +
        '如 STSong-Light/UniGB-UCS2-H）：请向发文单位要 .docx，或用 PDF 阅读器把文字另存为 .txt（UTF-8）后重试 ' +
        '[UNREADABLE_DOCUMENT]\n',
    );
  });

  it('refuses a scanned PDF: it needs OCR first; nothing is written', () => {
    const out = path.join(dir, 'scan.csv');
    const r = dubanProcess('plan', 'parse', file('scan.pdf', makeScannedPdf(3)), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'duban：文件看起来是扫描成的 PDF（3 页，没有文字层）：请先用文字识别（OCR）转成可复制的文字，' +
        '或向发文单位要 .docx / 有文字层的 PDF，再重试 [NO_TEXT_LAYER]\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});

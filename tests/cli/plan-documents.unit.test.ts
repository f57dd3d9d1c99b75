/**
 * `duban plan parse` on the files offices publish: a .docx with its attachment table and a legacy .doc — built by the
 * tests (tests/cli/documents.ts) — give the same tasks as the text; an empty file, an image, a spreadsheet, a broken
 * Word file and text in an unknown encoding are refused with a Chinese message naming what the file seems to be and
 * what to do, exit code 2, and nothing written. PDFs are read by PDF.js, an ES module that jest's CommonJS runtime
 * cannot load, so their cases run the command as a process, in plan-pdf.int.test.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main';
import { makeDoc, makeDocx } from './documents';
import { BLOCKS, EXPECTED, facts, type PlanJson } from './plan-sample';

jest.setTimeout(60_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-docs-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, bytes: Buffer | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

async function duban(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => (stdout += s.toString()),
    stderr: (s) => (stderr += s),
    cwd: dir,
    isTty: false,
  });
  return { code, stdout, stderr };
}

describe('Word files', () => {
  it('reads a .docx, its attachment table keeping rows and columns', async () => {
    const docx = file('plan.docx', await makeDocx(BLOCKS));
    const r = await duban('plan', 'parse', docx, '--format', 'json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(facts(plan)).toEqual(EXPECTED);
    expect(plan.tasks[2]!.text).toBe('建设国家级服务业标准化试点2个，\n完成中期评估。');
    expect(plan.warnings).toEqual([]);
    expect(r.stderr).toBe('duban：5 项任务，8 个单位，0 条提示，读自 Word 文档（.docx）\n');
  });

  it('reads a legacy .doc (Word 97-2003), whatever the file is called', async () => {
    const doc = file('plan-from-the-oa-system.bin', makeDoc(BLOCKS));
    const r = await duban('plan', 'parse', doc, '--format', 'json');
    expect(r.code).toBe(0);
    expect(facts(JSON.parse(r.stdout) as PlanJson)).toEqual(EXPECTED);
    expect(r.stderr).toContain('，读自 Word 97-2003 文档（.doc）\n');
  });

  it('writes the task table from a .docx like from text', async () => {
    const out = path.join(dir, 'docx.csv');
    const r = await duban('plan', 'parse', file('table.docx', await makeDocx(BLOCKS)), '--out', out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

describe('bad input: a Chinese message naming what the file seems to be and what to do, exit 2, nothing written', () => {
  it.each<[string, () => Promise<Buffer> | Buffer, RegExp]>([
    ['an empty file', () => Buffer.alloc(0), /^duban：文件是空的：请导出计划正文.* \[EMPTY_INPUT\]\n$/],
    [
      'a photograph of the plan',
      () => Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64)]),
      /文件看起来是图片，不是文字：图片里的文字需要先做文字识别（OCR）.* \[BINARY_INPUT\]/,
    ],
    [
      'a spreadsheet',
      () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('xl/workbook.xml')]),
      /文件看起来是Excel 工作簿（\.xlsx），不是文字：.*duban plan import.* \[BINARY_INPUT\]/,
    ],
    [
      'a broken .docx',
      () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('word/document.xml')]),
      /文件看起来是Word 文档（\.docx），但读不出其中的文字（文件可能已损坏或加密.*另存为 \.docx 或 \.txt.* \[UNREADABLE_DOCUMENT\]/,
    ],
    [
      'a .doc cut short',
      () => makeDoc(['某市2019年行动计划']).subarray(0, 1536),
      /文件看起来是Word 97-2003 文档（\.doc），但读不出其中的文字.* \[UNREADABLE_DOCUMENT\]/,
    ],
    ['an empty .docx', () => makeDocx([]), /Word 文档（\.docx）里没有文字：请确认这是计划正文.* \[EMPTY_INPUT\]/],
    [
      'text in an encoding that is neither UTF-8 nor GBK',
      () => Buffer.from('Plan d’action qualité 2019 : réunion à Québec, déjà prévue, élève', 'latin1'),
      /既不是 UTF-8 也不是 GBK\/GB18030 编码的文字.*请另存为 UTF-8.* \[UNKNOWN_ENCODING\]/,
    ],
  ])('%s', async (name, make, message) => {
    const out = path.join(dir, `${name}.json`);
    const r = await duban('plan', 'parse', file(`${name}.in`, await make()), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

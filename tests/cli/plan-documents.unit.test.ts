/**
 * `duban plan parse` on the files offices publish: a .docx with its attachment table, a legacy .doc, a PDF with a
 * text layer — all built by the tests (tests/cli/documents.ts) — give the same tasks; a scanned PDF, an empty file, an
 * image, a spreadsheet, a broken Word file and text in an unknown encoding are refused with a Chinese message naming
 * what the file seems to be and what to do, exit code 2, and nothing written. Word files run in-process; PDF.js is an
 * ES module that jest's CommonJS runtime cannot load, so the PDF cases run the command as a user does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main';
import { layoutParagraphs, makeDoc, makeDocx, makePdf, makeScannedPdf, type Block, type PdfText } from './documents';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
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
    isTty: false,
  });
  return { code, stdout, stderr };
}

function dubanProcess(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/duban.js'), ...argv], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/* A plan in the family's style, as an office writes it in Word: notice, body items, attachment task table. */
const NOTICE = [
  '黄石市人民政府办公室关于印发黄石市2019年标准化工作要点的通知',
  '黄石政办发〔2019〕8号',
  '各县（市、区）人民政府，市政府各部门：',
  '　　《黄石市2019年标准化工作要点》已经市人民政府同意，现印发给你们，请认真贯彻执行。',
  '黄石市人民政府办公室',
  '2019年3月15日',
  '黄石市2019年标准化工作要点',
  '一、加强标准体系建设',
  '（一）推进地方标准制修订。全年制修订地方标准15项，2019年10月底前完成立项评审。（市市场监管局负责）',
  '（二）开展企业标准领跑者活动。（市经信局牵头，市发改委、市科技局配合）',
  '二、重点任务分解',
  '具体任务见附件。',
  '附件',
  '黄石市2019年标准化工作任务分解表',
];
const TABLE = [
  ['序号', '工作任务', '牵头单位', '配合单位', '完成时限'],
  ['一、标准化试点'],
  ['1', '建设国家级服务业标准化试点2个，\n完成中期评估。', '市商务局', '', '2019年11月底前'],
  ['2', '推进农业标准化示范区建设。', '市农业农村局', '市市场监管局\n市林业局', '持续推进'],
  ['二、标准化服务'],
  ['3', '建设标准信息公共服务平台。', '市市场监管局', '市大数据中心', '2019年9月底前'],
];
const BLOCKS: Block[] = [...NOTICE, { table: TABLE }];

/** What every format must give: metadata, then ref, lead, cooperating, deadline kind and day of each task. */
const EXPECTED = {
  meta: ['黄石市2019年标准化工作要点', '黄石政办发〔2019〕8号', '黄石市人民政府办公室', '2019-03-15', 2019],
  tasks: [
    ['一.(一)', ['市市场监管局'], [], 'date', '2019-10-31'],
    ['一.(二)', ['市经信局'], ['市发改委', '市科技局'], 'default', '2019-12-31'],
    ['附件.一.1', ['市商务局'], [], 'date', '2019-11-30'],
    ['附件.一.2', ['市农业农村局'], ['市市场监管局', '市林业局'], 'continuous', null],
    ['附件.二.3', ['市市场监管局'], ['市大数据中心'], 'date', '2019-09-30'],
  ],
};

interface PlanJson {
  title: string;
  docNumber: string;
  issuer: string;
  issuedOn: string;
  planYear: number;
  tasks: {
    ref: string;
    text: string;
    lead: string[];
    cooperating: string[];
    deadline: { kind: string; due: string };
  }[];
  warnings: unknown[];
}
const facts = (p: PlanJson) => ({
  meta: [p.title, p.docNumber, p.issuer, p.issuedOn, p.planYear],
  tasks: p.tasks.map((t) => [t.ref, t.lead, t.cooperating, t.deadline.kind, t.deadline.due]),
});

describe('Word files', () => {
  it('reads a .docx, its attachment table keeping rows and columns', async () => {
    const docx = file('plan.docx', await makeDocx(BLOCKS));
    const r = await duban('plan', 'parse', docx, '--format', 'json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(facts(plan)).toEqual(EXPECTED);
    expect(plan.tasks[2]!.text).toBe('建设国家级服务业标准化试点2个，\n完成中期评估。');
    expect(plan.warnings).toEqual([]);
    expect(r.stderr).toBe('duban: 5 tasks, 8 units, 0 warnings (read from Word 文档（.docx）)\n');
  });

  it('reads a legacy .doc (Word 97-2003), whatever the file is called', async () => {
    const doc = file('plan-from-the-oa-system.bin', makeDoc(BLOCKS));
    const r = await duban('plan', 'parse', doc, '--format', 'json');
    expect(r.code).toBe(0);
    expect(facts(JSON.parse(r.stdout) as PlanJson)).toEqual(EXPECTED);
    expect(r.stderr).toContain('(read from Word 97-2003 文档（.doc）)');
  });

  it('writes the task table from a .docx like from text', async () => {
    const out = path.join(dir, 'docx.csv');
    const r = await duban('plan', 'parse', file('table.docx', await makeDocx(BLOCKS)), '--out', out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

describe('PDF files', () => {
  /* The same plan laid out on pages: paragraphs wrapped at 36 characters, the table drawn in columns. */
  function pdfPages(): PdfText[][] {
    const first = layoutParagraphs(NOTICE);
    const columns = [50, 100, 290, 400, 510];
    const table: PdfText[] = [];
    let y = 800;
    const row = (cells: string[][]) => {
      const height = Math.max(...cells.map((c) => c.length));
      cells.forEach((lines, k) => lines.forEach((l, i) => table.push([columns[k]!, y - i * 18, l])));
      y -= height * 18 + 6;
    };
    for (const r of TABLE) {
      if (r.length === 1) row([[r[0]!]]);
      // a cell's words wrap at 14 characters; a list of units puts one unit on each line
      else row(r.map((c) => c.split('\n').flatMap((p) => p.match(/.{1,14}/g) ?? [])));
    }
    return [first, table];
  }

  it('reads a PDF with a text layer into the same tasks', () => {
    const r = dubanProcess('plan', 'parse', file('plan.pdf', makePdf(pdfPages())), '--format', 'json');
    expect(r.stderr).toContain('(read from PDF 文件)');
    expect(r.code).toBe(0);
    expect(facts(JSON.parse(r.stdout) as PlanJson)).toEqual(EXPECTED);
  });

  it('says so when a PDF’s text is in a font encoding it cannot read, rather than calling it a scan', () => {
    const r = dubanProcess('plan', 'parse', file('itext.pdf', makePdf(pdfPages(), true)));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'duban: 文件看起来是PDF 文件，但文字用了读不出的字体编码（字体未嵌入，也没有 ToUnicode 对照表，' +
        '如 STSong-Light/UniGB-UCS2-H）：请向发文单位要 .docx，或用 PDF 阅读器把文字另存为 .txt（UTF-8）后重试 ' +
        '[UNREADABLE_DOCUMENT]\n',
    );
  });

  it('refuses a scanned PDF: it needs OCR first; nothing is written', () => {
    const out = path.join(dir, 'scan.csv');
    const r = dubanProcess('plan', 'parse', file('scan.pdf', makeScannedPdf(3)), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'duban: 文件看起来是扫描成的 PDF（3 页，没有文字层）：请先用文字识别（OCR）转成可复制的文字，' +
        '或向发文单位要 .docx / 有文字层的 PDF，再重试 [NO_TEXT_LAYER]\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('bad input: a Chinese message naming what the file seems to be and what to do, exit 2, nothing written', () => {
  it.each<[string, () => Promise<Buffer> | Buffer, RegExp]>([
    ['an empty file', () => Buffer.alloc(0), /^duban: 文件是空的：请导出计划正文.* \[EMPTY_INPUT\]\n$/],
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

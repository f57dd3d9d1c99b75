/**
 * The forms a plan takes besides plain text, read by the pure parts of the reader: a web page saved as HTML, a Word
 * table as text (tab-separated rows, the way .doc and .docx tables reach the reader), a PDF's positioned runs, and
 * what a file is when it is no plan at all.
 */
import { parsePlan, sniffDocument } from '../../domain/plan';
import { htmlToText } from '../../domain/plan/html';
import { pdfPagesToText, type PdfRun } from '../../domain/plan/pdf-layout';

const units = (p: ReturnType<typeof parsePlan>['plan']) =>
  p.tasks.map((t) => [t.ref, t.lead, t.cooperating, t.deadline.kind, t.deadline.due]);

describe('a Word table as text: tab-separated rows', () => {
  const text = [
    '某县2020年农产品质量安全工作要点',
    '一、工作任务',
    '（一）开展农药残留专项整治。（县农业农村局负责）',
    '序号\t工作任务\t牵头单位\t配合单位\t完成时限\t',
    '一、源头治理\t',
    '1\t推进绿色防控示范区建设，',
    '新建示范区3个。\t县农业农村局\t\t2020年10月底前\t',
    '2\t开展兽药经营专项检查。\t县畜牧兽医中心\t县市场监管局',
    '县公安局\t每季度\t',
    '二、监管执法',
    '3\t加强农产品质量安全网格化监管。\t县农业农村局\t各乡镇人民政府\t持续推进\t',
    '二、保障措施',
    '（二）加强督促检查。（县政府督查室负责）',
  ].join('\n');
  const plan = parsePlan(text).plan;

  it('puts every cell in its header’s column: empty cells, cells of several paragraphs, merged category rows', () => {
    expect(units(plan)).toEqual([
      ['一.(一)', ['县农业农村局'], [], 'default', '2020-12-31'],
      ['二.(二)', ['县政府督查室'], [], 'default', '2020-12-31'],
      ['附件.一.1', ['县农业农村局'], [], 'date', '2020-10-31'],
      ['附件.一.2', ['县畜牧兽医中心'], ['县市场监管局', '县公安局'], 'recurring', '2020-03-31'],
      ['附件.二.3', ['县农业农村局'], ['各乡镇人民政府'], 'continuous', null],
    ]);
    expect(plan.tasks.find((t) => t.ref === '附件.一.1')!.text).toBe('推进绿色防控示范区建设，\n新建示范区3个。');
  });

  it('ends the table at the first line that is no row, and reads on', () => {
    expect(plan.tasks.find((t) => t.ref === '二.(二)')!.line).toBe(13);
    expect(plan.warnings).toEqual([]);
  });
});

describe('a web page saved as HTML', () => {
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>某市2019年质量工作要点_某市人民政府</title>
<script>var x = "（一）不是任务。（市甲局负责）";</script><style>p{margin:0}</style></head><body>
<div class="nav">首页 &gt; 政务公开</div>
<h1>某市2019年质量工作要点</h1>
<p>一、强化质量监管</p>
<p>（一）开展电梯安全&ldquo;回头看&rdquo;。2019年6月底前完成。（市市场监管局负责）</p>
<p>附件</p>
<table border="1">
<tr><td>序号</td><td>工作任务</td><td>牵头单位</td><td>配合单位</td><td>完成时限</td></tr>
<tr><td colspan="5">一、质量基础</td></tr>
<tr><td>1</td><td><p>建设计量标准，</p><p>新增8项。</p></td><td>市市场监管局</td><td>&nbsp;</td><td>2019年9月</td></tr>
<tr><td>2</td><td>推进检验检测机构整合。</td><td>市市场监管局</td><td>市编办<br>市财政局</td><td rowspan="2">长期坚持</td></tr>
<tr><td>3</td><td>开展质量提升行动。</td><td>市经信局</td><td></td></tr>
</table>
<p>【打印本页】【关闭窗口】</p></body></html>`;

  it('keeps paragraphs and table rows, drops scripts and styles, decodes entities', () => {
    const text = htmlToText(html);
    expect(text).toContain('（一）开展电梯安全“回头看”。2019年6月底前完成。（市市场监管局负责）\n');
    expect(text).toContain('\n一、质量基础\n');
    expect(text).toContain('1\t建设计量标准，\n新增8项。\t市市场监管局\t\t2019年9月\t\n');
    expect(text).toContain('3\t开展质量提升行动。\t市经信局\t\t\t\n');
    expect(text).not.toContain('不是任务');
  });

  it('is read like its text: the body item and the table rows, a merged cell empty in the rows it covers', () => {
    const plan = parsePlan(Buffer.from(html)).plan;
    expect(units(plan)).toEqual([
      ['一.(一)', ['市市场监管局'], [], 'date', '2019-06-30'],
      ['附件.一.1', ['市市场监管局'], [], 'date', '2019-09-30'],
      ['附件.一.2', ['市市场监管局'], ['市编办', '市财政局'], 'continuous', null],
      ['附件.一.3', ['市经信局'], [], 'default', '2019-12-31'],
    ]);
    expect(plan.title).toBe('某市2019年质量工作要点');
  });
});

describe('a PDF’s text layer', () => {
  const run = (x: number, y: number, str: string): PdfRun => ({ str, x, y, width: 12 * str.length, height: 12 });

  it('joins the lines of a paragraph, keeps headings and numbered items apart, drops page numbers', () => {
    const text = pdfPagesToText([
      {
        runs: [
          run(200, 800, '某市2018年行动计划'),
          run(96, 770, '一、任务'),
          run(96, 750, '（一）加强监督抽查。重点产品抽查合格率达'),
          run(72, 732, '到90%以上。（市质监局负责）'),
          run(96, 714, '（二）加强品牌建设。（市工商局负责）'),
          run(290, 40, '— 1 —'),
        ],
      },
    ]);
    expect(text).toBe(
      '某市2018年行动计划\n一、任务\n（一）加强监督抽查。重点产品抽查合格率达到90%以上。（市质监局负责）\n' +
        '（二）加强品牌建设。（市工商局负责）\n',
    );
  });

  it('rebuilds a table from its header’s columns: wrapped cells, empty cells, a header repeated on the next page', () => {
    const header = (y: number) => [
      run(50, y, '序号'),
      run(100, y, '工作任务'),
      run(290, y, '牵头单位'),
      run(400, y, '配合单位'),
      run(510, y, '完成时限'),
    ];
    const text = pdfPagesToText([
      {
        runs: [
          ...header(800),
          run(50, 780, '一、质量安全'),
          run(50, 760, '1'),
          run(100, 760, '开展重点产品专项'),
          run(290, 760, '市质监局'),
          run(510, 760, '2018年6月'),
          run(100, 742, '整治。'),
          run(510, 742, '底前'),
        ],
      },
      {
        runs: [
          ...header(800),
          run(50, 780, '2'),
          run(100, 780, '推进食品安全城市创建。'),
          run(290, 780, '市食药监局'),
          run(400, 780, '市农委、'),
          run(510, 780, '持续推进'),
          run(400, 762, '市商务局'),
          run(96, 700, '二、保障措施'),
        ],
      },
    ]);
    expect(text).toBe(
      '序号\t工作任务\t牵头单位\t配合单位\t完成时限\t\n一、质量安全\n' +
        '1\t开展重点产品专项整治。\t市质监局\t\t2018年6月底前\t\n' +
        '2\t推进食品安全城市创建。\t市食药监局\t市农委、市商务局\t持续推进\t\n二、保障措施\n',
    );
  });
});

describe('what a file is', () => {
  it.each<[string, Buffer, string]>([
    ['PDF', Buffer.from('%PDF-1.7\n'), 'pdf'],
    [
      '.docx',
      Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('word/document.xml')]),
      'docx',
    ],
    [
      '.xlsx',
      Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('xl/workbook.xml')]),
      'xlsx',
    ],
    ['OFD', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('OFD.xml')]), 'ofd'],
    ['RTF', Buffer.from('{\\rtf1\\ansi'), 'rtf'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image'],
    ['HTML', Buffer.from('\uFEFF<!DOCTYPE html><html>'), 'html'],
    ['text', Buffer.from('某市2017年行动计划\n'), 'text'],
  ])('%s', (_name, bytes, kind) => {
    expect(sniffDocument(bytes)).toBe(kind);
  });
});

/**
 * The plan the document tests read in every format: a notice with two body items and an attachment task table, as
 * an office writes it in Word, lays it out in a PDF, or saves it as text — and what every format must give.
 */
import { layoutParagraphs, type Block, type PdfText } from './documents';

/* A plan in the family's style, as an office writes it in Word: notice, body items, attachment task table. */
export const NOTICE = [
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
export const TABLE = [
  ['序号', '工作任务', '牵头单位', '配合单位', '完成时限'],
  ['一、标准化试点'],
  ['1', '建设国家级服务业标准化试点2个，\n完成中期评估。', '市商务局', '', '2019年11月底前'],
  ['2', '推进农业标准化示范区建设。', '市农业农村局', '市市场监管局\n市林业局', '持续推进'],
  ['二、标准化服务'],
  ['3', '建设标准信息公共服务平台。', '市市场监管局', '市大数据中心', '2019年9月底前'],
];
export const BLOCKS: Block[] = [...NOTICE, { table: TABLE }];

/** What every format must give: metadata, then ref, lead, cooperating, deadline kind and day of each task. */
export const EXPECTED = {
  meta: ['黄石市2019年标准化工作要点', '黄石政办发〔2019〕8号', '黄石市人民政府办公室', '2019-03-15', 2019],
  tasks: [
    ['一.(一)', ['市市场监管局'], [], 'date', '2019-10-31'],
    ['一.(二)', ['市经信局'], ['市发改委', '市科技局'], 'default', '2019-12-31'],
    ['附件.一.1', ['市商务局'], [], 'date', '2019-11-30'],
    ['附件.一.2', ['市农业农村局'], ['市市场监管局', '市林业局'], 'continuous', null],
    ['附件.二.3', ['市市场监管局'], ['市大数据中心'], 'date', '2019-09-30'],
  ],
};

export interface PlanJson {
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
export const facts = (p: PlanJson) => ({
  meta: [p.title, p.docNumber, p.issuer, p.issuedOn, p.planYear],
  tasks: p.tasks.map((t) => [t.ref, t.lead, t.cooperating, t.deadline.kind, t.deadline.due]),
});

/* The same plan laid out on pages: paragraphs wrapped at 36 characters, the table drawn in columns. */
export function pdfPages(): PdfText[][] {
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

/** The numbering grammar: markers, ref paths, which sections hold tasks, damaged headings, item boundaries. */
import { parsePlan } from '../../domain/plan';
import { readMarker } from '../../domain/plan/numbering';
import { ASCII_PLAN, NOTICE_PLAN } from './fixtures';

const parse = (text: string) => parsePlan(text).plan;

describe('numbering markers', () => {
  it.each([
    ['一、加强监管', 'cn', 1, '一'],
    ['十二、保障措施', 'cn', 12, '十二'],
    ['（三）强化标准', 'paren-cn', 3, '(三)'],
    ['(二十一)加强信息统计报送', 'paren-cn', 21, '(二十一)'],
    ['二是加强食品药品质量安全监管', 'shi', 2, '二是'],
    ['29.加强区域品牌建设', 'arabic', 29, '29'],
    ['3、开展活动', 'arabic', 3, '3'],
    ['(1)创建示范区', 'paren-arabic', 1, '(1)'],
    ['②落实责任', 'circled', 2, '②'],
  ])('%s', (line, kind, n, label) => {
    expect(readMarker(line.replace('（', '(').replace('）', ')'))).toMatchObject({ kind, n, label, broken: false });
  });

  it('does not take a decimal or a date for a marker', () => {
    expect(readMarker('3.15国际消费者权益日')).toBeNull();
    expect(readMarker('2017年全面建设地铁')).toBeNull();
  });

  it('reads a heading whose "(三" was lost as broken', () => {
    expect(readMarker(')优化钢铁产能')).toMatchObject({ kind: 'paren-cn', n: null, broken: true });
  });
});

describe('ref paths', () => {
  it('joins the path with "." and writes brackets ASCII, full-width input or not', () => {
    expect(parse(NOTICE_PLAN).tasks.map((t) => t.ref)).toEqual([
      '一.(一)',
      '一.(二)',
      '一.(三)',
      '二.1',
      '二.2.(1)',
      '二.2.(2)',
    ]);
  });

  it('keeps 一是/二是 under (一) and skips "--" group labels', () => {
    const text = `某市2017年行动计划
一、提升质量
(一)提升产品质量
一是加强监管。(市质监局负责)
二是加强抽查。(市工商局负责)
(二)构建体系
--组织保障
1.建立机制。(责任单位:市质强办;完成时限:每年)
--经费保障
2.保障经费。(责任单位:市财政局;完成时限:每年)
3.加强品牌建设。
(1)创建示范区。(责任单位:市质监局;完成时限:2019年4月底前取得阶段性成果)
`;
    expect(parse(text).tasks.map((t) => [t.ref, t.line])).toEqual([
      ['一.(一).一是', 4],
      ['一.(一).二是', 5],
      ['一.(二).1', 8],
      ['一.(二).2', 10],
      ['一.(二).3.(1)', 12],
    ]);
  });

  it('reads a lost-number heading by its neighbours and warns with its line', () => {
    const text = `某市2017年行动计划
一、工作任务
(一)甲。(市甲局负责)
(二)乙。(市乙局负责)
)丙工作
丙的内容。(市丙局负责)
(四)丁。(市丁局负责)
`;
    const plan = parse(text);
    expect(plan.tasks.map((t) => t.ref)).toEqual(['一.(一)', '一.(二)', '一.(三)', '一.(四)']);
    expect(plan.warnings).toEqual([{ line: 5, message: '标题“)丙工作”缺了序号，已按 (三) 读取' }]);
  });

  it('warns when the numbering jumps', () => {
    const text = '某市2017年行动计划\n一、任务\n(一)甲。(市甲局负责)\n(三)丙。(市丙局负责)\n';
    expect(parse(text).warnings[0]).toEqual({
      line: 4,
      message: '编号在 (一) 之后跳到 (三)：可能有条目在复制时丢失，请对照原文核对',
    });
  });
});

describe('which numbered items are tasks', () => {
  it('leaves out sections that assign nothing (指导思想, 实施步骤) and keeps leaves of sections that do', () => {
    const text = `某市创建工作方案
一、指导思想
以质量为本。
二、基本方针
1.坚持以人为本。
2.坚持创新驱动。
三、工作任务
(一)甲任务。(责任单位:市甲局;完成时限:2018年6月底之前)
(二)乙任务。(责任单位:市乙局;完成时限:持续推进)
四、实施步骤
(一)准备阶段(2017年1月~2017年4月)。制订方案。
`;
    expect(parse(text).tasks.map((t) => t.ref)).toEqual(['三.(一)', '三.(二)']);
  });

  it('keeps items without units when numbering runs across sections, and warns about each', () => {
    const text = `某市2013年行动计划
一、监管
(一)甲。(市甲局负责)
二、保障措施
(二)加强组织领导。各部门要加强领导。
`;
    const plan = parse(text);
    expect(plan.tasks.map((t) => [t.ref, t.lead])).toEqual([
      ['一.(一)', ['市甲局']],
      ['二.(二)', []],
    ]);
    expect(plan.warnings).toContainEqual({
      line: 5,
      message: '任务 二.(二) 没有写明责任单位：请在启动前指定牵头单位',
    });
  });

  it('lets sub-items inherit their parent units and deadline', () => {
    const text = `某市2017年行动计划
一、任务
(一)加强区域品牌建设。(责任单位:市质监局;配合单位:市商务局;完成时限:2018年6月底之前)
1.创建甲示范区。
2.创建乙示范区。(市农委负责)
`;
    const tasks = parse(text).tasks;
    expect(tasks.map((t) => [t.ref, t.lead, t.cooperating, t.deadline.due])).toEqual([
      ['一.(一).1', ['市质监局'], ['市商务局'], '2018-06-30'],
      ['一.(一).2', ['市农委'], [], '2018-06-30'],
    ]);
  });
});

describe('item text and title', () => {
  it('uses a heading line as the title and keeps the body as text', () => {
    const text = `某市2017年行动计划
一、任务
(一)做好示范城市创建工作
成立领导小组,建立工作机制。(市质监局负责)
扫描二维码 关注我们
`;
    const [t] = parse(text).tasks;
    expect(t).toMatchObject({
      title: '做好示范城市创建工作',
      text: '做好示范城市创建工作\n成立领导小组,建立工作机制。(市质监局负责)',
      line: 3,
    });
  });

  it('takes the first phrase as the title, not splitting inside 《》', () => {
    const text =
      '某市2017年行动计划\n一、任务\n1.制定落实《质量发展纲要(2012-2020年)》年度计划,明确目标。(市质监局负责)\n';
    expect(parse(text).tasks[0]!.title).toBe('制定落实《质量发展纲要(2012-2020年)》年度计划');
  });

  it('does not glue a closing paragraph to the last item', () => {
    const text = `某市2017年行动计划
一、任务
(一)甲。(市甲局按职责分工负责)
各级政府要加强对质量工作的组织领导,确保完成各项任务。
`;
    expect(parse(text).tasks[0]!.text).toBe('甲。(市甲局按职责分工负责)');
  });

  it('warns about 二是 inside a paragraph and a year glued to a number', () => {
    const text =
      '某市2017年行动计划\n一、任务\n(一)改善空气质量,浓度在201570微克/立方米的基础上降低15%;二是减少重污染天数。(市环保局负责)\n';
    expect(parse(text).warnings.map((w) => w.message)).toEqual([
      '“二是”出现在段落中间，整段仍作为一项任务',
      '“201570”像是“2015年70”在复制时丢了“年”字：请核对数字',
    ]);
  });

  it('reads ASCII and full-width punctuation alike', () => {
    const full = ASCII_PLAN.replace(/\(/g, '（').replace(/\)/g, '）').replace(/,/g, '，');
    const a = parse(ASCII_PLAN).tasks.map((t) => [t.ref, t.lead, t.cooperating]);
    expect(parse(full).tasks.map((t) => [t.ref, t.lead, t.cooperating])).toEqual(a);
  });
});

/**
 * Plans of the family the parser was not written against (tests/plan/unseen/*.txt, written for these tests in the
 * layouts the family uses). The facts below were decided by hand from each text before running the parser: every ref,
 * the units and deadline of several items, the metadata and the reporting rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../../domain/plan';
import type { ParsedPlan, Task } from '../../domain/plan/schema';

const parse = (name: string): ParsedPlan =>
  parsePlan(readFileSync(join(__dirname, 'unseen', `${name}.txt`), 'utf8')).plan;

/** ref → [lead, cooperating, deadline kind, due] */
const facts = (plan: ParsedPlan, refs: string[]) =>
  Object.fromEntries(
    refs.map((ref) => {
      const t: Task | undefined = plan.tasks.find((x) => x.ref === ref);
      return [ref, t ? [t.lead, t.cooperating, t.deadline.kind, t.deadline.due] : null];
    }),
  );
const meta = (p: ParsedPlan) => [p.title, p.docNumber, p.issuer, p.issuedOn, p.planYear];
const rules = (p: ParsedPlan) => p.reportingRules.map((r) => [r.frequency, r.dueDates, r.recipient]);

describe('shandong-2014: units on lines of their own, first-listed rule in the notice, dropped 省 prefix', () => {
  const plan = parse('shandong-2014');

  it('reads the metadata (Chinese-numeral date)', () => {
    expect(meta(plan)).toEqual([
      '山东省贯彻实施质量发展纲要2014年行动计划',
      '鲁政办字〔2014〕57号',
      '山东省人民政府办公厅',
      '2014-04-22',
      2014,
    ]);
  });

  it('finds every item', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual(
      ['一', '一', '一', '一', '二', '二', '二', '三', '三', '四', '四', '四'].map(
        (s, i) => `${s}.(${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'][i]})`,
      ),
    );
  });

  it('splits each list into the first-listed lead and cooperating units, restoring the dropped 省', () => {
    expect(facts(plan, ['一.(一)', '一.(二)', '一.(四)', '二.(六)', '四.(十)', '四.(十二)'])).toEqual({
      '一.(一)': [['省食品药品监管局'], ['省农业厅', '省商务厅', '省质监局'], 'date', '2014-12-31'],
      '一.(二)': [['省农业厅'], ['省畜牧兽医局', '省海洋与渔业厅'], 'continuous', null],
      '一.(四)': [['省住房城乡建设厅'], ['省交通运输厅', '省水利厅'], 'date', '2014-12-31'],
      '二.(六)': [['省质监局'], ['省发展改革委'], 'date', '2014-09-30'],
      '四.(十)': [['省质监局'], ['省委组织部', '省监察厅'], 'date', '2014-12-31'],
      '四.(十二)': [['省质监局'], ['省总工会', '团省委'], 'date', '2014-09-30'],
    });
    expect(plan.units.map((u) => u.name)).not.toContain('交通运输厅');
  });

  it('reads the quarterly report asked for only in the cover notice', () => {
    expect(rules(plan)).toEqual([
      ['quarterly', ['2014-04-10', '2014-07-10', '2014-10-10', '2015-01-10'], '省质量强省工作领导小组办公室'],
    ]);
  });
});

describe('jinan-2016: 一是/二是 items, "…负责落实。" lines, monthly and annual reports in the notice', () => {
  const plan = parse('jinan-2016');

  it('reads the metadata', () => {
    expect(meta(plan)).toEqual([
      '济南市2016年质量强市工作要点',
      '济政办字〔2016〕19号',
      '济南市人民政府办公厅',
      '2016-03-18',
      2016,
    ]);
  });

  it('finds every item', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '一.(一).一是',
      '一.(一).二是',
      '一.(一).三是',
      '一.(二).一是',
      '一.(二).二是',
      '一.(三).一是',
      '一.(三).二是',
      '二.(四)',
      '二.(五)',
      '二.(六)',
      '三.(七)',
      '三.(八)',
      '三.(九)',
    ]);
  });

  it('reads units and deadlines, including those stated in the prose', () => {
    expect(facts(plan, ['一.(一).一是', '一.(二).一是', '一.(三).二是', '二.(五)', '三.(七)', '三.(九)'])).toEqual({
      '一.(一).一是': [['市经济和信息化委', '市质监局'], [], 'default', '2016-12-31'],
      '一.(二).一是': [['市城乡建设委'], [], 'date', '2016-12-31'],
      '一.(三).二是': [['市旅游局'], [], 'date', '2016-06-30'],
      '二.(五)': [['市质监局'], ['市发展改革委', '市财政局'], 'date', '2016-06-30'],
      '三.(七)': [['市委宣传部', '市质监局', '市工商局'], [], 'continuous', null],
      '三.(九)': [['市质量强市工作领导小组办公室'], [], 'default', '2016-12-31'],
    });
  });

  it('reads the monthly report and the dated annual summary, recipient without its abbreviation note', () => {
    expect(rules(plan)).toEqual([
      [
        'monthly',
        Array.from({ length: 12 }, (_, i) => `2016-${String(i + 1).padStart(2, '0')}-25`),
        '市质量强市工作领导小组办公室',
      ],
      ['annual', ['2016-12-10'], '市质量强市工作领导小组办公室'],
    ]);
    expect(plan.reportingRules.every((r) => r.stamped && r.electronic)).toBe(true);
  });
});

describe('zhuzhou-2017: tasks only in an attachment table flattened one cell per line', () => {
  const plan = parse('zhuzhou-2017');

  it('reads the metadata', () => {
    expect(meta(plan)).toEqual([
      '株洲市2017年质量强市工作实施方案',
      '株政办发〔2017〕21号',
      '株洲市人民政府办公室',
      '2017-04-28',
      2017,
    ]);
  });

  it('takes the table rows as the tasks, not the body frame (总体目标/主要任务/工作要求)', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '一.1',
      '一.2',
      '一.3',
      '一.4',
      '二.5',
      '二.6',
      '二.7',
      '三.8',
      '三.9',
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('assigns cells by shape when the 配合单位 cell is empty', () => {
    expect(facts(plan, ['一.1', '一.3', '一.4', '二.5', '二.7', '三.9'])).toEqual({
      '一.1': [['市质监局'], ['市经信委', '市工商局'], 'date', '2017-11-30'],
      '一.3': [['市农委'], [], 'recurring', '2017-03-31'],
      '一.4': [['市质监局'], ['各县市区人民政府'], 'continuous', null],
      '二.5': [['市质监局'], ['市农委', '市商务局', '市旅游外事侨务局'], 'date', '2017-06-30'],
      '二.7': [['市教育局'], ['市质监局'], 'date', '2017-12-31'],
      '三.9': [['市工商局'], [], 'continuous', null],
    });
  });

  it('pairs the two report dates with 上半年 and 全年', () => {
    expect(rules(plan)).toEqual([
      ['half-yearly', ['2017-06-25'], '市质量强市工作领导小组办公室'],
      ['annual', ['2017-12-10'], '市质量强市工作领导小组办公室'],
    ]);
  });
});

describe('ningbo-2015-trad: traditional characters, 1./(1) numbering, 等 glued to the last unit', () => {
  const plan = parse('ningbo-2015-trad');

  it('reads the metadata in simplified characters', () => {
    expect(meta(plan)).toEqual([
      '宁波市2015年质量强市工作计划',
      '甬政办发〔2015〕88号',
      '宁波市人民政府办公厅',
      '2015-05-06',
      2015,
    ]);
  });

  it('finds every item', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '一.1',
      '一.2',
      '一.3',
      '二.4.(1)',
      '二.4.(2)',
      '二.5',
      '二.6',
      '三.7',
      '三.8',
      '三.9',
      '四.10',
      '四.11',
      '五.12',
      '五.13',
      '五.14.(1)',
      '五.14.(2)',
      '五.15',
    ]);
  });

  it('reads 牵头/配合, 按职责分工负责, 等负责 and an unkeyed time in the clause', () => {
    expect(facts(plan, ['一.1', '一.2', '二.5', '二.6', '五.13', '五.14.(2)', '五.15'])).toEqual({
      '一.1': [['市经信委'], ['市质监局', '市科技局'], 'default', '2015-12-31'],
      '一.2': [['市发改委', '市商务委', '市旅游局'], [], 'default', '2015-12-31'],
      '二.5': [['市市场监管局', '宁波检验检疫局', '质检总局'], [], 'default', '2015-12-31'],
      '二.6': [['宁波检验检疫局'], [], 'date', '2015-12-31'],
      '五.13': [['市人力社保局'], ['市质监局', '市教育局'], 'date', '2015-11-30'],
      '五.14.(2)': [['市市场监管局'], [], 'recurring', '2015-03-31'],
      '五.15': [['市质监局', '市经信委', '市商务委'], [], 'default', '2015-12-31'],
    });
  });

  it('keeps the traditional spellings as aliases', () => {
    expect(plan.units.find((u) => u.name === '市质监局')?.aliases).toContain('市質監局');
    expect(plan.units.find((u) => u.name === '各区县(市)政府')?.collective).toBe(true);
  });
});

describe('changxing-2019: 牵头单位:…;参与单位:… and 完成时间 on lines of their own', () => {
  const plan = parse('changxing-2019');

  it('reads the metadata past "(此件公开发布)"', () => {
    expect(meta(plan)).toEqual([
      '长兴县2019年质量提升行动方案',
      '长政办发〔2019〕15号',
      '长兴县人民政府办公室',
      '2019-03-26',
      2019,
    ]);
  });

  it('finds the tasks and leaves out 工作目标 and 保障措施', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '二.(一).1',
      '二.(一).2',
      '二.(二).1',
      '二.(二).2',
      '二.(三).1',
      '二.(三).2',
      '二.(四).1.(1)',
      '二.(四).1.(2)',
      '二.(四).2',
    ]);
  });

  it('reads keyed lines and their deadlines', () => {
    expect(facts(plan, ['二.(一).1', '二.(一).2', '二.(二).1', '二.(二).2', '二.(三).2', '二.(四).2'])).toEqual({
      '二.(一).1': [['县经信局'], ['县市场监管局', '县科技局'], 'date', '2019-11-30'],
      '二.(一).2': [['县市场监管局'], ['各乡镇人民政府', '街道办事处'], 'date', '2019-12-31'],
      '二.(二).1': [['县住建局'], [], 'continuous', null],
      '二.(二).2': [['县交通运输局', '县水利局'], [], 'date', '2019-12-31'],
      '二.(三).2': [['县文化和广电旅游体育局'], [], 'recurring', '2019-03-31'],
      '二.(四).2': [['县市场监管局'], ['县农业农村局', '县林业局'], 'date', '2019-12-31'],
    });
  });

  it('reads the annual summary day and not the office’s half-year inspection as a report', () => {
    expect(rules(plan)).toEqual([['annual', ['2019-12-15'], '县质量强县工作领导小组办公室']]);
  });
});

describe('luoyang-2020: ASCII brackets, 等负责, collective units, keyed lines, report after the last item', () => {
  const plan = parse('luoyang-2020');

  it('reads the metadata', () => {
    expect(meta(plan)).toEqual([
      '洛阳市2020年质量工作要点',
      '洛政办〔2020〕12号',
      '洛阳市人民政府办公室',
      '2020-03-09',
      2020,
    ]);
  });

  it('finds every item and warns about the one without units', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => `一.${n}`),
      ...[6, 7, 8].map((n) => `二.${n}`),
      ...[9, 10].map((n) => `三.${n}`),
      ...[11, 12].map((n) => `四.${n}`),
      ...[13, 14, 15].map((n) => `五.${n}`),
    ]);
    expect(plan.warnings).toEqual([{ line: 19, message: '任务 二.8 没有写明责任单位：请在启动前指定牵头单位' }]);
  });

  it('reads units and deadlines', () => {
    expect(facts(plan, ['一.2', '一.4', '一.5', '二.8', '四.11', '五.13', '五.14', '五.15'])).toEqual({
      '一.2': [['市市场监管局'], [], 'default', '2020-12-31'],
      '一.4': [['市住房城乡建设局'], ['市交通运输局', '市水利局'], 'date', '2020-06-30'],
      '一.5': [['市市场监管局'], ['各县(市、区)人民政府'], 'default', '2020-12-31'],
      '二.8': [[], [], 'date', '2020-10-31'],
      '四.11': [['质量强市工作领导小组各成员单位'], [], 'default', '2020-12-31'],
      '五.13': [['市市场监管局'], ['洛阳高新区管委会', '伊滨区管委会'], 'date', '2020-09-30'],
      '五.14': [['市市场监管局', '市工业和信息化局'], [], 'date', '2020-12-31'],
      '五.15': [['市市场监管局'], ['市总工会', '团市委'], 'continuous', null],
    });
  });

  it('reads the quarterly report', () => {
    expect(rules(plan)).toEqual([
      ['quarterly', ['2020-03-31', '2020-06-30', '2020-09-30', '2020-12-31'], '市质量强市工作领导小组办公室'],
    ]);
  });
});

describe('gansu-2018: body items and an attachment table (multi-line cells, 时间要求)', () => {
  const plan = parse('gansu-2018');

  it('reads the metadata (二○一八 written with ○)', () => {
    expect(meta(plan)).toEqual([
      '甘肃省2018年质量强省工作要点',
      '甘政办发〔2018〕33号',
      '甘肃省人民政府办公厅',
      '2018-03-05',
      2018,
    ]);
  });

  it('keeps body tasks and table rows apart', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '二.(一)',
      '二.(二)',
      '二.(三)',
      '三.(四)',
      ...[1, 2, 3, 4, 5, 6].map((n) => `附件.${n}`),
    ]);
    expect(plan.tasks.find((t) => t.ref === '附件.1')?.text).toBe(
      '推进质量强市（县）示范创建，\n指导兰州、天水等市开展创建工作。',
    );
  });

  it('reads units and deadlines of body and table', () => {
    expect(facts(plan, ['二.(一)', '二.(二)', '二.(三)', '附件.2', '附件.4', '附件.6'])).toEqual({
      '二.(一)': [['省农牧厅'], ['省林业厅', '省质监局', '省食品药品监管局'], 'default', '2018-12-31'],
      '二.(二)': [['省质监局', '省工商局', '省食品药品监管局'], [], 'default', '2018-12-31'],
      '二.(三)': [['省质监局'], [], 'date', '2018-09-30'],
      '附件.2': [['省质监局'], [], 'date', '2018-11-30'],
      '附件.4': [['省工商局'], [], 'recurring', '2018-03-31'],
      '附件.6': [['省住房城乡建设厅'], ['省交通运输厅', '省水利厅'], 'continuous', null],
    });
  });

  it('keeps the catch-all 省直有关部门 of a table cell as a note, not as a unit', () => {
    expect(plan.tasks.find((t) => t.ref === '附件.2')?.notes).toEqual([
      '配合单位还写有“省直有关部门”（泛指，不作为单位）',
    ]);
    expect(plan.units.map((u) => u.name)).not.toContain('省直有关部门');
  });

  it('pairs 7月10日 and 次年1月10日 with the half-year and the year', () => {
    expect(rules(plan)).toEqual([
      ['half-yearly', ['2018-07-10'], '省质量强省工作领导小组办公室'],
      ['annual', ['2019-01-10'], '省质量强省工作领导小组办公室'],
    ]);
  });
});

describe('wuhu-2016: full-width digits, unbracketed keyed clause, keyed clause with a space for a separator', () => {
  const plan = parse('wuhu-2016');

  it('reads the metadata from a web page header (文号：…, date in full-width digits, no signature)', () => {
    expect(meta(plan)).toEqual([
      '芜湖市2016年质量工作计划',
      '芜政办〔2016〕21号',
      '芜湖市人民政府办公室',
      '2016-05-12',
      2016,
    ]);
  });

  it('finds every item', () => {
    expect(plan.tasks.map((t) => t.ref)).toEqual([
      '一.1',
      '一.2',
      '一.3',
      '一.4',
      '二.5',
      '二.6.(1)',
      '二.6.(2)',
      '二.6.(3)',
      '三.7',
      '三.8',
      '三.9',
      ...[10, 11, 12, 13, 14, 15].map((n) => `四.${n}`),
    ]);
  });

  it('reads units and deadlines', () => {
    expect(facts(plan, ['一.1', '一.2', '一.3', '二.6.(2)', '三.7', '三.8', '四.13', '四.14'])).toEqual({
      '一.1': [['市经信委'], ['市质监局', '市科技局'], 'default', '2016-12-31'],
      '一.2': [['市食品药品监管局'], [], 'date', '2016-10-31'],
      '一.3': [['市农委'], ['市商务局'], 'date', '2016-08-31'],
      '二.6.(2)': [['市旅游局'], [], 'recurring', '2016-06-30'],
      '三.7': [['市质监局'], [], 'date', '2016-11-30'],
      '三.8': [['市质监局'], ['市经信委', '市科技局'], 'date', '2016-12-31'],
      '四.13': [['市质监局'], ['各县区人民政府'], 'default', '2016-12-31'],
      '四.14': [['市质监局', '市工商局', '市发改委'], [], 'continuous', null],
    });
  });

  it('reads a monthly report and a half-year summary from one sentence', () => {
    expect(rules(plan).map(([f, d, r]) => [f, (d as string[]).length, (d as string[])[0], r])).toEqual([
      ['monthly', 12, '2016-01-05', '市质量工作领导小组办公室'],
      ['half-yearly', 2, '2016-06-30', '市质量工作领导小组办公室'],
    ]);
  });
});

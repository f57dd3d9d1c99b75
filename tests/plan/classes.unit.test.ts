/**
 * Grammar classes that recur across the family (national and provincial documents, web-page copies, attachment
 * tables), each proved on unseen plans written for it (tests/plan/unseen/: guoban-2014-web, guofa-2016-web,
 * jiangxi-2017, jiangmen-2019-web, yichang-2018-table) and on small inline plans. Every fact below was decided by hand
 * from the text before running the parser; one test per item, so a class's score is the number of its items passing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../../domain/plan';
import type { ParsedPlan, Task } from '../../domain/plan/schema';

const cache = new Map<string, ParsedPlan>();
const unseen = (name: string): ParsedPlan => {
  let p = cache.get(name);
  if (!p) {
    p = parsePlan(readFileSync(join(__dirname, 'unseen', `${name}.txt`), 'utf8')).plan;
    cache.set(name, p);
  }
  return p;
};
const task = (plan: ParsedPlan, ref: string): Task => {
  const t = plan.tasks.find((x) => x.ref === ref);
  if (!t) throw new Error(`no task ${ref}; refs are ${plan.tasks.map((x) => x.ref).join(' ')}`);
  return t;
};
/** [lead, cooperating] of one item. */
const units = (plan: ParsedPlan, ref: string) => {
  const t = task(plan, ref);
  return [t.lead, t.cooperating];
};
const deadline = (plan: ParsedPlan, ref: string) => {
  const t = task(plan, ref);
  return [t.deadline.kind, t.deadline.due];
};
const inline = (body: string, head = '某省2016年行动计划\n') => parsePlan(`${head}${body}`).plan;

describe('class 1: the first-listed rule stated inside an item’s own bracket', () => {
  it.each<[string, string, string[], string[]]>([
    // after a full stop: "负责。列第一位者为牵头单位，下同"
    ['guoban-2014-web', '一.(一)', ['农业部'], ['工商总局', '质检总局']],
    ['guoban-2014-web', '一.(三)', ['环境保护部'], ['国土资源部', '农业部', '各省级人民政府']],
    ['guoban-2014-web', '三.(八)', ['中央宣传部'], ['农业部', '食品药品监管总局']],
    // after a comma: "负责，排在第一位的部门为牵头部门，下同"
    ['guofa-2016-web', '一.(一)', ['水利部'], ['发展改革委', '财政部']],
    ['guofa-2016-web', '二.(四)', ['卫生计生委'], ['水利部', '环境保护部']],
    // after 等负责 and a full stop
    ['jiangxi-2017', '一.1', ['省质监局'], ['省科技厅', '省财政厅']],
    ['jiangxi-2017', '二.5', ['省卫生计生委'], ['省质监局']],
    ['jiangxi-2017', '三.10', ['省工商局'], ['省质监局']],
  ])('%s %s: the bracket’s own units are read, the first one leads', (name, ref, lead, cooperating) => {
    expect(units(unseen(name), ref)).toEqual([lead, cooperating]);
  });

  it('applies from the item that states it on, not to the items before it', () => {
    const p = inline(
      '一、任务\n（一）甲。（省甲厅、省乙厅负责）\n（二）乙。（省丙厅、省丁厅负责，排在第一位的为牵头单位，下同）\n（三）丙。（省戊厅、省己厅负责）\n',
    );
    expect(p.tasks.map((t) => [t.lead, t.cooperating])).toEqual([
      [['省甲厅', '省乙厅'], []],
      [['省丙厅'], ['省丁厅']],
      [['省戊厅'], ['省己厅']],
    ]);
  });
});

describe('class 2: 会同 — the unit before it leads, the units after it cooperate', () => {
  it.each<[string, string, string[], string[]]>([
    ['guoban-2014-web', '一.(二)', ['农业部'], ['财政部']],
    ['guoban-2014-web', '二.(四)', ['商务部'], []],
    ['guofa-2016-web', '一.(三)', ['环境保护部'], []],
    ['guofa-2016-web', '三.(六)', ['财政部'], ['发展改革委', '水利部']],
    ['jiangxi-2017', '一.2', ['省质监局'], ['省发展改革委']],
    ['jiangxi-2017', '三.9', ['省质监局'], []],
  ])('%s %s', (name, ref, lead, cooperating) => {
    expect(units(unseen(name), ref)).toEqual([lead, cooperating]);
  });

  it('never makes "A会同有关部门" one unit', () => {
    for (const name of ['guoban-2014-web', 'guofa-2016-web', 'jiangxi-2017']) {
      expect(
        unseen(name)
          .units.map((u) => u.name)
          .filter((n) => n.includes('会同')),
      ).toEqual([]);
    }
  });
});

describe('class 3: 等和 / 和各 join two lists; 和 is not part of the next unit’s name', () => {
  it.each<[string, string, string[], string[]]>([
    ['guoban-2014-web', '一.(三)', ['环境保护部'], ['国土资源部', '农业部', '各省级人民政府']],
    ['guoban-2014-web', '二.(五)', ['食品药品监管总局'], ['农业部', '商务部', '各有关省级人民政府']],
    ['guofa-2016-web', '一.(二)', ['住房城乡建设部'], ['水利部', '各有关省级人民政府']],
    ['guofa-2016-web', '三.(七)', ['水利部'], ['发展改革委', '卫生计生委', '各省级人民政府']],
    ['jiangxi-2017', '二.4', ['省工商局'], ['省质监局', '各设区市人民政府']],
  ])('%s %s', (name, ref, lead, cooperating) => {
    expect(units(unseen(name), ref)).toEqual([lead, cooperating]);
  });

  it('flags the provincial governments as collective units and names none with a leading 和', () => {
    const p = unseen('guoban-2014-web');
    expect(p.units.filter((u) => u.collective).map((u) => u.name)).toEqual(['各省级人民政府', '各有关省级人民政府']);
    expect(p.units.map((u) => u.name).filter((n) => /^(和|等)/.test(n))).toEqual([]);
  });
});

describe('class 4: catch-all tails are not units; they are kept as a note on the item', () => {
  it.each<[string, string, string[], string[], string[]]>([
    ['guoban-2014-web', '二.(四)', ['商务部'], [], ['配合单位还写有“有关部门”（泛指，不作为单位）']],
    ['guoban-2014-web', '二.(六)', ['质检总局'], ['海关总署'], ['配合单位还写有“有关部门”（泛指，不作为单位）']],
    [
      'guoban-2014-web',
      '三.(七)',
      ['农业部'],
      ['工业和信息化部', '商务部'],
      ['配合单位还写有“有关部门和单位”（泛指，不作为单位）'],
    ],
    ['guofa-2016-web', '二.(五)', ['水利部'], ['财政部'], ['配合单位还写有“有关部门”（泛指，不作为单位）']],
    [
      'jiangxi-2017',
      '一.3',
      ['省质监局'],
      ['省发展改革委', '省工业和信息化委'],
      ['配合单位还写有“省直有关部门”（泛指，不作为单位）'],
    ],
    ['jiangxi-2017', '二.6', ['省质监局'], ['省商务厅', '省公安厅'], ['配合单位还写有“有关部门”（泛指，不作为单位）']],
    ['jiangxi-2017', '三.11', ['省质监局'], ['省科协'], ['配合单位还写有“各有关单位”（泛指，不作为单位）']],
    ['jiangmen-2019-web', '二.(四)', ['各市(区)人民政府'], [], ['配合单位还写有“市有关部门”（泛指，不作为单位）']],
  ])('%s %s', (name, ref, lead, cooperating, notes) => {
    const t = task(unseen(name), ref);
    expect([t.lead, t.cooperating, t.notes]).toEqual([lead, cooperating, notes]);
  });

  it('puts no catch-all in any unit directory', () => {
    for (const name of ['guoban-2014-web', 'guofa-2016-web', 'jiangxi-2017', 'jiangmen-2019-web']) {
      expect(
        unseen(name)
          .units.map((u) => u.name)
          .filter((n) => /有关(部门|单位)|相关部门/.test(n)),
      ).toEqual([]);
    }
  });

  it('a lead that is only a catch-all leaves the item without a lead, with a warning and the note', () => {
    const p = inline('一、任务\n（一）甲。（有关部门负责）\n');
    expect([p.tasks[0]!.lead, p.tasks[0]!.notes]).toEqual([[], ['牵头单位还写有“有关部门”（泛指，不作为单位）']]);
    expect(p.warnings.map((w) => w.message)).toEqual(['任务 一.(一) 没有写明责任单位：请在启动前指定牵头单位']);
  });
});

describe('class 5: an item number glued to the digits of its title', () => {
  it.each<[string, string, string]>([
    ['jiangxi-2017', '二.7', '4S店计量器具专项检查'],
    ['jiangxi-2017', '三.10', '12315投诉举报平台计量投诉处理'],
  ])('%s %s is the item "%s"', (name, ref, title) => {
    expect(task(unseen(name), ref).title).toBe(title);
  });

  it('finds every item of the plan, the glued ones included', () => {
    expect(unseen('jiangxi-2017').tasks.map((t) => t.ref)).toEqual([
      '一.1',
      '一.2',
      '一.3',
      '二.4',
      '二.5',
      '二.6',
      '二.7',
      '二.8',
      '三.9',
      '三.10',
      '三.11',
    ]);
  });

  it('reads a number that does not continue the numbering as the text it is, and says when an item is missing', () => {
    const p = inline(
      '一、任务\n1．推进危房改造。全年改造农村危房\n3.5万户，年底前全面完成。（省住房城乡建设厅负责）\n2．实施5G网络覆盖工程。（省通信管理局负责）\n4．开展12345热线质量提升。（省政务服务办负责）\n',
    );
    expect(p.tasks.map((t) => [t.ref, t.title])).toEqual([
      ['一.1', '推进危房改造'],
      ['一.2', '实施5G网络覆盖工程'],
      ['一.4', '开展12345热线质量提升'],
    ]);
    expect(p.tasks[0]!.text).toContain('3.5万户');
    expect(p.warnings.map((w) => w.message)).toContainEqual(
      '编号在 2 之后跳到 4：可能有条目在复制时丢失，请对照原文核对',
    );
  });
});

describe('class 6: web-page copies — the metadata block is read, never taken for tasks', () => {
  it.each<[string, (string | number | null)[]]>([
    [
      'guoban-2014-web',
      ['全国蔬菜质量安全提升2014年工作安排', '国办发〔2014〕23号', '国务院办公厅', '2014-04-16', 2014],
    ],
    ['guofa-2016-web', ['农村饮水安全巩固提升2016年行动方案', '国发〔2016〕15号', '国务院', '2016-03-09', 2016]],
    [
      'jiangmen-2019-web',
      ['江门市2019年餐饮质量安全提升行动实施方案', '江府办函〔2019〕27号', '江门市人民政府办公室', '2019-03-01', 2019],
    ],
  ])('%s: title, 文号, issuer, 成文日期 (not 发布日期), plan year', (name, expected) => {
    const p = unseen(name);
    expect([p.title, p.docNumber, p.issuer, p.issuedOn, p.planYear]).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['guoban-2014-web', ['一.(一)', '一.(二)', '一.(三)', '二.(四)', '二.(五)', '二.(六)', '三.(七)', '三.(八)']],
    ['guofa-2016-web', ['一.(一)', '一.(二)', '一.(三)', '二.(四)', '二.(五)', '三.(六)', '三.(七)']],
    ['jiangmen-2019-web', ['二.(一)', '二.(二)', '二.(三)', '二.(四)', '二.(五)', '三.(六)']],
  ])('%s: the tasks are the plan’s items only', (name, refs) => {
    const p = unseen(name);
    expect(p.tasks.map((t) => t.ref)).toEqual(refs);
    expect(p.warnings).toEqual([]);
  });
});

describe('class 8: end matter is never part of the last item', () => {
  it.each<[string, string, string]>([
    ['jiangxi-2017', '三.11', '开展“5·20世界计量日”宣传活动。（省质监局、省科协和各有关单位负责）'],
    ['yichang-2018-table', '三.9', '组织申报长江质量奖。'],
  ])('%s %s keeps only its own text', (name, ref, text) => {
    expect(task(unseen(name), ref).text).toBe(text);
  });

  it('takes no attachment list entry for a task, and reads the signature after the plan', () => {
    const p = unseen('jiangxi-2017');
    expect(p.tasks.map((t) => t.title).filter((s) => /名单|项目表/.test(s))).toEqual([]);
    expect([p.issuer, p.issuedOn]).toEqual(['江西省人民政府办公厅', '2017-03-20']);
    expect(p.units.map((u) => u.name).filter((n) => /省军区|省法院|秘书处/.test(n))).toEqual([]);
  });

  it.each<[string, string]>([
    ['jiangmen-2019-web', '三.(六)'],
    ['yichang-2018-table', '三.9'],
  ])('%s %s: no 抄送/印发 words and no 印发 date in the last item', (name, ref) => {
    const t = task(unseen(name), ref);
    expect(t.text).not.toMatch(/抄送|印发|主动公开/);
    expect(t.deadline.due).not.toMatch(/-03-04|-04-04/);
  });
});

describe('class 7: flattened tables with empty cells — the header row fixes the columns', () => {
  const p = () => unseen('yichang-2018-table');

  it.each<[string, string[], string[], string, string | null, string[] | undefined]>([
    ['一.1', ['市质监局'], ['市工商局', '市农业局'], 'date', '2018-11-30', undefined],
    ['一.2', ['市经信委'], [], 'date', '2018-12-31', ['新增任务']],
    ['一.3', ['市农业局'], ['市商务局', '市食药监局'], 'default', '2018-12-31', ['市考核指标']],
    ['一.4', ['市食药监局'], ['各县市区人民政府'], 'continuous', null, undefined],
    ['二.5', ['市质监局'], ['市发改委', '市财政局'], 'date', '2018-09-30', undefined],
    ['二.6', ['市质监局'], [], 'default', '2018-12-31', undefined],
    ['二.7', ['市质监局'], ['市总工会', '团市委'], 'date', '2018-09-30', undefined],
    ['三.8', ['市工商局'], [], 'recurring', '2018-03-31', undefined],
    ['三.9', ['市质监局'], ['市经信委', '市商务局'], 'date', '2018-06-30', undefined],
  ])('yichang-2018-table %s', (ref, lead, cooperating, kind, due, notes) => {
    const t = task(p(), ref);
    expect([t.lead, t.cooperating, t.deadline.kind, t.deadline.due, t.notes]).toEqual([
      lead,
      cooperating,
      kind,
      due,
      notes,
    ]);
  });

  it('keeps a multi-line cell whole and warns about nothing', () => {
    expect(task(p(), '二.6').text).toBe('推进标准化试点示范，\n新增国家级标准化试点项目3个，\n制修订地方标准5项。');
    expect(p().warnings).toEqual([]);
  });

  it('without blank cells, a multi-line task cell does not push the lead unit out of its column', () => {
    const table = [
      '某市2019年质量工作任务分解表',
      '序号',
      '工作任务',
      '牵头单位',
      '配合单位',
      '完成时限',
      '1',
      '开展电梯安全隐患排查，',
      '完成老旧电梯安全评估。',
      '市市场监管局',
      '2019年10月底前',
      '2',
      '推进城市供水水质提升。',
      '市水务局',
      '市卫生健康委',
      '3',
      '开展校园食品安全守护行动。',
      '市教育局',
      '市市场监管局、市公安局',
      '2019年9月',
    ].join('\n');
    const q = parsePlan(table).plan;
    expect(q.tasks.map((t) => [t.ref, t.lead, t.cooperating, t.deadline.due])).toEqual([
      ['1', ['市市场监管局'], [], '2019-10-31'],
      ['2', ['市水务局'], ['市卫生健康委'], '2019-12-31'],
      ['3', ['市教育局'], ['市市场监管局', '市公安局'], '2019-09-30'],
    ]);
    expect(q.tasks[0]!.text).toBe('开展电梯安全隐患排查，\n完成老旧电梯安全评估。');
  });
});

describe('class 9: recurring work in an item’s text is that item’s own reporting rule', () => {
  it.each<[string, string, string, string[]]>([
    ['guoban-2014-web', '一.(三)', 'half-yearly', ['2014-06-30', '2014-12-31']],
    ['guoban-2014-web', '二.(五)', 'quarterly', ['2014-03-31', '2014-06-30', '2014-09-30', '2014-12-31']],
    ['guofa-2016-web', '二.(四)', 'quarterly', ['2016-03-31', '2016-06-30', '2016-09-30', '2016-12-31']],
    ['jiangxi-2017', '一.3', 'quarterly', ['2017-03-31', '2017-06-30', '2017-09-30', '2017-12-31']],
    [
      'jiangmen-2019-web',
      '二.(二)',
      'monthly',
      ['2019-01-31', '2019-02-28', '2019-03-31', '2019-04-30', '2019-05-31', '2019-06-30', '2019-07-31', '2019-08-31'],
    ],
    ['jiangmen-2019-web', '二.(四)', 'annual', ['2019-12-31']],
  ])('%s %s: %s', (name, ref, frequency, dueDates) => {
    const r = task(unseen(name), ref).reporting;
    expect([r?.frequency, r?.dueDates]).toEqual([frequency, dueDates]);
  });

  it('an item’s own rule is not a rule of the whole plan; a sentence addressed to every unit is', () => {
    const p = unseen('guoban-2014-web');
    expect(p.reportingRules.map((r) => [r.frequency, r.dueDates, r.recipient])).toEqual([
      ['annual', ['2014-12-10'], '国务院食品安全委员会办公室'],
    ]);
    expect(task(p, '一.(一)').reporting).toBeUndefined();
  });
});

describe('class 10: phases (实施步骤 / 进度安排) with their dates', () => {
  it.each<[string, [string, string | null, string | null][]]>([
    [
      'jiangmen-2019-web',
      [
        ['动员部署阶段', '2019-03-01', '2019-04-30'],
        ['集中整治阶段', '2019-05-01', '2019-10-31'],
        ['总结验收阶段', '2019-11-01', '2019-12-31'],
      ],
    ],
    [
      'jiangxi-2017',
      [
        ['部署启动阶段', null, '2017-03-31'],
        ['全面实施阶段', '2017-04-01', '2017-10-31'],
        ['总结考核阶段', '2017-11-01', '2017-12-31'],
      ],
    ],
  ])('%s', (name, phases) => {
    expect(unseen(name).phases.map((ph) => [ph.name, ph.start, ph.end])).toEqual(phases);
  });

  it('keeps each phase’s words and line, and makes no task of a phase', () => {
    const p = unseen('jiangmen-2019-web');
    expect(p.phases[0]).toMatchObject({
      text: '（一）动员部署阶段（2019年3月—4月）。各市（区）、各有关部门制定具体工作方案，召开动员会议，广泛宣传发动。',
      line: 27,
    });
    expect(p.tasks.map((t) => t.title).filter((s) => s.includes('阶段'))).toEqual([]);
  });
});

describe('class 11: a dated clause inside an item is its deadline when it has no labelled one', () => {
  it.each<[string, string, string, string]>([
    ['guoban-2014-web', '一.(一)', 'date', '2014-09-30'],
    ['guoban-2014-web', '一.(二)', 'date', '2014-12-31'],
    ['guoban-2014-web', '二.(四)', 'date', '2014-10-31'],
    ['guoban-2014-web', '三.(七)', 'date', '2015-03-31'],
    ['guofa-2016-web', '一.(二)', 'date', '2016-10-31'],
    ['guofa-2016-web', '三.(六)', 'date', '2016-06-30'],
    ['jiangxi-2017', '一.1', 'date', '2017-09-30'],
    ['jiangxi-2017', '一.2', 'date', '2017-10-31'],
    ['jiangmen-2019-web', '二.(二)', 'date', '2019-08-31'],
    ['jiangmen-2019-web', '二.(三)', 'date', '2019-09-20'],
  ])('%s %s', (name, ref, kind, due) => {
    expect(deadline(unseen(name), ref)).toEqual([kind, due]);
  });

  it('keeps the words of the clause as the deadline text', () => {
    expect(task(unseen('guoban-2014-web'), '三.(七)').deadline.text).toBe('明年3月底前');
    expect(task(unseen('guoban-2014-web'), '一.(二)').deadline.text).toBe('2014年内');
  });
});

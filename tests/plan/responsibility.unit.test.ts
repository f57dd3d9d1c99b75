/** Responsibility phrases and the unit directory. */
import { parsePlan } from '../../domain/plan';
import { parseClause, splitUnits } from '../../domain/plan/responsibility';
import { NOTICE_PLAN } from './fixtures';

const plan = (items: string, preamble = '') => parsePlan(`某省2016年行动计划\n${preamble}一、任务\n${items}`).plan;
const units = (p: ReturnType<typeof plan>) => p.tasks.map((t) => [t.lead, t.cooperating]);

describe('responsibility clauses', () => {
  it.each<[string, string[], string[]]>([
    ['市农委负责', ['市农委'], []],
    ['市商务局牵头,市场监管局、市农委配合', ['市商务局'], ['市场监管局', '市农委']],
    ['市市场监管局、市商务局、市食药局按职责分工负责', ['市市场监管局', '市商务局', '市食药局'], []],
    ['市质监局,市建设交通委、市农委负责', ['市质监局', '市建设交通委', '市农委'], []],
    ['责任单位:市财政局,各区人民政府;配合单位:市质监局;完成时限:每年', ['市财政局', '各区人民政府'], ['市质监局']],
    ['牵头单位:省食品药品监管局;参与单位:省农业厅', ['省食品药品监管局'], ['省农业厅']],
    ['省工商局负责;完成时限:每季度', ['省工商局'], []],
  ])('(%s)', (clause, lead, cooperating) => {
    expect(parseClause(clause, false)).toMatchObject({ lead, cooperating });
  });

  it('takes an unkeyed time off the end of a clause: (市质监局负责,2017年底前完成)', () => {
    expect(parseClause('市质监局负责,2017年底前完成', false)).toEqual({
      lead: ['市质监局'],
      cooperating: [],
      deadlineText: '2017年底前',
      catchAll: [],
      statesFirstListed: false,
    });
  });

  it('keeps the 完成时限 of a keyed clause', () => {
    expect(parseClause('责任单位:市质监局;完成时限:2017年12月底之前', false).deadlineText).toBe('2017年12月底之前');
  });

  it('drops a trailing 等/等部门 and splits 和/及 only between units', () => {
    expect(splitUnits('省质监局、质检总局等')).toEqual(['省质监局', '质检总局']);
    expect(splitUnits('市国土房管局、市旅游局等部门')).toEqual(['市国土房管局', '市旅游局']);
    expect(splitUnits('各区县人民政府和市质监局、市经济和信息化委')).toEqual([
      '各区县人民政府',
      '市质监局',
      '市经济和信息化委',
    ]);
    expect(splitUnits('市中小企业局等部门及有关企业总公司')).toEqual(['市中小企业局', '有关企业总公司']);
  });

  it('keeps the collective after 等 ("…等市打击侵权假冒工作领导小组成员部门")', () => {
    expect(splitUnits('市文广新局等市打击侵权假冒工作领导小组成员部门')).toEqual([
      '市文广新局',
      '市打击侵权假冒工作领导小组成员部门',
    ]);
  });
});

describe('responsibility in the text', () => {
  it('reads units on a line of their own: 责任单位:, 牵头单位:…;参与单位:, …负责落实', () => {
    const p = parsePlan(NOTICE_PLAN).plan;
    expect(p.tasks.slice(0, 3).map((t) => [t.ref, t.lead, t.cooperating])).toEqual([
      ['一.(一)', ['省质监局'], ['省工商局']],
      ['一.(二)', ['省食品药品监管局'], ['省农业厅', '省卫生厅', '省质监局']],
      ['一.(三)', ['省质监局'], ['省科技厅']],
    ]);
  });

  it('reads 牵头单位/配合单位/完成时限 on consecutive lines of their own as one clause', () => {
    const p = plan(
      '(一)加强监管。完善制度。\n牵头单位:市发改委\n配合单位:市财政局、市质监局\n完成时限:2016年9月底前\n',
    );
    expect(p.tasks.map((t) => [t.lead, t.cooperating, t.deadline.due])).toEqual([
      [['市发改委'], ['市财政局', '市质监局'], '2016-09-30'],
    ]);
  });

  it('makes all units of an undivided list leads, unless the plan says the first-listed leads', () => {
    const items = '(一)甲。(省质监局、省工商局、省商务厅负责)\n';
    expect(units(plan(items))).toEqual([[['省质监局', '省工商局', '省商务厅'], []]]);
    const rule = '各项任务中排在第一位的为牵头单位,其他为配合单位。\n';
    expect(units(plan(items, rule))).toEqual([[['省质监局'], ['省工商局', '省商务厅']]]);
  });

  it('does not read a sentence that merely mentions 负责 as a clause', () => {
    const p = plan('(一)加强组织领导。市质强委负责创建工作的组织领导。\n(二)乙。(省乙厅负责)\n');
    expect(p.tasks[0]!.lead).toEqual([]);
  });
});

describe('unit directory', () => {
  it('restores a prefix dropped inside a list (省农业厅、卫生厅、质监局), but not for national or named bodies', () => {
    const p = plan('(一)甲。(省农业厅、卫生厅、质监局、质检总局、河北保监局负责)\n', '');
    expect(p.tasks[0]!.lead).toEqual(['省农业厅', '省卫生厅', '省质监局', '质检总局', '河北保监局']);
    expect(p.units.find((u) => u.name === '省卫生厅')!.aliases).toEqual(['卫生厅']);
  });

  it('merges a spelling that dropped the level word when the full one is used elsewhere', () => {
    const p = plan('(一)甲。(市市场监管局负责)\n(二)乙。(市商务局牵头,市场监管局配合)\n');
    expect(p.tasks[1]!.cooperating).toEqual(['市市场监管局']);
    expect(p.units.map((u) => u.name)).toEqual(['市市场监管局', '市商务局']);
  });

  it('resolves abbreviations the text defines (〈以下简称…〉)', () => {
    const p = plan(
      '1.甲。(责任单位:市质量强市工作委员会〈以下简称市质强委〉办公室;配合单位:市质强委相关成员单位)\n2.乙。(责任单位:市质强委办公室)\n',
    );
    expect(p.tasks.map((t) => [t.lead, t.cooperating])).toEqual([
      [['市质量强市工作委员会办公室'], ['市质量强市工作委员会相关成员单位']],
      [['市质量强市工作委员会办公室'], []],
    ]);
    expect(p.units).toEqual([
      { name: '市质量强市工作委员会办公室', aliases: ['市质强委办公室'], collective: false },
      { name: '市质量强市工作委员会相关成员单位', aliases: ['市质强委相关成员单位'], collective: true },
    ]);
  });

  it('converts traditional characters and keeps the written form as an alias', () => {
    const p = parsePlan('某市2013年行動計劃\n一、任務\n(一)甲。(市質監局、市商務委負責)\n').plan;
    expect(p.tasks[0]!.lead).toEqual(['市质监局', '市商务委']);
    expect(p.units[0]).toEqual({ name: '市质监局', aliases: ['市質監局'], collective: false });
  });

  it('flags collective units, including a bare unit carried by a preceding 各…', () => {
    const p = plan('(一)甲。(各区县政府、开发区管委会,质量强市工作推进委员会各成员单位,省质监局等按职责分工负责)\n');
    expect(p.units.map((u) => [u.name, u.collective])).toEqual([
      ['各区县政府', true],
      ['开发区管委会', true],
      ['质量强市工作推进委员会各成员单位', true],
      ['省质监局', false],
    ]);
  });

  it('does not make a named body collective because a 各… unit precedes it', () => {
    const p = plan('(一)甲。(各区县政府、西咸新区管委会负责)\n');
    expect(p.units.map((u) => [u.name, u.collective])).toEqual([
      ['各区县政府', true],
      ['西咸新区管委会', false],
    ]);
  });
});

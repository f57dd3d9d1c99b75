/**
 * The five seed plans, parsed in full and compared with golden files checked by hand against the source text (every
 * item, its units, deadline, ref and line; the metadata; the warnings). A missing golden file fails the test: it is
 * written only on request (UPDATE_GOLDEN=1, see readGolden), and then checked by hand before it is committed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePlan, parsedPlanSchema } from '../../domain/plan';
import { goldenPath, readGolden, readSeed, SEED_NAMES } from './seeds';

describe.each(SEED_NAMES)('seed %s', (name) => {
  const { plan } = parsePlan(readSeed(name));

  it('matches its golden file in full', () => {
    expect(plan).toEqual(readGolden(goldenPath(name), plan));
  });

  it('is valid against the plan schema', () => {
    expect(parsedPlanSchema.safeParse(plan).success).toBe(true);
  });
});

describe('a missing golden file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-golden-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails, saying how to create it on purpose, and writes nothing', () => {
    const file = path.join(dir, 'new-seed.json');
    expect(() => readGolden(file, { tasks: [] }, {})).toThrow(
      `golden file ${file} is missing: create it on purpose with ` +
        '`UPDATE_GOLDEN=1 npx jest tests/plan/golden`, check every line by hand, then commit it',
    );
    expect(existsSync(file)).toBe(false);
  });

  it('is written only when UPDATE_GOLDEN=1 asks for it', () => {
    const file = path.join(dir, 'asked-for.json');
    expect(readGolden(file, { tasks: ['甲'] }, { UPDATE_GOLDEN: '1' })).toEqual({ tasks: ['甲'] });
    expect(readGolden(file, { tasks: ['changed'] }, {})).toEqual({ tasks: ['甲'] });
  });
});

describe('seed facts checked by hand', () => {
  const parse = (name: (typeof SEED_NAMES)[number]) => parsePlan(readSeed(name)).plan;

  it('finds every task item of every seed', () => {
    expect(SEED_NAMES.map((n) => parse(n).tasks.length)).toEqual([32, 15, 21, 97, 21]);
  });

  it('reads the metadata of each seed', () => {
    expect(
      SEED_NAMES.map((n) => {
        const p = parse(n);
        return [p.docNumber, p.issuer, p.issuedOn, p.planYear];
      }),
    ).toEqual([
      ['哈质强办〔2017〕4号', '哈尔滨市质量强市工作领导小组', '2017-06-12', 2017],
      ['冀政办字〔2015〕84号', '河北省人民政府办公厅', '2015-06-24', 2015],
      ['市政办发〔2017〕17号', '西安市人民政府办公厅', '2017-02-25', 2017],
      ['鄂州政发〔2017〕6号', '鄂州市人民政府', '2017-04-26', 2017],
      ['津政办发〔2013〕39号', '天津市人民政府办公厅', '2013-05-23', 2013],
    ]);
  });

  it('harbin: 一是 items under (一), the heading that lost "(三", split lead/cooperating', () => {
    const p = parse('harbin-2017');
    const t = p.tasks.find((x) => x.ref === '二.(一).一是')!;
    expect(t).toMatchObject({ line: 53, lead: ['市市场监管局'], title: '加强对重点产品质量安全监管' });
    expect(p.tasks.find((x) => x.ref === '三.(三)')).toMatchObject({
      line: 101,
      lead: ['市发改委'],
      cooperating: ['市工信委', '市人社局', '市环保局'],
    });
    expect(p.tasks.find((x) => x.ref === '二.(四)')!.targets).toContainEqual(
      expect.objectContaining({
        indicator: '主要污染物细颗粒物(PM2.5)年均浓度',
        comparator: '~',
        value: 60,
        unit: '微克/立方米',
      }),
    );
    expect(p.warnings.map((w) => w.line)).toEqual([19, 27, 89, 89, 89, 101]);
  });

  it('ezhou: every deadline kind, ref paths through -- groups, abbreviations resolved', () => {
    const p = parse('ezhou-2017');
    const byRef = new Map(p.tasks.map((t) => [t.ref, t]));
    expect(byRef.get('五.(一).1')!.deadline).toEqual({
      text: '长期坚持',
      kind: 'continuous',
      due: null,
      every: 'quarter',
    });
    expect(byRef.get('五.(一).2')!.deadline).toEqual({
      text: '每年4月底之前',
      kind: 'recurring',
      due: '2017-04-30',
      every: 'year',
    });
    expect(byRef.get('五.(一).12')!.deadline).toEqual({ text: '2017年12月底之前', kind: 'date', due: '2017-12-31' });
    expect(byRef.get('五.(二).29.(1)')!.deadline).toMatchObject({ kind: 'staged', due: '2019-04-30' });
    expect(byRef.get('五.(一).1')!.lead).toEqual(['市质量强市工作委员会办公室']);
    expect(p.units.find((u) => u.name === '市质量强市工作委员会办公室')!.aliases).toEqual(['市质强委办公室']);
    expect(p.indicators).toHaveLength(62);
  });

  it('tianjin: traditional characters converted, half-year and annual reports', () => {
    const p = parse('tianjin-2013');
    expect(p.units.find((u) => u.name === '市质监局')!.aliases).toEqual(['市質監局']);
    expect(p.reportingRules.map((r) => [r.frequency, r.dueDates, r.stamped, r.electronic])).toEqual([
      ['half-yearly', ['2013-07-15'], true, true],
      ['annual', ['2014-01-15'], true, true],
    ]);
  });

  it('xian: collective units flagged, quarterly reports, missing attachment reported', () => {
    const p = parse('xian-2017');
    expect(p.units.filter((u) => u.collective).map((u) => u.name)).toEqual([
      '各区县政府',
      '开发区管委会',
      '质量强市工作推进委员会各成员单位',
    ]);
    expect(p.reportingRules[0]).toMatchObject({ frequency: 'quarterly', recipient: '市质量强市工作推进委员会办公室' });
    expect(p.warnings.at(-1)!.message).toBe(
      '文中列出了附件“西安市2017年质量强市行动计划任务分解表”，但没有这张表：单位和完成时限只按正文读取',
    );
  });
});

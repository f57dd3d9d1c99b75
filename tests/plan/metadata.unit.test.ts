/** Title, 文号, issuer, issue date and plan year from the cover notice. */
import { parsePlan } from '../../domain/plan';
import { NOTICE_PLAN, TABLE_PLAN } from './fixtures';

describe('plan metadata', () => {
  it('reads a cover notice with a Chinese-numeral signature date', () => {
    const p = parsePlan(NOTICE_PLAN).plan;
    expect([p.title, p.docNumber, p.issuer, p.issuedOn, p.planYear]).toEqual([
      '某某省质量提升2016年行动计划',
      '某政办发〔2016〕12号',
      '某某省人民政府办公厅',
      '2016-03-18',
      2016,
    ]);
  });

  it('ignores documents cited in the text ("》(国发〔2012〕9号)")', () => {
    const text =
      '某市2017年行动计划\n为贯彻《质量发展纲要》(国发〔2012〕9号),制定本计划。\n一、任务\n(一)甲。(市甲局负责)\n';
    expect(parsePlan(text).plan.docNumber).toBeNull();
  });

  it('normalises a 文号 written with [] and without 号, and says so', () => {
    const p = parsePlan('某市2017年行动计划\n某质办[2017]4\n一、任务\n(一)甲。(市甲局负责)\n').plan;
    expect(p.docNumber).toBe('某质办〔2017〕4号');
    expect(p.warnings[0]!.message).toBe('文号“某质办[2017]4”缺了“号”字，已按 某质办〔2017〕4号 读取');
  });

  it('recovers a signature date that lost 月/日 when only one reading is a real date', () => {
    const p = parsePlan('某市2017年行动计划\n某市人民政府\n2017年612\n一、任务\n(一)甲。(市甲局负责)\n').plan;
    expect(p.issuedOn).toBe('2017-06-12');
    expect(p.warnings[0]).toEqual({ line: 3, message: '成文日期“2017年612”缺了“月”“日”，已按 2017-06-12 读取' });
  });

  it('takes the plan year from the signature when the title has none', () => {
    const p = parsePlan('某市创建工作方案\n某市人民政府\n2017年4月26日\n一、任务\n(一)甲。(市甲局负责)\n').plan;
    expect(p.planYear).toBe(2017);
  });

  it('takes the title of a bare task table from its heading', () => {
    expect(parsePlan(TABLE_PLAN).plan).toMatchObject({ title: '某某市2018年质量工作要点任务分解表', planYear: 2018 });
  });

  it('refuses a plan whose year cannot be told unless the caller gives it', () => {
    const text = '某市工作方案\n一、任务\n(一)甲。(市甲局负责)\n';
    expect(() => parsePlan(text)).toThrow(
      '无法确定计划年度：标题、成文日期和文号都没有写明年份；请用 --plan-year YYYY 指定',
    );
    expect(parsePlan(text, { planYear: 2020 }).plan.tasks[0]!.deadline.due).toBe('2020-12-31');
  });
});

/**
 * The plan JSON shape (计划结构), as zod schemas. The parser produces it; `duban plan import` validates a reviewed
 * table against it, so a cycle is only ever launched from a shape this file accepts.
 */
import { z } from 'zod';
import { isCalendarDate } from '../calendar';

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`: deadlines are days, never instants. The calendar decides what a
 * real date is (no 2月30日), so the plan and the workflow accept the same days. */
export const isoDateSchema = z
  .string()
  .refine(isCalendarDate, { message: '应为实际存在的日期，写作 YYYY-MM-DD，如 2027-03-31' });

/**
 * How a deadline (完成时限) reads:
 * - `date`: one day ("2017年12月底之前" → 2017-12-31)
 * - `recurring`: every year/quarter/month ("每年4月底之前", "每年"); `due` is the first occurrence in the plan year
 * - `continuous`: ongoing work with no end ("持续推进", "长期坚持"); `due` is null and progress is reported every quarter
 * - `staged`: a milestone inside longer work ("2019年4月底前取得阶段性成果")
 * - `default`: the plan names none; `due` is the end of the plan year
 */
export const deadlineKindSchema = z.enum(['date', 'recurring', 'continuous', 'staged', 'default']);
export type DeadlineKind = z.infer<typeof deadlineKindSchema>;

export const periodSchema = z.enum(['month', 'quarter', 'half-year', 'year']);
export type Period = z.infer<typeof periodSchema>;

export const deadlineSchema = z.object({
  /** The words of the plan, as written ('' when the plan names no deadline). */
  text: z.string(),
  kind: deadlineKindSchema,
  /** Due day; null only for continuous work. */
  due: isoDateSchema.nullable(),
  /** For recurring and continuous work: how often it comes round / is reported. */
  every: periodSchema.optional(),
  /** Several dates named for one item ("7月15日和次年1月15日前"), in order; `due` is the last. */
  milestones: z.array(isoDateSchema).optional(),
  /** For staged deadlines: what is due at `due` ("取得阶段性成果"). */
  stage: z.string().optional(),
});
export type Deadline = z.infer<typeof deadlineSchema>;

export const comparatorSchema = z.enum(['>=', '<=', '>', '<', '=', '~', 'decrease', 'increase']);
export type Comparator = z.infer<typeof comparatorSchema>;

/** A quantitative target (量化指标) read from a task's text: "合格率达到90%以上" → 合格率 >= 90 %. */
export const targetSchema = z.object({
  indicator: z.string(),
  comparator: comparatorSchema,
  value: z.number(),
  unit: z.string(),
  /** The phrase it was read from. */
  text: z.string(),
});
export type Target = z.infer<typeof targetSchema>;

export const unitSchema = z.object({
  /** Canonical name (simplified characters, abbreviations expanded, 等 dropped): the key of one inbox. */
  name: z.string().min(1),
  /** Other spellings the plan uses for the same unit (traditional, abbreviated, prefix dropped). */
  aliases: z.array(z.string()),
  /** 各区县政府, …各成员单位: stands for several units; a coordinator must expand it before launch. */
  collective: z.boolean(),
});
export type Unit = z.infer<typeof unitSchema>;

export const reportFrequencySchema = z.enum(['monthly', 'quarterly', 'half-yearly', 'annual', 'once']);
export type ReportFrequency = z.infer<typeof reportFrequencySchema>;

/** A reporting rule (报送要求): when units report progress, to whom, in what form. */
export const reportingRuleSchema = z.object({
  text: z.string(),
  line: z.number().int().nonnegative(),
  frequency: reportFrequencySchema,
  /** The report days within the plan year (and the following January when the plan says 次年). */
  dueDates: z.array(isoDateSchema),
  /** Who receives the reports (…办公室), when the plan says. */
  recipient: z.string().nullable(),
  /** 加盖单位公章 */
  stamped: z.boolean(),
  /** 电子文档 */
  electronic: z.boolean(),
});
export type ReportingRule = z.infer<typeof reportingRuleSchema>;

export const taskSchema = z.object({
  /** Numbering path as written, ASCII brackets, joined with '.': "二.(三).一是", "五.(二).29.(1)". */
  ref: z.string().min(1),
  title: z.string(),
  text: z.string(),
  /** 1-based source line of the item's number. */
  line: z.number().int().nonnegative(),
  lead: z.array(z.string()),
  cooperating: z.array(z.string()),
  deadline: deadlineSchema,
  targets: z.array(targetSchema),
  /**
   * What the coordinator must see beside the units: catch-all words written among them ("有关部门", not an office
   * anyone can remind), a task table's 备注 cell. Absent when there is none.
   */
  notes: z.array(z.string()).optional(),
  /** The item's own reporting rule, from recurring work in its text ("每季度开展一次…"). Absent when there is none. */
  reporting: reportingRuleSchema.optional(),
});
export type Task = z.infer<typeof taskSchema>;

/** One row of the plan's own indicator table (具体指标). */
export const indicatorSchema = z.object({
  seq: z.number().int().nullable(),
  category: z.string(),
  indicator: z.string(),
  unit: z.string(),
  value: z.string(),
  line: z.number().int().nonnegative(),
});
export type Indicator = z.infer<typeof indicatorSchema>;

/** A phase of the plan (实施步骤): "动员部署阶段(2017年1月—3月)" → 2017-01-01 … 2017-03-31. */
export const phaseSchema = z.object({
  /** "动员部署阶段", "第一阶段" */
  name: z.string().min(1),
  /** The phase's line as written. */
  text: z.string(),
  /** First day; null when the plan names only the end ("2017年3月底前"). */
  start: isoDateSchema.nullable(),
  /** Last day. */
  end: isoDateSchema.nullable(),
  line: z.number().int().nonnegative(),
});
export type Phase = z.infer<typeof phaseSchema>;

export const warningSchema = z.object({ line: z.number().int().nonnegative(), message: z.string() });
export type PlanWarning = z.infer<typeof warningSchema>;

export const parsedPlanSchema = z
  .object({
    title: z.string(),
    docNumber: z.string().nullable(),
    issuer: z.string().nullable(),
    issuedOn: isoDateSchema.nullable(),
    planYear: z.number().int().min(1949).max(2200),
    units: z.array(unitSchema),
    reportingRules: z.array(reportingRuleSchema),
    /** The plan's phases (实施步骤), in order; absent in a plan JSON written before phases were read. */
    phases: z.array(phaseSchema).default([]),
    tasks: z.array(taskSchema).min(1, '计划至少要有一项任务'),
    indicators: z.array(indicatorSchema),
    warnings: z.array(warningSchema),
  })
  .superRefine((plan, ctx) => {
    const names = new Set(plan.units.map((u) => u.name));
    const refs = new Set<string>();
    plan.tasks.forEach((task, i) => {
      if (refs.has(task.ref)) {
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'ref'], message: `任务编号 ${task.ref} 重复出现` });
      }
      refs.add(task.ref);
      for (const role of ['lead', 'cooperating'] as const) {
        task[role].forEach((name, j) => {
          if (!names.has(name)) {
            ctx.addIssue({
              code: 'custom',
              path: ['tasks', i, role, j],
              message: `任务 ${task.ref} 的单位 ${name} 不在单位名录（units）中：请在 units 中补上，或改用名录中的名称`,
            });
          }
        });
      }
      if (task.deadline.due === null && task.deadline.kind !== 'continuous') {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'deadline', 'due'],
          message: `任务 ${task.ref} 没有截止日期：只有持续性工作（continuous）可以不设截止日期`,
        });
      }
    });
  });
export type ParsedPlan = z.infer<typeof parsedPlanSchema>;

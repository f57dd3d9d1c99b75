/**
 * Launch planning (启动计划): what `duban cycle launch` would start for a reviewed task table, decided before anything
 * starts. One assignment per task × lead unit (a shared lead, 按职责分工负责, gives each unit its own); collectives
 * (各区人民政府, 市质强委相关成员单位) expanded through the unit directory; each assignment's reporting periods from
 * the plan's reporting rules, the item's own rule and its deadline. Every problem that would make the launch wrong
 * is an error naming the task, its row and the fix, and an error means nothing starts. Pure: `--dry-run` prints
 * this, and the launch starts exactly this.
 */
import { unitsWithoutChannel } from '../notify/contacts';
import { isCalendarDate, isoDate, quarterEnd, type CalendarDate } from '../calendar';
import { deadlineKindSchema, type ParsedPlan, type ReportingRule, type Target, type Task } from '../plan';
import { isCollectiveName } from '../plan/responsibility';
import type { UnitDirectory } from '../units';
import {
  SPAN_OF_FREQUENCY,
  addMonths,
  dateLabel,
  itemPeriods,
  shiftYears,
  type PeriodSource,
  type PeriodSpan,
  type ReportingPeriod,
} from './periods';

export interface LaunchInput {
  plan: ParsedPlan;
  directory: UnitDirectory;
  /** The cycle's name: the first part of every assignment id, so it holds no ':' and no blanks. */
  cycleId: string;
  /** The day of the launch (Asia/Shanghai): periods before it are not scheduled. */
  today: CalendarDate;
  /** Move every date of the plan to this year (month and day kept; 2月29日 → 2月28日). */
  year?: number;
  /** A simulation's launch (`duban simulate`): the one kind of cycle whose name begins with SIMULATION_PREFIX. */
  simulation?: boolean;
}

/**
 * How a simulated cycle's name begins (`sim-2017-…`). Simulations store their cycles beside the real ones, so the
 * prefix is theirs alone: a real cycle may not take it, and a name that has it always means a simulated year.
 */
export const SIMULATION_PREFIX = 'sim-';

export interface LaunchItem {
  /** `${cycleId}:${ref}:${unit}`: the assignment's workflow id, so a relaunch finds what already runs. */
  assignmentId: string;
  ref: string;
  title: string;
  text: string;
  /** One lead unit (a shared lead gives each its own item), as the directory names it. */
  unit: string;
  /** 配合单位, expanded like leads, without the task's lead units. */
  cooperating: string[];
  /** The deadline as the plan writes it ('' when it names none). */
  deadlineText: string;
  /** The item's deadline, moved by `year` when asked; continuous work: the end of the (moved) plan year. */
  due: CalendarDate;
  /** Ascending, distinct keys, all ≤ due, at least one (the last falls on `due`). */
  periods: ReportingPeriod[];
  /** From the parser, unchanged. */
  targets: Target[];
}

export interface LaunchProblem {
  ref?: string;
  /** The task's row in the task table (`plan parse --format csv|xlsx` writes one row per task; the header is 1). */
  row?: number;
  code: string;
  /** Chinese: the problem and the fix. */
  message: string;
}

export interface LaunchPlan {
  /** Empty when there is any error: nothing starts from a plan with a problem. */
  items: LaunchItem[];
  errors: LaunchProblem[];
  warnings: LaunchProblem[];
  /** Whole years every date was moved by, when `year` was given. */
  yearShift?: number;
}

/** The codes of errors (nothing starts) and of warnings (the launch goes ahead; the coordinator should know). */
export const LAUNCH_ERROR_CODES = [
  'INVALID_CYCLE_ID',
  'RESERVED_CYCLE_ID',
  'INVALID_TODAY',
  'INVALID_YEAR',
  'MISSING_REF',
  'DUPLICATE_REF',
  'MISSING_LEAD',
  'UNKNOWN_DEADLINE_KIND',
  'UNREADABLE_DATE',
  'COLLECTIVE_WITHOUT_GROUP',
  'PLAN_IN_PAST',
] as const;
export const LAUNCH_WARNING_CODES = [
  'YEAR_SHIFTED',
  'REPORTING_DEFAULT_QUARTERLY',
  'CONTINUOUS_TO_YEAR_END',
  'RECURRING_TO_YEAR_END',
  'PERIOD_KEY_COLLISION',
  'RULE_DATE_AFTER_DUE',
  'ITEMS_PAST_DUE',
  'COLLECTIVE_EXPANDED',
  'UNITS_MATCHED_BY_ALIAS',
  'UNITS_NOT_IN_DIRECTORY',
  'DIRECTORY_EMPTY',
  'UNITS_WITHOUT_CHANNEL',
] as const;

const CYCLE_ID = /^[\p{L}\p{N}_.-]{1,64}$/u;
const MIN_YEAR = 1949;
const MAX_YEAR = 2200;

/** At most `n` names of a list, then how many more: keeps one message readable for a plan of hundreds of items. */
function some(names: readonly string[], n = 8, measure = '项'): string {
  return names.length <= n ? names.join('、') : `${names.slice(0, n).join('、')} 等 ${names.length} ${measure}`;
}

function where(task: Task, row: number): string {
  return `任务 ${task.ref}（任务表第${row}行${task.line > 0 ? `，原文第${task.line}行` : ''}）`;
}

const SUB_YEAR: Partial<Record<string, number>> = { month: 1, quarter: 3, 'half-year': 6 };
const EVERY_LABEL: Record<string, string> = { month: '每月', quarter: '每季度', 'half-year': '每半年' };

/** A rule's report days as a period source, moved by `shift` years. */
function ruleSource(rule: ReportingRule, shift: number): PeriodSource {
  return {
    span: SPAN_OF_FREQUENCY[rule.frequency],
    dates: rule.dueDates.map((d) => shiftYears(d, shift)),
    repeat: rule.frequency !== 'once',
  };
}

interface Prepared {
  task: Task;
  /** Position in the plan's tasks. */
  index: number;
  row: number;
  due: CalendarDate;
  sources: PeriodSource[];
  ok: boolean;
}

/**
 * Plans the launch of `plan` as cycle `cycleId` on `today`. Reporting periods: the plan's reporting rules (or quarter
 * ends when it states none) and the item's own rule, each repeated every later year up to the item's due date, its
 * deadline's milestones, and the due date itself when no period falls on it; within [today, due]. Continuous work
 * (持续推进, no due date) runs to the end of the plan year; recurring work of a month, quarter or half-year (每季度)
 * runs to its last occurrence in the plan year, reporting at each. Errors and warnings are listed once per plan
 * where one message serves (every collective without a group in one error), per task otherwise.
 */
export function planLaunch(input: LaunchInput): LaunchPlan {
  const { plan, directory, cycleId, today, year } = input;
  const errors: LaunchProblem[] = [];
  const warnings: LaunchProblem[] = [];

  if (!CYCLE_ID.test(cycleId)) {
    errors.push({
      code: 'INVALID_CYCLE_ID',
      message:
        `周期名称“${cycleId}”不能用：它是每个督办事项编号的开头，只能由汉字、字母、数字和 _ . - 组成` +
        '（不含冒号和空白，最长 64 字），如 ezhou-2017 或 鄂州2017',
    });
  }
  if (!input.simulation && cycleId.toLowerCase().startsWith(SIMULATION_PREFIX)) {
    errors.push({
      code: 'RESERVED_CYCLE_ID',
      message: `周期名称“${cycleId}”不能用：以 ${SIMULATION_PREFIX} 开头的名称留给模拟运行（duban simulate），请换一个，如 ezhou-2027`,
    });
  }
  if (!isCalendarDate(today)) {
    errors.push({ code: 'INVALID_TODAY', message: `今天的日期“${today}”不是 YYYY-MM-DD 形式的日期：检查系统时钟` });
    return { items: [], errors, warnings };
  }
  let shift = 0;
  let yearValid = false;
  if (year !== undefined) {
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      errors.push({
        code: 'INVALID_YEAR',
        message: `--year 应是 ${MIN_YEAR}–${MAX_YEAR} 之间的年份，如 ${today.slice(0, 4)}，不是“${year}”`,
      });
    } else {
      shift = year - plan.planYear;
      yearValid = true;
    }
  }
  const planYear = plan.planYear + shift;
  const yearEnd = isoDate(planYear, 12, 31);
  if (yearValid) {
    warnings.push({
      code: 'YEAR_SHIFTED',
      message:
        shift === 0
          ? `--year ${year} 就是计划年度，日期不变`
          : `计划年度 ${plan.planYear} 的全部日期已整体${shift > 0 ? '后' : '前'}移 ${Math.abs(shift)} 年到 ${planYear} 年` +
            '（月、日不变，2月29日改为2月28日）；完成时限的原文照旧显示',
    });
  }

  // the plan's own reporting rules, or quarter ends when it states none
  const planSources: PeriodSource[] = [];
  plan.reportingRules.forEach((rule) => {
    const bad = rule.dueDates.filter((d) => !isCalendarDate(d));
    if (bad.length > 0) {
      errors.push({
        code: 'UNREADABLE_DATE',
        message:
          `报送要求（原文第${rule.line}行“${rule.text.slice(0, 30)}”）的日期“${bad.join('、')}”不是有效日期：` +
          '在计划 JSON 的 reportingRules 中改为 YYYY-MM-DD，或删去这条要求',
      });
      return;
    }
    planSources.push(ruleSource(rule, shift));
  });
  if (plan.reportingRules.length === 0) {
    planSources.push({
      span: 'quarter',
      dates: [1, 2, 3, 4].map((q) => quarterEnd(planYear, q as 1 | 2 | 3 | 4)),
      repeat: true,
    });
    warnings.push({
      code: 'REPORTING_DEFAULT_QUARTERLY',
      message:
        '没有报送要求（计划原文的报送要求随 XLSX 的“报送要求”表或计划 JSON 带入，CSV 不带）：各单位按季度末（3月31日、6月30日、9月30日、12月31日）报送进展',
    });
  }

  // each task: its ref, deadline and report days
  const prepared: Prepared[] = [];
  const refRows = new Map<string, number>();
  const continuous: string[] = [];
  const recurring: string[] = [];
  plan.tasks.forEach((task, i) => {
    const row = i + 2;
    let ok = true;
    const problem = (code: string, message: string) => {
      errors.push({ ref: task.ref, row, code, message });
      ok = false;
    };
    if (task.ref.trim() === '') {
      problem('MISSING_REF', `任务表第${row}行没有编号：在“编号”列写上编号，如 一.(一)`);
    } else if (refRows.has(task.ref)) {
      problem(
        'DUPLICATE_REF',
        `编号 ${task.ref} 在任务表第${refRows.get(task.ref)}行和第${row}行各用了一次：给每项任务一个不同的编号`,
      );
    } else {
      refRows.set(task.ref, row);
    }
    if (task.lead.length === 0) {
      problem(
        'MISSING_LEAD',
        `${where(task, row)}没有牵头单位：在任务表“牵头单位”列写上负责的单位（多个用、分隔），重新导入后再启动`,
      );
    }
    const kind = task.deadline.kind;
    let due: CalendarDate | null = null;
    const sources = [...planSources];
    if (!deadlineKindSchema.safeParse(kind).success) {
      problem(
        'UNKNOWN_DEADLINE_KIND',
        `${where(task, row)}的时限类型“${String(kind)}”无法识别：改为 限期、周期、持续、阶段、默认 之一`,
      );
    } else if (task.deadline.due === null) {
      if (kind === 'continuous') {
        due = yearEnd;
        continuous.push(task.ref);
      } else {
        problem(
          'UNREADABLE_DATE',
          `${where(task, row)}没有截止日期：在“截止日期”列写上日期（YYYY-MM-DD），或把时限类型改为“持续”`,
        );
      }
    } else if (!isCalendarDate(task.deadline.due)) {
      problem(
        'UNREADABLE_DATE',
        `${where(task, row)}的截止日期“${task.deadline.due}”不是有效日期：写成 YYYY-MM-DD，如 ${plan.planYear}-12-31`,
      );
    } else {
      due = shiftYears(task.deadline.due, shift);
      const step = kind === 'recurring' ? SUB_YEAR[task.deadline.every ?? ''] : undefined;
      if (step !== undefined) {
        const occurrences = [due];
        for (let next = addMonths(due, step); next <= yearEnd; next = addMonths(next, step)) occurrences.push(next);
        due = occurrences.at(-1)!;
        sources.push({ span: task.deadline.every as PeriodSpan, dates: occurrences, repeat: false });
        recurring.push(task.ref);
      }
    }
    const milestones = task.deadline.milestones ?? [];
    const reportDays = task.reporting?.dueDates ?? [];
    const bad = [...milestones, ...reportDays].filter((d) => !isCalendarDate(d));
    if (bad.length > 0) {
      problem(
        'UNREADABLE_DATE',
        `${where(task, row)}的日期“${bad.join('、')}”不是有效日期：在计划 JSON 中改为 YYYY-MM-DD，或删去`,
      );
    } else {
      if (task.reporting) sources.push(ruleSource(task.reporting, shift));
      if (milestones.length > 0) {
        sources.push({ span: null, dates: milestones.map((d) => shiftYears(d, shift)), repeat: false });
      }
    }
    if (due !== null) prepared.push({ task, index: i, row, due, sources, ok });
  });

  const latest = prepared.reduce<CalendarDate | null>((m, p) => (m === null || p.due > m ? p.due : m), null);
  if (latest !== null && latest < today) {
    errors.push({
      code: 'PLAN_IN_PAST',
      message:
        year === undefined
          ? `这份计划的日期都已过去：最晚的截止日期是 ${latest}，今天是 ${today}。` +
            `要按这份计划督办今年的工作，加 --year ${today.slice(0, 4)}，把全部日期整体移到该年（月、日不变）`
          : `按 --year ${year} 移动后，最晚的截止日期 ${latest} 仍早于今天 ${today}：选一个更晚的年份`,
    });
  } else {
    const past = prepared.filter((p) => p.due < today).map((p) => p.task.ref);
    if (past.length > 0) {
      warnings.push({
        code: 'ITEMS_PAST_DUE',
        message:
          `${past.length} 项任务的截止日期早于今天（${today}）：${some(past)}。启动后只设截止日一期，随即计为逾期；` +
          '若非本意，在任务表中改正截止日期，或用 --year 移动计划',
      });
    }
  }
  if (continuous.length > 0) {
    warnings.push({
      code: 'CONTINUOUS_TO_YEAR_END',
      message:
        `${continuous.length} 项持续性任务（持续推进、长期坚持）没有截止日期：本轮督办到 ${dateLabel(yearEnd)}为止，` +
        `按期报送进展（${some(continuous)}）；下一年度另启一轮`,
    });
  }
  if (recurring.length > 0) {
    const kinds = [
      ...new Set(prepared.filter((p) => recurring.includes(p.task.ref)).map((p) => p.task.deadline.every)),
    ];
    warnings.push({
      code: 'RECURRING_TO_YEAR_END',
      message:
        `${recurring.length} 项周期性任务（${kinds.map((k) => EVERY_LABEL[k ?? ''] ?? k).join('、')}）` +
        `按周期逐期督办到 ${dateLabel(yearEnd)}，每期一报（${some(recurring)}）`,
    });
  }

  // units: directory names, collectives expanded
  const planUnits = new Map(plan.units.map((u) => [u.name, u]));
  const resolved = new Map<string, string[] | null>();
  const missingGroups = new Map<string, string[]>();
  const notInDirectory: string[] = [];
  const renamed: string[] = [];
  const expanded: LaunchProblem[] = [];
  const unitsOf = (name: string, ref: string): string[] => {
    if (!resolved.has(name)) {
      const known = planUnits.get(name);
      const match = directory.resolve(name, {
        aliases: known?.aliases ?? [],
        collective: known?.collective ?? isCollectiveName(name),
      });
      if (match.kind === 'unit') {
        resolved.set(name, [match.unit.name]);
        if (match.unit.name !== name) renamed.push(`${name} → ${match.unit.name}`);
      } else if (match.kind === 'group') {
        resolved.set(name, match.group.members);
        const partial = /相关|有关/.test(name)
          ? `；“${/相关/.test(name) ? '相关' : '有关'}”若只指其中一部分，在任务表中直接写出这些单位`
          : '';
        expanded.push({
          code: 'COLLECTIVE_EXPANDED',
          message:
            `“${name}”按单位名录展开为分组“${match.group.name}”的全部 ${match.group.members.length} 个单位` +
            `（${some(match.group.members, 12, '个')}）${partial}`,
        });
      } else if (known?.collective ?? isCollectiveName(name)) {
        resolved.set(name, null);
      } else {
        resolved.set(name, [name]);
        notInDirectory.push(name);
      }
    }
    const units = resolved.get(name) ?? null;
    if (units === null) {
      const refs = missingGroups.get(name) ?? [];
      if (!refs.includes(ref)) refs.push(ref);
      missingGroups.set(name, refs);
    }
    return units ?? [];
  };

  // every task's units, those refused for other reasons too: one launch attempt names every collective to define
  const unitsOfTask = plan.tasks.map((task) => {
    const leads = [...new Set(task.lead.flatMap((n) => unitsOf(n, task.ref)))];
    const cooperating = [...new Set(task.cooperating.flatMap((n) => unitsOf(n, task.ref)))];
    return { leads, cooperating: cooperating.filter((u) => !leads.includes(u)) };
  });

  const items: LaunchItem[] = [];
  const collisions: Array<{ ref: string; key: string; kept: string; dropped: string }> = [];
  const afterDue = new Map<string, { label: string; refs: string[] }>();
  for (const p of prepared) {
    if (!p.ok) continue;
    const { task } = p;
    const { leads, cooperating } = unitsOfTask[p.index]!;
    const { periods, collisions: c, afterDue: late } = itemPeriods(p.sources, p.due, today);
    for (const x of c) collisions.push({ ref: task.ref, ...x });
    for (const period of late) {
      const key = `${period.due}|${period.key}`;
      const entry = afterDue.get(key) ?? { label: `${period.due}（${period.label}）`, refs: [] };
      if (!entry.refs.includes(task.ref)) entry.refs.push(task.ref);
      afterDue.set(key, entry);
    }
    for (const unit of leads) {
      items.push({
        assignmentId: `${cycleId}:${task.ref}:${unit}`,
        ref: task.ref,
        title: task.title,
        text: task.text,
        unit,
        cooperating: [...cooperating],
        deadlineText: task.deadline.text,
        due: p.due,
        periods: periods.map((period) => ({ ...period })),
        targets: task.targets.map((target) => ({ ...target })),
      });
    }
  }

  if (missingGroups.size > 0) {
    const list = [...missingGroups].map(([name, refs]) => `  ${name}（任务 ${some(refs, 5)}）`);
    errors.push({
      code: 'COLLECTIVE_WITHOUT_GROUP',
      message:
        `${missingGroups.size} 个集合名称在单位名录中没有对应的分组，无法展开到具体单位：\n${list.join('\n')}\n` +
        '在单位名录文件中，为每个成员单位的“所属分组”列写上这个名称（“各区人民政府”“各区政府”“各区”都可对应同一分组），' +
        '用 duban units import 导入后再启动',
    });
  }
  if (collisions.length > 0) {
    const first = collisions[0]!;
    warnings.push({
      code: 'PERIOD_KEY_COLLISION',
      message:
        `报送要求中有两个日期落在同一报送期（如任务 ${first.ref} 的 ${first.key}：${first.dropped} 与 ${first.kept}），` +
        `每期只报一次，取较晚的日期；共 ${collisions.length} 处。如需分开报送，修改计划的报送要求`,
    });
  }
  for (const entry of afterDue.values()) {
    warnings.push({
      code: 'RULE_DATE_AFTER_DUE',
      message:
        `报送日 ${entry.label}晚于 ${entry.refs.length} 项任务的截止日期（${some(entry.refs)}），这些任务不设该期，` +
        `改在截止日报送最后一次；如要按该日报送，在任务表中把它们的截止日期改为 ${entry.label.slice(0, 10)}`,
    });
  }
  warnings.push(...expanded);
  if (renamed.length > 0) {
    warnings.push({
      code: 'UNITS_MATCHED_BY_ALIAS',
      message: `${renamed.length} 个单位按单位名录中的名称建立收件箱：${some(renamed, 12, '个')}`,
    });
  }
  if (directory.size === 0) {
    warnings.push({
      code: 'DIRECTORY_EMPTY',
      message: '单位名录为空：各单位按计划中的写法建立收件箱。用 duban units import 导入名录，使单位名称在各计划间一致',
    });
  } else if (notInDirectory.length > 0) {
    warnings.push({
      code: 'UNITS_NOT_IN_DIRECTORY',
      message:
        `${notInDirectory.length} 个单位不在单位名录中，按计划中的写法建立收件箱：${some(notInDirectory, 12, '个')}。` +
        '若名录中另有名称，把计划中的写法加为该单位的别名后重新导入',
    });
  }

  if (directory.size > 0 && items.length > 0) {
    const told = [...new Set(items.flatMap((i) => [i.unit, ...i.cooperating]))];
    const silent = unitsWithoutChannel(directory.units(), told);
    if (silent.length > 0) {
      warnings.push({
        code: 'UNITS_WITHOUT_CHANNEL',
        message:
          (silent.length === told.length
            ? `${told.length} 个单位都没有通知渠道`
            : `${silent.length} 个单位没有通知渠道：${some(silent, 12, '个')}`) +
          '，其通知只在系统收件箱中可见。要发邮件或群消息，在单位名录中补上联络员邮箱或钉钉、企业微信机器人、Webhook 地址，' +
          '用 duban units import 导入（已启动的督办此后的通知即按新名录发送）',
      });
    }
  }

  const launch: LaunchPlan = { items: errors.length > 0 ? [] : items, errors, warnings };
  if (yearValid) launch.yearShift = shift;
  return launch;
}

/** `s` padded with spaces to `columns` terminal columns (a Chinese character takes two). */
function padDisplay(s: string, columns: number): string {
  const width = [...s].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
  return s + ' '.repeat(Math.max(0, columns - width));
}

/** Counts per unit, each unit's first report day, then warnings and errors: what `cycle launch --dry-run` prints. */
export function formatDryRun(plan: LaunchPlan): string {
  const out: string[] = ['试运行：不启动任何督办事项。'];
  const shift = describeYearShift(plan);
  if (shift) out.push(shift);
  if (plan.errors.length > 0) {
    out.push('', `有 ${plan.errors.length} 个错误，不能启动；改正后再运行：`);
    for (const e of plan.errors) out.push(`  [${e.code}] ${e.message.replace(/\n/g, '\n    ')}`);
  } else {
    const units = new Map<string, { count: number; first: ReportingPeriod }>();
    for (const item of plan.items) {
      const first = item.periods[0]!;
      const u = units.get(item.unit);
      if (!u) units.set(item.unit, { count: 1, first });
      else {
        u.count += 1;
        if (first.due < u.first.due) u.first = first;
      }
    }
    const tasks = new Set(plan.items.map((i) => i.ref)).size;
    const days = [...new Set(plan.items.flatMap((i) => i.periods.map((p) => p.due)))].sort();
    out.push(
      `将启动 ${plan.items.length} 项督办（${tasks} 项任务，每个牵头单位一项），涉及 ${units.size} 个单位；` +
        `报送日 ${days.length} 个，最早 ${days[0] ?? '—'}，最晚 ${days.at(-1) ?? '—'}。`,
      '',
      '各单位（督办项数、首个报送日）：',
    );
    const rows = [...units].sort((a, b) => b[1].count - a[1].count);
    const width = String(rows[0]?.[1].count ?? 0).length;
    for (const [unit, u] of rows) {
      out.push(`  ${String(u.count).padStart(width)} 项  ${u.first.due} ${padDisplay(u.first.label, 14)}  ${unit}`);
    }
  }
  if (plan.warnings.length > 0) out.push('', formatWarnings(plan));
  return `${out.join('\n')}\n`;
}

/** The plan's dates moved by `--year`, said in a sentence; undefined when they were not moved. */
export function describeYearShift(plan: Pick<LaunchPlan, 'yearShift'>): string | undefined {
  if (plan.yearShift === undefined || plan.yearShift === 0) return undefined;
  return `计划日期已整体${plan.yearShift > 0 ? '后' : '前'}移 ${Math.abs(plan.yearShift)} 年（月、日不变）。`;
}

/** The launch's warnings, one line each under a count: what a dry run and a launch both print. */
export function formatWarnings(plan: Pick<LaunchPlan, 'warnings'>): string {
  return [`提示（${plan.warnings.length} 条）：`, ...plan.warnings.map((w) => `  [${w.code}] ${w.message}`)].join('\n');
}

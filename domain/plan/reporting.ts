/**
 * Reporting rules (报送要求) stated anywhere in the document, the cover notice included: "每季度末将任务完成情况报…办公室",
 * "于7月15日和次年1月15日前分别将上半年…和全年…报…", stamped (加盖公章) and electronic (电子文档). They become a
 * schedule of report days in the plan year that a cycle can use.
 */
import { addDays, isoDate, monthEnd } from '../calendar';
import { arabicDates } from './chinese-numerals';
import { findDatePoints } from './deadline';
import type { SourceLine } from './normalize';
import type { ReportFrequency, ReportingRule } from './schema';

/* 报 as a verb towards a body: 报送, 上报, 报市…办公室, 报至/报给 */
const REPORT_VERB = /(报送|上报|报至|报给|报告给|报(?=[省市县区国各本]))/;

/* A clause that sets a period of its own: 每月, 每季度(末), 每半年, 每年…前 */
const PERIODIC = /每月|按月|每季|按季|季度末|每半年|每年|年底前|年终/;

function frequencyOf(s: string): ReportFrequency | null {
  if (/每月|按月|月度/.test(s)) return 'monthly';
  if (/每季|按季|季度末|季度结束|季度/.test(s)) return 'quarterly';
  if (/每半年|半年|上半年/.test(s)) return 'half-yearly';
  if (/每年|全年|年度|年底|年终/.test(s)) return 'annual';
  return null;
}

/** Report days for a frequency in the plan year, honouring "结束后N日内" / "每月N日前". */
function scheduleOf(freq: ReportFrequency, s: string, planYear: number): string[] {
  const after = /(?:结束后|后)\s*(\d{1,2})\s*(?:日|天|个工作日)(?:内|前)?/.exec(s);
  const offset = after ? Number(after[1]) : 0;
  switch (freq) {
    case 'monthly': {
      const day = /每月\s*(\d{1,2})\s*[日号]/.exec(s);
      return Array.from({ length: 12 }, (_, i) =>
        day ? isoDate(planYear, i + 1, Math.min(Number(day[1]), 28)) : addDays(monthEnd(planYear, i + 1), offset),
      );
    }
    case 'quarterly':
      return [3, 6, 9, 12].map((m) => addDays(monthEnd(planYear, m), offset));
    case 'half-yearly':
      return [6, 12].map((m) => addDays(monthEnd(planYear, m), offset));
    case 'annual': {
      // "每年12月15日前" names the day; otherwise the year's end
      const day = /(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/.exec(s);
      if (day) return [isoDate(planYear, Number(day[1]), Number(day[2]))];
      return [addDays(monthEnd(planYear, 12), offset)];
    }
    case 'once':
      return [];
    default: {
      const never: never = freq;
      return never;
    }
  }
}

function recipientOf(s: string): string | null {
  const m =
    /(?:报送|上报|报至|报给|报)\s*((?:[省市县区国]|各)[^,;。、()]{1,30}(?:办公室|领导小组|委员会|办|局|委|厅|政府))/.exec(
      s,
    );
  return m ? m[1]! : null;
}

/** Period words paired with "分别" dates: 上半年 → half-yearly, 全年 → annual… */
function periodWords(s: string): ReportFrequency[] {
  const out: ReportFrequency[] = [];
  for (const m of s.matchAll(/(上半年|下半年|半年|全年|年度|第?[一二三四]季度|季度|月度)/g)) {
    const w = m[1]!;
    out.push(
      /半年/.test(w) && w !== '下半年'
        ? 'half-yearly'
        : /季度/.test(w)
          ? 'quarterly'
          : /月/.test(w)
            ? 'monthly'
            : 'annual',
    );
  }
  return out;
}

/**
 * Every reporting rule in the document. Sentences holding an item's own rule (`itemClauses`, see
 * {@link itemReporting}) are that item's, not the whole plan's.
 */
export function findReportingRules(
  lines: SourceLine[],
  planYear: number,
  itemClauses: ReadonlySet<string> = new Set(),
): ReportingRule[] {
  const rules: ReportingRule[] = [];
  for (const l of lines) {
    if (!REPORT_VERB.test(l.norm)) continue;
    const sentences = l.norm.split(/(?<=。)/);
    const shown = l.text.split(/(?<=。)/);
    sentences.forEach((sentence, k) => {
      if (!REPORT_VERB.test(sentence)) return;
      if ([...itemClauses].some((c) => sentence.includes(c))) return;
      const s = arabicDates(sentence);
      const text = (shown[k] ?? sentence).trim();
      const stamped = /盖章|加盖[^,;。]{0,6}(公章|印章)/.test(s);
      const electronic = /电子(文档|版|文件|稿)|电子邮件|邮箱/.test(s);
      const recipient = recipientOf(s);
      const dated = s.replace(/(每季度?|每月|每半年|每年)[^,;。]*/g, (m) => ' '.repeat(m.length));
      // report days are written with a month (7月15日前, 次年1月15日前); "2013年上半年" names the period reported on
      const points = findDatePoints(dated, planYear).filter((p) => /月/.test(dated.slice(p.index, p.index + p.length)));
      const base = { text, line: l.no, recipient, stamped, electronic };
      if (points.length > 0 && !/每(月|季|半年|年)/.test(s)) {
        const periods = periodWords(s.slice(Math.max(0, s.indexOf('分别'))));
        if (/分别/.test(s) && periods.length >= points.length) {
          points.forEach((p, i) => rules.push({ ...base, frequency: periods[i]!, dueDates: [p.iso] }));
        } else {
          rules.push({ ...base, frequency: frequencyOf(s) ?? 'once', dueDates: points.map((p) => p.iso) });
        }
        return;
      }
      // one rule per clause that names a period and a report: "每月5日前…报省质量办,每半年报送一次总结"
      const clauses = s.split(/[,;]/);
      const seen = new Set<ReportFrequency>();
      clauses.forEach((c, i) => {
        if (!PERIODIC.test(c)) {
          // a dated report beside a periodic one: "每月25日前报…,12月10日前报送全年工作总结"
          const days = findDatePoints(c, planYear).filter((p) => /月/.test(c.slice(p.index, p.index + p.length)));
          const freq = frequencyOf(c) ?? 'once';
          if (days.length > 0 && REPORT_VERB.test(c) && !seen.has(freq)) {
            seen.add(freq);
            rules.push({ ...base, frequency: freq, dueDates: days.map((p) => p.iso) });
          }
          return;
        }
        // the next clause carries the report only when it sets no period of its own ("每季度末,将…报送…"); else
        // "办公室每半年开展一次督查,各单位每年12月15日前报…" would make the inspection a report
        const next = clauses[i + 1] ?? '';
        const scope = PERIODIC.test(next) ? c : `${c},${next}`;
        if (!REPORT_VERB.test(scope)) return;
        const freq = frequencyOf(c);
        if (freq === null || seen.has(freq)) return;
        seen.add(freq);
        rules.push({ ...base, frequency: freq, dueDates: scheduleOf(freq, scope, planYear) });
      });
    });
  }
  return rules;
}

/* Recurring work in an item's words: "每季度开展一次…", "每半年报送…", "每年专题研究…". */
const RECURRING_WORK = /每月|按月|每季度?|按季度?|每半年|每年|每一年/;
const FREQUENCY_ORDER: ReportFrequency[] = ['monthly', 'quarterly', 'half-yearly', 'annual'];

/**
 * An item's own reporting rule, from recurring work in its own words (`norm`, the item's text without its
 * responsibility clause, and `shown`, the same text as written): the most frequent period named, its report days in
 * the plan year up to the item's due day. A sentence addressed to every unit ("各单位每月5日前将…报…") is the whole
 * plan's rule instead. The rule's `text` is the clause; `line` is the item's line.
 */
export function itemReporting(
  norm: string,
  shown: string,
  line: number,
  planYear: number,
  due: string | null,
): ReportingRule | null {
  let best: { freq: ReportFrequency; from: number; to: number } | null = null;
  for (const sentence of norm.matchAll(/[^。\n]+/g)) {
    if (!RECURRING_WORK.test(sentence[0]) || /^\s*(请)?(各|全市各|全省各|全县各)/.test(sentence[0])) continue;
    for (const clause of sentence[0].matchAll(/[^,;:]+/g)) {
      if (!RECURRING_WORK.test(clause[0])) continue;
      const freq = frequencyOf(clause[0]);
      if (freq === null || freq === 'once') continue;
      if (best === null || FREQUENCY_ORDER.indexOf(freq) < FREQUENCY_ORDER.indexOf(best.freq)) {
        const from = sentence.index + clause.index;
        best = { freq, from, to: from + clause[0].length };
      }
    }
  }
  if (best === null) return null;
  const clause = arabicDates(norm.slice(best.from, best.to));
  const days =
    best.freq === 'annual'
      ? findDatePoints(clause, planYear).filter((p) => /月/.test(clause.slice(p.index, p.index + p.length)))
      : [];
  let dueDates = days.length > 0 ? [days[0]!.iso] : scheduleOf(best.freq, clause, planYear);
  if (due !== null) dueDates = dueDates.filter((d) => d <= due).concat(dueDates.some((d) => d <= due) ? [] : [due]);
  return {
    text: shown.slice(best.from, best.to).trim(),
    line,
    frequency: best.freq,
    dueDates,
    recipient: recipientOf(clause),
    stamped: /盖章|加盖[^,;。]{0,6}(公章|印章)/.test(clause),
    electronic: /电子(文档|版|文件|稿)|电子邮件|邮箱/.test(clause),
  };
}

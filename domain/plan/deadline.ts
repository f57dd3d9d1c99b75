/**
 * Deadlines (完成时限) read from the plan's own words. The text is kept; its meaning becomes a kind and a due day so a
 * cycle can schedule reminders. Recognised: dates (2017年12月底之前, 6月30日前, 年底前, 上半年, 第三季度), recurring work
 * (每年4月底之前, 每年, 每季度), continuous work (持续推进, 长期坚持), staged results (…前取得阶段性成果), Chinese numerals.
 */
import { isoDate, isRealDate, monthEnd } from '../calendar';
import { arabicDates, chineseToNumber } from './chinese-numerals';
import type { Deadline, Period } from './schema';

interface DatePoint {
  iso: string;
  index: number;
  length: number;
}

/*
 * One date expression: an exact day, a month (底/末/上旬…), a year's end, a half-year or a quarter. Every part is
 * optional, so the pattern would match the empty string at each character of the text; the lookahead lets it start
 * only at a character one of its parts can start with, and so skips the rest without building a match for each.
 */
const DATE_POINT =
  /(?=[次明下翌今当本年上底末第一二三四\d])(?:(?:(次年|明年|下一年|翌年|今年|当年|本年)|(\d{4})\s*年)\s*)?(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|(底|末|份|中旬|上旬|下旬|初))?|(上半年|下半年|年底|年末|年内|底|末)|(?:第?([一二三四1-4])\s*季度(?:末|底)?))?/g;

/** Every date point in `s` (already in Arabic numerals), resolving a missing year to the plan year. */
export function findDatePoints(s: string, planYear: number): DatePoint[] {
  const out: DatePoint[] = [];
  for (const m of s.matchAll(DATE_POINT)) {
    const [whole, rel, year, month, day, monthPart, yearPart, quarter] = m;
    if (whole.trim() === '') continue;
    const hasYear = rel !== undefined || year !== undefined;
    const next = rel !== undefined && !/今年|当年|本年/.test(rel);
    const y = next ? planYear + 1 : year !== undefined ? Number(year) : planYear;
    let iso: string;
    if (month !== undefined) {
      const mo = Number(month);
      if (mo < 1 || mo > 12) continue;
      if (day !== undefined) {
        const d = Number(day);
        if (!isRealDate(y, mo, d)) continue;
        iso = isoDate(y, mo, d);
      } else if (monthPart === '上旬' || monthPart === '初') {
        iso = isoDate(y, mo, 10);
      } else if (monthPart === '中旬') {
        iso = isoDate(y, mo, 20);
      } else {
        iso = monthEnd(y, mo);
      }
    } else if (yearPart !== undefined) {
      if ((yearPart === '底' || yearPart === '末') && !hasYear) continue; // a bare 底 is no date
      iso = yearPart === '上半年' ? isoDate(y, 6, 30) : isoDate(y, 12, 31);
    } else if (quarter !== undefined) {
      const q = chineseToNumber(quarter) ?? 4;
      iso = monthEnd(y, q * 3);
    } else if (year !== undefined) {
      iso = isoDate(y, 12, 31); // "2018年" alone: by the end of that year
    } else {
      continue;
    }
    out.push({ iso, index: m.index, length: whole.length });
  }
  return out;
}

const CONTINUOUS = /持续推进|长期坚持|长期推进|持续开展|长期开展|长期|持续|常态化|经常性/;
const STAGED = /阶段性(成果|进展|成效)|阶段目标|初见成效|取得(明显)?成效/;

/** The period a recurring phrase names ("每年", "每季度"…), or null. */
function recurringPeriod(s: string): Period | null {
  if (/每月|按月/.test(s)) return 'month';
  if (/每季度?|按季度?|季度末/.test(s)) return 'quarter';
  if (/每半年|半年一次/.test(s)) return 'half-year';
  if (/每年|按年|每一年/.test(s)) return 'year';
  return null;
}

/** First occurrence of a recurring deadline in the plan year. */
function firstOccurrence(period: Period, planYear: number, point: DatePoint | undefined): string {
  if (point !== undefined) return point.iso;
  switch (period) {
    case 'month':
      return monthEnd(planYear, 1);
    case 'quarter':
      return monthEnd(planYear, 3);
    case 'half-year':
      return monthEnd(planYear, 6);
    case 'year':
      return monthEnd(planYear, 12);
    default: {
      const never: never = period;
      return never;
    }
  }
}

/** The deadline an item gets when the plan names none: the end of the plan year. */
export function defaultDeadline(planYear: number, text = ''): Deadline {
  return { text, kind: 'default', due: isoDate(planYear, 12, 31) };
}

/**
 * Read a deadline phrase ("完成时限:" value, a table cell, or a phrase found in the text). Returns null when the words
 * name no time the grammar can place, so the caller can warn instead of guessing.
 */
export function parseDeadline(text: string, planYear: number): Deadline | null {
  const written = text.trim();
  if (written === '') return defaultDeadline(planYear);
  const s = arabicDates(written);
  const points = findDatePoints(s, planYear);
  const period = recurringPeriod(s);
  if (STAGED.test(s) && points.length > 0) {
    const last = points[points.length - 1]!;
    const stage = s
      .slice(last.index + last.length)
      .replace(/^\s*(之|以)?前\s*[,，]?\s*/, '')
      .trim();
    return { text: written, kind: 'staged', due: last.iso, stage: stage || '取得阶段性成果' };
  }
  if (period !== null) {
    return { text: written, kind: 'recurring', due: firstOccurrence(period, planYear, points[0]), every: period };
  }
  if (points.length > 0) {
    const due = points[points.length - 1]!.iso;
    if (points.length === 1) return { text: written, kind: 'date', due };
    return { text: written, kind: 'date', due, milestones: points.map((p) => p.iso) };
  }
  if (CONTINUOUS.test(s)) return { text: written, kind: 'continuous', due: null, every: 'quarter' };
  return null;
}

/*
 * A deadline phrase inside running text: a date followed by 前/之前/以前, e.g. "于2017年6月底前完成", or a date
 * directly followed by the verb that finishes the work ("2016年上半年完成A级景区复核", "年内完成…"). The year may be
 * relative to the plan's (明年3月底前, 今年6月底前); the point may be a quarter (第三季度前) or part of a month (9月中旬前).
 */
const TEXT_YEAR = '(?:\\d{4}\\s*年|次年|明年|翌年|下一年|今年|当年|本年)';
const TEXT_POINT =
  '(?:\\d{1,2}\\s*月\\s*(?:\\d{1,2}\\s*[日号]|底|末|份|上旬|中旬|下旬|初)?|年底|年末|上半年|下半年|年内|底|第?[一二三四1-4]\\s*季度(?:末|底)?)';
const TEXT_DEADLINE = new RegExp(
  `(?:(?:于|在|到|至)\\s*)?((?:(?:${TEXT_YEAR}\\s*)?${TEXT_POINT}|${TEXT_YEAR}\\s*内)` +
    `(?:\\s*(?:和|、|及)\\s*(?:${TEXT_YEAR})?\\s*\\d{1,2}\\s*月\\s*(?:\\d{1,2}\\s*[日号]|底|末)?)*)` +
    `\\s*(?:(?:之|以)?前|(?=完成|建成|出台|实现|制定|印发))`,
);

/* Continuous work said as the item's closing clause: "…开展质量宣传活动,长期坚持。" */
const TEXT_CONTINUOUS = /(?:^|[,;。])\s*(长期坚持|持续推进|长期开展|持续开展|常态化开展)\s*[。;.]?\s*$/;

/** A deadline stated inside an item's prose ("2017年12月底前完成", "…,长期坚持。"), or null. */
export function findDeadlineInText(text: string, planYear: number): Deadline | null {
  const s = arabicDates(text);
  const m = TEXT_DEADLINE.exec(s);
  if (!m || m[1] === undefined) {
    const c = TEXT_CONTINUOUS.exec(s.trim());
    return c ? parseDeadline(c[1]!, planYear) : null;
  }
  const phrase = m[0].replace(/^(于|在|到|至)\s*/, '');
  const d = parseDeadline(phrase, planYear);
  return d && d.kind !== 'default' ? d : null;
}

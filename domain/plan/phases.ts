/**
 * Phases (实施步骤 / 工作安排): the stages a plan names with their dates — "(一)动员部署阶段(2017年1月—3月)。…",
 * "第二阶段:集中整治(2019年5月至10月)", "1.部署启动阶段(2017年3月底前)". A coordinator schedules by them; they
 * assign no work, so they are never tasks.
 */
import { isoDate, isRealDate, monthEnd } from '../calendar';
import { arabicDates } from './chinese-numerals';
import type { Phase } from './schema';

/* A section that lays out the stages: "六、实施步骤", "四、进度安排", "(三)时间安排". */
const STEPS_HEADING =
  /^(实施步骤|工作步骤|方法步骤|步骤安排|推进步骤|实施阶段|阶段安排|时间安排|时间进度|进度安排|工作安排|工作进度|实施进度|时间步骤)[。.:]?$/;

/** Is this (normalised, after its number) the heading of a section that lays out the phases? */
export function isStepsHeading(head: string): boolean {
  return STEPS_HEADING.test(head.replace(/\s+/g, ''));
}

/* A phase's name: "动员部署阶段", "第一阶段", "第一阶段:动员部署". */
const PHASE_NAME = /^(第[一二三四五六七八九十\d]{1,2}阶段(?:[::]\s*[\u4e00-\u9fff]{2,12})?|[\u4e00-\u9fff]{2,12}阶段)/;

/* One point of a range: 2017年1月, 3月底, 10月中旬, 2018年, 1 (a month whose 月 comes after the range: 2017年1—3月). */
const POINT =
  /^(?:(\d{4})\s*年)?\s*(?:(\d{1,2})\s*(?:月\s*(?:(\d{1,2})\s*日|(底|末|初|上旬|中旬|下旬))?)?)?\s*(?:(底|末)\s*)?$/;

interface Point {
  year: number | null;
  month: number | null;
  day: number | null;
  part: string | null;
}

function readPoint(s: string): Point | null {
  const m = POINT.exec(s.trim());
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  return {
    year: m[1] !== undefined ? Number(m[1]) : null,
    month: m[2] !== undefined ? Number(m[2]) : null,
    day: m[3] !== undefined ? Number(m[3]) : null,
    part: m[4] ?? m[5] ?? null,
  };
}

function firstDay(p: Point, year: number): string | null {
  if (p.month === null) return isoDate(year, 1, 1);
  if (p.month < 1 || p.month > 12) return null;
  if (p.day !== null) return isRealDate(year, p.month, p.day) ? isoDate(year, p.month, p.day) : null;
  if (p.part === '中旬') return isoDate(year, p.month, 11);
  if (p.part === '下旬') return isoDate(year, p.month, 21);
  return isoDate(year, p.month, 1);
}

function lastDay(p: Point, year: number): string | null {
  if (p.month === null) return isoDate(year, 12, 31);
  if (p.month < 1 || p.month > 12) return null;
  if (p.day !== null) return isRealDate(year, p.month, p.day) ? isoDate(year, p.month, p.day) : null;
  if (p.part === '初' || p.part === '上旬') return isoDate(year, p.month, 10);
  if (p.part === '中旬') return isoDate(year, p.month, 20);
  return monthEnd(year, p.month);
}

/**
 * A date range as phases write it: "2017年1月—3月", "2017年1月~2017年4月", "2019年5月", "2017年3月底前",
 * "2017年11月至12月", "2017年1—3月". The start is null when only an end is named ("…前").
 */
export function readRange(raw: string, planYear: number): { start: string | null; end: string } | null {
  const s = arabicDates(raw).replace(/\s+/g, '');
  const before = /^(.*?)(?:之|以)?前$/.exec(s);
  const parts = (before ? before[1]! : s).split(/[—–\-~～至到]+/);
  if (parts.length > 2 || parts.some((p) => p === '')) return null;
  const left = readPoint(parts[0]!);
  const right = parts.length === 2 ? readPoint(parts[1]!) : left;
  if (!left || !right) return null;
  // "2017年1—3月": the left side's 月 comes after the range
  const year = left.year ?? right.year ?? planYear;
  const end = lastDay(right, right.year ?? year);
  if (end === null) return null;
  if (before) return { start: null, end };
  const start = firstDay(left, year);
  return start !== null && start <= end ? { start, end } : null;
}

/**
 * A phase from a heading line (`norm` after its number; `text` the whole line as written): its name, then its range
 * in brackets or after a colon. Inside a steps section the name may be any words ("准备工作(2017年1月)"); elsewhere it
 * must say 阶段.
 */
export function readPhase(
  norm: string,
  text: string,
  line: number,
  planYear: number,
  inStepsSection: boolean,
): Phase | null {
  const head = norm.trim();
  const named = head.includes('阶段') ? PHASE_NAME.exec(head) : null; // asked of every heading; few name a phase
  if (!named && !inStepsSection) return null;
  const rest = named ? head.slice(named[0].length) : head;
  const range = /^\s*[(]([^()]{4,30})[)]/.exec(rest) ?? /^\s*[::]?\s*([^,。;()]{4,30}?)(?=[,。;]|$)/.exec(rest);
  const dates = range ? readRange(range[1]!, planYear) : null;
  if (dates === null) return null;
  const name = named ? named[0].replace(/\s+/g, '') : head.slice(0, head.search(/[(::,。]/)).trim();
  if (name === '') return null;
  return { name, text: text.trim(), start: dates.start, end: dates.end, line };
}

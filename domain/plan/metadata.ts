/**
 * Plan metadata (计划信息) from the cover notice and heading: title, 文号, issuer, issue date, plan year. Read from the
 * lines before the first task heading; web-page noise around them is ignored by the shapes we look for. A government
 * site's metadata block (标题/发文机关/发文字号/成文日期, "key:value" on one line or the value on the next) is read
 * first when the page has one; its 发布日期 (the day the page went up) is never taken for the issue date.
 */
import { isoDate, isRealDate } from '../calendar';
import { arabicDates } from './chinese-numerals';
import { fold, type SourceLine } from './normalize';
import type { PlanWarning } from './schema';

export interface Metadata {
  title: string;
  docNumber: string | null;
  issuer: string | null;
  issuedOn: string | null;
  planYear: number | null;
}

const PLAN_SUFFIX =
  /(任务分解表|任务清单|责任分工表|分工方案|行动计划|工作计划|实施计划|推进计划|工作方案|实施方案|行动方案|工作要点|工作安排|实施意见|任务分工|计划|方案|要点)$/;
const ORG_SUFFIX = /(人民政府|政府|办公厅|办公室|领导小组|委员会|工作委员会|国务院|局|委|厅|办)$/;

/** 文号 such as 冀政办字〔2015〕84号, written with 〔〕, [] or () and sometimes without 号. */
const DOC_NUMBER = /([\u4e00-\u9fff]{2,10})\s*[〔[【(]\s*((?:19|20)\d{2})\s*[〕\]】)]\s*(\d{1,4})(\s*号)?/;
const DOC_NUMBERS = new RegExp(DOC_NUMBER.source, 'g');

/**
 * Read the metadata from the lines before the first task (`head`), warning about what is damaged. A plan signed
 * below its text has its signature in `tail` (the lines after the last task), read when the head has none.
 */
export function readMetadata(head: SourceLine[], warnings: PlanWarning[], tail: SourceLine[] = []): Metadata {
  const block = readWebBlock(head);
  const rest = head.filter((l) => !block.lines.has(l.no));
  const title = block.title ?? readTitle(rest);
  const docNumber = block.docNumber ?? readDocNumber(rest, warnings);
  let { issuedOn: signed, issuerLine } = readIssueDate(rest, warnings);
  if (signed === null) ({ issuedOn: signed, issuerLine } = readIssueDate(tail, warnings));
  const issuedOn = block.issuedOn ?? signed;
  const issuer = block.issuer ?? issuerLine ?? readIssuerFromNotice(rest);
  const planYear = yearOf(title) ?? (issuedOn ? Number(issuedOn.slice(0, 4)) : null) ?? yearOfDocNumber(docNumber);
  return { title, docNumber, issuer, issuedOn, planYear };
}

/* The fields of a government site's metadata block, spaces inside the key removed ("索 引 号" → 索引号). */
const WEB_KEYS = new Set([
  '标题',
  '发文机关',
  '发文字号',
  '文号',
  '成文日期',
  '发布日期',
  '生成日期',
  '索引号',
  '主题分类',
  '分类',
  '体裁分类',
  '发布机构',
  '公开方式',
  '公开范围',
  '公开时间',
  '主题词',
  '有效性',
  '时效',
  '文件编号',
]);
/* A key as the page writes it, spaced out to fill its column ("索 引 号:", "标  题:"); longest keys first. */
const WEB_KEY = new RegExp(
  `(${[...WEB_KEYS]
    .sort((a, b) => b.length - a.length)
    .map((k) => [...k].join('[ \\u3000]*'))
    .join('|')})[ \\u3000]*:[ \\u3000]*`,
  'g',
);

const WEB_KEY_START = new RegExp(`^${WEB_KEY.source}`);

interface WebBlock {
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  issuedOn: string | null;
  /** Line numbers the block takes (keys and values), which no other reader may use. */
  lines: Set<number>;
}

/** The "标  题:…  发文字号:…  成文日期:…" block a government site puts above the document. */
function readWebBlock(head: SourceLine[]): WebBlock {
  const fields = new Map<string, string>();
  const lines = new Set<number>();
  for (let i = 0; i < head.length; i++) {
    const l = head[i]!;
    // a key has its colon: lines without one never pay for the long pattern of spaced-out keys
    if (!l.norm.includes(':')) continue;
    const keys = [...l.norm.matchAll(WEB_KEY)];
    if (keys.length === 0 || keys[0]!.index !== 0) continue;
    lines.add(l.no);
    keys.forEach((k, j) => {
      const from = k.index! + k[0].length;
      const to = j + 1 < keys.length ? keys[j + 1]!.index! : l.norm.length;
      let value = l.text.slice(from, to).trim();
      // the value on a line of its own: "发文机关:" / "国务院办公厅"
      if (value === '' && j === keys.length - 1) {
        const next = head[i + 1];
        if (next && next.norm !== '' && !WEB_KEY_START.test(next.norm)) {
          value = next.text.trim();
          lines.add(next.no);
          i++;
        }
      }
      const key = k[1]!.replace(/[ \u3000]/g, '');
      if (value !== '' && !fields.has(key)) fields.set(key, value);
    });
  }
  const titleField = fields.get('标题') ?? null;
  const noticed = titleField ? /关于(?:印发|下发|转发)(.{4,80}?)的通知/.exec(titleField) : null;
  const numberField = fields.get('发文字号') ?? fields.get('文号') ?? null;
  const number = numberField ? DOC_NUMBER.exec(fold(numberField)) : null;
  return {
    title: noticed ? noticed[1]!.replace(/\s+/g, '').replace(/^《|》$/g, '') : titleField,
    docNumber: number ? `${number[1]}〔${number[2]}〕${number[3]}号` : null,
    issuer: fields.get('发文机关')?.replace(/\s+/g, '') ?? null,
    issuedOn: readDateValue(fields.get('成文日期') ?? ''),
    lines,
  };
}

/** "2014年04月16日", "2019-03-01", "2019/3/1" → YYYY-MM-DD, or null. */
function readDateValue(s: string): string | null {
  const m = /^((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?$/.exec(arabicDates(fold(s).trim()));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? isoDate(y, mo, d) : null;
}

function yearOf(title: string): number | null {
  const m = /((?:19|20)\d{2})\s*(?:年度?|-)(?![-—~至到]\s*(?:19|20)\d{2})/.exec(title.replace(/\([^)]*\)/g, ''));
  return m ? Number(m[1]) : null;
}

function yearOfDocNumber(doc: string | null): number | null {
  const m = doc ? /〔(\d{4})〕/.exec(doc) : null;
  return m ? Number(m[1]) : null;
}

/** The plan's title: the 《…计划》 the notice sends out, else "关于印发…的通知", else the heading line(s). */
function readTitle(head: SourceLine[]): string {
  for (const l of head) {
    for (const m of l.norm.matchAll(/《([^《》]{4,80})》/g)) {
      const t = m[1]!.replace(/\s+/g, '');
      if (PLAN_SUFFIX.test(t) && !t.includes('关于')) return t;
    }
  }
  for (let i = 0; i < head.length; i++) {
    // a title split over two lines: "…关于印发全国蔬菜质量安全" / "提升2014年工作安排的通知"
    const l = head[i]!.norm;
    const joined = /关于印发/.test(l) && !/的通知/.test(l) ? l + (head[i + 1]?.norm ?? '') : l;
    const m = /关于印发(.{4,80}?)的通知/.exec(joined);
    if (m) return m[1]!.replace(/\s+/g, '').replace(/^《|》$/g, '');
  }
  for (let i = 0; i < head.length; i++) {
    const t = head[i]!.norm.replace(/\s+/g, '');
    if (t.length > 0 && t.length <= 60 && PLAN_SUFFIX.test(t) && !/[。,]/.test(t)) {
      const prev = (head[i - 1]?.norm ?? '').replace(/\s+/g, '');
      // a title split over two lines; a breadcrumb above it ("首页 > 政务公开") is no part of it
      const joined =
        prev.length > 0 && prev.length <= 30 && !/[。,:>|_»/]/.test(prev) && !PLAN_SUFFIX.test(prev) ? prev + t : t;
      return joined;
    }
  }
  return '';
}

/** The first 文号 of the header that is not a citation of another document ("》(国发〔2012〕9号)"). */
function readDocNumber(head: SourceLine[], warnings: PlanWarning[]): string | null {
  for (const l of head) {
    for (const m of l.norm.matchAll(DOC_NUMBERS)) {
      const before = l.norm.slice(0, m.index).trimEnd();
      if (/》\s*\(?$/.test(before) || /[《]$/.test(before)) continue;
      const prefix = m[1]!.replace(/^(文号|发文字号|文件编号)/, '');
      if (prefix.length < 2) continue;
      if (m[4] === undefined) {
        warnings.push({
          line: l.no,
          message: `文号“${m[0].trim()}”缺了“号”字，已按 ${prefix}〔${m[2]}〕${m[3]}号 读取`,
        });
      }
      return `${prefix}〔${m[2]}〕${m[3]}号`;
    }
  }
  return null;
}

const DATE_LINE = /^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
const DAMAGED_DATE_LINE = /^((?:19|20)\d{2})\s*年\s*(\d{2,4})$/;

/** The signature date (成文日期): a line that is only a date; the line above it is the issuing body. */
function readIssueDate(
  head: SourceLine[],
  warnings: PlanWarning[],
): { issuedOn: string | null; issuerLine: string | null } {
  for (let i = 0; i < head.length; i++) {
    const l = head[i]!;
    const s = arabicDates(l.norm.replace(/\s+/g, ''));
    let issuedOn: string | null = null;
    const m = DATE_LINE.exec(s);
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (isRealDate(y, mo, d)) issuedOn = isoDate(y, mo, d);
    } else {
      const dm = DAMAGED_DATE_LINE.exec(s);
      if (dm) {
        issuedOn = recoverDamagedDate(Number(dm[1]), dm[2]!);
        warnings.push({
          line: l.no,
          message: issuedOn
            ? `成文日期“${l.text}”缺了“月”“日”，已按 ${issuedOn} 读取`
            : `成文日期“${l.text}”有字缺失，无法读取：请对照原文核对`,
        });
        if (!issuedOn) continue;
      }
    }
    if (issuedOn === null) continue;
    const prev = [head[i - 1], head[i - 2]].find((p) => p !== undefined && p.norm.length > 0);
    const org = prev?.norm.replace(/\s+/g, '') ?? '';
    return { issuedOn, issuerLine: org.length <= 30 && ORG_SUFFIX.test(org) && !/[:,。]/.test(org) ? org : null };
  }
  return { issuedOn: null, issuerLine: null };
}

/** "2017年612" → 2017-06-12 when only one split into month and day is a real date. */
function recoverDamagedDate(y: number, digits: string): string | null {
  const candidates: string[] = [];
  for (let k = 1; k < digits.length; k++) {
    const mo = Number(digits.slice(0, k));
    const d = Number(digits.slice(k));
    if (digits[k] !== '0' && isRealDate(y, mo, d)) candidates.push(isoDate(y, mo, d));
  }
  return candidates.length === 1 ? candidates[0]! : null;
}

/** "河北省人民政府办公厅关于印发…的通知" → 河北省人民政府办公厅. */
function readIssuerFromNotice(head: SourceLine[]): string | null {
  for (const l of head) {
    const m = /^(?:.*》)?\s*([\u4e00-\u9fff]{3,30}?)\s*关于(?:印发|下发|转发)/.exec(l.norm);
    if (m && ORG_SUFFIX.test(m[1]!)) return m[1]!;
  }
  for (const l of head) {
    const t = l.norm.replace(/\s+/g, '');
    if (t.length >= 4 && t.length <= 30 && ORG_SUFFIX.test(t) && !/[:,。]/.test(t)) return t;
  }
  return null;
}

/**
 * Responsibility (责任分工): who leads (牵头/负责/责任单位) and who cooperates (配合/参与/配合单位) on an item. The
 * documents say it in a few grammatical forms, read here without any list of known units:
 *   (市农委负责)  (市商务局牵头,市场监管局、市农委配合)  (A、B按职责分工负责)
 *   (责任单位:A;配合单位:B;完成时限:2017年12月底之前)   责任单位:A   牵头单位:A;参与单位:B   A、B负责落实。
 */

export interface Responsibility {
  /** Unit names as written (cleaned, not yet canonical). */
  lead: string[];
  cooperating: string[];
  /** 完成时限 value when the clause carries one. */
  deadlineText: string | null;
  /** Offset in the searched string where the clause starts (its opening bracket, key or first unit). */
  start: number;
}

const LEAD_KEY = '(?:主要)?(?:责任单位|牵头单位|负责单位|责任部门|牵头部门|主责单位|主办单位|承办单位|实施单位)';
const COOP_KEY = '(?:配合单位|参与单位|协办单位|配合部门|参与部门|协助单位|协同单位|协作单位)';
const TIME_KEY = '(?:完成时限|完成时间|时间要求|时限要求|完成期限|进度要求|时限|时间安排)';
const KEY = new RegExp(`(${LEAD_KEY}|${COOP_KEY}|${TIME_KEY})\\s*:`, 'g');
const LEAD_KEY_ONLY = new RegExp(`^${LEAD_KEY}$`);
const COOP_KEY_ONLY = new RegExp(`^${COOP_KEY}$`);

/* Role words that close a list of units, longest first. */
const ROLE_SUFFIX =
  /(按照?(?:各自)?职责分工(?:负责|落实)|按职能分工负责|按照?(?:各自)?职责负责|分工负责|共同负责|分别负责|具体负责|负责落实|牵头负责|牵头落实|负总责|负责|牵头|配合落实|配合|协助|参与|协同|协办)$/;

/* The role a suffix gives. */
function roleOf(suffix: string): 'lead' | 'cooperating' {
  return /配合|协助|参与|协同|协办/.test(suffix) && !/负责/.test(suffix) ? 'cooperating' : 'lead';
}

/** Split at top-level separators, keeping parenthesised parts ("县(市)") whole. */
export function splitTopLevel(s: string, seps: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('(〈<《[“'.includes(ch)) depth++;
    else if (')〉>》]”'.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && seps.test(ch)) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** The last bracketed group of a paragraph when nothing but punctuation follows it: where (…负责) sits. */
export function trailingGroup(s: string): { start: number; content: string } | null {
  let end = s.length - 1;
  while (end >= 0 && /[\s。.;,、!]/.test(s[end]!)) end--;
  if (end < 0 || s[end] !== ')') return null;
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    const ch = s[i]!;
    if (ch === ')') depth++;
    else if (ch === '(') {
      depth--;
      if (depth === 0) return { start: i, content: s.slice(i + 1, end) };
    }
  }
  return null;
}

const TIME_WORDS = /^(于|在)?\s*(\d{4}\s*年|\d{1,2}\s*月|年底|年内|上半年|下半年|每年|每季|每月|每半年|持续|长期)/;
const TIME_SEGMENT = new RegExp(`(?:^|[;,])\\s*${TIME_KEY}\\s*:\\s*([^;]*?)\\s*[。.]?\\s*(?=;|$)`);

/** Take a "完成时限:…" segment out of a clause: "(省工商局负责;完成时限:每季度)". */
function splitTime(s: string): { rest: string; deadlineText: string | null } {
  const m = TIME_SEGMENT.exec(s);
  if (!m) {
    // an unkeyed time at the end: "(市质监局负责,2017年底前完成)"
    const parts = splitTopLevel(s, /[,;]/);
    const last = parts[parts.length - 1]?.trim() ?? '';
    if (parts.length > 1 && last.length <= 30 && TIME_WORDS.test(last) && !ROLE_SUFFIX.test(last)) {
      return {
        rest: parts.slice(0, -1).join(',').trim(),
        deadlineText: last.replace(/^(于|在)/, '').replace(/完成$/, ''),
      };
    }
    return { rest: s, deadlineText: null };
  }
  return {
    rest: (s.slice(0, m.index) + s.slice(m.index + m[0].length)).replace(/^[;,\s]+|[;,\s]+$/g, ''),
    deadlineText: m[1]!.trim(),
  };
}

/** Does this bracket content or line name units and their roles? */
export function isResponsibilityText(s: string): boolean {
  const t = splitTime(s.trim()).rest.replace(/[。.;]$/, '');
  if (t.length === 0 || t.length > 400) return false;
  KEY.lastIndex = 0;
  if (new RegExp(`^(${LEAD_KEY}|${COOP_KEY})\\s*:`).test(t)) return true;
  const m = ROLE_SUFFIX.exec(t);
  if (!m) return false;
  const body = t.slice(0, m.index);
  // a list of names, not a sentence: no full stops, short parts
  if (/[。!?]/.test(body) || body.trim().length === 0) return false;
  return splitTopLevel(body, /[、,;]/).every((p) => p.trim().length > 0 && p.trim().length <= 40);
}

/** Parse the inside of a responsibility clause into raw lead/cooperating lists (and a 完成时限 if present). */
export function parseClause(content: string, firstListedLeads: boolean): Omit<Responsibility, 'start'> {
  const { rest, deadlineText: time } = splitTime(content.trim());
  const s = rest;
  const keys = [...s.matchAll(KEY)];
  if (keys.length > 0 && keys[0]!.index !== undefined && s.slice(0, keys[0]!.index).trim().length <= 1) {
    const lead: string[] = [];
    const cooperating: string[] = [];
    let deadlineText: string | null = time;
    keys.forEach((k, i) => {
      const from = (k.index ?? 0) + k[0].length;
      const to = i + 1 < keys.length ? (keys[i + 1]!.index ?? s.length) : s.length;
      const value = s
        .slice(from, to)
        .trim()
        .replace(/[;,。.]+$/, '')
        .trim();
      const key = k[1]!;
      if (LEAD_KEY_ONLY.test(key)) lead.push(...splitUnits(value));
      else if (COOP_KEY_ONLY.test(key)) cooperating.push(...splitUnits(value));
      else deadlineText = value;
    });
    return applyFirstListed({ lead, cooperating, deadlineText }, firstListedLeads);
  }
  const lead: string[] = [];
  const cooperating: string[] = [];
  let pending: string[] = [];
  let explicitSplit = false;
  for (const rawSeg of splitTopLevel(s.replace(/[。.]+$/, ''), /[,;]/)) {
    const seg = rawSeg.trim();
    if (seg === '') continue;
    const m = ROLE_SUFFIX.exec(seg);
    if (!m) {
      pending.push(...splitUnits(seg));
      continue;
    }
    const units = [...pending, ...splitUnits(seg.slice(0, m.index))];
    pending = [];
    const role = roleOf(m[1]!);
    if (role === 'cooperating' || /牵头/.test(m[1]!)) explicitSplit = true;
    (role === 'lead' ? lead : cooperating).push(...units);
  }
  if (pending.length > 0) (lead.length === 0 ? lead : cooperating).push(...pending);
  const r = { lead, cooperating, deadlineText: time };
  return explicitSplit ? r : applyFirstListed(r, firstListedLeads);
}

/** "排在第一位的为牵头单位": when the plan says so, only the first unit of an undivided list leads. */
function applyFirstListed(r: Omit<Responsibility, 'start'>, firstListedLeads: boolean): Omit<Responsibility, 'start'> {
  if (!firstListedLeads || r.cooperating.length > 0 || r.lead.length < 2) return r;
  return { ...r, lead: r.lead.slice(0, 1), cooperating: [...r.lead.slice(1), ...r.cooperating] };
}

/* 和/及/与 separate two units only between a unit's last character and the next unit's level word. */
const JOINER = /(?<=[府局委厅办会室院部处司队行社团所站心门位组])(?:以及|和|及|与)(?=[省市县区州各有相国中])/g;

/** A written list of units → cleaned names ("…等部门" dropped, "X等Y成员单位" kept as X and the collective Y). */
export function splitUnits(list: string): string[] {
  const out: string[] = [];
  const s = list.replace(/^(由|请)/, '').replace(JOINER, '、');
  for (const part of splitTopLevel(s, /[、,;/]/)) {
    out.push(...cleanUnit(part));
  }
  return out.filter((u) => u.length > 0);
}

const GENERIC_TAIL = /^(有关|相关|其他|其它)?(部门|单位|成员单位|部门单位|机构|方面|委办局)?$/;

/** One list item → one or two names: strip quotes, abbreviation definitions and a trailing 等/等部门. */
export function cleanUnit(raw: string): string[] {
  const s = raw
    .replace(/\s+/g, '')
    .replace(/[“”"'‘’]/g, '')
    .replace(/[(〈<《](?:以下|下文)?简称[^)〉>》]*[)〉>》]/g, '')
    .replace(/^(和|及|与|由|请|以及)/, '')
    .replace(/[。.;,:]+$/, '');
  const i = s.indexOf('等');
  if (i > 0) {
    const head = s.slice(0, i);
    const tail = s.slice(i + 1);
    if (GENERIC_TAIL.test(tail)) return [head];
    return [head, tail];
  }
  return s.length > 0 ? [s] : [];
}

/** 各区县政府, 质量强市各成员单位, 有关部门: stands for several units. */
export function isCollectiveName(name: string): boolean {
  return (
    /^(各|有关|相关|全市|全省|全区|全县|其他)/.test(name) ||
    /(成员单位|成员部门|有关部门|相关部门|有关单位|相关单位|各单位|各部门)$/.test(name) ||
    name.includes('各成员') ||
    name.includes('各区') ||
    name.includes('各县')
  );
}

/* The plan states once that the first-listed unit leads: "排在第一位的为牵头单位", "列第一位的为牵头部门". */
const FIRST_LISTED =
  /(第一位|首位|第一个|排名第一|列首位|排在前面|排第一)[^。]{0,12}(为|是)?(牵头|主要责任|主办)(单位|部门)/;

/** Does the plan say that the first unit of each list leads and the others cooperate? */
export function statesFirstListedLeads(text: string): boolean {
  return FIRST_LISTED.test(text);
}

/** A line of its own that names responsibility: "责任单位:…", "牵头单位:…;参与单位:…", "A、B负责落实。". */
export function isResponsibilityLine(norm: string): boolean {
  const t = norm.trim();
  if (new RegExp(`^[(]?(${LEAD_KEY}|${COOP_KEY})\\s*:`).test(t)) return true;
  if (t.length > 160) return false;
  return isResponsibilityText(t.replace(/^\(|\)[。.;]?$/g, ''));
}

/** A keyed line ("配合单位:…", "参与单位:…") that may follow another keyed line of the same item. */
export function isKeyedResponsibilityLine(norm: string): boolean {
  return new RegExp(`^[(]?(${LEAD_KEY}|${COOP_KEY})\\s*:`).test(norm.trim());
}

/** A line of its own that names only the deadline: "完成时限:2017年底前". */
export function deadlineLineValue(norm: string): string | null {
  const m = new RegExp(`^[(]?${TIME_KEY}\\s*:\\s*(.+?)[)。.;]*$`).exec(norm.trim());
  return m ? m[1]!.trim() : null;
}

/** Find a clause in an item's text: a trailing bracket group, a keyed clause inside the text, or a trailing sentence. */
export function findResponsibility(norm: string, firstListedLeads: boolean): Responsibility | null {
  const group = trailingGroup(norm);
  if (group && isResponsibilityText(group.content)) {
    return { ...parseClause(group.content, firstListedLeads), start: group.start };
  }
  // keyed clause inside the paragraph: "…。责任单位:市质监局;配合单位:…"
  const keyed = new RegExp(`(^|[。.;(\\s])((${LEAD_KEY})\\s*:)`).exec(norm);
  if (keyed) {
    const start = keyed.index + keyed[1]!.length;
    const content = norm.slice(start).replace(/\)[。.;]*$/, '');
    return { ...parseClause(content, firstListedLeads), start };
  }
  // last sentence "A、B负责落实。" / "(A负责)" without its closing bracket
  const sentences = splitTopLevel(norm.replace(/[。.]\s*$/, ''), /[。]/);
  const last = sentences[sentences.length - 1]?.trim() ?? '';
  if (sentences.length > 1 && last.length <= 160 && isResponsibilityText(last)) {
    return { ...parseClause(last, firstListedLeads), start: norm.lastIndexOf(last) };
  }
  return null;
}

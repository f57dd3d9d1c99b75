/**
 * Responsibility (责任分工): who leads (牵头/负责/责任单位) and who cooperates (配合/参与/配合单位) on an item. The
 * documents say it in a few grammatical forms, read here without any list of known units:
 *   (市农委负责)  (市商务局牵头,市场监管局、市农委配合)  (A、B按职责分工负责)  (A会同B负责)
 *   (责任单位:A;配合单位:B;完成时限:2017年12月底之前)   责任单位:A   牵头单位:A;参与单位:B   A、B负责落实。
 *   (A、B、C负责,排在第一位的部门为牵头部门,下同): the clause states the first-listed rule for itself and what follows.
 * Catch-all words among the units (有关部门, 各有关单位, 等有关部门) name no office anyone can remind: they are kept
 * apart as {@link CatchAll}, never as units.
 */

export type Role = 'lead' | 'cooperating';

/** A catch-all tail written among the units ("有关部门和单位配合"), with the role it was written in. */
export interface CatchAll {
  role: Role;
  text: string;
}

export interface Responsibility {
  /** Unit names as written (cleaned, not yet canonical). */
  lead: string[];
  cooperating: string[];
  /** 完成时限 value when the clause carries one. */
  deadlineText: string | null;
  /** Catch-all words written among the units, in order. */
  catchAll: CatchAll[];
  /** The clause itself says that the first-listed unit leads ("…负责。列第一位者为牵头单位,下同"). */
  statesFirstListed: boolean;
  /** Offset in the searched string where the clause starts (its opening bracket, key or first unit). */
  start: number;
}

type Clause = Omit<Responsibility, 'start'>;

const LEAD_KEY = '(?:主要)?(?:责任单位|牵头单位|负责单位|责任部门|牵头部门|主责单位|主办单位|承办单位|实施单位)';
const COOP_KEY = '(?:配合单位|参与单位|协办单位|配合部门|参与部门|协助单位|协同单位|协作单位)';
const TIME_KEY = '(?:完成时限|完成时间|时间要求|时限要求|完成期限|进度要求|时限|时间安排)';
/* Every clause says a role or a key: text without one of these words holds no clause (most prose lines). */
const ROLE_WORD = /负责|牵头|配合|协助|参与|协同|协办|落实|负总责|(单位|部门)\s*:/;
/* A key and its colon; which group matched tells the key's role (neither: the time). */
const KEY = new RegExp(`(?:(?<lead>${LEAD_KEY})|(?<coop>${COOP_KEY})|${TIME_KEY})\\s*:`, 'g');
const UNIT_KEY_START = new RegExp(`^(${LEAD_KEY}|${COOP_KEY})\\s*:`);
const KEYED_LINE = new RegExp(`^[(]?(${LEAD_KEY}|${COOP_KEY})\\s*:`);
const DEADLINE_LINE = new RegExp(`^[(]?${TIME_KEY}\\s*:\\s*(.+?)[)。.;]*$`);
const LEAD_KEY_INSIDE = new RegExp(`(^|[。.;(\\s])((${LEAD_KEY})\\s*:)`);

/* Role words that close a list of units, longest first. */
const ROLE_SUFFIX =
  /(按照?(?:各自)?职责分工(?:负责|落实)|按职能分工负责|按照?(?:各自)?职责负责|分工负责|共同负责|分别负责|具体负责|负责落实|牵头负责|牵头落实|负总责|负责|牵头|配合落实|配合|协助|参与|协同|协办)$/;

/* The role a suffix gives. */
function roleOf(suffix: string): 'lead' | 'cooperating' {
  return /配合|协助|参与|协同|协办/.test(suffix) && !/负责/.test(suffix) ? 'cooperating' : 'lead';
}

/** Split at top-level separators, keeping parenthesised parts ("县(市)") whole. */
export function splitTopLevel(s: string, seps: RegExp): string[] {
  // A hot loop of every clause: it slices parts out by index rather than gluing them char by char, and asks the
  // separator pattern only about characters that could be one (every separator is punctuation, never a Han
  // character), which keeps a document's first parse cheap while the code is still interpreted.
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch >= '\u4e00' && ch <= '\u9fff') continue;
    if ('(〈<《[“'.includes(ch)) depth++;
    else if (')〉>》]”'.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && seps.test(ch)) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
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
  const m = s.includes(':') ? TIME_SEGMENT.exec(s) : null; // a keyed time has its colon
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
  if (!ROLE_WORD.test(s)) return false;
  const t = splitTime(stripFirstListedStatement(s.trim()).rest).rest.replace(/[。.;]$/, '');
  if (t.length === 0 || t.length > 400) return false;
  KEY.lastIndex = 0;
  if (UNIT_KEY_START.test(t)) return true;
  const m = ROLE_SUFFIX.exec(t);
  if (!m) return false;
  const body = t.slice(0, m.index);
  // a list of names, not a sentence: no full stops, short parts
  if (/[。!?]/.test(body) || body.trim().length === 0) return false;
  return splitTopLevel(body, /[、,;]/).every((p) => p.trim().length > 0 && p.trim().length <= 40);
}

/* The plan states that the first-listed unit leads: "排在第一位的为牵头单位", "列第一位者为牵头单位". */
const FIRST_LISTED =
  /(第一位|首位|第一个|排名第一|列首位|排在前面|排第一)[^。]{0,12}(为|是)?(牵头|主要责任|主办)(单位|部门)/;

/**
 * Take the first-listed statement out of a clause: "A、B负责,排在第一位的部门为牵头部门,下同" → "A、B负责". National
 * documents state the rule once, inside the first item's own bracket, after a comma or a full stop; the units before
 * it are still that item's units.
 */
function stripFirstListedStatement(s: string): { rest: string; states: boolean } {
  if (!FIRST_LISTED.test(s)) return { rest: s, states: false };
  const segments = splitTopLevel(s, /[,;。]/);
  const at = segments.findIndex((seg) => FIRST_LISTED.test(seg));
  const tail = segments.slice(at + 1).map((seg) => seg.trim());
  // what may follow the statement: "下同", "其他为配合单位", "其余为配合部门"
  if (
    !tail.every((seg) => seg === '' || /^(下同|(其他|其余|其它)[^,;。]{0,10}(配合|参与|协办)(单位|部门))$/.test(seg))
  ) {
    return { rest: s, states: false };
  }
  return { rest: segments.slice(0, at).join(','), states: true };
}

/** Parse the inside of a responsibility clause into raw lead/cooperating lists (and a 完成时限 if present). */
export function parseClause(content: string, firstListedLeads: boolean): Clause {
  const statement = stripFirstListedStatement(content.trim());
  const firstListed = firstListedLeads || statement.states;
  const { rest, deadlineText: time } = splitTime(statement.rest.trim());
  const s = rest;
  const catchAll: CatchAll[] = [];
  const read = (list: string, role: Role): string[] => {
    const r = readUnitList(list);
    for (const text of r.catchAll) catchAll.push({ role, text });
    return r.units;
  };
  const keys = s.includes(':') ? [...s.matchAll(KEY)] : []; // every key has its colon
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
      if (k.groups?.lead !== undefined) lead.push(...read(value, 'lead'));
      else if (k.groups?.coop !== undefined) cooperating.push(...read(value, 'cooperating'));
      else deadlineText = value;
    });
    return applyFirstListed(
      { lead, cooperating, deadlineText, catchAll, statesFirstListed: statement.states },
      firstListed,
    );
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
      pending.push(seg);
      continue;
    }
    const role = roleOf(m[1]!);
    const list = seg.slice(0, m.index);
    // "A会同B负责": A leads, B cooperates
    const together = role === 'lead' ? list.indexOf('会同') : -1;
    if (together >= 0) {
      lead.push(...pending.flatMap((p) => read(p, 'lead')), ...read(list.slice(0, together), 'lead'));
      cooperating.push(...read(list.slice(together + 2), 'cooperating'));
      pending = [];
      explicitSplit = true;
      continue;
    }
    const units = [...pending, list].flatMap((p) => read(p, role));
    pending = [];
    // a cooperating group that is only a catch-all ("有关部门配合") does not divide the list
    if ((role === 'cooperating' && units.length > 0) || /牵头/.test(m[1]!)) explicitSplit = true;
    (role === 'lead' ? lead : cooperating).push(...units);
  }
  if (pending.length > 0) {
    const role: Role = lead.length === 0 ? 'lead' : 'cooperating';
    (role === 'lead' ? lead : cooperating).push(...pending.flatMap((p) => read(p, role)));
  }
  const r: Clause = { lead, cooperating, deadlineText: time, catchAll, statesFirstListed: statement.states };
  return explicitSplit ? r : applyFirstListed(r, firstListed);
}

/**
 * "排在第一位的为牵头单位": when the plan says so, only the first unit of an undivided list leads; the rest of the list,
 * a catch-all tail included ("A、B等有关部门负责"), cooperates.
 */
function applyFirstListed(r: Clause, firstListedLeads: boolean): Clause {
  if (!firstListedLeads || r.cooperating.length > 0 || r.lead.length === 0) return r;
  return {
    ...r,
    lead: r.lead.slice(0, 1),
    cooperating: r.lead.slice(1),
    catchAll: r.catchAll.map((c) => ({ ...c, role: 'cooperating' })),
  };
}

/*
 * 和/及/与 separate two units only between a unit's last character and the next unit's level word; after 等 they
 * always join two lists ("A、B等和各省级人民政府"), and before 各/有关 they always start a new list ("…和各有关单位").
 */
const JOINER =
  /(?<=[府局委厅办会室院部处司队行社团所站心门位组署联协央])(?:以及|和|及|与)(?=[省市县区州各有相国中])|等(?:以及|和|及|与)|(?:以及|和|及|与)(?=各|有关|相关)/g;

/** A written list of units → cleaned names ("…等部门" dropped, "X等Y成员单位" kept as X and the collective Y). */
export function splitUnits(list: string): string[] {
  return readUnitList(list).units;
}

/** A written list → its units and, apart, the catch-all words among them ("A、B等有关部门" → A, B; 有关部门). */
export function readUnitList(list: string): { units: string[]; catchAll: string[] } {
  const units: string[] = [];
  const catchAll: string[] = [];
  const written = list.replace(/^(由|请)/, '');
  // every joiner has 和, 及 or 与: a list without them is spared the lookbehinds
  const s = /[和及与]/.test(written) ? written.replace(JOINER, '、') : written;
  for (const part of splitTopLevel(s, /[、,;/]/)) {
    for (const name of cleanUnit(part)) {
      if (name.length === 0) continue;
      (isCatchAll(name) ? catchAll : units).push(name);
    }
  }
  return { units, catchAll };
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
    // "等部门" closes the list; "等有关部门" adds a catch-all to it
    if (GENERIC_TAIL.test(tail)) return /^(有关|相关|其他|其它)/.test(tail) ? [head, tail] : [head];
    return [head, tail];
  }
  return s.length > 0 ? [s] : [];
}

/*
 * A catch-all: a qualifier (有关/相关/其他) and a generic noun (部门/单位/方面/机构), perhaps after a level (省直, 市,
 * 各级) — "有关部门", "有关部门和单位", "各有关单位", "省直有关部门". A kind of body named after the qualifier
 * ("各有关省级人民政府") is a collective unit instead: the coordinator can expand it.
 */
const CATCH_ALL =
  /^(?:各级|市直|省直|县直|区直|市级|省级|县级|区级|中央|国家|[省市县区])?各?(?:其他|其它)?(?:有关|相关)?的?(?:部门|单位|方面|机构|成员单位|部门和单位|单位和部门|部门及单位|部门单位|委办局|企事业单位)$/;

/** Does this name stand for "whoever is concerned" rather than for an office? */
export function isCatchAll(name: string): boolean {
  // the qualifier first: most names have none, and the long pattern is then never run
  return /有关|相关|其他|其它/.test(name) && CATCH_ALL.test(name);
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

/** Does the plan say that the first unit of each list leads and the others cooperate? */
export function statesFirstListedLeads(text: string): boolean {
  return FIRST_LISTED.test(text);
}

/** A line of its own that names responsibility: "责任单位:…", "牵头单位:…;参与单位:…", "A、B负责落实。". */
export function isResponsibilityLine(norm: string): boolean {
  const t = norm.trim();
  if (KEYED_LINE.test(t)) return true;
  if (t.length > 160) return false;
  return isResponsibilityText(t.replace(/^\(|\)[。.;]?$/g, ''));
}

/** A keyed line ("配合单位:…", "参与单位:…") that may follow another keyed line of the same item. */
export function isKeyedResponsibilityLine(norm: string): boolean {
  return KEYED_LINE.test(norm.trim());
}

/** A line of its own that names only the deadline: "完成时限:2017年底前". */
export function deadlineLineValue(norm: string): string | null {
  if (!/时限|时间|期限|进度/.test(norm)) return null;
  const m = DEADLINE_LINE.exec(norm.trim());
  return m ? m[1]!.trim() : null;
}

/* Within one document the reader asks for the clause of the same text several times (to build the tree, pick tasks,
 * read deadlines, targets and reporting rules): the answers are remembered until the next document. */
const found = new Map<string, Responsibility | null>();

/** Forget the clauses remembered for the previous document (each parse starts afresh, and memory stays bounded). */
export function forgetClauses(): void {
  found.clear();
}

/** Find a clause in an item's text: a trailing bracket group, a keyed clause inside the text, or a trailing sentence. */
export function findResponsibility(norm: string, firstListedLeads: boolean): Responsibility | null {
  if (!ROLE_WORD.test(norm)) return null;
  const key = `${firstListedLeads ? 1 : 0}${norm}`;
  let r = found.get(key); // null when the text was read and holds no clause
  if (r === undefined) {
    r = readResponsibility(norm, firstListedLeads);
    if (found.size >= 4096) found.clear();
    found.set(key, r);
  }
  return r && { ...r, lead: [...r.lead], cooperating: [...r.cooperating], catchAll: [...r.catchAll] };
}

function readResponsibility(norm: string, firstListedLeads: boolean): Responsibility | null {
  const group = trailingGroup(norm);
  if (group && isResponsibilityText(group.content)) {
    return { ...parseClause(group.content, firstListedLeads), start: group.start };
  }
  // keyed clause inside the paragraph: "…。责任单位:市质监局;配合单位:…"
  const keyed = LEAD_KEY_INSIDE.exec(norm);
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

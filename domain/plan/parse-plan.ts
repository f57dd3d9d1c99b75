/**
 * Plan text → {@link ParsedPlan}. Pure: the caller passes the bytes or the text; nothing here reads files, clocks or
 * networks. The document is read by its grammar — numbering, the phrases that name responsibility and time — so it
 * works on plans of the family it has never seen.
 */
import { decodePlanBytes, type SourceEncoding } from './decode';
import { defaultDeadline, findDeadlineInText, parseDeadline } from './deadline';
import { isAttachmentEntry, isAttachmentList, isEndMatter } from './end-matter';
import { htmlToText } from './html';
import { PlanError } from './errors';
import { readMetadata } from './metadata';
import { fold, toSourceLines, type SourceLine } from './normalize';
import { isGroupLabel, numberToChinese, readGluedMarker, readMarker, type Marker, type MarkerKind } from './numbering';
import { findReportingRules } from './reporting';
import {
  deadlineLineValue,
  findResponsibility,
  forgetClauses,
  isKeyedResponsibilityLine,
  isResponsibilityLine,
  parseClause,
  statesFirstListedLeads,
  type CatchAll,
  type Responsibility,
} from './responsibility';
import { isStepsHeading, readPhase } from './phases';
import type { Deadline, ParsedPlan, Phase, PlanWarning, Task } from './schema';
import { findTableRegions, parseIndicatorTable, parseTaskTable, type TableRegion } from './tables';
import { reportingOfText, targetsOfText } from './task-text';
import { findAbbreviations, localityOf, UnitDirectory } from './unit-directory';

export interface ParseOptions {
  /** Use when the document does not say its year (no 2017年 in the title, no dated signature). */
  planYear?: number;
}

export interface ParseResult {
  plan: ParsedPlan;
  encoding: SourceEncoding | 'text';
}

interface Node {
  marker: Marker;
  line: SourceLine;
  /** Norm/text of the marker line after the marker. */
  head: { norm: string; text: string };
  body: SourceLine[];
  children: Node[];
  parent: Node | null;
  closed: boolean;
  /** Its own clause once read, without and with the first-listed rule: see {@link responsibilityOf}. */
  clause: { plain?: Responsibility | null; firstListed?: Responsibility | null };
}

/** Parse plan bytes (any supported encoding) or already-decoded text. Throws {@link PlanError} for unusable input. */
export function parsePlan(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  let text: string;
  let encoding: SourceEncoding | 'text' = 'text';
  if (typeof input === 'string') {
    text = input;
    if (text.trim() === '') throw new PlanError('EMPTY_INPUT', '文字是空的：请载入计划正文');
  } else {
    const decoded = decodePlanBytes(input);
    text = decoded.text;
    encoding = decoded.encoding;
  }
  // a web page saved from a browser: its text, tables as rows
  if (/^\s*<(!doctype\s+html|html[\s>]|head[\s>]|meta\s)/i.test(text.replace(/^\uFEFF/, ''))) text = htmlToText(text);
  return { plan: parseText(text, options), encoding };
}

function parseText(raw: string, options: ParseOptions): ParsedPlan {
  forgetClauses();
  const warnings: PlanWarning[] = [];
  const lines = toSourceLines(raw);
  if (lines.every((l) => l.norm === '')) throw new PlanError('EMPTY_INPUT', '文字是空的：请载入计划正文');
  const regions = findTableRegions(lines);
  const inTable = new Array<boolean>(lines.length).fill(false);
  for (const r of regions) inTable.fill(true, r.start, r.end);

  const roots = buildTree(lines, inTable, warnings);
  const taskTables = regions.filter((r) => r.kind === 'task');
  const hasTableRows = taskTables.some((r) => parseTaskTable(lines, r).length > 0);
  const taskNodes = collectTaskNodes(roots, hasTableRows);
  if (taskNodes.length === 0 && !hasTableRows) throw noTasks();
  const firstTableLine = regions.length > 0 ? lines[regions[0]!.start]!.no : lines.length + 1;
  const firstRootLine = Math.min(roots[0]?.line.no ?? lines.length + 1, firstTableLine);
  const head = lines.filter((l) => l.no < firstRootLine);
  const lastTaskLine = Math.max(
    0,
    ...taskNodes.flatMap((n) => [n.line.no, ...n.body.map((b) => b.no)]),
    ...taskTables.map((r) => lines[r.end - 1]?.no ?? 0),
  );
  const meta = readMetadata(
    head,
    warnings,
    lines.filter((l) => l.no > lastTaskLine),
  );
  const planYear = options.planYear ?? meta.planYear ?? firstYearIn(lines);
  if (planYear === null) {
    throw new PlanError(
      'NO_PLAN_YEAR',
      '无法确定计划年度：标题、成文日期和文号都没有写明年份；请用 --plan-year YYYY 指定',
    );
  }
  if (meta.planYear === null && options.planYear === undefined) {
    warnings.push({
      line: 0,
      message: `计划没有写明年度，按正文中最先出现的年份计为 ${planYear} 年；如有误，请用 --plan-year 指定`,
    });
  }

  const fullText = lines.map((l) => l.norm).join('\n');
  const firstListedFrom = firstListedRuleLine(fullText, lines, taskNodes);
  const directory = new UnitDirectory(findAbbreviations(fullText), localityOf(meta.issuer ?? meta.title));

  const drafts = taskNodes.map((node) => draftFromNode(node, node.line.no >= firstListedFrom, planYear, warnings));
  const tableDrafts = taskTables.flatMap((r) =>
    draftsFromTable(lines, r, lines[r.start]!.no >= firstListedFrom, planYear, drafts.length > 0, warnings),
  );
  const all = [...drafts, ...tableDrafts];
  if (all.length === 0) throw noTasks();
  for (const d of all) {
    directory.observe(d.resp?.lead ?? []);
    directory.observe(d.resp?.cooperating ?? []);
  }
  const tasks: Task[] = all.map((d) => {
    const written = [...(d.resp?.lead ?? []), ...(d.resp?.cooperating ?? [])];
    const { lead, cooperating } = directory.resolveRoles(
      d.resp?.lead ?? [],
      d.resp?.cooperating ?? [],
      originalsOf(written, d.lines),
    );
    if (lead.length === 0) {
      warnings.push({
        line: d.line,
        message:
          cooperating.length > 0
            ? `任务 ${d.ref} 只写了配合单位，没有牵头单位：请在启动前指定牵头单位`
            : `任务 ${d.ref} 没有写明责任单位：请在启动前指定牵头单位`,
      });
    }
    const task: Task = {
      ref: d.ref,
      title: d.title,
      text: d.text,
      line: d.line,
      lead,
      cooperating,
      deadline: d.deadline,
      targets: d.targets,
    };
    const notes = [...(d.resp?.catchAll ?? []).map(catchAllNote), ...d.notes];
    if (notes.length > 0) task.notes = notes;
    const reporting = reportingOfText(d.text, d.line, planYear, d.deadline.due);
    if (reporting) task.reporting = reporting;
    return task;
  });
  dedupeRefs(tasks, warnings);

  const indicators = regions.filter((r) => r.kind === 'indicator').flatMap((r) => parseIndicatorTable(lines, r));
  const reportingRules = findReportingRules(
    lines.filter((_, i) => !inTable[i]),
    planYear,
    new Set(tasks.flatMap((t) => (t.reporting ? [fold(t.reporting.text)] : []))),
  );
  warnMissingAttachment(lines, regions, warnings);

  return {
    title: meta.title,
    docNumber: meta.docNumber,
    issuer: meta.issuer,
    issuedOn: meta.issuedOn,
    planYear,
    units: directory.units(),
    reportingRules,
    phases: findPhases(roots, planYear),
    tasks,
    indicators,
    warnings: warnings.sort((a, b) => a.line - b.line),
  };
}

/**
 * The plan's phases: every item of a steps section (实施步骤/进度安排/工作安排) that names a date range, and any item
 * elsewhere whose heading is a phase with its dates ("动员部署阶段(2017年1月—3月)").
 */
function findPhases(roots: Node[], planYear: number): Phase[] {
  const out: Phase[] = [];
  const visit = (node: Node, inSteps: boolean): void => {
    const steps = inSteps || isStepsHeading(node.head.norm);
    const phase = readPhase(node.head.norm, node.line.text, node.line.no, planYear, inSteps);
    if (phase) out.push(phase);
    for (const c of node.children) visit(c, steps);
  };
  for (const r of roots) visit(r, false);
  return out;
}

function noTasks(): PlanError {
  return new PlanError(
    'NO_TASKS',
    '没有找到任务条目：文中既没有编号的条目（一、/（一）/1./（1）），也没有任务表（序号/工作任务/责任单位）；' +
      '请确认这是计划正文，而不只是印发通知',
  );
}

/**
 * From which line the first-listed rule holds: 0 when the notice or a note states it for the whole plan, the item's
 * own line when an item's bracket states it ("…负责,排在第一位的部门为牵头部门,下同"), Infinity when never.
 */
function firstListedRuleLine(fullText: string, lines: SourceLine[], taskNodes: Node[]): number {
  // the whole text is asked first: most plans never state the rule, and then no line need be asked
  if (!statesFirstListedLeads(fullText)) return Infinity;
  const stated = lines.find((l) => statesFirstListedLeads(l.norm));
  if (!stated) return Infinity;
  const item = taskNodes.find((n) => n.line.no === stated.no || n.body.some((b) => b.no === stated.no));
  return item ? item.line.no : 0;
}

/** How a catch-all tail shows on its item: "配合单位还写有“有关部门”(泛指,不作为单位)". */
function catchAllNote(c: CatchAll): string {
  return `${c.role === 'lead' ? '牵头单位' : '配合单位'}还写有“${c.text}”（泛指，不作为单位）`;
}

function firstYearIn(lines: SourceLine[]): number | null {
  for (const l of lines) {
    const m = /((?:19|20)\d{2})\s*年/.exec(l.norm);
    if (m) return Number(m[1]);
  }
  return null;
}

/* ---------- structure ---------- */

/** Prose continues an item: a sentence, or a line closed by a clause. Page noise ("扫描二维码") is not prose. */
function isProse(norm: string): boolean {
  return /[。;!?]|[)][。.;]?$/.test(norm) && /[\u4e00-\u9fff]{4}/.test(norm);
}

/** Build the numbering tree. A kind already open on the stack closes back to its level; a new kind opens a level. */
function buildTree(lines: SourceLine[], inTable: boolean[], warnings: PlanWarning[]): Node[] {
  const roots: Node[] = [];
  const stack: Node[] = [];
  const lastOfKind = new Map<MarkerKind, number>();
  let open: Node | null = null;
  let attachmentList = false;
  lines.forEach((line, i) => {
    if (inTable[i]) {
      if (open) open.closed = true;
      return;
    }
    if (line.norm === '') return;
    // end matter closes the item before it; the entries of an attachment list are no items
    if (attachmentList && isAttachmentEntry(line.norm)) return;
    attachmentList = isAttachmentList(line.norm);
    if (attachmentList || isEndMatter(line.norm)) {
      open = null;
      return;
    }
    if (isGroupLabel(line.norm)) {
      if (open) open.closed = true;
      return;
    }
    const marker =
      readMarker(line.norm) ??
      (/^\d/.test(line.norm) ? readGluedMarker(line.norm, expectedArabic(stack, roots, lastOfKind)) : null);
    if (marker === null) {
      const clauseLine = open !== null && isResponsibilityLine(line.norm);
      if (open && !open.closed && (clauseLine || deadlineLineValue(line.norm) !== null || isProse(line.norm))) {
        open.body.push(line);
        if (clauseLine || findResponsibility(line.norm, false) !== null) open.closed = true; // after a clause only a 完成时限 line may follow
      } else if (
        open &&
        open.closed &&
        (deadlineLineValue(line.norm) !== null || isKeyedResponsibilityLine(line.norm))
      ) {
        open.body.push(line);
      } else {
        open = null;
      }
      return;
    }
    const at = stack.findIndex((n) => n.marker.kind === marker.kind);
    if (at >= 0) stack.length = at;
    const parent = stack[stack.length - 1] ?? null;
    const siblings = parent ? parent.children : roots;
    const prevSibling = [...siblings].reverse().find((n) => n.marker.kind === marker.kind);
    if (marker.broken && marker.n === null) {
      const n = (prevSibling?.marker.n ?? lastOfKind.get(marker.kind) ?? 0) + 1;
      marker.n = n;
      marker.label = `(${numberToChinese(n)})`;
      warnings.push({
        line: line.no,
        message: `标题“${line.text.slice(0, 20)}”缺了序号，已按 ${marker.label} 读取`,
      });
    } else if (marker.broken) {
      warnings.push({
        line: line.no,
        message: `标题“${line.text.slice(0, 20)}”缺了左括号，已按 ${marker.label} 读取`,
      });
    } else if (marker.n !== null && marker.n !== 1) {
      const expected = [(prevSibling?.marker.n ?? 0) + 1, (lastOfKind.get(marker.kind) ?? 0) + 1];
      if (!expected.includes(marker.n)) {
        const jump = prevSibling
          ? `编号在 ${prevSibling.marker.label} 之后跳到 ${marker.label}`
          : `编号从 ${marker.label} 开始`;
        warnings.push({ line: line.no, message: `${jump}：可能有条目在复制时丢失，请对照原文核对` });
      }
    }
    if (marker.n !== null) lastOfKind.set(marker.kind, marker.n);
    const headNorm = line.norm.slice(marker.length).trim();
    const headText = line.text.slice(line.text.length - line.norm.length + marker.length).trim();
    const node: Node = {
      marker,
      line,
      head: { norm: headNorm, text: line.text.slice(marker.length).trim() || headText },
      body: [],
      children: [],
      parent,
      closed: findResponsibility(headNorm, false) !== null,
      clause: {},
    };
    siblings.push(node);
    stack.push(node);
    open = node;
  });
  return roots;
}

/** The arabic numbers that would continue the numbering here: the next sibling's, or the next across sections. */
function expectedArabic(stack: Node[], roots: Node[], lastOfKind: Map<MarkerKind, number>): number[] {
  const at = stack.findIndex((n) => n.marker.kind === 'arabic');
  const parent = at >= 0 ? (stack[at - 1] ?? null) : (stack[stack.length - 1] ?? null);
  const siblings = parent ? parent.children : roots;
  const prev = [...siblings].reverse().find((n) => n.marker.kind === 'arabic');
  return [(prev?.marker.n ?? 0) + 1, (lastOfKind.get('arabic') ?? 0) + 1];
}

/**
 * Damage a reader should know about: "…;二是确保…" inside one paragraph (kept as one task), and a year glued to a
 * number ("201570微克" for 2015年70微克) where 年 was lost in copying.
 */
function warnDamagedText(node: Node, warnings: PlanWarning[]): void {
  for (const l of [{ no: node.line.no, norm: node.head.norm }, ...node.body]) {
    const shi = /[;。,]\s*([二三四五六七八九十])是/.exec(l.norm);
    if (shi && !node.children.some((c) => c.marker.kind === 'shi')) {
      warnings.push({ line: l.no, message: `“${shi[1]}是”出现在段落中间，整段仍作为一项任务` });
    }
    if (!/\d{5}/.test(l.norm)) continue; // a year glued to a number makes five digits in a row: else none to find
    for (const m of l.norm.matchAll(
      /(?<![\d.])((?:19|20)\d{2})(\d{1,3})(?=\s*(?:微克|毫克|天|%|个|项|家|万|亿|吨))/g,
    )) {
      warnings.push({
        line: l.no,
        message: `“${m[0]}”像是“${m[1]}年${m[2]}”在复制时丢了“年”字：请核对数字`,
      });
    }
  }
}

function nodeText(node: Node): { norm: string; text: string } {
  return {
    norm: [node.head.norm, ...node.body.map((l) => l.norm)].filter((s) => s !== '').join('\n'),
    text: [node.head.text, ...node.body.map((l) => l.text)].filter((s) => s !== '').join('\n'),
  };
}

function subtreeHasClause(node: Node): boolean {
  return responsibilityOf(node, false) !== null || node.children.some(subtreeHasClause);
}

/**
 * Which numbered items are tasks: the leaves of every top-level section that assigns work (names units anywhere, or
 * continues the numbering of such a section). 指导思想, 实施步骤 and the like assign nothing and are left out. When the
 * tasks sit in an attachment table and the body names no unit at all, the body (总体目标/主要任务/工作要求) is the
 * plan's frame, not its tasks.
 */
function collectTaskNodes(roots: Node[], hasTaskTable: boolean): Node[] {
  const anyClause = roots.some(subtreeHasClause);
  if (!anyClause && hasTaskTable) return [];
  const out: Node[] = [];
  let previousWasTasks = false;
  for (const root of roots) {
    const firstChildN = root.children[0]?.marker.n ?? 1;
    const isTasks: boolean = !anyClause || subtreeHasClause(root) || (previousWasTasks && firstChildN > 1);
    previousWasTasks = isTasks;
    if (isTasks) out.push(...leaves(root));
  }
  return out;
}

function leaves(node: Node): Node[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leaves);
}

function refOf(node: Node): string {
  const parts: string[] = [];
  for (let n: Node | null = node; n; n = n.parent) parts.unshift(n.marker.label);
  return parts.join('.');
}

/* ---------- tasks ---------- */

interface Draft {
  ref: string;
  title: string;
  text: string;
  line: number;
  lines: SourceLine[];
  resp: Responsibility | null;
  deadline: Deadline;
  targets: Task['targets'];
  /** Notes the source itself carries (a table's 备注 cell). */
  notes: string[];
}

/**
 * Responsibility named by the item itself. Asked of each item many times once the tree is built (which items are
 * tasks, each task and the ancestors it may inherit from, their deadlines), so it is read once per item and rule.
 * The answer is shared: callers only read it.
 */
function responsibilityOf(node: Node, firstListed: boolean): Responsibility | null {
  const rule = firstListed ? 'firstListed' : 'plain';
  if (node.clause[rule] === undefined) node.clause[rule] = readOwnResponsibility(node, firstListed);
  return node.clause[rule];
}

/** Responsibility named by the item itself: a clause line of its own, or a clause closing its text. */
function readOwnResponsibility(node: Node, firstListed: boolean): Responsibility | null {
  // keyed lines of their own ("责任单位:A" / "配合单位:B" / "完成时限:…") read together as one clause
  const keyed = node.body.filter((l) => isKeyedResponsibilityLine(l.norm) || deadlineLineValue(l.norm) !== null);
  if (keyed.some((l) => isKeyedResponsibilityLine(l.norm))) {
    const clause = keyed.map((l) => l.norm.replace(/^\(|\)[。.;]?$/g, '').replace(/[。.;]+$/, '')).join(';');
    return { ...parseClause(clause, firstListed), start: -1 };
  }
  for (const l of node.body) {
    if (isResponsibilityLine(l.norm) && findResponsibility(l.norm, firstListed) === null) {
      return { ...parseClause(l.norm.replace(/^\(|\)[。.;]?$/g, ''), firstListed), start: -1 };
    }
  }
  return findResponsibility(nodeText(node).norm, firstListed);
}

function draftFromNode(node: Node, firstListed: boolean, planYear: number, warnings: PlanWarning[]): Draft {
  const { norm, text } = nodeText(node);
  let resp = responsibilityOf(node, firstListed);
  let inherited: Node | null = null;
  for (let p = node.parent; resp === null && p; p = p.parent) {
    resp = responsibilityOf(p, firstListed);
    if (resp) inherited = p;
  }
  const ref = refOf(node);
  warnDamagedText(node, warnings);
  const bodyNorm = resp && resp.start >= 0 && !inherited ? norm.slice(0, resp.start) : norm;
  const deadline = deadlineOf(node, resp, bodyNorm, planYear, ref, warnings);
  return {
    ref,
    title: titleOf(node),
    text,
    line: node.line.no,
    lines: [node.line, ...node.body, ...(inherited ? [inherited.line, ...inherited.body] : [])],
    resp,
    deadline,
    targets: targetsOfText(text),
    notes: [],
  };
}

function deadlineOf(
  node: Node,
  resp: Responsibility | null,
  bodyNorm: string,
  planYear: number,
  ref: string,
  warnings: PlanWarning[],
): Deadline {
  const stated = resp?.deadlineText ?? node.body.map((l) => deadlineLineValue(l.norm)).find((v) => v !== null) ?? null;
  if (stated !== null) {
    const d = parseDeadline(stated, planYear);
    if (d) return d;
    warnings.push({
      line: node.line.no,
      message: unplacedDeadline(stated, ref, planYear),
    });
    return defaultDeadline(planYear, stated);
  }
  const inText = findDeadlineInText(bodyNorm, planYear);
  if (inText) return inText;
  for (let p = node.parent; p; p = p.parent) {
    const pr = responsibilityOf(p, false);
    if (pr?.deadlineText) {
      const d = parseDeadline(pr.deadlineText, planYear);
      if (d) return d;
    }
  }
  return defaultDeadline(planYear);
}

/** A deadline the plan words but no calendar can hold ("按省里部署"): the task is kept, due at the plan year's end. */
function unplacedDeadline(stated: string, ref: string, planYear: number): string {
  return `任务 ${ref} 的完成时限“${stated}”无法换算成日期，暂按 ${planYear}-12-31 计；请在任务分解表中核定截止日期`;
}

/** The item's title: its heading line when it has a body, else its first phrase (up to 。/,/; outside brackets). */
function titleOf(node: Node): string {
  const headNorm = node.head.norm;
  const headText = node.head.text;
  if (headNorm === '' && node.body[0]) return firstPhrase(node.body[0].norm, node.body[0].text);
  if (!/[。;]/.test(headNorm) && node.body.length > 0 && findResponsibility(headNorm, false) === null) {
    return headText.replace(/[。,;:.\s]+$/, '');
  }
  return firstPhrase(headNorm, headText);
}

function firstPhrase(norm: string, text: string): string {
  let depth = 0;
  for (let i = 0; i < norm.length; i++) {
    const ch = norm[i]!;
    if ('(《“"'.includes(ch) && !(ch === '"' && depth > 0)) depth++;
    else if (')》”'.includes(ch) || (ch === '"' && depth > 0)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && '。,;:!?'.includes(ch)) return text.slice(0, i).trim();
  }
  return text.trim().replace(/[(][^()]*[)][。.]?$/, '');
}

/** Rows of an attachment task table become tasks, ref "附件.N" when the body has numbered tasks too. */
function draftsFromTable(
  lines: SourceLine[],
  region: TableRegion,
  firstListed: boolean,
  planYear: number,
  prefix: boolean,
  warnings: PlanWarning[],
): Draft[] {
  return parseTaskTable(lines, region).map((row) => {
    const ref = `${prefix ? '附件.' : ''}${row.categoryLabel ? `${row.categoryLabel}.` : ''}${row.seq}`;
    const clause = [row.lead ? `责任单位:${row.lead}` : '', row.cooperating ? `配合单位:${row.cooperating}` : '']
      .filter((s) => s !== '')
      .join(';');
    const resp = clause
      ? { ...parseClause(clause.replace(/[（]/g, '(').replace(/[）]/g, ')'), firstListed), start: -1 }
      : null;
    let deadline = parseDeadline(row.deadline, planYear);
    if (deadline === null) {
      warnings.push({
        line: row.line,
        message: unplacedDeadline(row.deadline, ref, planYear),
      });
      deadline = defaultDeadline(planYear, row.deadline);
    }
    return {
      ref,
      title: firstPhrase(fold(row.text), row.text),
      text: row.text,
      line: row.line,
      lines: row.lines,
      resp,
      deadline,
      targets: targetsOfText(row.text),
      notes: row.note ? [row.note] : [],
    };
  });
}

/** Traditional spellings of each raw unit name, found at the same offsets in the lines it came from. */
function originalsOf(names: string[], lines: SourceLine[]): (string | null)[] {
  return names.map((name) => {
    for (const l of lines) {
      if (l.original === null) continue;
      const i = l.norm.indexOf(name);
      if (i >= 0) return l.original.slice(i, i + name.length);
    }
    return null;
  });
}

function dedupeRefs(tasks: Task[], warnings: PlanWarning[]): void {
  const seen = new Map<string, number>();
  for (const t of tasks) {
    const n = seen.get(t.ref) ?? 0;
    seen.set(t.ref, n + 1);
    if (n > 0) {
      const ref = `${t.ref}#${n + 1}`;
      warnings.push({ line: t.line, message: `编号 ${t.ref} 重复出现：本行的条目记为 ${ref}` });
      t.ref = ref;
    }
  }
}

/** "附件:…任务分解表" named, but no table in the text: say so, units come from the body alone. */
function warnMissingAttachment(lines: SourceLine[], regions: TableRegion[], warnings: PlanWarning[]): void {
  if (regions.some((r) => r.kind === 'task')) return;
  const named = lines.find(
    (l) => l.norm.startsWith('附件') && /^附件\s*\d*\s*[:]\s*\S*(任务分解表|分工表|任务清单|责任分工)/.test(l.norm),
  );
  if (named) {
    warnings.push({
      line: named.no,
      message: `文中列出了附件“${named.text.replace(/^附件\s*\d*\s*[:：]\s*/, '')}”，但没有这张表：单位和完成时限只按正文读取`,
    });
  }
}

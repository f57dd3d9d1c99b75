/**
 * The unit's workspace (单位工作台): what is due and overdue first, each item with its periods and reports, the
 * unit's turns as forms (签收, 报送, 退回, 延期, 申请办结, 协办意见), and its notices. Every form posts to a handler
 * here that calls the same AssignmentService as the JSON API, for the signed-in account's unit, and answers 303 back
 * to the item with a message; a refusal shows the item again with the problem's Chinese detail.
 *
 * A member of another unit asking for an item that is not its unit's gets 404, as if it did not exist.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { formatShanghai, shanghaiDate } from '../../domain/calendar';
import { shanghaiTime } from '../../domain/audit/timeline';
import type { EvidenceRef } from '../../domain/evidence/ref';
import { unitItems, type UnitItem } from '../../read-models/unit-items';
import type { AssignmentView } from '../../workflows/assignment/messages';
import { NOTICE_KIND_NAMES, type NoticeKind } from '../../workflows/assignment/notices';
import type { AssignmentService } from '../assignments';
import { AppError } from '../errors';
import { inboxOf } from '../read-models';
import { acceptForms, evidenceOf, field, formOf, htmlErrors, numberField, unitOf, type FormFields } from './forms';
import { html, type Html } from './html';
import { csrfField, csrfTokenOf, dataTable, flash, lightBadge, sendPage } from './layout';

export interface UnitPageOptions {
  assignments: AssignmentService;
  pool: Pool;
  now?: () => Date;
}

/** The unit's turns, each a form on the item's page and a POST here. */
const ACTIONS = {
  acknowledge: '已签收',
  report: '进展已报送',
  'send-back': '已退回，等待督办单位答复',
  extension: '延期申请已提交，等待督办单位答复',
  closure: '办结申请已提交，等待督办单位答复',
  contribution: '协办意见已提交',
} as const;
type Action = keyof typeof ACTIONS;

export const UNIT_PAGE_ROUTES = [
  { method: 'GET', url: '/web/unit' },
  { method: 'GET', url: '/web/unit/inbox' },
  { method: 'GET', url: '/web/unit/items/:id' },
  { method: 'POST', url: '/web/unit/items/:id/acknowledge' },
  { method: 'POST', url: '/web/unit/items/:id/report' },
  { method: 'POST', url: '/web/unit/items/:id/send-back' },
  { method: 'POST', url: '/web/unit/items/:id/extension' },
  { method: 'POST', url: '/web/unit/items/:id/closure' },
  { method: 'POST', url: '/web/unit/items/:id/contribution' },
] as const satisfies ReadonlyArray<{ method: 'GET' | 'POST'; url: `/web/unit${string}` }>;

const REFRESH_SECONDS = 30;
const CLOSED = new Set(['completed', 'cancelled', 'reassigned']);

export const unitPages: FastifyPluginAsync<UnitPageOptions> = async (scope, { assignments, pool, now }) => {
  acceptForms(scope);
  htmlErrors(scope);
  const clock = now ?? (() => new Date());

  scope.get('/web/unit', async (request, reply) => {
    const unit = unitOf(request.account);
    const items = await unitItems(pool, unit, clock());
    return sendPage(reply, {
      title: `${unit} · 待办事项`,
      account: request.account,
      csrfToken: csrfTokenOf(request),
      refreshSeconds: REFRESH_SECONDS,
      body: worklist(items),
    });
  });

  scope.get('/web/unit/inbox', async (request, reply) => {
    const unit = unitOf(request.account);
    const notices = await inboxOf(pool, unit, 200);
    return sendPage(reply, {
      title: `${unit} · 消息`,
      account: request.account,
      csrfToken: csrfTokenOf(request),
      refreshSeconds: REFRESH_SECONDS,
      body: html`<section id="inbox" data-refresh>
        ${
          notices.length === 0
            ? html`<p class="muted">暂无消息。</p>`
            : dataTable(['时间', '类别', '内容'], notices, (n) => [
                formatShanghai(new Date(n.occurredAt)),
                NOTICE_KIND_NAMES[n.kind as NoticeKind] ?? n.kind,
                html`<details>
                  <summary>${n.subject}</summary>
                  <p class="report-text">${n.body}</p>
                  <a href="${itemHref(n.assignmentId)}">查看事项</a>
                </details>`,
              ])
        }
      </section>`,
    });
  });

  scope.get('/web/unit/items/:id', async (request, reply) => {
    const { done } = (request.query ?? {}) as { done?: string };
    const message = done !== undefined && Object.hasOwn(ACTIONS, done) ? ACTIONS[done as Action] : undefined;
    return itemPage(request, reply, await ownItem(request), flash('ok', message));
  });

  for (const action of Object.keys(ACTIONS) as Action[]) {
    scope.post(`/web/unit/items/:id/${action}`, async (request, reply) => {
      const view = await ownItem(request);
      const unit = unitOf(request.account);
      try {
        await act(assignments, action, view, unit, formOf(request));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // The item as it stands, the refusal above it: nothing was recorded.
        return itemPage(request, reply.code(error.status), await ownItem(request), flash('error', error.message));
      }
      return reply.redirect(`${itemHref(view.assignmentId)}?done=${action}`, 303);
    });
  }

  /** The item, if the account's unit leads it or cooperates on it; 404 otherwise (another unit's is not shown). */
  async function ownItem(request: FastifyRequest): Promise<AssignmentView> {
    const unit = unitOf(request.account);
    const id = (request.params as { id: string }).id;
    const notFound = () => new AppError('NOT_FOUND', `本单位没有督办事项 ${id}；请从待办事项列表进入`);
    let view: AssignmentView;
    try {
      view = await assignments.status(id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNKNOWN_TASK') throw notFound();
      throw error;
    }
    if (view.spec?.unit !== unit && !view.spec?.cooperating.includes(unit)) throw notFound();
    return view;
  }
};

/** The unit's turn through the application, for the account's unit (the lead makes the account itself the actor). */
async function act(
  service: AssignmentService,
  action: Action,
  view: AssignmentView,
  unit: string,
  form: FormFields,
): Promise<void> {
  const id = view.assignmentId;
  const period = field(form, 'period') || undefined;
  const evidence = evidenceOf(form);
  switch (action) {
    case 'acknowledge':
      await service.acknowledge(id, { unit });
      return;
    case 'report': {
      const values = (view.spec?.targets ?? []).flatMap((target, i) => {
        const value = numberField(form, `value-${i}`);
        return value === undefined ? [] : [{ indicator: target.indicator, value, unit: target.unit }];
      });
      await service.submitReport(id, {
        unit,
        ...(period && { period }),
        summary: field(form, 'summary'),
        percentComplete: numberField(form, 'percent') ?? Number.NaN,
        ...(evidence.length > 0 && { evidence }),
        ...(values.length > 0 && { values }),
      });
      return;
    }
    case 'send-back':
      await service.sendBack(id, { unit, reason: field(form, 'reason') });
      return;
    case 'extension':
      await service.requestExtension(id, {
        unit,
        ...(period && { period }),
        to: field(form, 'to'),
        reason: field(form, 'reason'),
      });
      return;
    case 'closure':
      await service.requestClosure(id, { unit, summary: field(form, 'summary'), evidence });
      return;
    case 'contribution':
      await service.contribute(id, {
        unit,
        ...(period && { period }),
        summary: field(form, 'summary'),
        ...(evidence.length > 0 && { evidence }),
      });
      return;
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${String(unknown)}`);
    }
  }
}

export function itemHref(assignmentId: string): string {
  return `/web/unit/items/${encodeURIComponent(assignmentId)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// the worklist

function needsAction(item: UnitItem): boolean {
  return (
    !CLOSED.has(item.status) &&
    (item.light === 'red' || item.light === 'yellow' || item.status === 'assigned' || item.overduePeriods.length > 0)
  );
}

function worklist(items: UnitItem[]): Html {
  const lead = items.filter((i) => i.role === 'lead');
  const urgent = lead.filter(needsAction);
  const rest = lead.filter((i) => !needsAction(i));
  const cooperating = items.filter((i) => i.role === 'cooperating');
  const count = (label: string, n: number) => html`<div class="count"><strong>${n}</strong>${label}</div>`;
  return html`<div id="worklist-counts" class="counts" data-refresh>
      ${count('红灯（逾期）', lead.filter((i) => i.light === 'red').length)}
      ${count('黄灯（临期）', lead.filter((i) => i.light === 'yellow').length)}
      ${count('待签收', lead.filter((i) => i.status === 'assigned').length)} ${count('牵头事项', lead.length)}
      ${count('配合事项', cooperating.length)}
    </div>
    <h2>逾期与临期</h2>
    <section id="worklist-due" data-refresh>${itemTable(urgent, '没有逾期、临期或待签收的事项。')}</section>
    <h2>其他牵头事项</h2>
    <section id="worklist-rest" data-refresh>${itemTable(rest, '没有其他牵头事项。')}</section>
    <h2>配合事项</h2>
    <section id="worklist-cooperating" data-refresh>
      ${itemTable(cooperating, '本单位没有配合的事项。', true)}
    </section>`;
}

/** One line per item — light, number and title, then what is due — so it reads on a phone as on a desk. */
function itemTable(items: UnitItem[], empty: string, withLead = false): Html {
  if (items.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<ul class="items">
    ${items.map(
      (i) =>
        html`<li>
          <p>${lightBadge(i.light)} <a href="${itemHref(i.assignmentId)}">${i.ref} ${i.title}</a></p>
          <p class="meta">
            ${withLead ? html`牵头单位 ${i.leadUnit} · ` : ''}${i.statusName}${i.paused ? '（暂停）' : ''}
            ${i.nextDue ? html` · 下一报送期 ${i.nextDue.label}，${i.nextDue.due} 前` : ''} · 完成时限
            ${i.deadlineText || i.due}（${i.due}）
            ${i.overduePeriods.length > 0 ? html` · <strong>逾期：${i.overduePeriods.join('、')}</strong>` : ''}
          </p>
        </li>`,
    )}
  </ul>`;
}

// ---------------------------------------------------------------------------------------------------------------
// one item

function itemPage(request: FastifyRequest, reply: FastifyReply, view: AssignmentView, message: Html) {
  const unit = unitOf(request.account);
  const spec = view.spec!;
  const lead = spec.unit === unit;
  const csrf = csrfField(csrfTokenOf(request));
  const open = !CLOSED.has(view.status);
  return sendPage(reply, {
    title: `${spec.ref} ${spec.title}`,
    account: request.account,
    csrfToken: csrfTokenOf(request),
    refreshSeconds: REFRESH_SECONDS,
    body: html`${message}
      <section id="item-summary" data-refresh>
        <p>${lightBadge(view.light)} <strong>${statusText(view)}</strong></p>
        <p>
          牵头单位：${spec.unit}${spec.cooperating.length > 0 ? html`；配合单位：${spec.cooperating.join('、')}` : ''}
        </p>
        <p>完成时限：${spec.deadlineText || spec.due}（${spec.due}）</p>
        ${
          spec.targets.length > 0
            ? html`<p>
                量化指标：${spec.targets.map((t) => t.text || `${t.indicator} ${t.comparator} ${t.value}${t.unit}`).join('；')}
              </p>`
            : ''
        }
        ${pending(view)}
      </section>
      <h2>报送周期与进展</h2>
      <section id="item-periods" data-refresh>${periods(view)}</section>
      ${open ? (lead ? leadActions(view, csrf, request.account?.role === 'unit-head') : cooperatingActions(view, csrf)) : ''}
      <p><a href="/web/unit">返回待办事项</a></p>`,
  });
}

function statusText(view: AssignmentView): string {
  const words: Record<string, string> = {
    unassigned: '未交办',
    assigned: '待签收',
    acknowledged: '办理中',
    completed: '已办结（销号）',
    cancelled: '已撤销',
    reassigned: `已改派${view.reassigned ? `给${view.reassigned.to}` : ''}`,
  };
  return `${words[view.status] ?? view.status}${view.paused ? `（暂停中：${view.paused.reason}）` : ''}`;
}

function pending(view: AssignmentView): Html {
  const lines: Html[] = [];
  if (view.sentBack)
    lines.push(html`<li>已退回（${shanghaiTime(view.sentBack.at)}）：${view.sentBack.reason}，等待督办单位答复</li>`);
  if (view.extensionRequest) {
    const r = view.extensionRequest;
    lines.push(
      html`<li>延期申请（${r.period ?? '完成时限'}：${r.from} → ${r.to}）：${r.reason}，等待督办单位答复</li>`,
    );
  }
  if (view.closureRequest) lines.push(html`<li>办结申请：${view.closureRequest.summary}，等待督办单位答复</li>`);
  return lines.length > 0
    ? html`<ul>
        ${lines}
      </ul>`
    : html``;
}

function evidenceLinks(assignmentId: string, evidence: readonly EvidenceRef[] | undefined): Html {
  if (!evidence || evidence.length === 0) return html``;
  return html`<p>
    佐证材料：${evidence.map(
      (e, i) =>
        html`${i > 0 ? '、' : ''}<a href="/assignments/${encodeURIComponent(assignmentId)}/evidence/${e.sha256}"
            >${e.name}</a
          >`,
    )}
  </p>`;
}

function periods(view: AssignmentView): Html {
  if (view.periods.length === 0) return html`<p class="muted">没有报送周期。</p>`;
  const today = shanghaiDate(new Date());
  return html`${view.periods.map((p) => {
    const state = p.report
      ? p.report.accepted
        ? '已审核通过'
        : '已报送，待审核'
      : p.overdue || today > p.due
        ? '逾期未报'
        : p.returned
          ? '退回重报'
          : '未报送';
    return html`<div class="card">
      <p>
        <strong>${p.label}</strong>（${p.period}）截止
        ${p.due}${p.originalDue ? html`<span class="muted">（原 ${p.originalDue}）</span>` : ''}：${state}
      </p>
      ${p.returned ? html`<p class="muted">退回意见：${p.returned.comment}</p>` : ''}
      ${
        p.report
          ? html`<p class="muted">
                报送于 ${shanghaiTime(p.report.at)}，完成
                ${p.report.percentComplete}%${p.report.late ? '，逾期报送' : ''}
              </p>
              <p class="report-text">${p.report.summary}</p>
              ${evidenceLinks(view.assignmentId, p.report.evidence)}
              ${
                p.values && p.values.length > 0
                  ? html`<p>
                      指标：${p.values.map((v) => `${v.indicator} ${v.value}${v.unit}${v.met ? '（达标）' : '（未达标）'}`).join('；')}
                    </p>`
                  : ''
              }`
          : ''
      }
      ${(p.contributions ?? []).map(
        (c) =>
          html`<p class="muted">协办意见 · ${c.unit}（${shanghaiTime(c.at)}）</p>
            <p class="report-text">${c.summary}</p>
            ${evidenceLinks(view.assignmentId, c.evidence)}`,
      )}
    </div>`;
  })}`;
}

/** The periods a report or a contribution may be for: those not yet accepted, the earliest first. */
function periodOptions(view: AssignmentView): Html {
  return html`${view.periods
    .filter((p) => !p.report?.accepted)
    .map((p) => html`<option value="${p.period}">${p.label}（截止 ${p.due}）</option>`)}`;
}

function evidenceInput(id: string): Html {
  return html`<label for="${id}">佐证材料（可多选，选择后即上传）</label>
    <input id="${id}" type="file" multiple data-evidence />
    <span class="muted" data-evidence-status></span>`;
}

/** The unit's turns; 延期, 退回 and 申请办结 decide for the unit, so only its head (单位负责人) is offered them. */
function leadActions(view: AssignmentView, csrf: Html, head: boolean): Html {
  const action = (name: Action) => `${itemHref(view.assignmentId)}/${name}`;
  const targets = view.spec?.targets ?? [];
  return html`<h2>办理</h2>
    ${
      view.status === 'assigned'
        ? html`<section>
            <form method="post" action="${action('acknowledge')}">
              ${csrf}
              <p>签收后开始办理，系统按报送周期提醒。</p>
              <button type="submit">签收</button>
            </form>
          </section>`
        : ''
    }
    <section>
      <h3>报送进展</h3>
      <form method="post" action="${action('report')}">
        ${csrf}
        <label for="report-period">报送周期</label>
        <select id="report-period" name="period">
          ${periodOptions(view)}
        </select>
        <label for="report-summary">进展情况</label>
        <textarea id="report-summary" name="summary" required maxlength="5000"></textarea>
        <label for="report-percent">完成进度（%）</label>
        <input id="report-percent" name="percent" type="number" min="0" max="100" step="any" required />
        ${targets.map(
          (t, i) =>
            html`<label for="value-${i}"
                >${t.indicator}（目标：${t.text || `${t.comparator} ${t.value}${t.unit}`}，单位
                ${t.unit || '—'}）</label
              >
              <input id="value-${i}" name="value-${i}" type="number" step="any" />`,
        )}
        ${evidenceInput('report-evidence')}
        <p><button type="submit">报送</button></p>
      </form>
    </section>
    ${
      head
        ? html`<section>
              <h3>申请延期</h3>
              <form method="post" action="${action('extension')}">
                ${csrf}
                <label for="extension-period">延期的报送周期（不选则为完成时限）</label>
                <select id="extension-period" name="period">
                  <option value="">完成时限（${view.spec?.due ?? ''}）</option>
                  ${periodOptions(view)}
                </select>
                <label for="extension-to">延至</label>
                <input id="extension-to" name="to" type="date" required />
                <label for="extension-reason">理由</label>
                <textarea id="extension-reason" name="reason" required maxlength="2000"></textarea>
                <p><button type="submit">提交延期申请</button></p>
              </form>
            </section>
            <section>
              <h3>申请办结</h3>
              <form method="post" action="${action('closure')}">
                ${csrf}
                <label for="closure-summary">办结情况</label>
                <textarea id="closure-summary" name="summary" required maxlength="2000"></textarea>
                ${evidenceInput('closure-evidence')}
                <p><button type="submit">提交办结申请</button></p>
              </form>
            </section>
            <section>
              <h3>退回</h3>
              <form method="post" action="${action('send-back')}" data-confirm="确认退回此事项？">
                ${csrf}
                <label for="send-back-reason">退回理由（如：不属于本单位职责）</label>
                <textarea id="send-back-reason" name="reason" required maxlength="2000"></textarea>
                <p><button type="submit" class="secondary">退回</button></p>
              </form>
            </section>`
        : html`<p class="muted">延期、退回和申请办结由单位负责人办理。</p>`
    }`;
}

function cooperatingActions(view: AssignmentView, csrf: Html): Html {
  return html`<h2>协办</h2>
    <section>
      <form method="post" action="${itemHref(view.assignmentId)}/contribution">
        ${csrf}
        <label for="contribution-period">报送周期</label>
        <select id="contribution-period" name="period">
          ${periodOptions(view)}
        </select>
        <label for="contribution-summary">协办意见</label>
        <textarea id="contribution-summary" name="summary" required maxlength="5000"></textarea>
        ${evidenceInput('contribution-evidence')}
        <p><button type="submit">提交协办意见</button></p>
      </form>
    </section>`;
}

/**
 * The coordinator's workspace (督办人员): the cycles and a launch form, one cycle's progress (on-time rate per period,
 * lights, the units with their scores, the overdue and escalated items, the bulletins to download, the cycle's
 * actions), the overdue items across the coordinator's cycles, and one item with the actions of its 督办
 * conversation. Server-rendered from the same application functions as the JSON routes (api/cycle-desk.ts,
 * api/cycles.ts, api/assignments.ts); every form posts here and comes back (303) with a message, or, refused, shows the
 * page again with the refusal's Chinese detail.
 *
 * The acting office is the signed-in account's (`account.office`); the lead switches the actor to the account itself.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { formatShanghai } from '../../domain/calendar';
import type { AssignmentView } from '../../workflows/assignment/messages';
import type { CycleStatus, CycleView } from '../../workflows/cycle/messages';
import type { AssignmentService } from '../assignments';
import type { Account } from '../auth/account';
import { LIGHTS, type CycleDashboard, type CycleDesk, type EscalatedItem } from '../cycle-desk';
import { grantedCycles } from '../cycle-routes';
import type { CycleService } from '../cycles';
import { AppError } from '../errors';
import { html, type Html } from './html';
import { acceptForms, htmlErrors } from './forms';
import { csrfField, csrfTokenOf, dataTable, flash, lightBadge, sendPage } from './layout';

export interface CoordinatorPageOptions {
  desk: CycleDesk;
  cycles: CycleService;
  assignments: AssignmentService;
  /** The cycles the signed-in account sees in its lists; the coordinator's granted cycles by default. */
  cyclesOf?: (request: FastifyRequest) => readonly string[] | undefined;
}

const ASSIGNMENT_ACTIONS = ['review', 'extension', 'closure', 'deadline', 'reassign', 'complete'] as const;
type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

export const COORDINATOR_PAGES = [
  { method: 'GET', url: '/web/cycles' },
  { method: 'GET', url: '/web/cycles/:cycle' },
  { method: 'POST', url: '/web/cycles/:cycle/pause' },
  { method: 'POST', url: '/web/cycles/:cycle/resume' },
  { method: 'POST', url: '/web/cycles/:cycle/cancel' },
  { method: 'GET', url: '/web/escalations' },
  { method: 'GET', url: '/web/assignments/:id' },
  ...ASSIGNMENT_ACTIONS.map((action) => ({ method: 'POST' as const, url: `/web/assignments/:id/${action}` })),
] as const;

/** How often a cycle's page re-reads its changing parts. */
export const REFRESH_SECONDS = 20;

const DONE: Record<string, string> = {
  launched: '督办周期已发布，各项督办正在交办',
  paused: '督办周期已暂停：不再提醒和催办',
  resumed: '督办周期已恢复',
  cancelled: '督办周期已撤销',
  reviewed: '审核意见已送达报送单位',
  extension: '延期申请已答复',
  closure: '办结申请已答复',
  deadline: '时限已调整',
  reassigned: '已改派',
  completed: '已办结',
};

const CYCLE_STATUS: Record<CycleStatus, string> = {
  launching: '正在发布',
  running: '运行中',
  paused: '已暂停',
  cancelled: '已撤销',
  finished: '已结束',
};

const ASSIGNMENT_STATUS: Record<string, string> = {
  unassigned: '未交办',
  assigned: '待签收',
  acknowledged: '已签收',
  paused: '暂停',
  completed: '办结',
  cancelled: '撤销',
  reassigned: '已改派',
};

type Form = Record<string, string | undefined>;

export const coordinatorPages: FastifyPluginAsync<CoordinatorPageOptions> = async (
  scope,
  { desk, cycles, assignments, cyclesOf = grantedCycles },
) => {
  // The pages' forms post application/x-www-form-urlencoded; a refusal on a page answers a page saying so.
  acceptForms(scope);
  htmlErrors(scope);

  scope.get('/web/cycles', async (request, reply) => {
    const account = signedIn(request, reply);
    if (!account) return reply;
    const list = await desk.list(cyclesOf(request));
    return sendPage(reply, {
      title: '督办周期',
      account,
      csrfToken: csrfTokenOf(request),
      body: html`${flash('ok', doneMessage(request))}
        <section>
          ${
            list.length === 0
              ? html`<p class="muted">还没有督办周期。用下面的表单上传任务分解表发布第一个。</p>`
              : dataTable(['周期', '督办单位', '发布', '督办事项', '督查通报', '状态'], list, (c) => [
                  html`<a href="/web/cycles/${encodeURIComponent(c.cycleId)}">${c.title}</a><br /><span class="muted"
                      >${c.cycleId}</span
                    >`,
                  c.coordinator,
                  html`${formatShanghai(c.launchedAt)}<br /><span class="muted">${c.launchedBy}</span>`,
                  c.items,
                  `${c.bulletins}/${c.periods}`,
                  CYCLE_STATUS[c.status],
                ])
          }
        </section>
        <h2>发布督办周期</h2>
        <section>
          <form id="launch" data-launch method="post" action="/cycles" enctype="multipart/form-data">
            ${csrfField(csrfTokenOf(request))}
            <label for="table">任务分解表（duban plan parse 输出并审核过的 .xlsx、.csv 或 .json）</label>
            <input id="table" name="table" type="file" accept=".xlsx,.csv,.json" required />
            <label for="cycle">周期名称（文字、数字和 . _ -，如 ezhou-2027）</label>
            <input id="cycle" name="cycle" type="text" maxlength="64" required />
            <label for="title">标题（.xlsx 表可不填，默认取计划标题；.csv 表须填写）</label>
            <input id="title" name="title" type="text" maxlength="200" />
            <label for="year">计划年份调整（可不填：把计划日期整体移到该年）</label>
            <input id="year" name="year" type="number" min="1949" max="2200" />
            <p><button type="submit">发布</button></p>
            <div data-launch-status role="status"></div>
            <noscript><p class="flash flash-error">发布须启用浏览器脚本（文件由页面脚本上传）。</p></noscript>
          </form>
        </section>`,
    });
  });

  scope.get('/web/cycles/:cycle', async (request, reply) => {
    const account = signedIn(request, reply);
    if (!account) return reply;
    const cycleId = (request.params as { cycle: string }).cycle;
    return sendPage(reply, cyclePage(request, account, await desk.dashboard(cycleId)));
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    scope.post(`/web/cycles/:cycle/${action}`, async (request, reply) => {
      const account = signedIn(request, reply);
      if (!account) return reply;
      const cycleId = (request.params as { cycle: string }).cycle;
      const form = formOf(request);
      const by = officeOf(account);
      try {
        if (action === 'pause') await cycles.pause(cycleId, { by, reason: form.reason ?? '' });
        else if (action === 'resume') await cycles.resume(cycleId, { by, reason: form.reason ?? '' });
        else await cycles.cancel(cycleId, { by, reason: form.reason ?? '' });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const page = cyclePage(request, account, await desk.dashboard(cycleId), error.message);
        return sendPage(reply.code(error.status), page);
      }
      const done = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[action];
      return reply.redirect(`/web/cycles/${encodeURIComponent(cycleId)}?done=${done}`, 303);
    });
  }

  scope.get('/web/escalations', async (request, reply) => {
    const account = signedIn(request, reply);
    if (!account) return reply;
    const visible = cyclesOf(request) ?? (await desk.list()).map((c) => c.cycleId);
    const items = await desk.escalations(visible);
    return sendPage(reply, {
      title: '逾期与督办',
      account,
      csrfToken: csrfTokenOf(request),
      refreshSeconds: REFRESH_SECONDS,
      body: html`<section id="escalations" data-refresh>${overdueTable(items, true)}</section>`,
    });
  });

  scope.get('/web/assignments/:id', async (request, reply) => {
    const account = signedIn(request, reply);
    if (!account) return reply;
    const id = (request.params as { id: string }).id;
    return sendPage(reply, assignmentPage(request, account, await assignments.status(id)));
  });

  for (const action of ASSIGNMENT_ACTIONS) {
    scope.post(`/web/assignments/:id/${action}`, async (request, reply) => {
      const account = signedIn(request, reply);
      if (!account) return reply;
      const id = (request.params as { id: string }).id;
      const form = formOf(request);
      const by = officeOf(account);
      try {
        await act(assignments, action, id, by, form);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const page = assignmentPage(request, account, await assignments.status(id), error.message);
        return sendPage(reply.code(error.status), page);
      }
      const done: Record<AssignmentAction, string> = {
        review: 'reviewed',
        extension: 'extension',
        closure: 'closure',
        deadline: 'deadline',
        reassign: 'reassigned',
        complete: 'completed',
      };
      return reply.redirect(`/web/assignments/${encodeURIComponent(id)}?done=${done[action]}`, 303);
    });
  }
};

/** The 督办 conversation's coordinator turns, with the bodies the JSON API takes, `by` the signed-in office. */
function act(
  assignments: AssignmentService,
  action: AssignmentAction,
  id: string,
  by: string,
  form: Form,
): Promise<AssignmentView> {
  const comment = form.comment ?? '';
  switch (action) {
    case 'review':
      return assignments.reviewReport(id, { by, period: form.period, decision: form.decision, comment });
    case 'extension':
      return assignments.decideExtension(id, { by, decision: form.decision, comment });
    case 'closure':
      return assignments.decideClosure(id, { by, decision: form.decision, comment });
    case 'deadline':
      return assignments.moveDeadline(id, {
        by,
        ...(form.period && { period: form.period }),
        to: form.to,
        reason: form.reason,
      });
    case 'reassign':
      return assignments.reassign(id, { by, to: form.to, reason: form.reason });
    case 'complete':
      return assignments.complete(id, { by, summary: form.summary });
    default: {
      const never: never = action;
      return never;
    }
  }
}

/**
 * The signed-in account, or a redirect to the sign-in page (then undefined: the caller returns the reply). The
 * authorization table decides which role may open which page; this only needs someone signed in.
 */
function signedIn(request: FastifyRequest, reply: FastifyReply): Account | undefined {
  if (request.account) return request.account;
  void reply.redirect(`/web/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  return undefined;
}

function officeOf(account: Account): string {
  if (!account.office) {
    throw new AppError('NOT_COORDINATOR', `账号 ${account.id} 没有所属的督办单位，不能办理督办事项；请管理员设置`);
  }
  return account.office;
}

function formOf(request: FastifyRequest): Form {
  const body = request.body;
  if (!body || typeof body !== 'object') return {};
  const form: Form = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') form[key] = value.trim() === '' ? undefined : value;
  }
  return form;
}

function doneMessage(request: FastifyRequest): string | undefined {
  const { done } = request.query as { done?: string };
  return done !== undefined && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
/** A bar's height class (assets.ts: .h-0 … .h-100 in steps of 5), never an inline style. */
const heightClass = (rate: number | null) => `h-${rate === null ? 0 : Math.round(rate * 20) * 5}`;
const when = (iso: string | undefined) => (iso ? formatShanghai(new Date(iso)) : '');

function cyclePage(request: FastifyRequest, account: Account, d: CycleDashboard, refusal?: string) {
  const { cycle } = d;
  const base = `/web/cycles/${encodeURIComponent(cycle.cycleId)}`;
  const next = cycle.schedule.find((s) => !cycle.bulletins.some((b) => b.period === s.key));
  return {
    title: cycle.title,
    account,
    csrfToken: csrfTokenOf(request),
    refreshSeconds: REFRESH_SECONDS,
    body: html`${flash('ok', doneMessage(request))}${flash('error', refusal)}
      <section id="state" data-refresh>
        <p>
          周期 <strong>${cycle.cycleId}</strong> · 督办单位 ${cycle.coordinator} · 状态
          <strong>${stateText(cycle)}</strong>
          · 督办事项 ${cycle.items}
          项${cycle.status === 'launching' ? html`（已交办 ${cycle.started + cycle.existing} 项）` : ''}
        </p>
        <p class="muted">
          已印发督查通报 ${cycle.bulletins.length} 期${next ? html`；下一期 ${next.label}，${when(next.at)}` : ''}
        </p>
      </section>
      <h2>灯色</h2>
      <section id="lights" data-refresh>
        <div class="counts">
          ${LIGHTS.map(
            (light) =>
              html`<div class="count" data-light="${light}">
                <strong>${d.lights[light]}</strong>${lightBadge(light)}
              </div>`,
          )}
        </div>
        ${d.awaiting > 0 ? html`<p class="muted">另有 ${d.awaiting} 项刚交办，灯色稍后显示。</p>` : ''}
      </section>
      <h2>按时报送率</h2>
      <section id="chart" data-refresh>
        ${
          d.periods.length === 0
            ? html`<p class="muted">还没有报送周期。</p>`
            : html`<div class="chart" role="img" aria-label="各报送周期的按时报送率">
                  ${d.periods.map(
                    (p) =>
                      html`<div
                        class="bar ${heightClass(p.onTimeRate)}${p.issued ? '' : ' so-far'}"
                        title="${p.label}：按时 ${p.onTime}，逾期 ${p.late}，未报 ${p.missing}，共 ${p.assigned} 项"
                      >
                        <span>${percent(p.onTimeRate)}</span>
                      </div>`,
                  )}
                </div>
                <div class="chart-labels">
                  ${d.periods.map((p) => html`<span>${p.label}${p.issued ? '' : '（截至目前）'}</span>`)}
                </div>`
        }
      </section>
      <h2>各单位</h2>
      <section id="units" data-refresh>
        ${dataTable(['单位', '督办事项', '灯色', '得分', '排名'], d.units, (u) => [
          u.unit,
          u.items,
          LIGHTS.filter((l) => u.lights[l] > 0).map((l) => html`${lightBadge(l)} ${u.lights[l]} `),
          u.score ?? '—',
          u.rank ?? '—',
        ])}
      </section>
      <h2>逾期与督办</h2>
      <section id="overdue" data-refresh>${overdueTable(d.overdue, false)}</section>
      <h2>督查通报</h2>
      <section id="bulletins" data-refresh>
        ${
          cycle.bulletins.length === 0
            ? html`<p class="muted">尚未印发督查通报。</p>`
            : html`<ul>
                ${cycle.bulletins.map(
                  (b) =>
                    html`<li>
                      ${b.label}（${when(b.issuedAt)}）
                      <a
                        class="button secondary"
                        href="/cycles/${encodeURIComponent(cycle.cycleId)}/bulletins/${encodeURIComponent(b.period)}/xlsx"
                        >下载 XLSX</a
                      >
                    </li>`,
                )}
              </ul>`
        }
      </section>
      <h2>周期操作</h2>
      <section id="actions" data-refresh>${cycleActions(request, base, cycle.status)}</section>`,
  };
}

function stateText(cycle: Pick<CycleView, 'status' | 'paused' | 'cancelled'>): string {
  if (cycle.status === 'paused' && cycle.paused) {
    return `已暂停（${cycle.paused.by}，${when(cycle.paused.at)}：${cycle.paused.reason}）`;
  }
  if (cycle.status === 'cancelled' && cycle.cancelled)
    return `已撤销（${cycle.cancelled.by}：${cycle.cancelled.reason}）`;
  return CYCLE_STATUS[cycle.status];
}

function cycleActions(request: FastifyRequest, base: string, status: CycleStatus): Html {
  const csrf = csrfField(csrfTokenOf(request));
  const pause = html`<form
    method="post"
    action="${base}/pause"
    data-confirm="确定暂停整个督办周期？暂停期间不再提醒和催办。"
  >
    ${csrf}
    <label for="pause-reason">暂停原因</label>
    <textarea id="pause-reason" name="reason" required maxlength="2000"></textarea>
    <p><button type="submit">暂停周期</button></p>
  </form>`;
  const resume = html`<form method="post" action="${base}/resume" data-confirm="确定恢复督办周期？">
    ${csrf}
    <label for="resume-reason">恢复原因</label>
    <textarea id="resume-reason" name="reason" required maxlength="2000"></textarea>
    <p><button type="submit">恢复周期</button></p>
  </form>`;
  const cancel = html`<form method="post" action="${base}/cancel" data-confirm="确定撤销整个督办周期？撤销后不能恢复。">
    ${csrf}
    <label for="cancel-reason">撤销原因</label>
    <textarea id="cancel-reason" name="reason" required maxlength="2000"></textarea>
    <p><button type="submit" class="secondary">撤销周期</button></p>
  </form>`;
  switch (status) {
    case 'running':
      return html`${pause}${cancel}`;
    case 'paused':
      return html`${resume}${cancel}`;
    case 'launching':
      return html`<p class="muted">正在发布，发布完成后可暂停。</p>
        ${cancel}`;
    case 'cancelled':
    case 'finished':
      return html`<p class="muted">周期${CYCLE_STATUS[status]}，没有可办理的操作。</p>`;
    default: {
      const never: never = status;
      return never;
    }
  }
}

function overdueTable(items: readonly EscalatedItem[], withCycle: boolean): Html {
  if (items.length === 0) return html`<p class="muted">没有逾期未报的督办事项。</p>`;
  // The escalations across cycles name each item's cycle in a first column; a cycle's own page does not.
  const cycle = <T>(cell: T): T[] => (withCycle ? [cell] : []);
  return dataTable([...cycle('周期'), '任务', '单位', '逾期周期', '督办层级'], items, (item) => [
    ...cycle(item.cycleId),
    html`<a href="/web/assignments/${encodeURIComponent(item.assignmentId)}">${item.ref}</a> ${item.title}`,
    item.unit,
    item.overduePeriods.join('、'),
    item.levelName ? html`<span class="light light-red">${item.levelName}</span>` : '逾期',
  ]);
}

function assignmentPage(request: FastifyRequest, account: Account, view: AssignmentView, refusal?: string) {
  const spec = view.spec;
  const base = `/web/assignments/${encodeURIComponent(view.assignmentId)}`;
  const csrf = csrfField(csrfTokenOf(request));
  const open = !['completed', 'cancelled', 'reassigned', 'unassigned'].includes(view.status);
  const toReview = view.periods.filter((p) => p.report && !p.report.accepted);
  return {
    title: spec ? `${spec.ref} ${spec.title}` : view.assignmentId,
    account,
    csrfToken: csrfTokenOf(request),
    refreshSeconds: REFRESH_SECONDS,
    body: html`${flash('ok', doneMessage(request))}${flash('error', refusal)}
      <section id="summary" data-refresh>
        <p>
          ${lightBadge(view.light)} 牵头单位 <strong>${spec?.unit ?? ''}</strong> · 状态
          ${ASSIGNMENT_STATUS[view.paused && open ? 'paused' : view.status] ?? view.status} · 完成时限
          ${spec?.deadlineText || spec?.due || ''}（${spec?.due ?? ''}）
        </p>
        ${spec && spec.cooperating.length > 0 ? html`<p class="muted">配合单位：${spec.cooperating.join('、')}</p>` : ''}
        ${view.sentBack ? html`<p>退回：${view.sentBack.unit}，${when(view.sentBack.at)}：${view.sentBack.reason}</p>` : ''}
        ${
          view.reassigned
            ? html`<p>
                已改派给 ${view.reassigned.to}（${view.reassigned.reason}）：
                <a href="/web/assignments/${encodeURIComponent(view.reassigned.successor)}"
                  >${view.reassigned.successor}</a
                >
              </p>`
            : ''
        }
        ${view.warnings.map((w) => html`<p class="muted">${w}</p>`)}
      </section>
      <h2>报送周期</h2>
      <section id="periods" data-refresh>
        ${dataTable(['周期', '截止', '报送', '督办'], view.periods, (p) => [
          p.label,
          html`${p.due}${p.originalDue ? html`<br /><span class="muted">原 ${p.originalDue}</span>` : ''}`,
          html`${
            p.report
              ? html`<div class="muted">
                    ${when(p.report.at)} · 完成
                    ${p.report.percentComplete}%${p.report.late ? ' · 逾期报送' : ''}${
                      p.report.accepted ? ' · 已审核通过' : ''
                    }
                  </div>
                  <div class="report-text">${p.report.summary}</div>`
              : p.overdue
                ? html`${lightBadge('red')} 逾期未报`
                : html`<span class="muted">未报送</span>`
          }
          ${p.returned ? html`<div class="muted">已退回重报：${p.returned.comment}</div>` : ''}`,
          p.escalations
            .map((l) => ({ urge: '催办', 'notify-head': '督办', 'report-coordinator': '通报' })[l])
            .join(' → '),
        ])}
      </section>
      ${
        open
          ? html`<h2>办理</h2>
              ${
                toReview.length > 0
                  ? html`<section>
                      <h3>审核报告</h3>
                      <form method="post" action="${base}/review">
                        ${csrf}
                        <label for="review-period">周期</label>
                        <select id="review-period" name="period">
                          ${toReview.map((p) => html`<option value="${p.period}">${p.label}</option>`)}
                        </select>
                        <label for="review-decision">结论</label>
                        <select id="review-decision" name="decision">
                          <option value="accept">通过</option>
                          <option value="return">退回重报</option>
                        </select>
                        <label for="review-comment">意见（退回时必填）</label>
                        <textarea id="review-comment" name="comment" maxlength="2000"></textarea>
                        <p><button type="submit">提交审核</button></p>
                      </form>
                    </section>`
                  : ''
              }
              ${
                view.extensionRequest
                  ? decision(
                      csrf,
                      `${base}/extension`,
                      '延期申请',
                      `${view.extensionRequest.unit}申请将${view.extensionRequest.period ?? '完成时限'}由 ${view.extensionRequest.from} 延至 ${view.extensionRequest.to}：${view.extensionRequest.reason}`,
                    )
                  : ''
              }
              ${
                view.closureRequest
                  ? decision(
                      csrf,
                      `${base}/closure`,
                      '办结申请',
                      `${view.closureRequest.unit}：${view.closureRequest.summary}`,
                    )
                  : ''
              }
              <section>
                <h3>调整时限</h3>
                <form method="post" action="${base}/deadline">
                  ${csrf}
                  <label for="deadline-period">调整哪一项</label>
                  <select id="deadline-period" name="period">
                    <option value="">完成时限</option>
                    ${view.periods.filter((p) => !p.report).map((p) => html`<option value="${p.period}">${p.label}报送截止</option>`)}
                  </select>
                  <label for="deadline-to">新的日期</label>
                  <input id="deadline-to" name="to" type="date" required />
                  <label for="deadline-reason">调整原因</label>
                  <textarea id="deadline-reason" name="reason" required maxlength="2000"></textarea>
                  <p><button type="submit">调整</button></p>
                </form>
              </section>
              <section>
                <h3>改派</h3>
                <form method="post" action="${base}/reassign" data-confirm="确定改派给另一单位？本单位的督办随即结束。">
                  ${csrf}
                  <label for="reassign-to">改派给（单位名称）</label>
                  <input id="reassign-to" name="to" type="text" required maxlength="64" />
                  <label for="reassign-reason">改派理由</label>
                  <textarea id="reassign-reason" name="reason" required maxlength="2000"></textarea>
                  <p><button type="submit" class="secondary">改派</button></p>
                </form>
              </section>
              <section>
                <h3>办结</h3>
                <form method="post" action="${base}/complete" data-confirm="确定办结（销号）该事项？">
                  ${csrf}
                  <label for="complete-summary">办结说明</label>
                  <textarea id="complete-summary" name="summary" required maxlength="2000"></textarea>
                  <p><button type="submit">办结</button></p>
                </form>
              </section>`
          : ''
      }`,
  };
}

function decision(csrf: Html, action: string, title: string, request: string): Html {
  const id = action.slice(action.lastIndexOf('/') + 1);
  return html`<section>
    <h3>${title}</h3>
    <p class="report-text">${request}</p>
    <form method="post" action="${action}">
      ${csrf}
      <label for="${id}-decision">答复</label>
      <select id="${id}-decision" name="decision">
        <option value="approve">同意</option>
        <option value="refuse">不同意</option>
      </select>
      <label for="${id}-comment">意见（不同意时必填）</label>
      <textarea id="${id}-comment" name="comment" maxlength="2000"></textarea>
      <p><button type="submit">答复</button></p>
    </form>
  </section>`;
}

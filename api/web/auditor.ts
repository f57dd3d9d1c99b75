/**
 * The auditor's workspace (审计): find an item, read its timeline (who did what, why, when — with the signed-in
 * account where the event records one), its state at a chosen moment, and whether its record can be trusted, in a
 * sentence. The same functions answer `duban audit …` and the JSON routes (api/audit-routes.ts). Reads only.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import type { AsOfView } from '../../domain/audit/as-of';
import { actorText } from '../../domain/audit/actor';
import type { Timeline } from '../../domain/audit/timeline';
import { asOfOf, timelineOf } from '../../infra/audit-read';
import type { AuditVerifier } from '../../infra/audit-verify';
import type { Light } from '../../workflows/assignment/decider';
import { asOfMoment, auditing, search, verifyAnswer, type VerdictAnswer } from '../audit-routes';
import { AppError } from '../errors';
import { htmlErrors } from './forms';
import { html, type Html } from './html';
import { dataTable, flash, lightBadge, sendPage } from './layout';

export interface AuditorPageOptions {
  pool: Pool;
  verifier?: AuditVerifier;
  now?: () => Date;
}

export const AUDITOR_PAGE_ROUTES = [
  { method: 'GET', url: '/web/audit' },
  { method: 'GET', url: '/web/audit/items/:id' },
] as const;

export function auditItemHref(assignmentId: string): string {
  return `/web/audit/items/${encodeURIComponent(assignmentId)}`;
}

const STATUS_WORDS: Record<string, string> = {
  unassigned: '未交办',
  assigned: '待签收',
  acknowledged: '已签收，办理中',
  completed: '已办结（销号）',
  cancelled: '已撤销',
  reassigned: '已改派',
};

export const auditorPages: FastifyPluginAsync<AuditorPageOptions> = async (scope, { pool, verifier, now }) => {
  htmlErrors(scope);
  const clock = now ?? (() => new Date());

  scope.get('/web/audit', async (request, reply) => {
    const query = (request.query ?? {}) as { q?: string; page?: string };
    const q = typeof query.q === 'string' ? query.q : '';
    let results: Html = html``;
    if (q.trim() !== '') {
      try {
        const found = await search(pool, { q, page: query.page });
        const pages = Math.max(1, Math.ceil(found.total / found.pageSize));
        const pageHref = (n: number) => `/web/audit?q=${encodeURIComponent(found.query)}&page=${n}`;
        results = html`<section>
          <p>找到 ${found.total} 项${found.total > 0 ? html`，第 ${found.page}/${pages} 页` : ''}。</p>
          ${
            found.items.length > 0
              ? dataTable(['任务', '牵头单位', '状态', '完成时限', '督办周期'], found.items, (i) => [
                  html`<a href="${auditItemHref(i.assignmentId)}">${i.ref} ${i.title}</a>`,
                  i.unit,
                  i.statusName,
                  html`${i.deadlineText || i.due}<br /><span class="muted">${i.due}</span>`,
                  i.cycleId ?? '—',
                ])
              : ''
          }
          <p>
            ${found.page > 1 ? html`<a href="${pageHref(found.page - 1)}">上一页</a>` : ''}
            ${found.page < pages ? html`<a href="${pageHref(found.page + 1)}">下一页</a>` : ''}
          </p>
        </section>`;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results = flash('error', error.message);
      }
    }
    return sendPage(reply, {
      title: '事项查询',
      account: request.account,
      body: html`<section>
          <form method="get" action="/web/audit" role="search">
            <label for="q">任务编号、标题中的词或牵头单位（空格分隔，每个词都须匹配）</label>
            <input id="q" name="q" type="search" value="${q}" maxlength="200" required />
            <p><button type="submit">查询</button></p>
          </form>
        </section>
        ${results}`,
    });
  });

  scope.get('/web/audit/items/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const query = (request.query ?? {}) as { at?: string; verify?: string };
    const timeline = await auditing(() => timelineOf(pool, id));
    const at = typeof query.at === 'string' ? query.at.trim() : '';
    let asOf: Html = html``;
    if (at !== '') {
      try {
        asOf = asOfView(await auditing(async () => asOfOf(pool, id, asOfMoment(at, clock()), clock())));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        asOf = flash('error', error.message);
      }
    }
    let verdict: Html = html``;
    if (query.verify !== undefined) {
      try {
        verdict = verdictView(await verifyAnswer(verifier, id));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        verdict = flash('error', error.message);
      }
    }
    const first = timeline.assignments[0];
    return sendPage(reply, {
      title: first ? `${first.ref} ${first.title}` : id,
      account: request.account,
      body: html`<section>
          <p>督办事项编号：<code>${id}</code></p>
          ${timeline.assignments.map((a) => html`<p>牵头单位：${a.unit}，${a.events} 条事件</p>`)}
        </section>
        <h2>核验</h2>
        <section id="verify">
          ${verdict}
          <form method="get" action="${auditItemHref(id)}">
            ${at !== '' ? html`<input type="hidden" name="at" value="${at}" />` : ''}
            <input type="hidden" name="verify" value="1" />
            <p class="muted">核对哈希链、事件库与 Temporal 工作流历史是否逐条一致、用当前工作流代码能否重放。</p>
            <button type="submit">${query.verify !== undefined ? '重新核验' : '核验记录'}</button>
          </form>
        </section>
        <h2>某一时刻的状态</h2>
        <section id="as-of">
          <form method="get" action="${auditItemHref(id)}">
            <label for="at">时刻（北京时间，如 2027-06-30 18:00；只写日期即当日 24:00）</label>
            <input id="at" name="at" type="text" value="${at}" placeholder="2027-06-30 18:00" required />
            <p><button type="submit">查看当时状态</button></p>
          </form>
          ${asOf}
        </section>
        <h2>时间线</h2>
        <section id="timeline">${timelineView(timeline)}</section>`,
    });
  });
};

function timelineView(timeline: Timeline): Html {
  if (timeline.entries.length === 0) return html`<p class="muted">没有事件。</p>`;
  return html`<p class="muted">${timeline.entries.length} 条事件，时间为北京时间。</p>
    <ol class="timeline">
      ${timeline.entries.map(
        (e) =>
          html`<li>
            <p><strong>${e.time}</strong> · ${actorText(e.actor)}</p>
            <p class="report-text">${e.what}</p>
            ${e.reason !== undefined && e.reason !== '' ? html`<p class="muted">理由：${e.reason}</p>` : ''}
            ${e.notices.map((n) => html`<p class="muted">通知 · ${n.kindName} → ${n.recipient}：${n.subject}</p>`)}
          </li>`,
      )}
    </ol>`;
}

function asOfView(view: AsOfView): Html {
  const reported = view.periods.filter((p) => p.report);
  return html`<div class="card" id="as-of-result">
    <p>截至 <strong>${view.asOfTime}</strong>（北京时间），据第 1–${view.lastSeq} 条事件：</p>
    <p>
      ${lightBadge(view.light as Light)}
      ${STATUS_WORDS[view.status] ?? view.status}${view.paused ? `（暂停中：${view.paused.reason}）` : ''}
    </p>
    <p>${reported.length === 0 ? '当时尚无报送。' : `当时已报送 ${reported.length} 期。`}</p>
    ${dataTable(['报送周期', '截止', '当时情况'], view.periods, (p) => [
      `${p.label}（${p.period}）`,
      p.due,
      p.report
        ? html`已报送（完成
            ${p.report.percentComplete}%${p.report.late ? '，逾期' : ''}${p.report.accepted ? '，已审核通过' : ''}）
            <p class="report-text">${p.report.summary}</p>`
        : p.overdue
          ? '逾期未报'
          : '未报送',
    ])}
    <p>
      逾期：${view.overdue.length === 0 ? '无' : view.overdue.map((o) => `${o.period}（截止 ${o.due}${o.reported ? '，后已补报' : ''}）`).join('、')}
    </p>
    <p>此前收到的通知：${view.told.length} 条</p>
  </div>`;
}

function verdictView(v: VerdictAnswer): Html {
  const leg = (name: string, r: { ok: boolean; message: string }) =>
    html`<li>${name}：${r.ok ? '✓ ' : '✗ '}${r.message}</li>`;
  return html`<div id="verify-result">
    ${flash(v.ok ? 'ok' : 'error', v.sentence)}
    <ul>
      ${leg('哈希链', v.chain)} ${leg('与 Temporal 历史比对', v.history)} ${leg('用当前工作流代码重放', v.replay)}
    </ul>
  </div>`;
}

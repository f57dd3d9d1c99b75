/**
 * The web workspace's page shell: one HTML document per page, rendered on the server in Chinese, with the app's own
 * stylesheet and one small script (api/web/assets.ts), nothing from elsewhere. Pages are built from `html`
 * templates (api/web/html.ts), so whatever a user wrote is shown as text.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_NAMES, isUnitRole, type Account } from '../auth/account';
import { html, type Html, type Value } from './html';

export interface PageOptions {
  title: string;
  body: Html;
  /** The signed-in account; the navigation is its role's. */
  account?: Account;
  /** The CSRF token of the session, for the sign-out form (and any form in `body`: see csrfField). */
  csrfToken?: string;
  /** Re-read the parts marked `data-refresh` every so many seconds without reloading (assets.ts). */
  refreshSeconds?: number;
  /** A refusal's code (api/errors.ts), on `<main data-problem>` for programs and tests reading the page. */
  problem?: string;
}

/** Where each role's workspace starts. */
export function homeOf(account: Account): string {
  if (account.role === 'coordinator') return '/web/cycles';
  if (isUnitRole(account.role)) return '/web/unit';
  if (account.role === 'auditor') return '/web/audit';
  return '/web/admin';
}

function navigation(account: Account): Html {
  const links: Array<[string, string]> =
    account.role === 'coordinator'
      ? [
          ['/web/cycles', '督办周期'],
          ['/web/escalations', '逾期与督办'],
        ]
      : isUnitRole(account.role)
        ? [
            ['/web/unit', '待办事项'],
            ['/web/unit/inbox', '消息'],
          ]
        : account.role === 'auditor'
          ? [['/web/audit', '事项查询']]
          : [['/web/admin', '账号与单位']];
  return html`<nav aria-label="主导航">${links.map(([href, label]) => html`<a href="${href}">${label}</a>`)}</nav>`;
}

/** The hidden field every state-changing form carries: the session's CSRF token (api/auth/authenticate.ts). */
export function csrfField(csrfToken: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />`;
}

export function page({ title, body, account, csrfToken, refreshSeconds, problem }: PageOptions): Html {
  const who = account
    ? html`<div class="who">
        <span>${account.displayName}（${account.unit ?? account.office ?? ROLE_NAMES[account.role]}）</span>
        <form method="post" action="/auth/sign-out">${csrfField(csrfToken)}<button type="submit">退出</button></form>
      </div>`
    : '';
  return html`<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · 督办系统</title>
    <link rel="stylesheet" href="/web/assets/app.css" />
    <script src="/web/assets/app.js" defer></script>
  </head>
  <body${refreshSeconds ? html` data-refresh-seconds="${refreshSeconds}"` : ''}>
    <header>
      <a class="brand" href="/web/">督办系统</a>
      ${account ? navigation(account) : ''} ${who}
    </header>
    <main${problem ? html` data-problem="${problem}"` : ''}>
      <h1>${title}</h1>
      ${body}
    </main>
  </body>
</html>`;
}

/** Answers a page as text/html. */
export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(page(options).value);
}

/** A refusal as a page of the workspace: its title, its Chinese detail, a way back, and its code on `<main>`. */
export function refusalPage(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: { status: number; title: string; code: string; detail: string },
): FastifyReply {
  return sendPage(reply.code(problem.status), {
    title: problem.title,
    problem: problem.code,
    body: html`${flash('error', problem.detail)}
      <p><a href="/web/">回到工作台</a> <span class="muted">请求编号 ${request.id}</span></p>`,
    ...(request.account && { account: request.account, csrfToken: csrfTokenOf(request) }),
  });
}

/** The CSRF token the authentication hook puts on a session's request (undefined for a bearer token). */
export function csrfTokenOf(request: FastifyRequest): string | undefined {
  return (request as FastifyRequest & { csrfToken?: string }).csrfToken;
}

const LIGHT_NAMES = { green: '绿灯', yellow: '黄灯', red: '红灯', none: '无' } as const;
export type LightName = keyof typeof LIGHT_NAMES;

/** A light as a badge whose colour and word both say it (colour alone is not enough for everyone). */
export function lightBadge(light: LightName): Html {
  return html`<span class="light light-${light}">${LIGHT_NAMES[light]}</span>`;
}

/**
 * A table of the workspace: its headings, then a row of cells for each item, in a wrapper that scrolls sideways on a
 * narrow screen (a phone's 375 px) instead of widening the page.
 */
export function dataTable<T>(
  headings: readonly string[],
  items: readonly T[],
  cells: (item: T) => readonly Value[],
): Html {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${headings.map((heading) => html`<th>${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (item) =>
            html`<tr>
              ${cells(item).map((cell) => html`<td>${cell}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A message above a page's content after an action: done (ok) or refused (error, with the problem's detail). */
export function flash(kind: 'ok' | 'error', text: string | undefined): Html {
  return text
    ? html`<p class="flash flash-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`
    : html``;
}

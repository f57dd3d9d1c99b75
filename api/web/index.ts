/**
 * The web workspace's routes that belong to no one role: its assets, the sign-in page, and /web/ which sends each
 * account to its own workspace. The role's pages register beside these (coordinator.ts, unit.ts, auditor.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RouteDoc } from '../openapi';
import { APP_CSS, APP_JS } from './assets';
import { html } from './html';
import { flash, homeOf, sendPage } from './layout';

const PAGE = { 200: { description: 'HTML 页面', contentType: 'text/html' } };

/** The shell's routes, described for /docs (the pages answer HTML, not JSON). */
export const WEB_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/web/',
    summary: '网页工作台入口：已登录的转到本角色的工作台，未登录的转到登录页',
    tags: ['网页工作台'],
    responses: { 303: { description: '转到工作台或登录页' } },
  },
  {
    method: 'GET',
    url: '/web/sign-in',
    summary: '登录页',
    tags: ['网页工作台'],
    query: z.object({ next: z.string().optional(), error: z.string().optional() }),
    responses: PAGE,
  },
  {
    method: 'GET',
    url: '/web/assets/app.css',
    summary: '工作台的样式表',
    tags: ['网页工作台'],
    responses: { 200: { description: 'CSS', contentType: 'text/css' } },
  },
  {
    method: 'GET',
    url: '/web/assets/app.js',
    summary: '工作台的脚本（局部刷新、确认、上传佐证材料）',
    tags: ['网页工作台'],
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
];

export const WEB_ROUTES = WEB_ROUTE_DOCS.map(({ method, url }) => ({ method, url }));

/** Only a path of this site: a `next` that would lead elsewhere (//host, http:…) goes home instead. */
export function samePath(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : undefined;
}

export const webRoutes: FastifyPluginAsync = async (scope) => {
  scope.get('/web/assets/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_CSS),
  );
  scope.get('/web/assets/app.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(APP_JS),
  );

  scope.get('/web/', async (request, reply) =>
    reply.redirect(request.account ? homeOf(request.account) : '/web/sign-in', 303),
  );

  scope.get('/web/sign-in', async (request, reply) => {
    const { next, error } = request.query as { next?: string; error?: string };
    const target = samePath(next) ?? '/web/';
    return sendPage(reply, {
      title: '登录',
      body: html`${flash('error', error ? '账号或密码不正确，或尝试次数过多，请稍后再试' : undefined)}
        <section>
          <form method="post" action="/auth/sign-in">
            <input type="hidden" name="next" value="${target}" />
            <label for="account">账号</label>
            <input id="account" name="account" type="text" autocomplete="username" required />
            <label for="password">密码</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
            <p><button type="submit">登录</button></p>
          </form>
        </section>`,
    });
  });
};

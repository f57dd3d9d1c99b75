/**
 * The admin's page (系统管理员): the accounts and the unit directory as they stand. Accounts are made and changed from
 * the server's command line (`duban users …`: a password never travels through a form or a shell's history), the
 * directory through `PUT /units` or `duban units import`; the page says how.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { formatShanghai } from '../../domain/calendar';
import { unitsWithoutChannel } from '../../domain/notify/contacts';
import { listAccounts } from '../../infra/account-store';
import { loadDirectory } from '../../infra/unit-store';
import { ROLE_NAMES } from '../auth/account';
import { html } from './html';
import { csrfTokenOf, dataTable, sendPage } from './layout';

export const ADMIN_PAGE_ROUTES = [{ method: 'GET', url: '/web/admin' }] as const;

export const adminPages: FastifyPluginAsync<{ pool: Pool }> = async (scope, { pool }) => {
  scope.get('/web/admin', async (request, reply) => {
    const [accounts, units] = await Promise.all([listAccounts(pool), loadDirectory(pool)]);
    const silent = unitsWithoutChannel(
      units,
      units.map((u) => u.name),
    );
    return sendPage(reply, {
      title: '账号与单位',
      ...(request.account && { account: request.account }),
      csrfToken: csrfTokenOf(request),
      body: html`<section>
          <h2>账号（${accounts.length}）</h2>
          <p class="muted">
            在服务器上用命令增加、停用账号和重设密码，如
            <code>npx duban users add li.na --role unit-member --name 李娜 --unit 市质监局 --generate-password</code
            >；详见 README 的「Sign-in and accounts」。
          </p>
          ${dataTable(['账号', '姓名', '角色', '单位 / 督办单位', '督办周期', '状态'], accounts, (a) => [
            a.id,
            a.displayName,
            ROLE_NAMES[a.role],
            a.unit ?? a.office ?? '',
            (a.cycles ?? []).join('、'),
            a.disabledAt ? `已停用（${formatShanghai(a.disabledAt)}）` : '正常',
          ])}
        </section>
        <section>
          <h2>单位名录（${units.length} 个单位）</h2>
          <p class="muted">用 <code>PUT /units</code> 或 <code>npx duban units import 名录.csv</code> 整表替换。</p>
          ${
            silent.length > 0
              ? html`<p>以下 ${silent.length} 个单位没有任何联系方式，通知只能在系统内查看：${silent.join('、')}</p>`
              : html`<p>每个单位都有联系方式。</p>`
          }
        </section>`,
    });
  });
};

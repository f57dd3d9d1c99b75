/**
 * The web workspace's pages described for /docs beside the JSON routes: a page answers HTML, and a form's post
 * answers 303 back to its page (with the outcome as a message on it). Their fields are the JSON routes' they stand
 * for, sent as a form with the session's `_csrf`.
 */
import { z } from 'zod';
import type { RouteDoc } from '../openapi';

const PAGES: ReadonlyArray<[RouteDoc['method'], string, string]> = [
  ['GET', '/web/cycles', '督办人员：本人督办的周期，及发布新周期（上传任务分解表）'],
  ['GET', '/web/cycles/:cycle', '督办人员：一个周期的进展——各期按时率、各色灯数、各单位得分、逾期与督办事项、督查通报'],
  ['POST', '/web/cycles/:cycle/pause', '督办人员：暂停一个周期（表单，须写明原因）'],
  ['POST', '/web/cycles/:cycle/resume', '督办人员：恢复一个暂停的周期（表单）'],
  ['POST', '/web/cycles/:cycle/cancel', '督办人员：撤销一个周期（表单，须写明原因）'],
  ['GET', '/web/escalations', '督办人员：本人各周期逾期和催办、督办、通报中的事项'],
  ['GET', '/web/assignments/:id', '督办人员：一个事项的各期报送和督办操作'],
  ['POST', '/web/assignments/:id/review', '督办人员：审核一期报送（通过或退回，表单）'],
  ['POST', '/web/assignments/:id/extension', '督办人员：答复延期申请（表单）'],
  ['POST', '/web/assignments/:id/closure', '督办人员：答复办结申请（表单）'],
  ['POST', '/web/assignments/:id/deadline', '督办人员：调整时限（表单）'],
  ['POST', '/web/assignments/:id/reassign', '督办人员：改派给其他单位（表单）'],
  ['POST', '/web/assignments/:id/complete', '督办人员：办结销号（表单）'],
  ['GET', '/web/unit', '单位：本单位的待办事项，逾期和临期的在前，配合事项另列'],
  ['GET', '/web/unit/inbox', '单位：本单位收到的通知'],
  ['GET', '/web/unit/items/:id', '单位：一个事项的各期报送，及签收、报送、退回、延期、申请办结、协办意见'],
  ['POST', '/web/unit/items/:id/acknowledge', '单位：签收（表单）'],
  ['POST', '/web/unit/items/:id/report', '单位：报送进展（文字、完成比例、指标值、佐证材料；表单）'],
  ['POST', '/web/unit/items/:id/contribution', '配合单位：报送协办意见（表单）'],
  ['POST', '/web/unit/items/:id/extension', '单位负责人：申请延期（表单）'],
  ['POST', '/web/unit/items/:id/closure', '单位负责人：申请办结（表单）'],
  ['POST', '/web/unit/items/:id/send-back', '单位负责人：退回（表单，须写明理由）'],
  ['GET', '/web/audit', '审计人员：按编号、名称或单位查找事项'],
  ['GET', '/web/admin', '系统管理员：账号和单位名录的现状（账号用命令行管理）'],
  ['GET', '/web/audit/items/:id', '审计人员：一个事项的全过程、任一时点的状态与核验结果'],
];

const PARAMS: Record<string, z.ZodType> = {
  cycle: z.string().describe('督办周期编号'),
  id: z.string().describe('督办事项编号'),
};

/** The page's address parameters (:cycle, :id), as its JSON route names them. */
function paramsOf(url: string): Pick<RouteDoc, 'params'> {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return names.length === 0 ? {} : { params: z.object(Object.fromEntries(names.map((name) => [name, PARAMS[name]!]))) };
}

export const PAGE_ROUTE_DOCS: RouteDoc[] = PAGES.map(([method, url, summary]): RouteDoc =>
  method === 'GET'
    ? {
        method,
        url,
        summary,
        tags: ['网页工作台'],
        ...paramsOf(url),
        responses: { 200: { description: 'HTML 页面', contentType: 'text/html' } },
      }
    : {
        method,
        url,
        summary,
        tags: ['网页工作台'],
        ...paramsOf(url),
        bodyType: 'form',
        responses: { 303: { description: '回到本页，页面上显示办理结果或拒绝的原因' } },
      },
);

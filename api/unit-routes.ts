/**
 * A unit's worklist over HTTP: the items it leads and those it cooperates on, what needs doing first. The unit is
 * the address's (`/units/:unit/assignments`); the authorization table (api/access.ts) lets a unit's members read
 * only their own unit's, and answers 404 for another's.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ReadModelLag } from '../read-models/status';
import { lagHeader } from '../read-models/status';
import { unitItems } from '../read-models/unit-items';
import { unitName } from '../workflows/assignment/caller';
import type { RouteDoc } from './openapi';
import { AppError } from './errors';

export interface UnitAssignmentRouteOptions {
  pool: Pool;
  /** How far behind the read models are (the API's shared gauge), for the Read-Model-Lag header. */
  lag: () => Promise<ReadModelLag>;
  /** The instant the lights are judged at; the real clock outside tests. */
  now?: () => Date;
}

/** The addresses served here, for the API's answer to other methods (405 with Allow) and the authorization table. */
export const UNIT_ASSIGNMENT_ROUTES = [{ method: 'GET', url: '/units/:unit/assignments' }] as const;

const light = z.enum(['green', 'yellow', 'red', 'none']);
export const unitItemSchema = z.object({
  assignmentId: z.string().describe('督办事项编号：计划:任务编号:牵头单位'),
  ref: z.string().describe('任务编号'),
  title: z.string(),
  role: z.enum(['lead', 'cooperating']).describe('lead：本单位牵头；cooperating：本单位配合'),
  roleName: z.enum(['牵头', '配合']),
  leadUnit: z.string(),
  status: z.string(),
  statusName: z.string().describe('待签收、办理中、已办结、已撤销、已改派'),
  paused: z.boolean(),
  light: light.describe('此刻的灯色，按已存事件和当前时间判定；已结束的事项为 none'),
  nextDue: z.object({ period: z.string(), label: z.string(), due: z.string() }).optional(),
  deadlineText: z.string(),
  due: z.string().describe('完成时限，YYYY-MM-DD（含延期）'),
  overduePeriods: z.array(z.string()),
  cycleId: z.string().nullable(),
});

/** The routes' descriptions for the OpenAPI document (api/openapi.ts RouteDoc). */
export const UNIT_ASSIGNMENT_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/units/:unit/assignments',
    summary: '本单位的督办事项：牵头的和配合的，逾期和临期的在前',
    description:
      '名单与状态来自读模型（由事件主题构建，落后程度见 Read-Model-Lag 头）；灯色、下一报送期和逾期周期按请求时刻、' +
      '由事项已存事件重演得出。',
    tags: ['单位'],
    params: z.object({ unit: unitName }),
    responses: { 200: { description: '事项列表（最多 500 项）', schema: z.array(unitItemSchema) } },
    problems: ['INVALID_PAYLOAD', 'NOT_FOUND'],
  },
];

export const unitAssignmentRoutes: FastifyPluginAsync<UnitAssignmentRouteOptions> = async (scope, options) => {
  const now = options.now ?? (() => new Date());
  scope.get('/units/:unit/assignments', async (request, reply) => {
    const unit = unitName.safeParse((request.params as { unit: string }).unit);
    if (!unit.success) throw new AppError('INVALID_PAYLOAD', `单位名称有误：${unit.error.issues[0]?.message}`);
    const items = await unitItems(options.pool, unit.data, now());
    void reply.header('read-model-lag', lagHeader(await options.lag()));
    return items;
  });
};

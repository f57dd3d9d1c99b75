/**
 * `duban deliveries`: where the notices stand on people's channels (email, group-chat robots, webhooks) — how many
 * were sent, are held (outside office hours, or waiting for a channel to answer), wait for a daily digest, or failed
 * — and the list of one state, failed by default, each with its reason.
 */
import { formatShanghai } from '../domain/calendar';
import { DELIVERY_STATES, deliveryCounts, listDeliveries, type DeliveryState } from '../infra/delivery-store';
import type { DeliveryOutcomeKind } from '../workflows/delivery/messages';
import { parseArgs, UsageError } from './args';
import { withPool } from './connections';
import type { Io } from './plan-command';

export const DELIVERIES_USAGE = `  duban deliveries [--state failed|held|digest|sent] [--recipient 单位] [--assignment 督办事项] [--format text|json]
      通知投递情况：各状态的数量，以及某一状态（默认“投递失败”）的投递清单，含渠道、地址、时间和原因`;

const STATE_NAMES: Record<DeliveryOutcomeKind, string> = {
  sent: '已送达',
  held: '暂缓',
  digest: '待汇总',
  failed: '投递失败',
};
const CHANNEL_NAMES: Record<string, string> = { email: '邮件', json: 'Webhook', dingtalk: '钉钉', wecom: '企业微信' };

export async function deliveriesCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['state', 'recipient', 'assignment', 'format']);
  if (args.positionals.length > 0) throw new UsageError(`deliveries 不接受参数 ${args.positionals.join(' ')}`);
  const state = (args.options.get('state') ?? 'failed') as DeliveryOutcomeKind;
  if (!DELIVERY_STATES.includes(state)) {
    throw new UsageError(`--state 只能是 ${DELIVERY_STATES.join('、')} 之一，而不是 ${state}`);
  }
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format 只能是 text 或 json，而不是 ${format}`);
  const filter = {
    state,
    recipient: args.options.get('recipient'),
    assignmentId: args.options.get('assignment'),
  };
  const { counts, deliveries } = await withPool(io, async (pool) => ({
    counts: await deliveryCounts(pool),
    deliveries: await listDeliveries(pool, filter),
  }));
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ counts, deliveries }, null, 2)}\n`);
    return 0;
  }
  const summary = DELIVERY_STATES.map((s) => `${STATE_NAMES[s]} ${counts[s]}`).join('，');
  const list =
    deliveries.length === 0
      ? `没有${STATE_NAMES[state]}的投递`
      : `${STATE_NAMES[state]} ${deliveries.length} 条：\n${deliveries.map(line).join('\n')}`;
  io.stdout(`通知投递：${summary}\n${list}\n`);
  return 0;
}

function line(d: DeliveryState): string {
  const channel = CHANNEL_NAMES[d.channel] ?? d.channel;
  return `  ${formatShanghai(new Date(d.at))}  ${d.recipient} ${channel} ${d.address}  ${d.subject}${d.detail ? `：${d.detail}` : ''}`;
}

/**
 * `duban audit …`: what an auditor (审计, 纪检, the 督查室 a year later) asks of the record — the timeline of a task,
 * the state of an assignment at a past moment, whether the record can be trusted (hash chain, Temporal history,
 * replay), and a signed package to take away and check with no server running. Reads only: nothing an audit command
 * does changes the event store or a workflow.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatAsOf } from '../domain/audit/as-of';
import { parseAuditTime } from '../domain/audit/time';
import { formatTimeline, type TimelineFormat } from '../domain/audit/timeline';
import { asOfOf, timelineOf } from '../infra/audit-read';
import { loadOrCreateSigningKey, publicKeyPathOf } from '../infra/signing-key';
import { parseArgs, UsageError } from './args';
import { cycleStreams, firstFailure, formatVerdict, verifyOne, verifyStreams } from '../infra/audit-verify';
import { progressBar } from './progress';
import { exportCycle, formatPackageReport, requireEmptyDir, verifyPackageDir } from './audit-export';
import { configOf, withPool, withTemporal } from './connections';
import type { Io } from './plan-command';
import { auditRefusals, REFUSALS_USAGE } from './refusals-command';

export const AUDIT_USAGE = `  duban audit timeline 任务或督办事项编号 [--format text|json|md|html] [--out FILE]
      时间线：每条事件的时间（北京时间）、办理方、经过，以及为它发出的每条通知和收件人；任务编号列出该任务的
      全部督办事项（含改派后的接办事项）；html 为不依赖外部资源的单个网页
  duban audit as-of 督办事项编号 时间 [--json]
      某一时刻（北京时间，如 "2027-06-30 18:00"，或带时区的 ISO 时间）的状态：按当时已存的事件重演得出的状态、
      灯色、各报送周期、逾期情况，以及责任单位此前收到的通知
  duban audit verify 督办事项编号 | --cycle 周期 [--json]
      核验：哈希链完整；事件库与 Temporal 工作流历史逐条一致（事件、顺序、时间）；历史能用当前工作流代码无
      不确定性地重放。指出第一条不符的事件及原因，未通过时退出码为 3；周期显示进度和汇总
  duban audit export --cycle 周期 DIR
      导出审计包到新的（或空的）目录：事件（JSON lines，含元数据和哈希链）、Temporal 历史、发布所用的计划和任务
      分解表、通知，以及 SHA-256 清单和部署的 Ed25519 签名（密钥见 AUDIT_SIGNING_KEY，首次使用时创建）
  duban audit verify --package DIR [--public-key 部署公钥.pem]
      无需任何服务器核验审计包：每个文件的校验和、无缺少无多出、签名、每个事件流的哈希链、事件与所附 Temporal
      历史一致、任务分解表与发布时的哈希一致；指出被改动的文件或事件
${REFUSALS_USAGE}`;

const FORMATS: readonly TimelineFormat[] = ['text', 'json', 'md', 'html'];

export async function auditCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  switch (sub) {
    case 'timeline':
      return auditTimeline(argv, io);
    case 'as-of':
      return auditAsOf(argv, io);
    case 'verify':
      return auditVerify(argv, io);
    case 'export':
      return auditExport(argv, io);
    case 'refusals':
      return auditRefusals(argv, io);
    case undefined:
    default:
      throw new UsageError(`未知的 audit 子命令 ${sub ?? '（无）'}；可用：timeline、as-of、verify、export、refusals`);
  }
}

async function auditTimeline(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['format', 'out']);
  if (args.positionals.length !== 1) throw new UsageError('请给出一个任务编号或督办事项编号');
  const subject = args.positionals[0]!;
  const format = (args.options.get('format') ?? 'text') as TimelineFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format 应为 text、json、md 或 html，不是“${format}”`);
  const text = await withPool(io, async (pool) => formatTimeline(await timelineOf(pool, subject), format));
  const out = args.options.get('out');
  if (out === undefined) {
    io.stdout(text);
    return 0;
  }
  writeFileSync(resolve(io.cwd, out), text);
  io.stderr(`duban：时间线 → ${out}\n`);
  return 0;
}

async function auditAsOf(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['json']);
  if (args.positionals.length !== 2) {
    throw new UsageError(
      '请给出督办事项编号和时间，如 duban audit as-of ezhou-2017:五.(二).29:市质监局 "2027-06-30 18:00"',
    );
  }
  const [assignmentId, timeText] = args.positionals as [string, string];
  const at = parseAuditTime(timeText);
  const view = await withPool(io, (pool) => asOfOf(pool, assignmentId, at, new Date()));
  io.stdout(args.flags.has('json') ? `${JSON.stringify(view, null, 2)}\n` : formatAsOf(view));
  return 0;
}

/** Exit code of a verification that found something wrong: not a usage error, not a crash. */
export const VERIFY_FAILED = 3;

async function auditVerify(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['cycle', 'package', 'public-key'], ['json']);
  const packageDir = args.options.get('package');
  if (packageDir !== undefined) {
    if (args.positionals.length > 0 || args.options.has('cycle')) {
      throw new UsageError('--package 单独使用：duban audit verify --package DIR');
    }
    const report = verifyPackageDir(resolve(io.cwd, packageDir), optionalPath(io, args.options.get('public-key')));
    io.stdout(
      args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatPackageReport(packageDir, report),
    );
    return report.ok ? 0 : VERIFY_FAILED;
  }
  const cycleId = args.options.get('cycle');
  if ((cycleId === undefined) === (args.positionals.length === 0) || args.positionals.length > 1) {
    throw new UsageError('请给出一个督办事项编号，或 --cycle 周期名称（二者选一）');
  }
  const json = args.flags.has('json');
  return withTemporal(io, (client) =>
    withPool(io, async (pool) => {
      if (cycleId === undefined) {
        const verdict = await verifyOne(pool, client, args.positionals[0]!);
        io.stdout(json ? `${JSON.stringify(verdict, null, 2)}\n` : formatVerdict(verdict));
        return verdict.ok ? 0 : VERIFY_FAILED;
      }
      const streams = await cycleStreams(pool, cycleId);
      const verdicts = await verifyStreams(pool, client, streams, {
        progress: progressBar(io, '核验中', streams.length),
      });
      const failed = verdicts.filter((v) => !v.ok);
      if (json) {
        io.stdout(
          `${JSON.stringify({ cycleId, verified: verdicts.length - failed.length, failed: failed.length, verdicts }, null, 2)}\n`,
        );
      } else {
        const events = verdicts.reduce((n, v) => n + v.events, 0);
        io.stdout(
          `督办周期 ${cycleId}：核验 ${verdicts.length} 个事件流（${events} 条事件），通过 ${verdicts.length - failed.length}，` +
            `未通过 ${failed.length}\n` +
            failed.map((v) => `  ✗ ${v.stream}：${firstFailure(v)}\n`).join(''),
        );
      }
      return failed.length === 0 ? 0 : VERIFY_FAILED;
    }),
  );
}

function optionalPath(io: Io, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(io.cwd, path);
}

async function auditExport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['cycle']);
  const cycleId = args.options.get('cycle');
  if (!cycleId)
    throw new UsageError('缺少 --cycle：要导出的督办周期，如 duban audit export --cycle ezhou-2017 审计包目录');
  if (args.positionals.length !== 1) throw new UsageError('请给出一个导出目录（新的或空的目录）');
  const dir = resolve(io.cwd, args.positionals[0]!);
  requireEmptyDir(dir);
  const keyPath = resolve(io.cwd, configOf(io).AUDIT_SIGNING_KEY);
  return withTemporal(io, (client) =>
    withPool(io, async (pool) => {
      const key = loadOrCreateSigningKey(keyPath);
      if (key.created) {
        io.stderr(`duban：已创建审计签名密钥 ${keyPath}（仅属主可读）；公钥 ${publicKeyPathOf(keyPath)} 可对外公布\n`);
      }
      const manifest = await exportCycle(pool, client, { cycleId, dir, key });
      const events = manifest.streams.reduce((n, s) => n + s.count, 0);
      io.stdout(
        `审计包 → ${args.positionals[0]}：督办周期 ${cycleId}，${manifest.streams.length} 个事件流、${events} 条事件，` +
          `${manifest.files.length} 个文件；签名密钥指纹 ${key.fingerprint}\n` +
          manifest.notes.map((n) => `说明：${n}\n`).join(''),
      );
      return 0;
    }),
  );
}

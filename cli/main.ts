/** duban — the command line. Subcommands are registered in this file. */
import { AppError } from '../api/errors';
import { PlanError } from '../domain/plan';
import { AuditError } from '../domain/audit/errors';
import { AuthError } from '../infra/auth/errors';
import { ServerUnreachableError } from '../infra/reachability';
import { UsageError } from './args';
import { AUDIT_USAGE, auditCommand } from './audit-command';
import { CALENDAR_USAGE, calendarCommand } from './calendar-command';
import { CYCLE_USAGE, cycleCommand } from './cycle-command';
import { DELIVERIES_USAGE, deliveriesCommand } from './deliveries-command';
import { SIMULATE_USAGE, simulateCommand } from './simulate-command';
import { TASK_USAGE, taskCommand } from './task-command';
import { OUTBOX_USAGE, outboxCommand } from './outbox-command';
import { PLAN_USAGE, planImport, planParse, type Io } from './plan-command';
import { READMODELS_USAGE, readmodelsCommand } from './readmodels-command';
import { UNITS_USAGE, unitsCommand } from './units-command';
import { TOKEN_USAGE, USERS_USAGE, tokenCommand, usersCommand } from './users-command';

const USAGE = `duban — 督办：政府工作计划的督查督办

${PLAN_USAGE}
${UNITS_USAGE}
${CALENDAR_USAGE}
${CYCLE_USAGE}
${TASK_USAGE}
${DELIVERIES_USAGE}
${SIMULATE_USAGE}
${OUTBOX_USAGE}
${READMODELS_USAGE}
${AUDIT_USAGE}
${USERS_USAGE}
${TOKEN_USAGE}

退出码：0 成功；2 用法或输入有误（提示中写明如何改正）；3 审计核验未通过（写明哪一条不符）；1 意外错误`;

/**
 * Runs one command and resolves to its exit code, touching nothing of the process but the files it names: so the
 * unit tests run the command in-process, with buffers for stdio and a temporary directory, and bin/duban.js (through
 * `run`) only connects it to the real ones. Expected errors print one message, never a stack trace.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'plan') {
      if (sub === 'parse') return await planParse(rest, io);
      if (sub === 'import') return await planImport(rest, io);
      if (sub === '--help' || sub === 'help') {
        io.stdout(`${PLAN_USAGE}\n`);
        return 0;
      }
      throw new UsageError(`未知的 plan 子命令 ${sub ?? '（无）'}；可用：parse、import`);
    }
    if (command === 'outbox') return await outboxCommand(sub, rest, io);
    if (command === 'readmodels') return await readmodelsCommand(sub, rest, io);
    if (command === 'deliveries') return await deliveriesCommand(argv.slice(1), io);
    if (command === 'calendar') return await calendarCommand(sub, rest, io);
    if (command === 'units') return await unitsCommand(sub, rest, io);
    if (command === 'cycle') return await cycleCommand(sub, rest, io);
    if (command === 'task') return await taskCommand(sub, rest, io);
    if (command === 'audit') return await auditCommand(sub, rest, io);
    if (command === 'simulate') return await simulateCommand(argv.slice(1), io);
    if (command === 'users') return await usersCommand(sub, rest, io);
    if (command === 'token') return await tokenCommand(sub, rest, io);
    throw new UsageError(
      `未知的命令 ${command}；可用：plan、units、calendar、cycle、task、simulate、outbox、readmodels、audit、users、token、help`,
    );
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`duban：${e.message}\n${USAGE.split('\n').slice(2).join('\n')}\n`);
      return 2;
    }
    if (e instanceof PlanError || e instanceof AuditError || e instanceof AuthError) {
      io.stderr(`duban：${e.message} [${e.code}]\n`);
      return 2;
    }
    if (e instanceof AppError) {
      io.stderr(`duban：${e.message} [${e.code}]\n`);
      return e.status >= 500 ? 1 : 2;
    }
    if (e instanceof ServerUnreachableError) {
      io.stderr(`duban：${e.message}\n`);
      return 1;
    }
    const err = e as Error;
    io.stderr(
      `duban：意外错误：${err.message}\n${(io.env ?? process.env).DUBAN_DEBUG ? `${err.stack}\n` : '（设置 DUBAN_DEBUG=1 可看到调用栈）\n'}`,
    );
    return 1;
  }
}

/** Entry point for bin/duban.js: real stdio, exit code on the process. */
export function run(argv: string[] = process.argv.slice(2)): void {
  const io: Io = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    isTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  void main(argv, io).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();

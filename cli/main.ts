/** duban — the command line. Subcommands are registered in this file. */
import { PlanError } from '../domain/plan';
import { ServerUnreachableError } from '../infra/reachability';
import { UsageError } from './args';
import { CALENDAR_USAGE, calendarCommand } from './calendar-command';
import { OUTBOX_USAGE, outboxCommand } from './outbox-command';
import { PLAN_USAGE, planImport, planParse, type Io } from './plan-command';

const USAGE = `duban — 督办, supervision of government action plans

${PLAN_USAGE}
${OUTBOX_USAGE}
${CALENDAR_USAGE}

exit codes: 0 success, 2 bad usage or input (the message says what to fix), 1 unexpected failure`;

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
      throw new UsageError(`unknown plan command ${sub ?? '(none)'}; use parse or import`);
    }
    if (command === 'outbox') return await outboxCommand(sub, rest, io);
    if (command === 'calendar') return await calendarCommand(sub, rest, io);
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`duban: ${e.message}\n${USAGE.split('\n').slice(2).join('\n')}\n`);
      return 2;
    }
    if (e instanceof PlanError) {
      io.stderr(`duban: ${e.message} [${e.code}]\n`);
      return 2;
    }
    if (e instanceof ServerUnreachableError) {
      io.stderr(`duban: ${e.message}\n`);
      return 1;
    }
    const err = e as Error;
    io.stderr(
      `duban: unexpected failure: ${err.message}\n${(io.env ?? process.env).DUBAN_DEBUG ? `${err.stack}\n` : '(set DUBAN_DEBUG=1 for the stack trace)\n'}`,
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
  };
  void main(argv, io).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) run();
